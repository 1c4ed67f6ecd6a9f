from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    # portal
    path("organizations/", views.portal_search, name="portal_search"),
    path("organizations/<str:uscc>/", views.portal_detail, name="portal_detail"),
    path("apply/", views.apply, name="apply"),
    path("apply/status/", views.application_status, name="application_status"),
    # workspace
    path("workspace/", views.workspace_home, name="workspace_home"),
    path("workspace/changes/new/", views.workspace_change_new, name="workspace_change_new"),
    path("workspace/changes/<int:pk>/", views.workspace_change, name="workspace_change"),
    path("workspace/decoupling/", views.workspace_decoupling, name="workspace_decoupling"),
    # console
    path("console/", views.console_home, name="console_home"),
    path("console/organizations/", views.console_register, name="console_register"),
    path("console/organizations/<str:uscc>/", views.console_organization, name="console_organization"),
    path("console/applications/", views.console_applications, name="console_applications"),
    path("console/applications/<int:pk>/", views.console_application, name="console_application"),
    path("console/changes/", views.console_changes, name="console_changes"),
    path("console/changes/<int:pk>/", views.console_change, name="console_change"),
]

# console: import of the register (registry/views_import.py)
from . import views_import  # noqa: E402

urlpatterns += [
    path("console/import/", views_import.console_import, name="console_import"),
    path("console/import/template.csv", views_import.console_import_template, name="console_import_template"),
    path("console/import/<int:pk>/", views_import.console_import_job, name="console_import_job"),
]
