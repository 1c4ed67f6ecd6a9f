"""Panels and links that self-regulation norms add to the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_norms as selectors

panels.link(
    "workspace_nav", label="自律规范", url_name="selfregulation:norm_workspace_list", order=40, roles=(Role.STAFF,)
)

CONSOLE_ROWS = 20


@panels.panel(
    "portal_org", template="selfregulation/_norm_portal_panel.html", order=12, title="自律规范", anchor="norms"
)
def portal_norms_panel(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """Published rules and standards by kind (repealed ones marked), and the integrity body if any."""
    return {"org": org, "groups": selectors.public_norms_by_kind(org), "body": selectors.integrity_body_of(org)}


@panels.panel("console_org", template="selfregulation/_norm_console_panel.html", order=50)
def console_norms_panel(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """The association's norms for its officers, drafts included (read-only)."""
    norms = list(
        selectors.norm_list(actor=request.user, organization=org, filters=selectors.NormFilters())[:CONSOLE_ROWS]
    )
    for norm in norms:
        norm.state_label = selectors.norm_state_label(norm)  # type: ignore[attr-defined]
    return {"org": org, "norms": norms, "body": selectors.integrity_body_of(org)}
