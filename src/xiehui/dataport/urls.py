from django.urls import path

from . import views

app_name = "dataport"

urlpatterns = [
    path("console/dataport/keys/", views.console_keys, name="console_keys"),
    path("console/dataport/keys/<int:pk>/", views.console_key, name="console_key"),
    path("console/dataport/queries/", views.console_queries, name="console_queries"),
    path("data/exports/", views.exports_page, name="exports"),
    path("data/exports/<uuid:pk>/", views.export_page, name="export"),
    path("data/exports/<uuid:pk>/files/<str:name>", views.export_file, name="export_file"),
]
