"""Panels and links that credit adds to the shared faces (web/panels.py), and its ANN-2 checks.

The register's pages show an association's listings through these panels: the
registry never imports credit (issue 3: compose registry and credit in the faces).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors
from .models import Listing, ListKind, Objection, RemovalApplication

panels.link("site_nav", label="信用名录", url_name="credit:portal_lists", order=30)
panels.link("workspace_nav", label="信用记录", url_name="credit:workspace_listings", order=30, roles=(Role.STAFF,))
panels.link("console_nav", label="信用名录管理", url_name="credit:console_lists", order=30, roles=(Role.OFFICER,))
panels.link("console_nav", label="移出申请", url_name="credit:console_removals", order=31, roles=(Role.OFFICER,))
panels.link("console_nav", label="异议处理", url_name="credit:console_objections", order=32, roles=(Role.OFFICER,))


@panels.panel("portal_org", template="credit/_panel_portal_org.html", order=20, title="信用名录", anchor="credit")
def portal_org(request: Any, org: Organization) -> dict[str, Any] | None:
    """Current listings only: a removed listing is not published (CR-R)."""
    today = clock.today()
    listings = selectors.listings_as_of(org.pk, today)
    return {"org": org, "listings": listings, "today": today}


@panels.panel("workspace_home", template="credit/_panel_workspace_home.html", order=20)
def workspace_home(request: Any, org: Organization) -> dict[str, Any] | None:
    today = clock.today()
    listings = selectors.listings_as_of(org.pk, today)
    pending_removals = RemovalApplication.objects.filter(
        listing__organization=org, status__in=selectors.PENDING
    ).count()
    pending_objections = Objection.objects.filter(listing__organization=org, status__in=selectors.PENDING).count()
    return {
        "org": org,
        "listings": listings,
        "pending_removals": pending_removals,
        "pending_objections": pending_objections,
    }


@panels.panel("console_home", template="credit/_panel_console_home.html", order=20)
def console_home(request: Any, subject: Any) -> dict[str, Any] | None:
    if registry.officer_prefix(request.user) is None:
        return None
    return {"figures": selectors.console_figures(actor=request.user, as_of=clock.today())}


@panels.panel("console_org", template="credit/_panel_console_org.html", order=20)
def console_org(request: Any, org: Organization) -> dict[str, Any] | None:
    """Every listing of the association, ended ones too, and the way to decide a new one."""
    listings = list(Listing.objects.filter(organization=org).order_by("-start_on", "-pk"))
    decides = registry.officer_decides(request.user, authority_region_id=org.authority_region_id, level=org.level)
    return {"org": org, "listings": listings, "decides": decides, "today": clock.today()}


# -- ANN-2 checks (supervision/checks.py), registered when supervision provides the registry ----------


def listed_during_year(organization_id: int, year: int, list_kind: str) -> list[Listing]:
    """Listings of a kind in force on at least one day of the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(
        Listing.objects.filter(organization_id=organization_id, list_kind=list_kind, start_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .order_by("start_on", "pk")
    )


def _describe(listings: list[Listing], year: int, label: str) -> str:
    if not listings:
        return f"{year} 年度内未被列入{label}"
    parts = [
        f"{lst.rule_id} {lst.get_ground_display()}（{lst.start_on:%Y-%m-%d} 列入"
        f"{f'，{lst.ended_on:%Y-%m-%d} 移出' if lst.ended_on else ''}）"
        for lst in listings
    ]
    return f"{year} 年度内被列入{label}：" + "；".join(parts)


try:
    from xiehui.supervision import checks as _checks
except ImportError:  # supervision not installed: nothing to register
    _checks = None  # type: ignore[assignment]

if _checks is not None:

    @_checks.check("serious_listing")
    def serious_listing(report: Any) -> Any:
        """ANN-2: on the serious list (严重违法失信名单) on any day of the report year."""
        rows = listed_during_year(report.organization_id, report.year, ListKind.SERIOUS)
        return _checks.CheckOutcome(bool(rows), _describe(rows, report.year, "严重违法失信名单"))

    @_checks.check("abnormal_listing")
    def abnormal_listing(report: Any) -> Any:
        """ANN-2: on the abnormal list (活动异常名录) on any day of the report year."""
        rows = listed_during_year(report.organization_id, report.year, ListKind.ABNORMAL)
        return _checks.CheckOutcome(bool(rows), _describe(rows, report.year, "活动异常名录"))
