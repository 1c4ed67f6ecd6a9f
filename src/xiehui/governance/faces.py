"""Governance on the shared faces: workspace and console links, the portal's organs and leaders, the
console's per-association panel (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors

panels.link("workspace_nav", label="法人治理", url_name="governance:workspace_home", order=25, roles=(Role.STAFF,))
panels.link("console_nav", label="法人治理监管", url_name="governance:console_flags", order=38, roles=(Role.OFFICER,))


def _current(org: Organization) -> selectors.TermState | None:
    return next((t for t in selectors.terms_of(org, as_of=clock.today()) if t.current), None)


@panels.panel(
    "portal_org", template="governance/_portal_org_panel.html", order=7, title="组织机构与负责人", anchor="governance"
)
def portal_org(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    """Organs, the current term and the serving leaders' names and posts (no identity numbers)."""
    organs = selectors.organs_of(org)
    leaders = list(selectors.leaders_of(org, as_of=clock.today()))
    current = _current(org)
    if not organs and not leaders and current is None:
        return None
    return {"org": org, "organs": organs, "leaders": leaders, "current": current}


@panels.panel("console_org", template="governance/_console_org_panel.html", order=27)
def console_org(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """The term's re-election status, the serving leaders (masked identity numbers) and the open GOV flags."""
    return {
        "org": org,
        "current": _current(org),
        "leaders": list(selectors.leaders_of(org, as_of=clock.today())),
        "flags": list(selectors.open_flags_of(org)[:20]),
    }
