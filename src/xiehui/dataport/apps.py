from django.apps import AppConfig


class DataPortConfig(AppConfig):
    name = "xiehui.dataport"
    label = "dataport"
    verbose_name = "数据端口"

    def ready(self) -> None:
        from . import demo_data, faces  # noqa: F401  (demo keys, console links)
