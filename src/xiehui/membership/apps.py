from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "xiehui.membership"
    label = "membership"
    verbose_name = "会员"

    def ready(self) -> None:
        # demo extensions, faces (workspace links, member page panels), MEM and FEE rules
        from . import demo_data, demo_data_fees, faces, faces_fees, rules, rules_fees  # noqa: F401
