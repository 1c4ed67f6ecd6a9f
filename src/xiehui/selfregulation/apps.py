from django.apps import AppConfig


class SelfregulationConfig(AppConfig):
    name = "xiehui.selfregulation"
    label = "selfregulation"
    verbose_name = "行业自律与诚信"

    def ready(self) -> None:
        from . import demo_data, faces, rules, sources  # noqa: F401  (panels, demo, disclosure source for pledges)
