"""Self-regulation's panels and links on the shared faces (web/panels.py)."""

from . import faces_commitments, faces_norms  # noqa: F401  (each registers its panels and links)
