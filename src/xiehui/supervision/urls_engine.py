"""Web routes for the rules engine's faces (included by supervision/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_engine

urlpatterns: list[URLPattern] = [
    path("console/rules/", views_engine.console_rules, name="console_rules"),
    path("console/flags/", views_engine.console_flags, name="console_flags"),
    path("workspace/reminders/", views_engine.workspace_reminders, name="workspace_reminders"),
    path("workspace/reminders/<int:pk>/read/", views_engine.workspace_reminder_read, name="workspace_reminder_read"),
]
