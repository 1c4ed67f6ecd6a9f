"""Web routes of the members directory (workspace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "membership"

urlpatterns: list[URLPattern] = [
    path("workspace/members/", views.workspace_members, name="workspace_members"),
    path("workspace/members/new/", views.workspace_member_new, name="workspace_member_new"),
    path("workspace/members/<int:pk>/", views.workspace_member, name="workspace_member"),
]
