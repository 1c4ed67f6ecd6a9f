"""Panels and links that supervision (complaints) adds to the shared faces (web/panels.py)."""

from __future__ import annotations
