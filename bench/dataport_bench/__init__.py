"""Parts of the data-port benchmark (`bench/data_port.py` is the entry point)."""
