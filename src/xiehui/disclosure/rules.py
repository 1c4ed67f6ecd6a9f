"""Disclosure rules: DIS-1 … DIS-4 (000 二(二); 004 §15).

`timeliness()` is the one place where DIS-3 is computed: which items of an
association are due, on time, late or missing as of a date, and the
completeness figure. The selector (for pages, the API and later the grade
evaluation) and the engine's reminders both call it with facts loaded in bulk.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from xiehui.core import clock, engine
from xiehui.core.engine import evaluator
from xiehui.core.rules import declare

from . import catalogue
from .catalogue import HALFYEARLY, STANDING, YEARLY, ItemType
from .models import Disclosure

DIS1 = declare("DIS-1", title="向社会公开的信息", basis="000 二(二)；004 第15条")
DIS2 = declare("DIS-2", title="向会员公开的信息", basis="000 二(二)")
DIS3 = declare(
    "DIS-3",
    title="信息公开及时性",
    basis="000 二(二)；004 第15条",
    change_days=30,
    yearly_due_month=5,
    yearly_due_day=31,
    halfyear_days=30,
    first_year=2025,
    reminder_days=[30, 7, 1],
)
DIS4 = declare(
    "DIS-4", title="公开信息真实、准确、完整；已公开版本不得修改，更正须另发新版本并说明理由", basis="000 二(二)"
)

ON_TIME, LATE, MISSING, DUE = "on_time", "late", "missing", "due"
STATE_LABELS = {ON_TIME: "按时公开", LATE: "逾期公开", MISSING: "逾期未公开", DUE: "待公开"}


@dataclass(frozen=True)
class ItemState:
    """One required publication (or one event) and where it stands as of the evaluated day.

    The label and the reason are built when read: a jurisdiction's table evaluates
    tens of thousands of states and shows only a page of them.
    """

    item: ItemType
    period: str
    due_on: dt.date
    published_on: dt.date | None
    state: str
    event: str = ""  # an event's own title

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def label(self) -> str:
        return f"{self.item.title}（{self.event}）" if self.event else catalogue.item_label(self.item, self.period)

    @property
    def reason(self) -> str:
        """In Chinese, with the dates that decided the state."""
        return _reason(self.label, self.due_on, self.published_on, self.state)


@dataclass
class Timeliness:
    """DIS-3 for one association as of a day: the states, and the figures later domains read."""

    as_of: dt.date
    items: list[ItemState] = field(default_factory=list)

    def _count(self, *states: str) -> int:
        return sum(1 for s in self.items if s.state in states)

    @property
    def required(self) -> int:
        """Publications whose deadline has passed (events count once published)."""
        return self._count(ON_TIME, LATE, MISSING)

    @property
    def published(self) -> int:
        return self._count(ON_TIME, LATE)

    @property
    def late(self) -> int:
        return self._count(LATE)

    @property
    def missing(self) -> int:
        return self._count(MISSING)

    @property
    def upcoming(self) -> list[ItemState]:
        return sorted((s for s in self.items if s.state == DUE), key=lambda s: s.due_on)

    @property
    def completeness(self) -> int:
        """Percent of required publications made (on time or late); 100 when nothing is due yet."""
        return 100 if self.required == 0 else round(100 * self.published / self.required)

    @property
    def on_time_rate(self) -> int:
        """Percent of required publications made on time."""
        return 100 if self.required == 0 else round(100 * self._count(ON_TIME) / self.required)


@dataclass
class Facts:
    """What DIS-3 reads for one association.

    `first_published`: (item type, period) -> the day its first version was published
    (standing items and sourced items use period ""). `events`: (item type, title, day
    of the event or change, day published) for event items and update versions.
    """

    registered_on: dt.date
    first_published: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    events: list[tuple[str, str, dt.date, dt.date]] = field(default_factory=list)


def yearly_due_on(year: int, values: Mapping[str, Any]) -> dt.date:
    month = values["yearly_due_month"]
    day = min(values["yearly_due_day"], calendar.monthrange(year + 1, month)[1])
    return dt.date(year + 1, month, day)


def _periods(
    item: ItemType, start: dt.date, as_of: dt.date, values: Mapping[str, Any]
) -> Iterator[tuple[str, dt.date]]:
    """(period, due day) of a periodic item from the first platform year up to the next deadline after as_of."""
    # the last year whose deadline (in the next year) the calendar can still express
    for year in range(max(start.year, values["first_year"]), min(as_of.year, dt.MAXYEAR - 1) + 1):
        if item.cadence == YEARLY:
            yield str(year), yearly_due_on(year, values)
        else:
            for half, end in (("H1", dt.date(year, 6, 30)), ("H2", dt.date(year, 12, 31))):
                if end >= start:
                    yield f"{year}{half}", end + dt.timedelta(days=values["halfyear_days"])


def _state(due_on: dt.date, published_on: dt.date | None, as_of: dt.date) -> str:
    if published_on is not None and published_on <= as_of:
        return ON_TIME if published_on <= due_on else LATE
    return MISSING if as_of > due_on else DUE


def _reason(label: str, due_on: dt.date, published_on: dt.date | None, state: str) -> str:
    if state == ON_TIME:
        return f"{label}应于{due_on:%Y-%m-%d}前公开，已于{published_on:%Y-%m-%d}公开"
    if state == LATE:
        return f"{label}应于{due_on:%Y-%m-%d}前公开，{published_on:%Y-%m-%d}方公开"
    if state == MISSING:
        return f"{label}应于{due_on:%Y-%m-%d}前公开，至今未公开"
    return f"{label}应于{due_on:%Y-%m-%d}前公开"


Schedule = list[tuple[ItemType, str, dt.date]]


def schedule(start: dt.date, as_of: dt.date, values: Mapping[str, Any]) -> Schedule:
    """The required publications (item, period, due day) of an association whose obligations start on `start`
    (the later of registration and 1 January of the first platform year), up to the deadlines after `as_of`:
    the same for every association with the same start."""
    change_days = dt.timedelta(days=values["change_days"])
    out: Schedule = []
    for item in catalogue.TYPES:
        if not item.required:
            continue
        if item.cadence == STANDING:
            out.append((item, "", start + change_days))
        elif item.cadence in (YEARLY, HALFYEARLY):
            out.extend(
                (item, period, due_on) for period, due_on in _periods(item, start, as_of, values) if due_on >= start
            )
    return out


def timeliness(
    facts: Facts, as_of: dt.date, values: Mapping[str, Any], memo: dict[Any, Schedule] | None = None
) -> Timeliness:
    """DIS-3 as of a day: standing items are due `change_days` after the later of registration and the first
    platform year; periodic items by their period's deadline; each event and each change `change_days` after it.
    A periodic item whose deadline is still ahead is "due" only for the nearest period (what reminders name).
    `memo` shares schedules between associations evaluated together (one dict per batch and parameter set)."""
    result = Timeliness(as_of)
    start = max(facts.registered_on, dt.date(values["first_year"], 1, 1))
    key = (start, as_of)
    if memo is None or key not in memo:
        planned = schedule(start, as_of, values)
        if memo is not None:
            memo[key] = planned
    else:
        planned = memo[key]
    published_days = facts.first_published
    upcoming: set[str] = set()  # periodic items whose nearest future period is already listed
    for item, period, due_on in planned:
        published = published_days.get((item.code, period))
        if as_of <= due_on:
            if item.cadence == STANDING:
                pass
            elif item.code in upcoming or published is not None:
                continue
            else:
                upcoming.add(item.code)
        result.items.append(ItemState(item, period, due_on, published, _state(due_on, published, as_of)))
    change_days = dt.timedelta(days=values["change_days"])
    for code, title, happened_on, published_on in facts.events:
        if published_on > as_of or happened_on < start:
            continue
        due_on = happened_on + change_days
        state = ON_TIME if published_on <= due_on else LATE
        result.items.append(ItemState(catalogue.BY_CODE[code], "", due_on, published_on, state, event=title))
    return result


# --- the engine: reminders before DIS-3 deadlines -----------------------------------------------------


@engine.loader
def disclosure_facts(lo: int, hi: int, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """First publication days of the typed standing and periodic items, for organisations lo..hi."""
    out: dict[int, dict[str, Any]] = {}
    rows = (
        Disclosure.objects.filter(organization_id__gte=lo, organization_id__lte=hi, slot__isnull=False)
        .exclude(first_published_at__isnull=True)
        .order_by()
        .values_list("organization_id", "item_type", "period", "first_published_at")
    )
    for org_id, code, period, first in rows:
        if first is not None:  # excluded above; the type of the column says nullable
            out.setdefault(org_id, {}).setdefault("disclosed", {})[(code, period)] = clock.local_date(first)
    return out


@evaluator(stage=10)
def dis_3_reminders(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """DIS-3: remind the association 30, 7 and 1 days before a typed item falls due while it is unpublished.

    Only deadlines within the reminder window are looked at (on most days there are none), from the
    schedule shared by every association with the same start: a daily run costs next to nothing.
    """
    if f.org["status"] != "registered":
        return
    values = ctx.params("DIS-3")
    disclosed = f.disclosed or {}
    for item, period, due_on in _reminder_window(f.org["registered_on"], ctx, values):
        published = disclosed.get((item.code, period))
        if published is not None and published <= ctx.as_of:
            continue
        label = catalogue.item_label(item, period)
        for days in values["reminder_days"]:
            remind_on = due_on - dt.timedelta(days=days)
            if remind_on <= ctx.as_of:
                yield engine.Effect(
                    "reminder",
                    f"DIS-3:{item.code}:{period}:R{days}",
                    "DIS-3",
                    remind_on,
                    f"{label}应于{due_on:%Y-%m-%d}前公开，距截止还有{days}天",
                    parameters=values,
                    data={"subject": f"{label}将于{days}天后截止公开", "due_on": due_on},
                )


def _reminder_window(registered_on: dt.date, ctx: engine.Context, values: Mapping[str, Any]) -> Schedule:
    """The typed items of the schedule due between the evaluated day and the earliest reminder's reach."""
    start = max(registered_on, dt.date(values["first_year"], 1, 1))
    memo = ctx.memo.setdefault("DIS-3:window", {})
    if start not in memo:
        reach = ctx.as_of + dt.timedelta(days=max(values["reminder_days"], default=0))
        memo[start] = [
            (item, period, due_on)
            for item, period, due_on in schedule(start, ctx.as_of, values)
            if item.typed and ctx.as_of <= due_on <= reach
        ]
    return memo[start]
