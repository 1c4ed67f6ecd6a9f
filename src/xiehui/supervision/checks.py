"""ANN-2 as data: named checks over the platform's facts, and the criteria table that points at them.

An `InspectionCriterion` row says "when check X is met, the result is at worst Y".
The checks live here in a registry (`CHECKS`) that other domains extend with
`@check("name")` (credit registers "serious_listing"). A check answers for one
annual report: met (True), not met (False), or None when the platform does not
hold the facts yet (the officer verifies by hand). The evaluated list is shown
to the officer before a result is given and stored with the result.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from xiehui.core import clock, params

from .models import (
    AnnualReport,
    InspectionCriterion,
    InspectionResult,
    OrderStatus,
    Penalty,
    PenaltyKind,
    RectificationOrder,
)
from .rules import report_due_on

NO_DATA = "平台暂无数据，需人工核实"
# How bad a result is: the suggested result is the worst `leads_to` among met criteria.
SEVERITY = {InspectionResult.PASS: 0, InspectionResult.BASIC: 1, InspectionResult.FAIL: 2}


@dataclass(frozen=True)
class CheckOutcome:
    met: bool | None  # None: the platform holds no facts for this check
    facts: str


Check = Callable[[AnnualReport], CheckOutcome]
CHECKS: dict[str, Check] = {}

# The day the criteria are evaluated on (the review day); checks read it with `evaluation_date()`.
_AS_OF: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("ann2_as_of", default=None)


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under `name` (the `check_name` of criteria rows)."""

    def wrap(func: Check) -> Check:
        CHECKS[name] = func
        return func

    return wrap


def evaluation_date() -> dt.date:
    """The day the current evaluation is made as of (today outside `evaluate_criteria`)."""
    return _AS_OF.get() or clock.today()


def run_check(name: str, report: AnnualReport) -> CheckOutcome:
    func = CHECKS.get(name)
    if func is None:
        return CheckOutcome(None, f"检查项“{name}”尚未在平台实现，{NO_DATA}")
    return func(report)


def evaluate_criteria(
    report: AnnualReport,
    *,
    as_of: dt.date | None = None,
    criteria: Iterable[InspectionCriterion] | None = None,
) -> list[dict[str, Any]]:
    """Each active criterion with its outcome for `report` (JSON-safe: stored with the result)."""
    rows = list(criteria) if criteria is not None else list(InspectionCriterion.objects.filter(active=True))
    token = _AS_OF.set(as_of or clock.today())
    try:
        evaluated = []
        for criterion in rows:
            outcome = run_check(criterion.check_name, report)
            evaluated.append(
                {
                    "code": criterion.code,
                    "description": criterion.description,
                    "check_name": criterion.check_name,
                    "leads_to": criterion.leads_to,
                    "leads_to_label": str(InspectionResult(criterion.leads_to).label),
                    "met": outcome.met,
                    "facts": outcome.facts,
                }
            )
        return evaluated
    finally:
        _AS_OF.reset(token)


def suggested_result(evaluated: Iterable[dict[str, Any]]) -> str:
    """The worst result among the met criteria; 合格 when none is met."""
    worst = InspectionResult.PASS
    for row in evaluated:
        if row.get("met") is True and SEVERITY[InspectionResult(row["leads_to"])] > SEVERITY[worst]:
            worst = InspectionResult(row["leads_to"])
    return str(worst.value)


def unverified(evaluated: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Criteria the officer must verify by hand (the platform holds no facts)."""
    return [row for row in evaluated if row.get("met") is None]


# -- the checks whose facts the platform holds ---------------------------------------------------


@check("report_late")
def report_late(report: AnnualReport) -> CheckOutcome:
    """ANN-1: the report was first submitted after the deadline."""
    due = report_due_on(report.year, stored=params.overrides())
    first = report.first_submitted_on
    if first is None:
        return CheckOutcome(None, f"报告尚未报送（截止日期 {due:%Y-%m-%d}）")
    if first > due:
        return CheckOutcome(True, f"截止日期 {due:%Y-%m-%d}，首次报送 {first:%Y-%m-%d}，逾期 {(first - due).days} 天")
    return CheckOutcome(False, f"截止日期 {due:%Y-%m-%d}，首次报送 {first:%Y-%m-%d}，按期报送")


@check("no_fulltime_staff")
def no_fulltime_staff(report: AnnualReport) -> CheckOutcome:
    """004 §6: an association must have full-time staff (SUP-4)."""
    n = report.full_time_staff
    return CheckOutcome(n == 0, f"报告填报专职工作人员 {n} 人（工作人员总数 {report.staff_total} 人）")


@check("open_orders")
def open_orders(report: AnnualReport) -> CheckOutcome:
    """Rectification orders whose deadline has passed without the rectification being completed."""
    as_of = evaluation_date()
    overdue = list(
        RectificationOrder.objects.filter(
            organization_id=report.organization_id,
            status__in=[OrderStatus.OPEN, OrderStatus.ANSWERED],
            issued_on__lte=as_of,
            deadline__lt=as_of,
        ).values_list("number", "deadline")
    )
    if not overdue:
        return CheckOutcome(False, f"截至 {as_of:%Y-%m-%d} 没有逾期未完成的整改通知")
    listed = "；".join(f"{number}（期限 {deadline:%Y-%m-%d}）" for number, deadline in overdue)
    return CheckOutcome(True, f"截至 {as_of:%Y-%m-%d} 有 {len(overdue)} 份整改通知逾期未完成整改：{listed}")


def _penalties(report: AnnualReport, kinds: Iterable[str] | None = None) -> list[tuple[str, str, dt.date]]:
    qs = Penalty.objects.filter(organization_id=report.organization_id, decided_on__year=report.year)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("decided_on", "pk").values_list("decision_number", "kind", "decided_on"))


def _penalty_outcome(report: AnnualReport, rows: list[tuple[str, str, dt.date]], what: str) -> CheckOutcome:
    if not rows:
        return CheckOutcome(False, f"{report.year} 年度内没有{what}")
    listed = "；".join(f"{number}（{PenaltyKind(kind).label}，{on:%Y-%m-%d}）" for number, kind, on in rows)
    return CheckOutcome(True, f"{report.year} 年度内受到{what} {len(rows)} 次：{listed}")


@check("penalties_in_year")
def penalties_in_year(report: AnnualReport) -> CheckOutcome:
    """Any administrative penalty decided in the report year."""
    return _penalty_outcome(report, _penalties(report), "行政处罚")


@check("suspension_or_revocation_in_year")
def suspension_or_revocation_in_year(report: AnnualReport) -> CheckOutcome:
    """A penalty of suspension of activities or revocation decided in the report year."""
    rows = _penalties(report, [PenaltyKind.SUSPENSION, PenaltyKind.REVOCATION])
    return _penalty_outcome(report, rows, "责令停止活动或撤销登记的行政处罚")


# The governance checks (reelection_overdue, leaders_over_age_or_term, unapproved_officials) are
# registered by governance/checks.py from the governance facts.
