"""Web routes of voting."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    # workspace (the association's staff)
    path("workspace/ballots/", views.workspace_list, name="workspace_list"),
    path("workspace/ballots/new/", views.workspace_new, name="workspace_new"),
    path("workspace/ballots/<int:pk>/", views.workspace_detail, name="workspace_detail"),
    path("workspace/ballots/<int:pk>/edit/", views.workspace_edit, name="workspace_edit"),
    path("workspace/ballots/<int:pk>/attendance/", views.workspace_attendance, name="workspace_attendance"),
    path("workspace/ballots/<int:pk>/<str:action>/", views.workspace_action, name="workspace_action"),
    # voters and the public
    path("ballots/<int:pk>/", views.ballot_detail, name="detail"),
    path("ballots/<int:pk>/vote/<int:entry>/", views.ballot_vote, name="vote"),
    path("ballots/<int:pk>/bulletin/", views.ballot_bulletin, name="bulletin"),
]
