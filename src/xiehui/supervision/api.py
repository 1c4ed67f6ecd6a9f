"""Supervision on the data port: annual reports, orders, penalties, facts, complaints, inspections, flags."""

from __future__ import annotations

from ninja import Router

from . import api_complaints, api_engine, api_orders, api_reports

router = Router()
router.add_router("/", api_reports.router)
router.add_router("/", api_orders.router)
router.add_router("/", api_complaints.router)
router.add_router("/", api_engine.router)
