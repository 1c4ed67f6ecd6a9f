"""Panels and links that credit adds to the shared faces (web/panels.py)."""

from __future__ import annotations
