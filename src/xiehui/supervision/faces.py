"""Registers supervision's panels and links on the shared faces (imported by SupervisionConfig.ready)."""

from __future__ import annotations

from . import faces_complaints, faces_engine, faces_orders, faces_reports  # noqa: F401
