"""Supervision rules through the engine: ANN-1 flags and reminders, SUP-4 orders, SUP-1 flags, SUP-2 cases."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core.models import Parameter
from xiehui.supervision.models import Flag, KeyInspection, RectificationOrder, Reminder
from xiehui.supervision.rules import report_due_on

from .builders import NOW, complaint, report, tick

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def org(world):
    return world.org_a


def test_ann_1_report_2025_is_due_on_31_may_2026():
    assert report_due_on(2025) == D(2026, 5, 31)


def test_ann_1_deadline_is_a_stored_parameter(org):
    Parameter.objects.create(key="ANN-1.due_month", value=6, note="测试", changed_at=NOW)
    assert report_due_on(2025) == D(2026, 6, 30)


def test_ann_1_no_flag_on_31_may(org):
    tick(D(2026, 5, 31), org)
    assert not Flag.objects.filter(organization=org).exists()


def test_ann_1_flag_raised_on_1_june_with_the_facts(org):
    tick(D(2026, 6, 1), org)
    flag = Flag.objects.get(organization=org, key="ANN-1:2025")
    assert flag.raised_on == D(2026, 6, 1)
    assert flag.cleared_on is None
    assert "2025年度工作报告截止2026-05-31，至2026-06-01（截止次日）仍未报送" in flag.facts
    assert flag.parameters["due_day"] == 31


def test_ann_1_report_filed_on_31_may_raises_nothing(org):
    report(org, 2025, D(2026, 5, 31))
    tick(D(2026, 6, 2), org)
    assert not Flag.objects.filter(organization=org).exists()


def test_ann_1_flag_cleared_on_the_day_the_late_report_is_filed(org):
    tick(D(2026, 6, 1), org)
    report(org, 2025, D(2026, 6, 20))
    tick(D(2026, 6, 19), org)
    assert Flag.objects.get(key="ANN-1:2025").cleared_on is None
    tick(D(2026, 6, 21), org)
    flag = Flag.objects.get(key="ANN-1:2025")
    assert flag.cleared_on == D(2026, 6, 20)
    assert "已于2026-06-20报送" in flag.facts


def test_ann_1_reminders_30_7_and_1_days_before(org):
    tick(D(2026, 4, 30), org)
    assert not Reminder.objects.filter(rule_id="ANN-1").exists()
    tick(D(2026, 5, 1), org)
    assert set(Reminder.objects.filter(rule_id="ANN-1").values_list("key", flat=True)) == {"ANN-1:2025:R30"}
    tick(D(2026, 5, 30), org)
    assert set(Reminder.objects.filter(rule_id="ANN-1").values_list("key", flat=True)) == {
        "ANN-1:2025:R30",
        "ANN-1:2025:R7",
        "ANN-1:2025:R1",
    }
    assert Reminder.objects.get(key="ANN-1:2025:R1").due_on == D(2026, 5, 31)


def test_ann_1_no_reminder_once_the_report_is_filed(org):
    report(org, 2025, D(2026, 5, 10))
    tick(D(2026, 5, 30), org)
    assert set(Reminder.objects.filter(rule_id="ANN-1").values_list("key", flat=True)) == {"ANN-1:2025:R30"}


def test_ann_1_no_stale_reminders_after_the_deadline(org):
    tick(D(2026, 6, 1), org)
    assert not Reminder.objects.filter(rule_id="ANN-1").exists()


def test_ann_1_nothing_owed_before_the_first_platform_year(org):
    tick(D(2025, 12, 31), org)
    assert not Flag.objects.exists() and not Reminder.objects.filter(rule_id="ANN-1").exists()


def test_sup_4_report_without_fulltime_staff_brings_an_order(org):
    report(org, 2025, D(2026, 3, 2), full_time_staff=0)
    tick(D(2026, 3, 2), org)
    order = RectificationOrder.objects.get(organization=org, key="SUP-4:2025")
    assert order.source == "rule" and order.rule_id == "SUP-4"
    assert order.issued_on == D(2026, 3, 2)
    assert order.deadline == D(2026, 5, 31)  # 90 days
    assert "专职工作人员0人" in order.facts
    assert order.number.startswith("济南市民政局责改字〔2026〕第")
    tick(D(2026, 3, 3), org)
    assert RectificationOrder.objects.filter(organization=org).count() == 1


def test_sup_4_no_order_when_fulltime_staff_reported(org):
    report(org, 2025, D(2026, 3, 2), full_time_staff=2)
    tick(D(2026, 4, 1), org)
    assert not RectificationOrder.objects.exists()


def test_sup_1_no_flag_on_the_due_day(org):
    complaint(org, D(2026, 1, 1), D(2026, 3, 2))
    tick(D(2026, 3, 2), org)
    assert not Flag.objects.filter(rule_id="SUP-1").exists()


def test_sup_1_flag_the_day_after_the_due_day_until_answered(org):
    c = complaint(org, D(2026, 1, 1), D(2026, 3, 2))
    tick(D(2026, 3, 3), org)
    flag = Flag.objects.get(rule_id="SUP-1")
    assert flag.raised_on == D(2026, 3, 3) and flag.key == f"SUP-1:{c.pk}"
    c.answered_on = D(2026, 3, 10)
    c.save()
    tick(D(2026, 3, 11), org)
    assert Flag.objects.get(rule_id="SUP-1").cleared_on == D(2026, 3, 10)


def test_sup_1_answered_on_the_due_day_raises_nothing(org):
    complaint(org, D(2026, 1, 1), D(2026, 3, 2), answered_on=D(2026, 3, 2))
    tick(D(2026, 4, 1), org)
    assert not Flag.objects.filter(rule_id="SUP-1").exists()


def _substantiated(org, *answered):
    for day in answered:
        complaint(org, day - dt.timedelta(days=30), day, answered_on=day, outcome="substantiated")


def test_sup_2_three_substantiated_complaints_within_12_months_open_a_case(org):
    _substantiated(org, D(2025, 3, 1), D(2025, 9, 1), D(2026, 2, 28))
    tick(D(2026, 3, 1), org)
    case = KeyInspection.objects.get(organization=org)
    assert case.key == "SUP-2:complaints:2026-02-28" and case.opened_on == D(2026, 2, 28)
    assert "3件" in case.facts


def test_sup_2_third_complaint_just_outside_12_months_opens_nothing(org):
    _substantiated(org, D(2025, 3, 1), D(2025, 9, 1), D(2026, 3, 1))
    tick(D(2026, 4, 1), org)
    assert not KeyInspection.objects.exists()


def test_sup_2_unsubstantiated_complaints_do_not_count(org):
    _substantiated(org, D(2025, 3, 1), D(2025, 9, 1))
    complaint(org, D(2025, 10, 1), D(2025, 11, 1), answered_on=D(2025, 11, 1), outcome="unsubstantiated")
    tick(D(2026, 1, 1), org)
    assert not KeyInspection.objects.exists()


def test_sup_2_no_case_for_an_association_that_left_the_register(org):
    _substantiated(org, D(2025, 3, 1), D(2025, 9, 1), D(2026, 2, 28))
    type(org).objects.filter(pk=org.pk).update(status="deregistered", status_changed_on=D(2026, 2, 1))
    tick(D(2026, 3, 1), org)
    assert not KeyInspection.objects.exists()
