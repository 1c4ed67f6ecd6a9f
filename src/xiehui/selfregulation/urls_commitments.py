"""Web routes for pledges and social evaluation (BL-2) (included by selfregulation/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views_commitments as views

urlpatterns: list[URLPattern] = [
    # portal
    path("organizations/<str:uscc>/ratings/", views.rating_list, name="rating_list"),
    path("organizations/<str:uscc>/ratings/new/", views.rating_new, name="rating_new"),
    path("ratings/<int:pk>/report/", views.rating_report, name="rating_report"),
    # workspace
    path("workspace/pledges/", views.workspace_pledges, name="workspace_pledges"),
    # console
    path("console/ratings/", views.console_ratings, name="console_ratings"),
    path("console/ratings/<int:pk>/", views.console_rating, name="console_rating"),
]
