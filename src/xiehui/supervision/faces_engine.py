"""Panels and links of the rules engine's effects on the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_engine as selectors

panels.link("console_nav", label="逾期标记", url_name="supervision:console_flags", order=80)
panels.link("console_nav", label="规则与参数", url_name="supervision:console_rules", order=90)
panels.link("workspace_nav", label="提醒与逾期事项", url_name="supervision:workspace_reminders", order=5)


def _with_why(flags: Any) -> list:
    rows = list(flags)
    for row in rows:
        row.why = selectors.why(row)
    return rows


@panels.panel("workspace_home", template="supervision/_panel_workspace_engine.html", order=5)
def workspace_engine(request: Any, org: Organization) -> dict[str, Any] | None:
    reminders = list(selectors.reminders_of(org, unread_only=True)[:5])
    flags = _with_why(selectors.flags_of(org, for_staff=True).filter(cleared_on__isnull=True)[:10])
    return {"reminders": reminders, "flags": flags}


@panels.panel("console_home", template="supervision/_panel_console_engine.html", order=90)
def console_engine(request: Any, subject: None) -> dict[str, Any] | None:
    return {"counts": selectors.open_flag_counts(request.user), "last_tick": selectors.last_tick()}


@panels.panel("console_org", template="supervision/_panel_org_flags.html", order=90)
def console_org_flags(request: Any, org: Organization) -> dict[str, Any] | None:
    if getattr(request.user, "role", None) != Role.OFFICER:
        return None
    return {"flags": _with_why(selectors.flags_of(org)[:50])}
