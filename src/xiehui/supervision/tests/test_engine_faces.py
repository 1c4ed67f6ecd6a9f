"""The rules engine's faces: rule catalogue and parameters, overdue flags, reminders (web and API)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xiehui.core.models import AuditEntry, Parameter
from xiehui.core.testing import follow_cursor
from xiehui.supervision.models import Reminder

from .builders import tick

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def flagged(world):
    """Both associations missed their 2025 report: flags on 2026-06-01, reminders sent in May."""
    tick(D(2026, 5, 30))
    tick(D(2026, 6, 1))
    return world


# --- rules and parameters ---------------------------------------------------------------------------


def test_console_rules_lists_every_rule_with_parameters(world, as_user):
    response = as_user(world.officer_jinan).get("/console/rules/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "CR-A1" in body and "SUP-1" in body and "answer_days" in body
    assert 'name="value"' not in body  # a city officer reads but does not set


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_rules_refuses_other_roles(world, as_user, who):
    assert as_user(getattr(world, who)).get("/console/rules/").status_code == 403


def test_console_rules_sends_anonymous_to_login(client, world):
    assert client.get("/console/rules/").status_code == 302


def test_provincial_officer_sets_a_parameter_with_a_reason(world, as_user):
    response = as_user(world.officer_province).post(
        "/console/rules/", {"key": "SUP-1.answer_days", "value": "45", "note": "省厅通知"}
    )
    assert response.status_code == 302
    row = Parameter.objects.get(key="SUP-1.answer_days")
    assert row.value == 45 and row.note == "省厅通知" and row.changed_by == world.officer_province
    entry = AuditEntry.objects.get(action="core.parameter.set")
    assert entry.changes == {"value": {"before": 60, "after": 45}}


def test_city_officer_cannot_set_a_parameter(world, as_user):
    response = as_user(world.officer_jinan).post(
        "/console/rules/", {"key": "SUP-1.answer_days", "value": "45", "note": "x"}
    )
    assert response.status_code == 403
    assert not Parameter.objects.exists()


@pytest.mark.parametrize(
    ("value", "note", "message"),
    [
        ("abc", "理由", "应为数字"),
        ('"45"', "理由", "应为整数"),
        ("45", "", "请填写调整理由"),
        ("0", "理由", "应为正整数"),
    ],
)
def test_bad_parameter_values_are_refused_with_the_reason(world, as_user, value, note, message):
    response = as_user(world.officer_province).post(
        "/console/rules/", {"key": "SUP-1.answer_days", "value": value, "note": note}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Parameter.objects.exists()


def test_api_rules_are_public_and_show_values_in_force(client, world):
    Parameter.objects.create(key="CR-O.decide_working_days", value=10, note="x", changed_at=dt.datetime.now(dt.UTC))
    rules = {r["id"]: r for r in client.get("/api/v1/rules").json()}
    param = rules["CR-O"]["parameters"][0]
    assert (param["name"], param["default"], param["value"], param["overridden"]) == (
        "decide_working_days",
        15,
        10,
        True,
    )
    assert "民政部令第60号" in rules["CR-A1"]["basis"]


def test_api_set_parameter_requires_a_provincial_officer(world, as_user):
    body = json.dumps({"value": [30, 7], "note": "只提醒两次"})
    url = "/api/v1/rules/parameters/ANN-1.reminder_days"
    refused = as_user(world.officer_jinan).put(url, body, content_type="application/json")
    assert refused.status_code == 403
    done = as_user(world.officer_province).put(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["value"] == [30, 7]


def test_api_unknown_parameter_is_a_problem(world, as_user):
    body = json.dumps({"value": 1, "note": "x"})
    response = as_user(world.officer_province).put(
        "/api/v1/rules/parameters/NOPE.x", body, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "parameter_unknown"


# --- flags --------------------------------------------------------------------------------------------


def test_console_flags_shows_the_jurisdiction_only(flagged, as_user, django_assert_max_num_queries):
    client = as_user(flagged.officer_jinan)
    with django_assert_max_num_queries(12):
        body = client.get("/console/flags/").content.decode()
    assert flagged.org_a.name in body and flagged.org_b.name not in body
    assert "2025年度工作报告逾期未报送" in body and "ANN-1" in body
    assert "至2026-06-01（截止次日）仍未报送" in body  # the why of each flag
    assert "?q=%E6%B5%8E&amp;export=csv" in client.get("/console/flags/?q=济").content.decode()  # filters kept


def test_console_flags_exports_csv(flagged, as_user):
    response = as_user(flagged.officer_province).get("/console/flags/?export=csv")
    text = b"".join(response.streaming_content).decode()
    assert flagged.org_a.uscc in text and flagged.org_b.uscc in text


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_flags_refuses_non_officers(flagged, as_user, who):
    assert as_user(getattr(flagged, who)).get("/console/flags/").status_code == 403


def test_api_flags_for_officer_and_staff(flagged, as_user):
    officer = as_user(flagged.officer_qingdao).get("/api/v1/flags").json()
    assert [f["uscc"] for f in officer["items"]] == [flagged.org_b.uscc]
    assert officer["items"][0]["why"]["rule_id"] == "ANN-1" and "仍未报送" in officer["items"][0]["why"]["facts"]
    staff = as_user(flagged.staff_a).get("/api/v1/flags").json()
    assert [f["uscc"] for f in staff["items"]] == [flagged.org_a.uscc]
    assert as_user(flagged.member).get("/api/v1/flags").json()["count"] == 0
    assert as_user(None).get("/api/v1/flags").status_code == 401


# --- reminders ----------------------------------------------------------------------------------------


def test_workspace_shows_reminders_and_flags(flagged, as_user):
    body = as_user(flagged.staff_a).get("/workspace/").content.decode()
    assert "提醒与逾期事项" in body and "2025年度工作报告逾期未报送" in body


def test_staff_marks_a_reminder_read(flagged, as_user):
    reminder = Reminder.objects.filter(organization=flagged.org_a, rule_id="ANN-1").first()
    response = as_user(flagged.staff_a).post(f"/workspace/reminders/{reminder.pk}/read/")
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_staff_cannot_read_another_associations_reminder(flagged, as_user):
    reminder = Reminder.objects.filter(organization=flagged.org_a, rule_id="ANN-1").first()
    assert as_user(flagged.staff_b).post(f"/workspace/reminders/{reminder.pk}/read/").status_code == 404
    assert as_user(flagged.staff_b).post(f"/api/v1/reminders/{reminder.pk}/read").status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_api_reminders_for_staff_only(flagged, as_user):
    keys = {r["key"] for r in as_user(flagged.staff_a).get("/api/v1/reminders").json()}
    assert {k for k in keys if k.startswith("ANN-1")} == {"ANN-1:2025:R30", "ANN-1:2025:R7", "ANN-1:2025:R1"}
    assert {k for k in keys if k.startswith("DIS-3:financial_report")} == {
        "DIS-3:financial_report:2025:R30",
        "DIS-3:financial_report:2025:R7",
        "DIS-3:financial_report:2025:R1",
    }  # disclosure deadlines arrive through the same reminders
    assert as_user(flagged.officer_jinan).get("/api/v1/reminders").status_code == 403


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ANN-1.due_month", 13, "应为 1 至 12 的月份"),
        ("ANN-1.due_day", 0, "应为 1 至 31 的日期"),
        ("ANN-1.reminder_days", ["7"], "不重复的正整数列表"),
        ("ANN-1.reminder_days", [7, 7], "不重复的正整数列表"),
        ("ANN-1.reminder_days", [], "不重复的正整数列表"),
        ("SUP-2.threshold", 0, "应为正整数"),
        ("ANN-1.first_year", 1999, "年份"),
    ],
)
def test_parameters_out_of_bounds_are_refused(world, as_user, key, value, message):
    response = as_user(world.officer_province).put(
        f"/api/v1/rules/parameters/{key}", json.dumps({"value": value, "note": "x"}), content_type="application/json"
    )
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not Parameter.objects.exists()


def test_api_flags_follow_next_cursor_to_every_flag_once(flagged, as_user):
    client = as_user(flagged.officer_province)
    whole = client.get("/api/v1/flags", {"limit": 200}).json()
    assert whole["count"] == len(whole["items"]) >= 2 and whole["next_cursor"] is None
    assert follow_cursor(client, "/api/v1/flags", {"limit": 1}) == whole["items"]
