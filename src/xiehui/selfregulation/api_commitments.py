"""Filled by the helper that owns it."""

from ninja import Router

router = Router()
