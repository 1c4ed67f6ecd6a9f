"""What time makes wrong about leaders and terms: the issues the engine flags and ANN-2 reports.

Pure functions over stored facts as of a date (rows as dataclasses, no queries):
an issue has the day it took hold (`on`) and, when the facts have ended it, the
day it ended (`until`), so the engine can raise and clear flags idempotently
(core/engine.py). Loading the rows is `load_*` (used by the engine in bulk for a
chunk of associations, and by the ANN-2 checks for one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from . import rules
from .models import LEADER_POSTS, Appointment, OfficialStatus, Post, Term, TermExtension
from .rules import OFFICIAL_BARRED, anniversary, consecutive_before, d, effective_end, post_label

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Issue:
    rule_id: str
    key: str
    on: dt.date
    until: dt.date | None
    subject: str
    facts: str

    def open_on(self, as_of: dt.date) -> bool:
        return self.on <= as_of and (self.until is None or self.until > as_of)


@dataclass(frozen=True)
class TermRow:
    id: int
    organization_id: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    extended_to: dt.date | None


@dataclass(frozen=True)
class Served:
    """An appointment actually held (serving or ended), with its person's facts."""

    id: int
    organization_id: int
    organization_name: str
    person_id: int
    person_name: str
    post: str
    term_id: int
    term_number: int
    starts_on: dt.date
    ends_on: dt.date | None
    paid: bool
    approval_document: str
    approved_on: dt.date | None
    birth_date: dt.date | None
    official_status: str
    retired_on: dt.date | None


