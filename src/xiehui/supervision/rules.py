"""Supervision rules: ANN-1 … ANN-3, SUP-1, SUP-2, SUP-4 (004 §6, §17; 000 三; 条例 art. 28).

Declarations first (what explanations cite, with configurable parameters), then
the engine's evaluators: functions of one association's facts as of a date
that return the effects that should exist (core/engine.py explains why this
makes `xiehui tick` idempotent).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from xiehui.core import clock, engine, params
from xiehui.core.engine import evaluator
from xiehui.core.rules import declare
from xiehui.registry.models import Organization

from .models import AddressLetter, AnnualReport, Complaint, CourtListEntry, Penalty, RectificationOrder

ANN1 = declare(
    "ANN-1",
    title="年度工作报告报送",
    basis="《社会团体登记管理条例》第二十八条；000 三",
    due_month=5,
    due_day=31,
    first_year=2025,
    reminder_days=[30, 7, 1],
)
ANN2 = declare(
    "ANN-2", title="年度检查结论（合格、基本合格、不合格）", basis="《社会团体登记管理条例》第二十八条；年度检查办法"
)
ANN3 = declare(
    "ANN-3", title="逾期未报送年度工作报告列入活动异常名录（见 CR-A1）", basis="民政部令第60号 第十条第（一）项"
)
SUP1 = declare("SUP-1", title="投诉举报受理与答复", basis="000 三；004 第17条", answer_days=60)
SUP2 = declare(
    "SUP-2",
    title="重点检查与约谈",
    basis="000 三；004 第17条；民政部令第60号 第二十条",
    threshold=3,
    window_months=12,
)
SUP4 = declare(
    "SUP-4",
    title="无专职工作人员责令整改",
    basis="004 第6条（未配备专职工作人员的，责令限期整改；逾期未改的列入活动异常名录，见 CR-A3）",
    rectify_days=90,
)


def report_due_on(year: int, *, stored: Mapping[str, Any] | None = None) -> dt.date:
    """ANN-1: the last day to file the annual work report for `year` (31 May of the next year by default)."""
    table = dict(stored) if stored is not None else params.overrides()
    month = params.value("ANN-1.due_month", stored=table)
    day = min(params.value("ANN-1.due_day", stored=table), calendar.monthrange(year + 1, month)[1])
    return dt.date(year + 1, month, day)


def report_years_due(registered_on: dt.date, as_of: dt.date, *, stored: Mapping[str, Any] | None = None) -> list[int]:
    """The report years whose deadline has passed by `as_of` for an association registered on `registered_on`.

    A report is due for every year the association existed, from ANN-1.first_year
    (the first year whose reports the platform holds) on.
    """
    first = max(registered_on.year, params.value("ANN-1.first_year", stored=dict(stored) if stored else None))
    return [year for year in range(first, as_of.year) if report_due_on(year, stored=stored) < as_of]


# --- The engine: the organisations, their supervision facts, and the supervision evaluators -----------

ACTIVE = "registered"


def _org_ids(only: list[int] | None) -> list[int]:
    qs = Organization.objects.order_by("id")
    if only is not None:
        qs = qs.filter(id__in=only)
    return list(qs.values_list("id", flat=True))


def _org_rows(lo: int, hi: int, only: list[int] | None) -> list[dict[str, Any]]:
    qs = Organization.objects.filter(id__range=(lo, hi))
    if only is not None:
        qs = qs.filter(id__in=only)
    return [
        dict(row)
        for row in qs.order_by("id").values(
            "id", "uscc", "name", "registered_on", "status", "status_changed_on", "authority_region_id", "level"
        )
    ]


def _org_find(uscc: str) -> int | None:
    return Organization.objects.filter(uscc=uscc).values_list("id", flat=True).first()


engine.organizations(ids=_org_ids, rows=_org_rows, find=_org_find)


def _group(rows: Iterable[Any], attr: str, into: dict[int, dict[str, Any]]) -> None:
    for row in rows:
        into.setdefault(row["organization_id"], {}).setdefault(attr, []).append(row)


@engine.loader
def supervision_facts(lo: int, hi: int, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Bulk-load the supervision facts dated on or before `as_of` for organisations lo..hi."""
    out: dict[int, dict[str, Any]] = {}
    org = {"organization_id__gte": lo, "organization_id__lte": hi}
    _group(
        AnnualReport.objects.filter(**org, first_submitted_on__lte=as_of)
        .values("organization_id", "year", "first_submitted_on", "full_time_staff")
        .order_by("year"),
        "reports",
        out,
    )
    _group(
        RectificationOrder.objects.filter(**org, issued_on__lte=as_of)
        .values("organization_id", "id", "number", "key", "source", "issued_on", "deadline", "completed_on", "status")
        .order_by("issued_on", "id"),
        "orders",
        out,
    )
    _group(
        Penalty.objects.filter(**org, decided_on__lte=as_of)
        .values("organization_id", "id", "kind", "decision_number", "decided_on", "amount")
        .order_by("decided_on", "id"),
        "penalties",
        out,
    )
    _group(
        AddressLetter.objects.filter(**org, sent_on__lte=as_of)
        .values("organization_id", "id", "sent_on", "returned_on", "signed")
        .order_by("sent_on", "id"),
        "letters",
        out,
    )
    _group(
        CourtListEntry.objects.filter(**org, listed_on__lte=as_of)
        .values("organization_id", "id", "case_number", "court", "listed_on", "removed_on")
        .order_by("listed_on", "id"),
        "court",
        out,
    )
    _group(
        Complaint.objects.filter(**org, filed_on__lte=as_of)
        .values("organization_id", "id", "code", "filed_on", "due_on", "answered_on", "outcome", "status")
        .order_by("filed_on", "id"),
        "complaints",
        out,
    )
    return out


