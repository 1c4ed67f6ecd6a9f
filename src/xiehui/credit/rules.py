"""Credit-list rules CR-A*, CR-S*, CR-X, CR-O, CR-P, CR-R, CR-E (民政部令第60号, 2018; 004 §18).

Declarations first, then the engine's evaluators: from one association's facts
as of a date, the listings that should exist, each with its natural key, start
date, earliest or automatic removal date and the facts that decided it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from xiehui.core import clock, engine
from xiehui.core.engine import evaluator
from xiehui.core.rules import declare
from xiehui.supervision import rules as sup_rules
from xiehui.supervision.models import PenaltyKind

from .models import EndReason, Listing, ListKind, Objection, RemovalApplication

PENALTY_LABELS = {kind.value: kind.label for kind in PenaltyKind}

ORDER60 = "《社会组织信用信息管理办法》（民政部令第60号）"

CRA = declare(
    "CR-A",
    title="活动异常名录的移出",
    basis=f"{ORDER60} 第十四条、第十五条",
    auto_removal_months=6,
    removal_working_days=5,
)
CRA1 = declare("CR-A1", title="未按规定报送年度工作报告", basis=f"{ORDER60} 第十条第（一）项；条例第二十八条")
CRA2 = declare("CR-A2", title="未按规定建立党组织", basis=f"{ORDER60} 第十条；004 第23条")
CRA3 = declare(
    "CR-A3",
    title="未按登记管理机关整改要求完成整改",
    basis=f"{ORDER60} 第十条第（二）项；004 第6条",
    reminder_days=[30, 7, 1],
)
CRA4 = declare(
    "CR-A4", title="受到警告或者不满5万元罚款处罚", basis=f"{ORDER60} 第十条第（三）项", fine_threshold=50000
)
CRA5 = declare(
    "CR-A5",
    title="通过登记的住所无法取得联系",
    basis=f"{ORDER60} 第十条第（四）项",
    min_days_between_letters=20,
    max_days_between_letters=60,
)
CRA6 = declare("CR-A6", title="法律、行政法规规定的其他情形（活动异常）", basis=f"{ORDER60} 第十条第（五）项")
CRS = declare("CR-S", title="严重违法失信名单的移出", basis=f"{ORDER60} 第十九条", removal_months=24)
CRS1 = declare("CR-S1", title="被列入活动异常名录满2年", basis=f"{ORDER60} 第十七条第（一）项", months=24)
CRS2 = declare("CR-S2", title="弄虚作假办理变更登记被撤销", basis=f"{ORDER60} 第十七条第（二）项")
CRS3 = declare("CR-S3", title="受到限期停止活动行政处罚", basis=f"{ORDER60} 第十七条第（三）项")
CRS4 = declare("CR-S4", title="受到5万元以上罚款处罚", basis=f"{ORDER60} 第十七条第（四）项", fine_threshold=50000)
CRS5 = declare(
    "CR-S5",
    title="3年内2次以上受到警告或者不满5万元罚款处罚",
    basis=f"{ORDER60} 第十七条第（五）项",
    count=2,
    window_months=36,
)
CRS6 = declare("CR-S6", title="被列入失信被执行人名单", basis=f"{ORDER60} 第十七条第（六）项")
CRS7 = declare(
    "CR-S7", title="被吊销登记证书或撤销登记", basis=f"{ORDER60} 第十七条第（七）项；第十九条（注销完成后移出）"
)
CRS8 = declare("CR-S8", title="法律、行政法规规定的其他情形（严重失信）", basis=f"{ORDER60} 第十七条第（八）项")
CRX = declare("CR-X", title="列入期间出现新的列入事由，期限重新计算", basis=f"{ORDER60} 第十五条、第十九条")
CRO = declare("CR-O", title="异议的核查与决定", basis=f"{ORDER60} 第二十二条", decide_working_days=15)
CRP = declare("CR-P", title="名录公开与信用信息记录", basis=f"{ORDER60} 第六条、第二十三条", record_working_days=5)
CRR = declare("CR-R", title="移出后不再公示", basis=f"{ORDER60} 第二十四条")
CRE = declare("CR-E", title="列入名录的效果（联合惩戒）", basis=f"{ORDER60} 第二十五条；004 第18条")


# --- The engine: stored listings and requests, and the evaluator of both lists ------------------------

PERSON_ENDS = {EndReason.REMOVAL_APPROVED, EndReason.OBJECTION_UPHELD}


@engine.loader
def credit_facts(lo: int, hi: int, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Stored listings (any source) and the open questions on them, for organisations lo..hi."""
    out: dict[int, dict[str, Any]] = {}
    for row in (
        Listing.objects.filter(organization_id__gte=lo, organization_id__lte=hi)
        .values(
            "organization_id",
            "key",
            "list_kind",
            "ground",
            "rule_id",
            "source",
            "start_on",
            "ended_on",
            "end_reason",
            "rectifiable",
            "facts",
            "basis",
        )
        .order_by("start_on", "id")
    ):
        out.setdefault(row["organization_id"], {}).setdefault("listings", []).append(row)
    for model, attr, due in ((Objection, "objections", "due_on"), (RemovalApplication, "removals", "decision_due_on")):
        for found in (
            model.objects.filter(
                listing__organization_id__gte=lo, listing__organization_id__lte=hi, filed_on__lte=as_of
            )
            .annotate(organization_id=F("listing__organization_id"), listing_key=F("listing__key"))
            .values("organization_id", "id", "listing_key", "filed_on", "decided_on", due)
            .order_by("id")
        ):
            request: dict[str, Any] = dict(found)
            request["due"] = request.pop(due)
            out.setdefault(request["organization_id"], {}).setdefault(attr, []).append(request)
    return out


