"""Web routes of fee standards (FEE-1), included by membership/urls.py (namespace "membership")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_fees as views

urlpatterns: list[URLPattern] = [
    path("workspace/fees/", views.workspace_fees, name="fee_workspace_list"),
    path("workspace/fees/new/", views.workspace_fee_new, name="fee_workspace_new"),
    path("workspace/fees/<int:pk>/", views.workspace_fee, name="fee_workspace_detail"),
    path("workspace/fees/<int:pk>/edit/", views.workspace_fee_edit, name="fee_workspace_edit"),
    path("workspace/fees/<int:pk>/discard/", views.workspace_fee_discard, name="fee_workspace_discard"),
    path("workspace/fees/<int:pk>/publish/", views.workspace_fee_publish, name="fee_workspace_publish"),
    path("console/fees/<int:pk>/", views.console_fee, name="fee_console_detail"),
    path("my/fees/<int:pk>/", views.my_fee, name="fee_member_detail"),
]
