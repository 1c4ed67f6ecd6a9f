"""The engine's governance flags (GOV-1, GOV-2, GOV-3): overdue re-elections, leaders over age or over
consecutive terms, officials in posts and retired officials over their limits.

Each issue (governance/facts.py) becomes a "flag" effect with the day it took hold and, once the facts have
ended it, the day it ended, so supervision's applier raises and clears it idempotently. A flag whose issue
is no longer produced at all (a birth date or a status corrected, an appointment withdrawn) is cleared as of
the evaluated day: such facts are corrections, not events with a date of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from xiehui.core import engine
from xiehui.core.engine import evaluator
from xiehui.supervision.models import Flag

from . import facts

FLAG_RULES = ("GOV-1", "GOV-2", "GOV-3")


@engine.loader
def governance_facts(lo: int, hi: int, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Terms, extensions, held posts (with each person's posts everywhere) and open GOV flags of lo..hi."""
    out: dict[int, dict[str, Any]] = {}
    chunk = Q(organization_id__gte=lo, organization_id__lte=hi)
    terms, extensions = facts.load_terms(chunk)
    for term in terms:
        org = out.setdefault(term.organization_id, {})
        org.setdefault("gov_terms", []).append(term)
        if term.id in extensions:
            org.setdefault("gov_extensions", {})[term.id] = extensions[term.id]
    served = facts.load_served(chunk, as_of)
    history = facts.load_history((s.person_id for s in served), as_of)
    for s in served:
        org = out.setdefault(s.organization_id, {})
        org.setdefault("gov_served", []).append(s)
        org["gov_history"] = history
    for row in (
        Flag.objects.filter(chunk, rule_id__in=FLAG_RULES, cleared_on__isnull=True)
        .order_by()
        .values("organization_id", "key", "rule_id", "raised_on", "subject", "facts")
    ):
        out.setdefault(row["organization_id"], {}).setdefault("gov_open_flags", []).append(row)
    return out


def _effect(issue: facts.Issue, parameters: dict[str, Any]) -> engine.Effect:
    return engine.Effect(
        "flag",
        issue.key,
        issue.rule_id,
        issue.on,
        issue.facts,
        until=issue.until,
        parameters=parameters,
        data={"subject": issue.subject},
    )


@evaluator(stage=10)
def gov_flags(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """GOV-3 overdue re-elections; GOV-1 and GOV-2 leaders and officials; corrections clear stale flags."""
    as_of = ctx.as_of
    issues = facts.reelection_issues(f.gov_terms, f.gov_extensions or {}, as_of)
    issues += facts.leader_issues(f.gov_served, f.gov_history or {}, ctx.params("GOV-1"), ctx.params("GOV-2"), as_of)
    produced = set()
    for issue in issues:
        if issue.on <= as_of:
            produced.add(issue.key)
            yield _effect(issue, ctx.params(issue.rule_id))
    for row in f.gov_open_flags:
        if row["key"] not in produced and row["raised_on"] <= as_of:
            yield engine.Effect(
                "flag",
                row["key"],
                row["rule_id"],
                row["raised_on"],
                row["facts"] + f"；{as_of:%Y-%m-%d}起有关事实已更正，不再成立",
                until=as_of,
                parameters=ctx.params(row["rule_id"]),
                data={"subject": row["subject"]},
            )
