from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "xiehui.governance"
    label = "governance"
    verbose_name = "法人治理"

    def ready(self) -> None:
        from . import checks, demo_data, faces, flags, rules  # noqa: F401  (rules, engine flags, ANN-2, panels, demo)
