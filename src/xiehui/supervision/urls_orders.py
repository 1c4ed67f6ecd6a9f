"""Web routes for supervision: orders, penalties, letters and court entries (included by supervision/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_orders as views

urlpatterns: list[URLPattern] = [
    # console
    path("console/orders/", views.console_orders, name="console_orders"),
    path("console/orders/new/", views.console_order_new, name="console_order_new"),
    path("console/orders/<int:pk>/", views.console_order, name="console_order"),
    path("console/penalties/", views.console_penalties, name="console_penalties"),
    path("console/penalties/new/", views.console_penalty_new, name="console_penalty_new"),
    path("console/organizations/<str:uscc>/facts/", views.console_facts, name="console_facts"),
    path("console/court-entries/", views.court_entries, name="court_entries"),
    # shared by the console and the workspace
    path("orders/<int:pk>/evidence/<int:attachment_pk>/", views.order_attachment, name="order_attachment"),
    # workspace
    path("workspace/orders/", views.workspace_orders, name="workspace_orders"),
    path("workspace/orders/<int:pk>/", views.workspace_order, name="workspace_order"),
]
