from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "xiehui.disclosure"
    label = "disclosure"
    verbose_name = "信息公开"

    def ready(self) -> None:
        from . import demo_data, faces, faces_head, rules, sources_builtin  # noqa: F401  (engine rules, panels, demo, sources)
