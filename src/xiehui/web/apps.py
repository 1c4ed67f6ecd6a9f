from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xiehui.web"
    label = "web"
    verbose_name = "站点"
