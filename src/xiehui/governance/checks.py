"""ANN-2 checks answered from the governance facts (registered in supervision's check registry).

Each answers for the report's association as of `supervision.checks.evaluation_date()`:
met (True) with the facts, not met (False), or None when the association has recorded
no terms or leaders on the platform (the officer verifies by hand).
"""

from __future__ import annotations

from django.db.models import Q

from xiehui.core import params
from xiehui.supervision.checks import NO_DATA, CheckOutcome, check, evaluation_date
from xiehui.supervision.models import AnnualReport

from . import facts

NO_TERMS = "平台暂无该会的届次记录，" + NO_DATA
NO_LEADERS = "平台暂无该会的负责人任职记录，" + NO_DATA


@check("reelection_overdue")
def reelection_overdue(report: AnnualReport) -> CheckOutcome:
    """GOV-3: the term in force has ended without a re-election (or an approved extension)."""
    as_of = evaluation_date()
    terms, _ = facts.load_terms(Q(organization_id=report.organization_id))
    outcome = facts.overdue_check(terms, as_of)
    if outcome is None:
        return CheckOutcome(None, NO_TERMS)
    return CheckOutcome(not outcome.ok, f"{outcome.rule_id}：{outcome.facts}")


def _open_issues(report: AnnualReport, rule_id: str) -> tuple[bool, list[facts.Issue]]:
    as_of = evaluation_date()
    served = list(facts.load_served(Q(organization_id=report.organization_id), as_of))
    if not served:
        return False, []
    history = facts.load_history((s.person_id for s in served), as_of)
    current = [s for s in served if s.ends_on is None or s.ends_on > as_of]
    stored = params.overrides()
    issues = facts.leader_issues(
        current, history, params.values("GOV-1", stored=stored), params.values("GOV-2", stored=stored), as_of
    )
    return True, [i for i in issues if i.rule_id == rule_id and i.open_on(as_of)]


def _outcome(found: bool, issues: list[facts.Issue], clean: str) -> CheckOutcome:
    if not found:
        return CheckOutcome(None, NO_LEADERS)
    if not issues:
        return CheckOutcome(False, f"截至 {evaluation_date():%Y-%m-%d} {clean}")
    return CheckOutcome(True, "；".join(f"{i.rule_id}：{i.facts}" for i in issues))


@check("leaders_over_age_or_term")
def leaders_over_age_or_term(report: AnnualReport) -> CheckOutcome:
    """GOV-1: a serving leader over the age limit or beyond the consecutive terms."""
    found, issues = _open_issues(report, "GOV-1")
    return _outcome(found, issues, "在任负责人均未超龄、超届")


@check("unapproved_officials")
def unapproved_officials(report: AnnualReport) -> CheckOutcome:
    """GOV-2: serving or on-leave officials in posts; retired officials without approval or over limits."""
    found, issues = _open_issues(report, "GOV-2")
    return _outcome(found, issues, "没有公职人员违规兼职或退（离）休领导干部兼职超限、未经批准")
