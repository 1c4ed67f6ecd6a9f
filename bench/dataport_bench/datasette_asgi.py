"""Datasette as an ASGI app for `uvicorn --workers N` (runs in Datasette's own virtualenv, not xiehui's).

`datasette serve` is one process; uvicorn's workers give it as many processes as granian's for xiehui.
BENCH_DATASETTE_DB names the SQLite file (opened immutable, as `datasette serve -i` does) and
BENCH_DATASETTE_METADATA the metadata file with the canned query.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from datasette.app import Datasette

datasette = Datasette(
    immutables=[os.environ["BENCH_DATASETTE_DB"]],
    metadata=json.loads(Path(os.environ["BENCH_DATASETTE_METADATA"]).read_text(encoding="utf-8")),
)
app = datasette.app()