def _until(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A fact dated after `as_of` has not happened yet as of `as_of`."""
    return day if day is not None and day <= as_of else None


def reporting_years(f: engine.OrgFacts, ctx: engine.Context, *, horizon: dt.date) -> list[int]:
    """Report years owed by the association up to `horizon` (none after it left the register)."""
    org = f.org
    first = max(org["registered_on"].year, ctx.param("ANN-1.first_year"))
    years = range(first, horizon.year)
    left = org["status_changed_on"] if org["status"] != ACTIVE else None
    if left is None:
        return list(years)
    return [year for year in years if report_state(f, ctx, year)[0] < left]


def report_state(f: engine.OrgFacts, ctx: engine.Context, year: int) -> tuple[dt.date, dt.date | None]:
    """(deadline, first submission date as of the evaluated day) of one report year."""
    key = ("ANN-1.due", year)
    due = ctx.memo.get(key)
    if due is None:
        due = ctx.memo[key] = report_due_on(year, stored=ctx.stored)
    submitted = next((r["first_submitted_on"] for r in f.reports if r["year"] == year), None)
    return due, _until(submitted, ctx.as_of)


@evaluator(stage=10)
def ann_1_overdue_and_reminders(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """ANN-1: flag a report not filed by its deadline (cleared when filed); remind 30/7/1 days before."""
    values = ctx.params("ANN-1")
    for year in reporting_years(f, ctx, horizon=ctx.as_of):
        due, submitted = report_state(f, ctx, year)
        day_after = due + dt.timedelta(days=1)
        if ctx.as_of >= day_after and (submitted is None or submitted > due):
            facts = f"{year}年度工作报告截止{due:%Y-%m-%d}，至{day_after:%Y-%m-%d}（截止次日）仍未报送"
            if submitted:
                facts += f"；已于{submitted:%Y-%m-%d}报送"
            yield engine.Effect(
                "flag",
                f"ANN-1:{year}",
                "ANN-1",
                day_after,
                facts,
                until=submitted,
                parameters=values,
                data={"subject": f"{year}年度工作报告逾期未报送"},
            )
    # reminders for the report falling due next (year before as_of's year, deadline still ahead)
    for year in reporting_years(f, ctx, horizon=dt.date(ctx.as_of.year + 1, 1, 1)):
        due, submitted = report_state(f, ctx, year)
        if ctx.as_of > due:
            continue
        for days in values["reminder_days"]:
            remind_on = due - dt.timedelta(days=days)
            if remind_on <= ctx.as_of and (submitted is None or submitted > remind_on):
                yield engine.Effect(
                    "reminder",
                    f"ANN-1:{year}:R{days}",
                    "ANN-1",
                    remind_on,
                    f"{year}年度工作报告应于{due:%Y-%m-%d}前报送，距截止还有{days}天；逾期将列入活动异常名录（CR-A1）",
                    parameters=values,
                    data={"subject": f"{year}年度工作报告将于{days}天后截止", "due_on": due},
                )


def order_ref(order: Mapping[str, Any]) -> str:
    """An order's stable reference: its rule key, or its number for an officer's order."""
    return str(order["key"] or order["number"])


@evaluator(stage=10)
def sup_4_no_fulltime_staff(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """SUP-4 (004 §6): a report declaring no full-time staff brings an order to rectify by a deadline."""
    values = ctx.params("SUP-4")
    for report in f.reports:
        if report["full_time_staff"] == 0:
            issued = report["first_submitted_on"]
            deadline = clock.add_days(issued, values["rectify_days"])
            yield engine.Effect(
                "order",
                f"SUP-4:{report['year']}",
                "SUP-4",
                issued,
                f"{report['year']}年度工作报告（{issued:%Y-%m-%d}报送）填报专职工作人员0人，不符合004第6条配备专职工作人员的要求",
                parameters=values,
                data={
                    "ground": "未配备专职工作人员",
                    "requirements": f"请于{deadline:%Y-%m-%d}前配备专职工作人员，并提交劳动合同或聘用证明等材料",
                    "deadline": deadline,
                },
            )


def orders_in_force(f: engine.OrgFacts) -> list[dict[str, Any]]:
    """Stored orders plus the rule orders this run is about to issue (same key, so never twice)."""
    stored = list(f.orders)
    keys = {o["key"] for o in stored if o["key"]}
    for effect in f.of_kind("order"):
        if effect.key not in keys:
            stored.append(
                {
                    "id": None,
                    "number": effect.key,
                    "key": effect.key,
                    "source": "rule",
                    "issued_on": effect.on,
                    "deadline": effect.data["deadline"],
                    "completed_on": None,
                    "status": "open",
                }
            )
    return stored


@evaluator(stage=15)
def cr_a3_order_reminders(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """Remind the association 30/7/1 days before an order's deadline while it is not completed."""
    values = ctx.params("CR-A3")
    for order in orders_in_force(f):
        if order["status"] == "withdrawn" or ctx.as_of > order["deadline"]:
            continue
        completed = _until(order["completed_on"], ctx.as_of)
        for days in values["reminder_days"]:
            remind_on = order["deadline"] - dt.timedelta(days=days)
            if order["issued_on"] < remind_on <= ctx.as_of and (completed is None or completed > remind_on):
                yield engine.Effect(
                    "reminder",
                    f"CR-A3:{order_ref(order)}:R{days}",
                    "CR-A3",
                    remind_on,
                    f"整改通知{order['number']}要求于{order['deadline']:%Y-%m-%d}前完成整改，距期限还有{days}天；"
                    "逾期未完成将列入活动异常名录（CR-A3）",
                    parameters=values,
                    data={"subject": f"整改期限还有{days}天", "due_on": order["deadline"]},
                )


@evaluator(stage=10)
def sup_1_answer_overdue(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """SUP-1: a complaint not answered by its due date raises a flag, cleared when answered."""
    values = ctx.params("SUP-1")
    for complaint in f.complaints:
        due = complaint["due_on"]
        answered = _until(complaint["answered_on"], ctx.as_of)
        if ctx.as_of > due and (answered is None or answered > due):
            yield engine.Effect(
                "flag",
                f"SUP-1:{complaint['id']}",
                "SUP-1",
                due + dt.timedelta(days=1),
                f"第{complaint['id']}号投诉于{complaint['filed_on']:%Y-%m-%d}受理，应于{due:%Y-%m-%d}前答复，逾期未答复",
                until=answered,
                parameters=values,
                data={"subject": f"第{complaint['id']}号投诉答复逾期"},
            )


SUBSTANTIATED = ("substantiated", "partly")


@evaluator(stage=30)
def sup_2_key_inspection(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """SUP-2, for associations on the register on the day the trigger came (none after it left)."""
    left = f.org["status_changed_on"] if f.org["status"] != ACTIVE else None
    for effect in _sup_2_triggers(f, ctx):
        if left is None or effect.on < left:
            yield effect


def _sup_2_triggers(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """SUP-2: N substantiated complaints within the window, or a serious-list listing, open a key inspection."""
    values = ctx.params("SUP-2")
    dates = sorted(
        c["answered_on"] for c in f.complaints if c["outcome"] in SUBSTANTIATED and _until(c["answered_on"], ctx.as_of)
    )
    counted: list[dt.date] = []
    for day in dates:
        counted = [d for d in counted if clock.add_calendar_months(d, values["window_months"]) > day] + [day]
        if len(counted) >= values["threshold"]:
            yield engine.Effect(
                "inspection",
                f"SUP-2:complaints:{day:%Y-%m-%d}",
                "SUP-2",
                day,
                f"{values['window_months']}个月内经查属实的投诉达{len(counted)}件（"
                + "、".join(f"{d:%Y-%m-%d}" for d in counted)
                + f"），达到重点检查标准（{values['threshold']}件）",
                parameters=values,
            )
            counted = []  # the next case counts complaints after this one
    for listing in f.of_kind("listing"):
        if listing.data.get("list_kind") == "serious":
            yield engine.Effect(
                "inspection",
                f"SUP-2:{listing.key}",
                "SUP-2",
                listing.on,
                f"列入严重违法失信名单（{listing.rule_id}，{listing.on:%Y-%m-%d}），依规实施重点检查",
                parameters=values,
            )
