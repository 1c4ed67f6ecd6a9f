"""Web routes for norms and the integrity body (included by selfregulation/urls.py, namespace "selfregulation")."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_norms as views

urlpatterns: list[URLPattern] = [
    # portal
    path("organizations/<str:uscc>/norms/", views.norm_public_list, name="norm_public_list"),
    path("organizations/<str:uscc>/norms/<int:pk>/", views.norm_public_detail, name="norm_public_detail"),
    # workspace
    path("workspace/norms/", views.workspace_norms, name="norm_workspace_list"),
    path("workspace/norms/new/", views.workspace_norm_new, name="norm_workspace_new"),
    path("workspace/norms/integrity-body/", views.workspace_integrity_body, name="integrity_body_edit"),
    path("workspace/norms/<int:pk>/", views.workspace_norm, name="norm_workspace_detail"),
    path("workspace/norms/<int:pk>/amend/", views.workspace_norm_amend, name="norm_workspace_amend"),
    path("workspace/norms/<int:pk>/repeal/", views.workspace_norm_repeal, name="norm_workspace_repeal"),
    path("workspace/norms/versions/<int:pk>/edit/", views.workspace_version_edit, name="norm_version_edit"),
    path("workspace/norms/versions/<int:pk>/adopt/", views.workspace_version_adopt, name="norm_version_adopt"),
    path("workspace/norms/versions/<int:pk>/publish/", views.workspace_version_publish, name="norm_version_publish"),
    path("workspace/norms/versions/<int:pk>/discard/", views.workspace_version_discard, name="norm_version_discard"),
]
