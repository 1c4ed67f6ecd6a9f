"""Web routes for supervision: complaints (included by supervision/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
