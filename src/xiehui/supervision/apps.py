from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xiehui.supervision"
    label = "supervision"
    verbose_name = "监管"

    def ready(self) -> None:
        from . import demo_data, faces, reconcile, rules  # noqa: F401  (rules and appliers register with the engine; faces add panels)
