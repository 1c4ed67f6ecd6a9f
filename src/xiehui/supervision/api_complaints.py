"""Data port routes for supervision: complaints (mounted by supervision/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["supervision 监管"])
