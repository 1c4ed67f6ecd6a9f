"""Web routes for supervision: annual work reports (included by supervision/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_reports as views

urlpatterns: list[URLPattern] = [
    path("workspace/reports/", views.workspace_reports, name="workspace_reports"),
    path("workspace/reports/new/", views.workspace_report_new, name="workspace_report_new"),
    path("workspace/reports/<int:pk>/", views.workspace_report, name="workspace_report"),
    path("reports/<int:pk>/attachments/<int:attachment_id>/", views.report_attachment, name="report_attachment"),
    path("console/reports/", views.console_reports, name="console_reports"),
    path("console/reports/<int:pk>/", views.console_report, name="console_report"),
]
