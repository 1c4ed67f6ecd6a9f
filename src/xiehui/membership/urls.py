"""Web routes of membership: the workspace directory, joining, exits, classes, delegates, figures, survey;
the member page /my/ and the join page of an association."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import urls_fees, views, views_members, views_my, views_survey

app_name = "membership"

urlpatterns: list[URLPattern] = [
    path("workspace/members/", views.workspace_members, name="workspace_members"),
    path("workspace/members/new/", views.workspace_member_new, name="workspace_member_new"),
    path("workspace/members/<int:pk>/", views.workspace_member, name="workspace_member"),
    path("workspace/members/<int:pk>/end/<str:kind>/", views_members.workspace_member_end, name="workspace_member_end"),
    path("workspace/members/applications/", views_members.workspace_applications, name="workspace_applications"),
    path(
        "workspace/members/applications/new/",
        views_members.workspace_application_new,
        name="workspace_application_new",
    ),
    path(
        "workspace/members/applications/<int:pk>/",
        views_members.workspace_application,
        name="workspace_application",
    ),
    path("workspace/members/classes/", views_members.workspace_classes, name="workspace_classes"),
    path(
        "workspace/members/classes/<int:pk>/delete/",
        views_members.workspace_class_delete,
        name="workspace_class_delete",
    ),
    path("workspace/members/delegates/", views_members.workspace_delegates, name="workspace_delegates"),
    path("workspace/members/figures/", views_members.workspace_figures, name="workspace_figures"),
    path("workspace/members/surveys/", views_survey.workspace_surveys, name="workspace_surveys"),
    path("workspace/members/surveys/<int:pk>/", views_survey.workspace_survey, name="workspace_survey"),
    path(
        "workspace/members/surveys/<int:pk>/publish/",
        views_survey.workspace_survey_publish,
        name="workspace_survey_publish",
    ),
    path("my/", views_my.my_home, name="my_home"),
    path("my/applications/", views_my.my_applications, name="my_applications"),
    path("my/applications/<int:pk>/withdraw/", views_my.my_application_withdraw, name="my_application_withdraw"),
    path("my/members/<int:pk>/leave/", views_my.my_leave, name="my_leave"),
    path("my/members/<int:pk>/survey/", views_my.my_survey, name="my_survey"),
    path("organizations/<str:uscc>/join/", views_my.join, name="join"),
    *urls_fees.urlpatterns,
]
