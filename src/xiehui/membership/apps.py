from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "xiehui.membership"
    label = "membership"
    verbose_name = "会员"

    def ready(self) -> None:
        from . import demo_data, faces  # noqa: F401  (demo extension; workspace link)
