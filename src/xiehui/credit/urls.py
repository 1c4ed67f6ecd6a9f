from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "credit"

urlpatterns: list[URLPattern] = [
    # portal
    path("credit/", views.portal_lists, name="portal_lists"),
    path("credit/decisions/<str:ref>.pdf", views.decision_pdf, name="decision_pdf"),
    # workspace
    path("workspace/credit/", views.workspace_listings, name="workspace_listings"),
    path("workspace/credit/listings/<int:pk>/", views.workspace_listing, name="workspace_listing"),
    # console
    path("console/credit/", views.console_lists, name="console_lists"),
    path("console/credit/listings/<int:pk>/", views.console_listing, name="console_listing"),
    path("console/credit/organizations/<str:uscc>/decide/", views.console_decide, name="console_decide"),
    path("console/credit/removals/", views.console_removals, name="console_removals"),
    path("console/credit/removals/<int:pk>/<str:action>/", views.console_removal_action, name="console_removal_action"),
    path("console/credit/objections/", views.console_objections, name="console_objections"),
    path(
        "console/credit/objections/<int:pk>/<str:action>/",
        views.console_objection_action,
        name="console_objection_action",
    ),
]
