"""Filled by the helper that owns it."""

app_name = "membership"
urlpatterns: list = []
