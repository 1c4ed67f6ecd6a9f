"""Fee standards on the shared faces: the workspace link, the member's page, the console's association page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock, params
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_fees as selectors

panels.link("workspace_nav", label="会费标准", url_name="membership:fee_workspace_list", order=12, roles=(Role.STAFF,))

CONSOLE_ROWS = 10


@panels.panel("member_home", template="membership/fees/_member_panel.html", order=30, title="会费标准", anchor="fees")
def member_fees_panel(request: HttpRequest, subject: Any) -> dict[str, Any] | None:
    """For each association the user represents a member of: the standard in force and the member's own tier."""
    rows = selectors.member_fee_overview(subject, as_of=clock.today())
    return {"rows": rows} if rows else None


@panels.panel("console_org", template="membership/fees/_console_panel.html", order=55)
def console_fees_panel(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    """The association's fee standards and FEE-1 publication status, for officers in jurisdiction."""
    today = clock.today()
    if not selectors.may_see_fees_of(request.user, org, as_of=today):
        return None
    standards = list(selectors.fee_standards_of(org)[:CONSOLE_ROWS])
    days = params.value("FEE-1.publication_days")
    for s in standards:
        s.publication = selectors.publication(s, as_of=today, days=days)  # type: ignore[attr-defined]
    return {"org": org, "standards": standards, "in_force": selectors.fee_standard_in_force(org, as_of=today)}
