"""Reads of annual work reports, scoped by the actor.

Visibility, decided here and nowhere else:
- association staff see every report of their own association (drafts included);
- officers see the filed reports (not drafts) of associations whose authority
  is within their jurisdiction prefix; only the authority itself decides;
- everyone else (the public, members, other associations) sees only the results
  of reviewed reports: year, result and date, never the content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from xiehui.core import params
from xiehui.core.errors import NotFound
from xiehui.registry import search
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor, officer_decides, officer_prefix, staff_of

from .models import AnnualReport, ReportStatus
from .rules import report_due_on, report_years_due

FILED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.REVIEWED)
NOT_FOUND = "未找到该年度工作报告"


def _base() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("organization", "organization__authority_region")


def reports_of(org: Organization) -> QuerySet[AnnualReport]:
    """Every report of one association, newest year first (for its staff)."""
    return AnnualReport.objects.filter(organization=org).order_by("-year")


def filed_reports_of(org: Organization) -> QuerySet[AnnualReport]:
    """The reports an officer sees for one association (drafts are the association's own work)."""
    return reports_of(org).filter(status__in=FILED)


def public_results_of(org: Organization) -> list[dict[str, Any]]:
    """The public face of ANN-2: year, result and date of each reviewed report, nothing of the content."""
    rows = (
        AnnualReport.objects.filter(organization=org, status=ReportStatus.REVIEWED)
        .order_by("-year")
        .values("year", "result", "reviewed_on")
    )
    return [{**row, "result_label": AnnualReport(result=row["result"]).get_result_display()} for row in rows]


def reports_visible_for(*, actor: Actor, org: Organization) -> QuerySet[AnnualReport] | None:
    """The full reports of `org` this actor may read, or None when the actor sees only public results."""
    if staff_of(actor, org):
        return reports_of(org)
    prefix = officer_prefix(actor)
    if prefix is not None and org.authority_region_id.startswith(prefix):
        return filed_reports_of(org)
    return None


def officer_sees(actor: Actor, report: AnnualReport) -> bool:
    prefix = officer_prefix(actor)
    return prefix is not None and report.status in FILED and report.organization.authority_region_id.startswith(prefix)


def report_get(*, actor: Actor, pk: int) -> AnnualReport:
    """One report, for its association's staff or an officer of the jurisdiction; otherwise 404."""
    report = _base().select_related("submitted_by", "reviewed_by").filter(pk=pk).first()
    if report is None:
        raise NotFound(NOT_FOUND)
    if staff_of(actor, report.organization) or officer_sees(actor, report):
        return report
    raise NotFound(NOT_FOUND)


def officer_decides_report(actor: Actor, report: AnnualReport) -> bool:
    org = report.organization
    return officer_decides(actor, authority_region_id=org.authority_region_id, level=org.level)


# -- the officer's queue ----------------------------------------------------------------------------


@dataclass
class ReportFilters:
    year: int | None = None
    status: str = ""
    result: str = ""
    timeliness: str = ""  # "late" / "on_time"
    q: str = ""


STATUS_ORDER = Case(
    When(status=ReportStatus.SUBMITTED, then=Value(0)),
    When(status=ReportStatus.RETURNED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _late_q(years: list[int], stored: dict[str, Any]) -> Q:
    """First submitted after the year's deadline (the deadline differs per year)."""
    q = Q(pk__in=[])
    for year in years:
        q |= Q(year=year, first_submitted_on__gt=report_due_on(year, stored=stored))
    return q


def report_queue(*, actor: Actor, filters: ReportFilters) -> QuerySet[AnnualReport]:
    """Filed reports in the officer's jurisdiction: awaiting review first, oldest submission first."""
    prefix = officer_prefix(actor)
    if prefix is None:
        return AnnualReport.objects.none()
    qs = _base().filter(status__in=FILED, organization__authority_region__code__startswith=prefix)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.result:
        qs = qs.filter(result=filters.result)
    if filters.timeliness in ("late", "on_time"):
        years = [filters.year] if filters.year else sorted(set(qs.values_list("year", flat=True)))
        late = _late_q(years, params.overrides())
        qs = qs.filter(late) if filters.timeliness == "late" else qs.exclude(late)
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").upper()
        if len(compact) == 18 and compact[:2].isdigit():
            qs = qs.filter(organization__uscc=compact)
        else:
            orgs = search.filter_by_name(Organization.objects.all(), q)
            qs = qs.filter(organization__in=orgs.values("pk"))
    return qs.annotate(status_order=STATUS_ORDER).order_by("status_order", "submitted_on", "-year", "id")


def with_timeliness(reports: list[AnnualReport], *, stored: dict[str, Any] | None = None) -> list[AnnualReport]:
    """Set `due_on`, `on_time` and `days_late` on each report (the parameters read once)."""
    stored = params.overrides() if stored is None else stored
    for report in reports:
        due = report_due_on(report.year, stored=stored)
        first = report.first_submitted_on
        report.due_on = due  # type: ignore[attr-defined]
        report.days_late = (first - due).days if first is not None and first > due else 0  # type: ignore[attr-defined]
        report.on_time = first is not None and report.days_late == 0  # type: ignore[attr-defined]
    return reports


# -- the workspace: which years are due, filed on time, late or missing -------------------------------


@dataclass
class YearState:
    year: int
    due_on: dt.date
    state: str  # "on_time", "late", "missing" (deadline passed, not filed), "due" (deadline ahead)
    report: AnnualReport | None
    days_late: int = 0

    @property
    def label(self) -> str:
        return {"on_time": "按期报送", "late": "逾期报送", "missing": "逾期未报送", "due": "待报送"}[self.state]

    @property
    def badge(self) -> str:
        return {"on_time": "badge-ok", "late": "badge-warn", "missing": "badge-danger", "due": "badge-info"}[self.state]


def report_status_as_of(org: Organization, as_of: dt.date) -> list[YearState]:
    """Each report year the association owes as of `as_of`, newest first, with its ANN-1 state."""
    stored = params.overrides()
    years = report_years_due(org.registered_on, as_of, stored=stored)
    first_year = max(org.registered_on.year, params.value("ANN-1.first_year", stored=stored))
    current = as_of.year - 1
    if current >= first_year and current not in years:
        years.append(current)  # the finished year whose deadline is still ahead
    reports = {r.year: r for r in AnnualReport.objects.filter(organization=org, year__in=years)}
    states = []
    for year in sorted(years, reverse=True):
        due = report_due_on(year, stored=stored)
        report = reports.get(year)
        first = report.first_submitted_on if report is not None else None
        if first is not None:
            days_late = max(0, (first - due).days)
            states.append(YearState(year, due, "late" if days_late else "on_time", report, days_late))
        else:
            late_by = (as_of - due).days
            states.append(YearState(year, due, "missing" if late_by > 0 else "due", report, max(0, late_by)))
    return states
