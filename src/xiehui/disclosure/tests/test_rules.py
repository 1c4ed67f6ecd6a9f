"""DIS-3 at its boundaries, with the day passed in: the pure rule, the selector, and the engine's reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core import clock, engine, params
from xiehui.disclosure import catalogue, selectors, services
from xiehui.disclosure.rules import DUE, LATE, MISSING, ON_TIME, Facts, timeliness
from xiehui.supervision.models import Reminder

VALUES = params.values("DIS-3", stored={})
REGISTERED = dt.date(2015, 6, 1)


def _state(facts: Facts, as_of: dt.date, code: str, period: str = "") -> str:
    found = [s for s in timeliness(facts, as_of, VALUES).items if s.item.code == code and s.period == period]
    assert found, f"{code} {period} not in the DIS-3 items as of {as_of}"
    return found[0].state


@pytest.mark.parametrize(
    ("published", "as_of", "expected"),
    [
        (None, dt.date(2026, 5, 30), DUE),
        (None, dt.date(2026, 5, 31), DUE),  # the deadline day itself is still in time
        (None, dt.date(2026, 6, 1), MISSING),
        (dt.date(2026, 5, 31), dt.date(2026, 6, 1), ON_TIME),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 1), LATE),
        (dt.date(2026, 6, 2), dt.date(2026, 6, 1), MISSING),  # published after the evaluated day: not yet
    ],
)
def test_dis_3_yearly_item_due_31_may_of_the_next_year(published, as_of, expected):
    facts = Facts(REGISTERED, {("financial_report", "2025"): published} if published else {})
    assert _state(facts, as_of, "financial_report", "2025") == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [(dt.date(2025, 7, 29), ON_TIME), (dt.date(2025, 7, 30), ON_TIME), (dt.date(2025, 7, 31), LATE)],
)
def test_dis_3_half_year_item_due_30_days_after_the_half(published, expected):
    facts = Facts(REGISTERED, {("income_expenditure", "2025H1"): published})
    assert _state(facts, dt.date(2025, 9, 1), "income_expenditure", "2025H1") == expected


@pytest.mark.parametrize(("days_after", "expected"), [(29, ON_TIME), (30, ON_TIME), (31, LATE)])
def test_dis_3_event_disclosed_within_30_days(days_after, expected):
    happened = dt.date(2026, 3, 1)
    facts = Facts(
        REGISTERED, events=[("asset_changes", "出售办公楼", happened, happened + dt.timedelta(days=days_after))]
    )
    [state] = [s for s in timeliness(facts, dt.date(2026, 11, 23), VALUES).items if s.item.code == "asset_changes"]
    assert state.state == expected
    assert state.due_on == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("as_of", "expected"), [(dt.date(2025, 1, 30), DUE), (dt.date(2025, 1, 31), DUE), (dt.date(2025, 2, 1), MISSING)]
)
def test_dis_3_standing_items_due_30_days_into_the_first_platform_year(as_of, expected):
    assert _state(Facts(REGISTERED), as_of, "charter") == expected


def test_dis_3_standing_items_of_a_new_association_due_30_days_after_registration():
    facts = Facts(dt.date(2026, 3, 10))
    [charter] = [s for s in timeliness(facts, dt.date(2026, 11, 23), VALUES).items if s.item.code == "charter"]
    assert charter.due_on == dt.date(2026, 4, 9)
    assert charter.state == MISSING
    assert "2026-04-09" in charter.reason


def test_dis_3_only_the_nearest_future_period_is_due():
    items = timeliness(Facts(REGISTERED), dt.date(2026, 11, 23), VALUES).items
    halves = [(s.period, s.state) for s in items if s.item.code == "income_expenditure"]
    assert halves == [("2025H1", MISSING), ("2025H2", MISSING), ("2026H1", MISSING), ("2026H2", DUE)]


def test_dis_3_completeness_counts_required_items_published_on_time_or_late():
    as_of = dt.date(2026, 11, 23)
    empty = timeliness(Facts(REGISTERED), as_of, VALUES)
    assert empty.published == 0 and empty.completeness == 0
    required = empty.required
    one_late = timeliness(Facts(REGISTERED, {("charter", ""): dt.date(2026, 1, 1)}), as_of, VALUES)
    assert one_late.required == required
    assert one_late.published == 1 and one_late.late == 1
    assert one_late.completeness == round(100 / required)
    assert one_late.on_time_rate == 0


def test_dis_3_optional_items_are_never_missing():
    codes = {s.item.code for s in timeliness(Facts(REGISTERED), dt.date(2026, 11, 23), VALUES).items}
    optional = {t.code for t in catalogue.TYPES if not t.required}
    assert optional and not codes & optional


def test_dis_3_deadline_follows_the_parameter(world, settings):
    officer = world.officer_province
    params.parameter_set(actor=officer, key="DIS-3.yearly_due_month", value=6, note="测试：延至6月底", now=NOW)
    params.parameter_set(actor=officer, key="DIS-3.yearly_due_day", value=30, note="测试：延至6月底", now=NOW)
    status = selectors.timeliness_of(world.org_a, dt.date(2026, 6, 15))
    [report] = [s for s in status.items if s.item.code == "financial_report" and s.period == "2025"]
    assert report.due_on == dt.date(2026, 6, 30) and report.state == DUE


def _publish_report(world, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(23, 30), tzinfo=clock.SHANGHAI)
    version = services.disclosure_draft(
        actor=world.staff_a,
        organization=world.org_a,
        item_type="financial_report",
        period="2025",
        data={"fields": {"income": "1", "expense": "1", "net_assets": "1"}},
        now=at,
    )
    services.version_publish(actor=world.staff_a, version=version, now=at)


@pytest.mark.parametrize(("day", "expected"), [(dt.date(2026, 5, 31), ON_TIME), (dt.date(2026, 6, 1), LATE)])
def test_dis_3_selector_reads_the_publication_day_in_shanghai(world, day, expected):
    _publish_report(world, day)  # 23:30 in Shanghai is 15:30 UTC: the local day decides
    status = selectors.timeliness_of(world.org_a, dt.date(2026, 11, 23))
    [report] = [s for s in status.items if s.item.code == "financial_report" and s.period == "2025"]
    assert report.state == expected


def test_dis_3_selector_uses_sources_for_registered_items(world):
    status = selectors.timeliness_of(world.org_a, dt.date(2026, 11, 23))
    [registration] = [s for s in status.items if s.item.code == "registration"]
    assert registration.state == ON_TIME


def test_dis_3_reminders_30_7_1_days_before_a_deadline(world):
    for as_of, expected in [
        (dt.date(2027, 4, 30), set()),
        (dt.date(2027, 5, 1), {"R30"}),
        (dt.date(2027, 5, 24), {"R30", "R7"}),
        (dt.date(2027, 5, 30), {"R30", "R7", "R1"}),
    ]:
        engine.tick(as_of=as_of, now=NOW, org_ids=[world.org_a.pk])
        keys = set(
            Reminder.objects.filter(
                organization=world.org_a, key__startswith="DIS-3:financial_report:2026"
            ).values_list("key", flat=True)
        )
        assert {k.rsplit(":", 1)[1] for k in keys} == expected, as_of


def test_dis_3_no_reminder_once_published(world):
    _publish_report(world, dt.date(2026, 4, 1))
    engine.tick(as_of=dt.date(2026, 5, 30), now=NOW, org_ids=[world.org_a.pk])
    assert not Reminder.objects.filter(key__startswith="DIS-3:financial_report:2025").exists()


def test_dis_3_survives_the_last_day_of_the_calendar():
    status = timeliness(Facts(REGISTERED), dt.date(9999, 12, 31), VALUES)
    assert status.missing > 0