@dataclass
class Draft:
    """A listing as this run computes it, before it becomes an Effect."""

    key: str
    rule_id: str
    list_kind: str
    start: dt.date
    facts: str
    rectifiable: bool = True
    manual: bool = False
    end: dt.date | None = None  # the day it ends (exclusive), if known
    end_reason: str = ""
    fixed_end: bool = False  # ended by a person: no rule moves it
    earliest: dt.date | None = None
    auto: dt.date | None = None

    @property
    def ground(self) -> str:
        return self.rule_id.removeprefix("CR-")


def _a1(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[Draft]:
    for year in sup_rules.reporting_years(f, ctx, horizon=ctx.as_of):
        due, submitted = sup_rules.report_state(f, ctx, year)
        if ctx.as_of > due and (submitted is None or submitted > due):
            start = due + dt.timedelta(days=1)
            yield Draft(
                f"CR-A1:{year}",
                "CR-A1",
                ListKind.ABNORMAL,
                start,
                f"{year}年度工作报告截止{due:%Y-%m-%d}，至{start:%Y-%m-%d}（截止次日）仍未报送",
            )


def _a3(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[Draft]:
    for order in sup_rules.orders_in_force(f):
        deadline = order["deadline"]
        completed = sup_rules._until(order["completed_on"], ctx.as_of)
        if order["status"] != "withdrawn" and ctx.as_of > deadline and (completed is None or completed > deadline):
            start = deadline + dt.timedelta(days=1)
            label = order["number"] if order["id"] else f"（{order['key']}）"
            yield Draft(
                f"CR-A3:{sup_rules.order_ref(order)}",
                "CR-A3",
                ListKind.ABNORMAL,
                start,
                f"整改通知{label}要求于{deadline:%Y-%m-%d}前完成整改，至{start:%Y-%m-%d}未完成",
            )


def _penalties(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[Draft]:
    a4_limit = ctx.param("CR-A4.fine_threshold")
    s4_limit = ctx.param("CR-S4.fine_threshold")
    minor = []
    for p in f.penalties:
        no, on, amount = p["decision_number"], p["decided_on"], p["amount"]
        what = f"{on:%Y-%m-%d}受到{PENALTY_LABELS.get(p['kind'], p['kind'])}处罚（{no}）"
        if amount is not None:
            what += f"，罚款金额{amount:,.2f}元"
        if p["kind"] == "warning" or (p["kind"] == "fine" and amount is not None and amount < a4_limit):
            minor.append(p)
            yield Draft(f"CR-A4:{no}", "CR-A4", ListKind.ABNORMAL, on, what, rectifiable=False)
        elif p["kind"] == "fine" and amount is not None and amount >= s4_limit:
            yield Draft(f"CR-S4:{no}", "CR-S4", ListKind.SERIOUS, on, what)
        elif p["kind"] == "suspension":
            yield Draft(f"CR-S3:{no}", "CR-S3", ListKind.SERIOUS, on, what)
        elif p["kind"] == "revocation":
            yield Draft(f"CR-S7:{no}", "CR-S7", ListKind.SERIOUS, on, what)
    count, months = ctx.param("CR-S5.count"), ctx.param("CR-S5.window_months")
    for i, p in enumerate(minor):
        window = [q for q in minor[: i + 1] if p["decided_on"] < clock.add_calendar_months(q["decided_on"], months)]
        if len(window) >= count:
            listed = "、".join(f"{q['decided_on']:%Y-%m-%d}（{q['decision_number']}）" for q in window)
            yield Draft(
                f"CR-S5:{p['decision_number']}",
                "CR-S5",
                ListKind.SERIOUS,
                p["decided_on"],
                f"{months // 12}年内受到警告或不满{a4_limit:,}元罚款处罚{len(window)}次：{listed}",
            )


def _a5(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[Draft]:
    low, high = ctx.param("CR-A5.min_days_between_letters"), ctx.param("CR-A5.max_days_between_letters")
    letters = list(f.letters)
    i = 0
    while i + 1 < len(letters):
        first, second = letters[i], letters[i + 1]
        gap = (second["sent_on"] - first["sent_on"]).days
        returned = [sup_rules._until(x["returned_on"], ctx.as_of) for x in (first, second)]
        if low <= gap <= high and all(returned) and not first["signed"] and not second["signed"]:
            start = returned[1]
            assert start is not None
            yield Draft(
                f"CR-A5:{second['id']}",
                "CR-A5",
                ListKind.ABNORMAL,
                start,
                f"向登记住所寄送的信函两次被退回未签收：{first['sent_on']:%Y-%m-%d}寄出、{returned[0]:%Y-%m-%d}退回；"
                f"{second['sent_on']:%Y-%m-%d}寄出（间隔{gap}天）、{start:%Y-%m-%d}退回",
            )
            i += 2
        else:
            i += 1


def _court_and_status(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[Draft]:
    for entry in f.court:
        removed = sup_rules._until(entry["removed_on"], ctx.as_of)
        yield Draft(
            f"CR-S6:{entry['case_number']}",
            "CR-S6",
            ListKind.SERIOUS,
            entry["listed_on"],
            f"{entry['listed_on']:%Y-%m-%d}被{entry['court']}列入失信被执行人名单（案号{entry['case_number']}）",
            end=removed,
            end_reason=EndReason.SOURCE_ENDED if removed else "",
        )
    org = f.org
    if org["status"] == "revoked" and org["status_changed_on"] and org["status_changed_on"] <= ctx.as_of:
        on = org["status_changed_on"]
        yield Draft("CR-S7:registration", "CR-S7", ListKind.SERIOUS, on, f"{on:%Y-%m-%d}被撤销登记")
    else:  # revoked earlier, deregistered since: the stored listing is kept so that it can end (CR-S removal)
        for row in f.listings:
            if row["key"] == "CR-S7:registration":
                yield Draft(row["key"], "CR-S7", ListKind.SERIOUS, row["start_on"], row["facts"])


def _restarted(start: dt.date, months: int, events: list[dt.date], cap: dt.date | None) -> dt.date:
    """CR-X: the period runs from the last listing event that came while the period was running."""
    anchor = start
    for event in events:
        if event <= anchor or (cap is not None and event >= cap):
            continue
        if event < clock.add_calendar_months(anchor, months):
            anchor = event
        else:
            break
    return clock.add_calendar_months(anchor, months)


def _runs(drafts: list[Draft]) -> list[tuple[dt.date, dt.date | None, list[Draft]]]:
    """Continuous stretches on the abnormal list: (first day, end or None if still listed, listings)."""
    runs: list[tuple[dt.date, dt.date | None, list[Draft]]] = []
    for d in sorted((d for d in drafts if d.list_kind == ListKind.ABNORMAL), key=lambda d: d.start):
        if runs and (runs[-1][1] is None or d.start <= runs[-1][1]):
            first, end, members = runs[-1]
            end = None if end is None or d.end is None else max(end, d.end)
            runs[-1] = (first, end, [*members, d])
        else:
            runs.append((d.start, d.end, [d]))
    return runs


def _s1(drafts: list[Draft], ctx: engine.Context) -> list[Draft]:
    """CR-S1: two full years on the abnormal list moves the association to the serious list (transfer).

    Returns the serious-list drafts; the abnormal listings transferred end on the day.
    """
    months = ctx.param("CR-S1.months")
    done: set[dt.date] = set()
    added: list[Draft] = []
    while True:
        for first, end, members in _runs(drafts):
            day = clock.add_calendar_months(first, months)
            if first in done or day > ctx.as_of or (end is not None and end <= day):
                continue
            done.add(first)
            keys = "、".join(m.key for m in members if m.start < day)
            added.append(
                Draft(
                    f"CR-S1:{first:%Y-%m-%d}",
                    "CR-S1",
                    ListKind.SERIOUS,
                    day,
                    f"自{first:%Y-%m-%d}起连续列入活动异常名录（{keys}）满{months // 12}年，"
                    f"{day:%Y-%m-%d}转入严重违法失信名单",
                )
            )
            for m in members:
                if m.start < day and (m.end is None or m.end > day):
                    m.end, m.end_reason, m.fixed_end = day, EndReason.TRANSFERRED, True
            break
        else:
            return added


@evaluator(stage=20)
def credit_lists(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """CR-A1, A3, A4, A5, CR-S1, S3–S7, CR-X, automatic removal: the listings that should exist as of the day."""
    drafts = [*_a1(f, ctx), *_a3(f, ctx), *_penalties(f, ctx), *_a5(f, ctx), *_court_and_status(f, ctx)]
    by_key = {d.key: d for d in drafts}
    for row in f.listings:  # what people decided: their listings, and the ends they gave
        ended = sup_rules._until(row["ended_on"], ctx.as_of)
        draft = by_key.get(row["key"])
        if draft is None and row["source"] == Listing.Source.OFFICER:
            draft = Draft(
                row["key"],
                row["rule_id"],
                row["list_kind"],
                row["start_on"],
                row["facts"],
                rectifiable=row["rectifiable"],
                manual=True,
            )
            drafts.append(draft)
            by_key[row["key"]] = draft
        if draft is not None and ended is not None and row["end_reason"] in PERSON_ENDS:
            draft.end, draft.end_reason, draft.fixed_end = ended, row["end_reason"], True
    # A listing corrected on objection (CR-O) should never have been: it is no event and no stretch of time.
    counted = [d for d in drafts if d.end_reason != EndReason.OBJECTION_UPHELD]
    auto_months, serious_months = ctx.param("CR-A.auto_removal_months"), ctx.param("CR-S.removal_months")
    events = sorted(d.start for d in counted)
    for d in drafts:  # automatic removal first: a listing with nothing to rectify never lasts the 2 years of S1
        if d.list_kind == ListKind.ABNORMAL and not d.rectifiable:
            d.auto = _restarted(d.start, auto_months, [e for e in events if e != d.start], d.end)
            if d.end is None or d.auto < d.end:
                d.end, d.end_reason = d.auto, EndReason.AUTOMATIC
    transfers = _s1(counted, ctx)
    drafts += transfers
    events = sorted(d.start for d in [*counted, *transfers])
    for d in drafts:
        if d.list_kind == ListKind.SERIOUS:
            d.earliest = _restarted(d.start, serious_months, [e for e in events if e != d.start], d.end)
            if d.rule_id == "CR-S7" and f.org["status"] == "deregistered" and d.end is None:
                gone = sup_rules._until(f.org["status_changed_on"], ctx.as_of)
                if gone is not None and gone >= d.start:
                    d.end, d.end_reason = gone, EndReason.DEREGISTERED
        yield _effect(d, ctx)


def _effect(d: Draft, ctx: engine.Context) -> engine.Effect:
    """The listing effect, with the parameters of its ground and of its list's removal rule."""
    removal_rule = "CR-A" if d.list_kind == ListKind.ABNORMAL else "CR-S"
    used = {**ctx.params(removal_rule), **ctx.params(d.rule_id)}
    until = d.end if d.end is not None and d.end <= ctx.as_of else None
    return engine.Effect(
        "listing",
        d.key,
        d.rule_id,
        d.start,
        d.facts,
        until=until,
        parameters=used,
        data={
            "list_kind": d.list_kind,
            "ground": d.ground,
            "rectifiable": d.rectifiable,
            "manual": d.manual,
            "earliest_removal_on": d.earliest,
            "auto_removal_on": d.auto,
            "end_reason": d.end_reason if until else "",
        },
    )


@evaluator(stage=20)
def cr_o_and_removal_overdue(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """CR-O: an objection not decided in time; CR-A: a verified removal not decided within 5 working days."""
    for rule_id, rows, what in (("CR-O", f.objections, "异议"), ("CR-A", f.removals, "移出申请")):
        for row in rows:
            due = row["due"]
            if due is None or ctx.as_of <= due:
                continue
            decided = sup_rules._until(row["decided_on"], ctx.as_of)
            if decided is None or decided > due:
                yield engine.Effect(
                    "flag",
                    f"{rule_id}:{what}:{row['id']}",
                    rule_id,
                    due + dt.timedelta(days=1),
                    f"{row['listing_key']}的{what}于{row['filed_on']:%Y-%m-%d}提出，应于{due:%Y-%m-%d}前作出决定，逾期未决定",
                    until=decided,
                    parameters=ctx.params(rule_id),
                    data={"subject": f"{what}决定逾期"},
                )
