from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiehui.core"
    label = "core"
    verbose_name = "核心"
