from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "xiehui.credit"
    label = "credit"
    verbose_name = "信用"

    def ready(self) -> None:
        from . import faces, reconcile, rules  # noqa: F401  (rules and appliers register with the engine; faces add panels)