def _until(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_of else None


# -- GOV-3 -----------------------------------------------------------------------------------------------


def reelection_issues(
    terms: Sequence[TermRow], extensions: Mapping[int, list[tuple[dt.date, dt.date]]], as_of: dt.date
) -> list[Issue]:
    """Each end of a term (its end, then each extension's) passed without a re-election or an approved
    extension by the day after: overdue from that day until the next term starts or an extension is approved."""
    out: list[Issue] = []
    ordered = sorted(terms, key=lambda t: t.number)
    for i, term in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        next_start = nxt.starts_on if nxt is not None and nxt.starts_on <= as_of else None
        chain = sorted(extensions.get(term.id, []), key=lambda e: e[1])  # (extended_to, approved_on)
        if not chain and term.extended_to is not None:
            chain = [(term.extended_to, term.ends_on)]
        ends = [term.ends_on] + [e[0] for e in chain]
        for j, end in enumerate(ends):
            approved = chain[j][1] if j < len(chain) else None
            cleared = min((x for x in (next_start, _until(approved, as_of)) if x is not None), default=None)
            on = end + ONE_DAY
            if (cleared is not None and cleared <= on) or on > as_of:
                continue
            facts = f"第{term.number}届于{d(end)}届满，届满次日{d(on)}仍未换届，也未经批准延期"
            if cleared is not None:
                facts += f"；{d(cleared)}已{'换届' if cleared == next_start else '经批准延期'}"
            out.append(
                Issue(
                    "GOV-3", f"GOV-3:{term.number}:{end:%Y%m%d}", on, cleared, f"逾期未换届：第{term.number}届", facts
                )
            )
    return out


def current_term(terms: Sequence[TermRow], as_of: dt.date) -> TermRow | None:
    started = [t for t in terms if t.starts_on <= as_of]
    return max(started, key=lambda t: t.number) if started else None


def overdue_check(terms: Sequence[TermRow], as_of: dt.date) -> rules.Check | None:
    """GOV-3 for the term in force on `as_of` (None when no term is recorded)."""
    term = current_term(terms, as_of)
    if term is None:
        return None
    newer = [t.starts_on for t in terms if t.number > term.number]
    return rules.gov_3_overdue(
        term.number, effective_end(term.ends_on, term.extended_to), min(newer, default=None), as_of
    )


# -- GOV-1 and GOV-2 --------------------------------------------------------------------------------------


def _overlaps(a: Served, b: Served) -> bool:
    return (b.ends_on is None or b.ends_on >= a.starts_on) and (a.ends_on is None or a.ends_on >= b.starts_on)


def _issue(rule_id: str, code: str, a: Served, on: dt.date, until: dt.date | None, subject: str, facts: str) -> Issue:
    who = f"{a.person_name}（{post_label(a.post)}，第{a.term_number}届）"
    return Issue(rule_id, f"{rule_id}:{code}:{a.id}", on, until, f"{subject}：{who}", f"{who}{facts}")


def gov_1_issues(a: Served, history: Sequence[Served], values: Mapping[str, Any], as_of: dt.date) -> list[Issue]:
    if a.post not in LEADER_POSTS:
        return []
    out = []
    end = _until(a.ends_on, as_of)
    limit = values["max_age"]
    if a.birth_date is not None:
        birthday = anniversary(a.birth_date, limit)
        on = max(a.starts_on, birthday + ONE_DAY)
        if a.ends_on is None or a.ends_on > on:  # ends_on is the first day out of the post
            facts = f"出生于{d(a.birth_date)}，{d(birthday)}年满{limit}周岁，此后仍在任（上限{limit}周岁）"
            out.append(_issue("GOV-1", "age", a, on, end, "负责人超龄任职", facts))
    same = [
        h.term_number for h in history if h.organization_id == a.organization_id and h.post == a.post and h.id != a.id
    ]
    before = consecutive_before(a.term_number, same)
    if before >= values["max_consecutive_terms"]:
        facts = f"为连续第{before + 1}届担任{post_label(a.post)}（上限连任{values['max_consecutive_terms']}届）"
        out.append(_issue("GOV-1", "terms", a, a.starts_on, end, "负责人超届任职", facts))
    return out


def gov_2_issues(a: Served, history: Sequence[Served], values: Mapping[str, Any], as_of: dt.date) -> list[Issue]:
    end = _until(a.ends_on, as_of)
    status = a.official_status
    if status in OFFICIAL_BARRED:
        facts = f"任职期间为{OfficialStatus(status).label}，不得在社会团体兼任职务"
        return [_issue("GOV-2", "official", a, a.starts_on, end, "公职人员违规兼职", facts)]
    if status != OfficialStatus.RETIRED:
        return []
    out = []
    if a.retired_on is not None and a.retired_on > a.starts_on:
        stop = a.retired_on if a.ends_on is None else min(a.ends_on, a.retired_on)
        facts = f"{d(a.starts_on)}任职时尚未退（离）休（{d(a.retired_on)}退休），在职公务员不得兼任"
        out.append(_issue("GOV-2", "official", a, a.starts_on, _until(stop, as_of), "公职人员违规兼职", facts))
    return out + _retired_issues(a, history, values, as_of, end)


def _retired_issues(
    a: Served, history: Sequence[Served], values: Mapping[str, Any], as_of: dt.date, end: dt.date | None
) -> list[Issue]:
    out = []
    subject = "退（离）休领导干部兼职超限"
    if a.paid:
        out.append(_issue("GOV-2", "paid", a, a.starts_on, end, subject, "为退（离）休领导干部，兼职领取薪酬"))
    if a.post == Post.LEGAL_REPRESENTATIVE:
        out.append(_issue("GOV-2", "legal_rep", a, a.starts_on, end, subject, "为退（离）休领导干部，担任法定代表人"))
    if not a.approval_document or a.approved_on is None or a.approved_on > a.starts_on:
        approved = a.approved_on if a.approval_document else None
        until = end if approved is None else _until(approved, as_of)
        facts = f"为退（离）休领导干部，{d(a.starts_on)}任职时未经批准" + (
            f"（{d(a.approved_on)}方经批准）" if a.approved_on else ""
        )
        out.append(_issue("GOV-2", "approval", a, a.starts_on, until, subject, facts))
    limit = values["retired_max_age"]
    if a.birth_date is not None:
        on = max(a.starts_on, anniversary(a.birth_date, limit) + ONE_DAY)
        if a.ends_on is None or a.ends_on > on:  # ends_on is the first day out of the post
            facts = f"为退（离）休领导干部，{d(anniversary(a.birth_date, limit))}年满{limit}周岁后仍兼职"
            out.append(_issue("GOV-2", "age", a, on, end, subject, facts))
    elsewhere = [h for h in history if h.organization_id != a.organization_id and _overlaps(a, h)]
    if len({h.organization_id for h in elsewhere}) + 1 > values["retired_max_associations"]:
        on = max(a.starts_on, min(h.starts_on for h in elsewhere))
        names = "、".join(sorted({h.organization_name for h in elsewhere}))
        facts = f"为退（离）休领导干部，同时在{names}兼职（上限{values['retired_max_associations']}个社会团体）"
        out.append(_issue("GOV-2", "associations", a, on, end, subject, facts))
    terms = sorted({h.term_number for h in history if h.organization_id == a.organization_id} | {a.term_number})
    nth, limit = terms.index(a.term_number) + 1, values["retired_max_terms"]
    if nth > limit:
        facts = f"为退（离）休领导干部，在本会兼职第{nth}届（上限{limit}届）"
        out.append(_issue("GOV-2", "terms", a, a.starts_on, end, subject, facts))
    return out


def leader_issues(
    served: Iterable[Served],
    history: Mapping[int, list[Served]],
    gov1: Mapping[str, Any],
    gov2: Mapping[str, Any],
    as_of: dt.date,
) -> list[Issue]:
    """GOV-1 and GOV-2 issues of the given appointments; `history` is every held post by person id."""
    out: list[Issue] = []
    for a in served:
        if a.starts_on > as_of:
            continue
        mine = [h for h in history.get(a.person_id, []) if h.id != a.id and h.starts_on <= as_of]
        out.extend(gov_1_issues(a, mine, gov1, as_of))
        out.extend(gov_2_issues(a, mine, gov2, as_of))
    return out


# -- loading ---------------------------------------------------------------------------------------------

SERVED_FIELDS = (
    "id",
    "organization_id",
    "organization__name",
    "person_id",
    "person__name",
    "post",
    "term_id",
    "term__number",
    "starts_on",
    "ends_on",
    "paid",
    "approval_document",
    "approved_on",
    "person__leader_facts__birth_date",
    "person__leader_facts__official_status",
    "person__leader_facts__retired_on",
)


def _served(row: tuple) -> Served:
    values = list(row)
    values[14] = values[14] or OfficialStatus.NONE
    return Served(*values)


def load_served(q: Q, as_of: dt.date) -> list[Served]:
    rows = (
        Appointment.objects.filter(q, status__in=["serving", "ended"], starts_on__isnull=False, starts_on__lte=as_of)
        .order_by("organization_id", "term__number", "pk")
        .values_list(*SERVED_FIELDS)
    )
    return [_served(row) for row in rows]


def load_history(person_ids: Iterable[int], as_of: dt.date) -> dict[int, list[Served]]:
    ids = sorted(set(person_ids))
    out: dict[int, list[Served]] = {}
    if ids:
        for s in load_served(Q(person_id__in=ids), as_of):
            out.setdefault(s.person_id, []).append(s)
    return out


def load_terms(q: Q) -> tuple[list[TermRow], dict[int, list[tuple[dt.date, dt.date]]]]:
    terms = [
        TermRow(*row)
        for row in Term.objects.filter(q)
        .order_by("organization_id", "number")
        .values_list("id", "organization_id", "number", "starts_on", "ends_on", "extended_to")
    ]
    extensions: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for term_id, extended_to, approved_on in TermExtension.objects.filter(
        term_id__in=[t.id for t in terms]
    ).values_list("term_id", "extended_to", "approved_on"):
        extensions.setdefault(term_id, []).append((extended_to, approved_on))
    return terms, extensions
