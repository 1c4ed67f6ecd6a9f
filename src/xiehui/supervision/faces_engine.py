"""Panels and links that supervision (engine) adds to the shared faces (web/panels.py)."""

from __future__ import annotations
