from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "xiehui.voting"
    label = "voting"
    verbose_name = "无记名投票"

    def ready(self) -> None:
        from . import demo_data, faces, rules  # noqa: F401  (rules BAL-1 … BAL-5, panels, demo)
