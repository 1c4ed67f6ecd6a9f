"""Filled by the helper that owns it."""

urlpatterns: list = []
