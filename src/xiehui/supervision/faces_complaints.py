"""Panels and links that supervision (complaints, key inspections) adds to the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_complaints as selectors

panels.link("site_nav", label="投诉举报", url_name="supervision:complaint_new", order=40)
panels.link("console_nav", label="投诉办理", url_name="supervision:console_complaints", order=40, roles=(Role.OFFICER,))
panels.link(
    "console_nav", label="重点检查", url_name="supervision:console_inspections", order=41, roles=(Role.OFFICER,)
)


@panels.panel("portal_org", template="supervision/_complaint_portal_org.html", order=80)
def portal_org(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """A way to complain about the association from its public page (no queries)."""
    return {"org": org}


@panels.panel("console_home", template="supervision/_complaint_console_home.html", order=40)
def console_home(request: HttpRequest, subject: None) -> dict[str, Any]:
    return {"figures": selectors.complaint_figures(actor=request.user, as_of=clock.today())}


@panels.panel("console_org", template="supervision/_complaint_console_org.html", order=40)
def console_org(request: HttpRequest, org: Organization) -> dict[str, Any]:
    today = clock.today()
    complaints = list(
        selectors.complaint_queue(
            actor=request.user, filters=selectors.ComplaintFilters(organization_id=org.pk), as_of=today
        )[:20]
    )
    for c in complaints:
        c.overdue = selectors.is_overdue(c, today)  # type: ignore[attr-defined]
    inspections = selectors.inspection_list(
        actor=request.user, filters=selectors.InspectionFilters(organization_id=org.pk)
    )[:10]
    return {"org": org, "complaints": complaints, "inspections": list(inspections)}


@panels.panel("workspace_home", template="supervision/_complaint_workspace.html", order=40)
def workspace_home(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    complaints = selectors.complaints_of_organization(actor=request.user, organization=org)
    inspections = selectors.inspections_of_organization(actor=request.user, organization=org)
    if not complaints and not inspections:
        return None
    return {"complaints": complaints, "inspections": inspections}
