from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "xiehui.registry"
    label = "registry"
    verbose_name = "登记"
