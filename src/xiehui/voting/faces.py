"""Voting on the shared faces: the workspace link, the member's "待投票事项", the association's public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors

panels.link("workspace_nav", label="无记名投票", url_name="voting:workspace_list", order=14, roles=(Role.STAFF,))

PORTAL_ROWS = 10


@panels.panel("member_home", template="voting/_member_panel.html", order=20, title="待投票事项", anchor="ballots")
def member_ballots_panel(request: HttpRequest, subject: Any) -> dict[str, Any] | None:
    """The ballots the user may vote in (open now or with the roll frozen), per roll entry, with 已投票."""
    if getattr(subject, "role", None) != Role.MEMBER:
        return None
    entries = selectors.voter_entries(subject, now=clock.now())
    return {"entries": entries} if entries else None


@panels.panel("portal_org", template="voting/_portal_panel.html", order=16, title="无记名投票", anchor="ballots")
def portal_ballots_panel(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    """The visitor's readable ballots of the association: published trust votes for everyone; more for members."""
    qs = selectors.ballot_list(actor=request.user, organization=org, on=clock.today())
    ballots = list(qs.exclude(status__in=["draft", "cancelled"])[:PORTAL_ROWS])
    return {"org": org, "ballots": ballots} if ballots else None
