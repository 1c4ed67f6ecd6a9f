"""Panels and links that supervision (annual reports) adds to the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors_reports as selectors
from .rules import ANN1

panels.link(
    "workspace_nav", label="年度工作报告", url_name="supervision:workspace_reports", order=20, roles=(Role.STAFF,)
)
panels.link(
    "console_nav", label="年度报告审查", url_name="supervision:console_reports", order=20, roles=(Role.OFFICER,)
)


@panels.panel(
    "portal_org", template="supervision/_report_portal_panel.html", order=30, title="年检结论", anchor="inspection"
)
def portal_results(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """ANN-2 results are public: year, result and date, never the report's content."""
    return {"results": selectors.public_results_of(org)}


@panels.panel("workspace_home", template="supervision/_report_workspace_panel.html", order=20)
def workspace_due(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """Which report years are due, filed late or missing, with their deadlines (ANN-1)."""
    return {"states": selectors.report_status_as_of(org, clock.today()), "rule": ANN1}


@panels.panel("console_org", template="supervision/_report_console_org_panel.html", order=30)
def console_reports_of(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    reports = selectors.reports_visible_for(actor=request.user, org=org)
    if reports is None:
        return None
    return {
        "reports": selectors.with_timeliness(list(reports)),
        "states": selectors.report_status_as_of(org, clock.today()),
    }
