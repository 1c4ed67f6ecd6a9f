"""Panels and links that supervision (orders, penalties, facts) adds to the shared faces (web/panels.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry.models import Organization
from xiehui.registry.selectors import officer_decides
from xiehui.web import panels

from . import selectors_orders as selectors
from .models import OrderStatus

panels.link("console_nav", label="整改通知", url_name="supervision:console_orders", order=30, roles=(Role.OFFICER,))
panels.link("console_nav", label="行政处罚", url_name="supervision:console_penalties", order=31, roles=(Role.OFFICER,))
panels.link("workspace_nav", label="整改通知", url_name="supervision:workspace_orders", order=30, roles=(Role.STAFF,))
panels.link(
    "site_nav", label="失信被执行人记录", url_name="supervision:court_entries", order=80, roles=(Role.DEPARTMENT,)
)

PANEL_ROWS = 10


@panels.panel("console_org", template="supervision/_order_panel_console.html", order=30)
def console_org_panel(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """Orders, penalties, letters and court entries of one association, with links to act on them."""
    today = clock.today()
    orders = list(selectors.orders_of(org)[:PANEL_ROWS])
    for order in orders:
        order.deadline_state = selectors.deadline_state(order, today)  # type: ignore[attr-defined]
    return {
        "org": org,
        "orders": orders,
        "penalties": list(selectors.penalties_public(org)[:PANEL_ROWS]),
        "letters": list(selectors.letters_of(org)),
        "entries": list(selectors.court_entries_of(org)[:PANEL_ROWS]),
        "decides": officer_decides(request.user, authority_region_id=org.authority_region_id, level=org.level),
    }


@panels.panel("workspace_home", template="supervision/_order_panel_workspace.html", order=30)
def workspace_panel(request: HttpRequest, org: Organization) -> dict[str, Any] | None:
    """The association's active orders with their deadlines; nothing when it has none."""
    today = clock.today()
    orders = list(selectors.orders_of(org).filter(status__in=selectors.ACTIVE).order_by("deadline", "pk")[:PANEL_ROWS])
    if not orders:
        return None
    for order in orders:
        order.deadline_state = selectors.deadline_state(order, today)  # type: ignore[attr-defined]
    return {"orders": orders, "today": today}


@panels.panel(
    "portal_org", template="supervision/_penalty_panel_portal.html", order=40, title="行政处罚", anchor="penalties"
)
def portal_penalties_panel(request: HttpRequest, org: Organization) -> dict[str, Any]:
    """Penalties are public credit information (CR-P): kind, decision number, date, amount, basis."""
    return {"penalties": list(selectors.penalties_public(org)[:50])}


@panels.panel("console_home", template="supervision/_order_panel_home.html", order=30)
def console_home_panel(request: HttpRequest, subject: None) -> dict[str, Any]:
    """Orders awaiting the officer's review and orders past their deadline, within the jurisdiction."""
    today = clock.today()
    visible = selectors.orders_visible(request.user)
    return {
        "answered": visible.filter(status=OrderStatus.ANSWERED).count(),
        "overdue": visible.filter(status__in=selectors.ACTIVE, deadline__lt=today).count(),
    }
