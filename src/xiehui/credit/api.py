"""The credit lists on the data port."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["credit 信用"])
