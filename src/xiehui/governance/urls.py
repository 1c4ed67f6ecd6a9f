"""Web routes of governance: the association's workspace and the console's governance flags."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "governance"

urlpatterns: list[URLPattern] = [
    path("workspace/governance/", views.workspace_home, name="workspace_home"),
    path("workspace/governance/terms/", views.workspace_terms, name="workspace_terms"),
    path("workspace/governance/terms/<int:pk>/extend/", views.workspace_term_extend, name="workspace_term_extend"),
    path("workspace/governance/leaders/", views.workspace_leaders, name="workspace_leaders"),
    path("workspace/governance/leaders/nominate/", views.workspace_nominate, name="workspace_nominate"),
    path("workspace/governance/leaders/<int:pk>/", views.workspace_appointment, name="workspace_appointment"),
    path("workspace/governance/audits/", views.workspace_audits, name="workspace_audits"),
    path("workspace/governance/meetings/", views.workspace_meetings, name="workspace_meetings"),
    path("workspace/governance/meetings/<int:pk>/", views.workspace_meeting, name="workspace_meeting"),
    path("workspace/governance/resolutions/", views.workspace_resolutions, name="workspace_resolutions"),
    path("workspace/governance/charter/", views.workspace_charter, name="workspace_charter"),
    path("workspace/governance/cooperation/", views.workspace_cooperation, name="workspace_cooperation"),
    path("console/governance/", views.console_flags, name="console_flags"),
]
