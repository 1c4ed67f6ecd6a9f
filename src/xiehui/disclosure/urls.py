"""Filled by the helper that owns it."""

app_name = "disclosure"
urlpatterns: list = []
