from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    # workspace (the association's staff)
    path("workspace/disclosures/", views.workspace_overview, name="workspace_overview"),
    path("workspace/disclosures/catalogue/", views.workspace_catalogue, name="workspace_catalogue"),
    path("workspace/disclosures/new/<str:item_type>/", views.workspace_new, name="workspace_new"),
    path("workspace/disclosures/<int:pk>/", views.workspace_item, name="workspace_item"),
    path("workspace/disclosures/<int:pk>/edit/", views.workspace_edit, name="workspace_edit"),
    path("workspace/disclosures/<int:pk>/revise/", views.workspace_revise, name="workspace_revise"),
    path("workspace/disclosures/<int:pk>/preview/", views.workspace_preview, name="workspace_preview"),
    path("workspace/disclosures/versions/<int:pk>/publish/", views.workspace_publish, name="workspace_publish"),
    path("workspace/disclosures/versions/<int:pk>/discard/", views.workspace_discard, name="workspace_discard"),
    # portal
    path("organizations/<str:uscc>/disclosures/", views.portal_list, name="list"),
    path(
        "organizations/<str:uscc>/disclosures/annual-work-reports/",
        views.portal_annual_reports,
        name="annual_reports",
    ),
    path("organizations/<str:uscc>/disclosures/<int:pk>/", views.portal_item, name="item"),
    path(
        "organizations/<str:uscc>/disclosures/<int:pk>/v<int:number>/files/<int:attachment_id>/",
        views.portal_attachment,
        name="attachment",
    ),
    # console
    path("console/disclosures/", views.console_list, name="console_list"),
]
