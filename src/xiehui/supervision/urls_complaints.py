"""Web routes for supervision: complaints (SUP-1) and key inspections (SUP-2) (included by supervision/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_complaints as views

urlpatterns: list[URLPattern] = [
    # portal
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/status/", views.complaint_status, name="complaint_status"),
    # console
    path("console/complaints/", views.console_complaints, name="console_complaints"),
    path("console/complaints/<int:pk>/", views.console_complaint, name="console_complaint"),
    path("console/complaints/<int:pk>/contact/", views.console_complaint_contact, name="console_complaint_contact"),
    path(
        "console/complaints/<int:pk>/attachments/<int:attachment_id>/",
        views.console_complaint_attachment,
        name="console_complaint_attachment",
    ),
    path("console/inspections/", views.console_inspections, name="console_inspections"),
    path("console/inspections/new/", views.console_inspection_new, name="console_inspection_new"),
    path("console/inspections/<int:pk>/", views.console_inspection, name="console_inspection"),
]
