"""Annual work reports on the data port /api/v1, over HTTP: filing, review, and who may reach what."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.services import api_token_create
from xiehui.core.testing import follow_cursor
from xiehui.supervision.models import AnnualReport, ReportStatus
from xiehui.supervision.services import reports as services

from .test_reports_services import at, draft, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _today(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def body(**overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "compliance": "遵守法律法规",
        "registration_changes": "无",
        "activities": "举办培训 3 次",
        "organs": "无",
        "staff_total": 5,
        "full_time_staff": 3,
        "income": "500000.00",
        "expenditure": "400000.50",
        "net_assets": "-1000",
        "fee_income": "200000",
        "donations_received": "0",
        "trips_abroad": 1,
        "party_organization": "joint",
        "party_members": 2,
    }
    data.update(overrides)
    return data


def send(client: Client, method: str, path: str, payload: dict | None = None, **extra):  # type: ignore[no-untyped-def]
    call = getattr(client, method)
    if method == "get":
        return call(f"{API}{path}", **extra)
    return call(f"{API}{path}", json.dumps(payload or {}), content_type="application/json", **extra)


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    if code is not None:
        assert problem["code"] == code, problem
    return problem


# -- the lifecycle --------------------------------------------------------------------------------


def test_staff_files_a_report_through_the_api(world):
    client, auth = Client(), bearer(world.staff_a)
    response = send(
        client, "post", f"/organizations/{world.org_a.uscc}/annual-reports", {"year": 2025, **body()}, **auth
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["income"] == "500000.00" and created["net_assets"] == "-1000.00"
    assert created["due_on"] == "2026-05-31" and created["first_submitted_on"] is None and created["attachments"] == []
    rid = created["id"]
    updated = send(client, "put", f"/annual-reports/{rid}", body(trips_abroad=4), **auth).json()
    assert updated["trips_abroad"] == 4
    submitted_ = send(client, "post", f"/annual-reports/{rid}/submit", **auth).json()
    assert submitted_["status"] == "submitted" and submitted_["first_submitted_on"] == "2026-11-23"
    assert submitted_["on_time"] is False and submitted_["days_late"] == (NOW.date() - dt.date(2026, 5, 31)).days
    locked = send(client, "put", f"/annual-reports/{rid}", body(), **auth)
    assert (
        assert_problem(locked, 400, "report_locked")["detail"] == "已报送的报告不能修改，如需更正请联系登记管理机关退回"
    )


def test_ann_1_submitted_on_31_may_is_on_time_in_the_api(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at(dt.date(2026, 5, 31)))
    report = draft(world, now=at(dt.date(2026, 5, 31)))
    out = send(Client(), "post", f"/annual-reports/{report.pk}/submit", **bearer(world.staff_a)).json()
    assert (out["on_time"], out["days_late"], out["first_submitted_on"]) == (True, 0, "2026-05-31")


def test_ann_1_submitted_on_1_june_is_late_in_the_api(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at(dt.date(2026, 6, 1)))
    report = draft(world, now=at(dt.date(2026, 6, 1)))
    out = send(Client(), "post", f"/annual-reports/{report.pk}/submit", **bearer(world.staff_a)).json()
    assert (out["on_time"], out["days_late"], out["first_submitted_on"]) == (False, 1, "2026-06-01")


def test_incomplete_report_is_a_400_problem_naming_the_field(world):
    report = draft(world, organs="")
    problem = assert_problem(
        send(Client(), "post", f"/annual-reports/{report.pk}/submit", **bearer(world.staff_a)),
        400,
        "report_section_required",
    )
    assert problem["field"] == "organs"


def test_inconsistent_staff_is_a_400_problem(world):
    response = send(
        Client(),
        "post",
        f"/organizations/{world.org_a.uscc}/annual-reports",
        {"year": 2025, **body(full_time_staff=6)},
        **bearer(world.staff_a),
    )
    assert assert_problem(response, 400, "report_staff_inconsistent")["field"] == "full_time_staff"


@pytest.mark.parametrize(
    "overrides", [{"income": "12.345"}, {"income": 100}, {"staff_total": -1}, {"year": "二〇二五"}]
)
def test_schema_violations_are_422(world, overrides):
    response = send(
        Client(),
        "post",
        f"/organizations/{world.org_a.uscc}/annual-reports",
        {"year": 2025, **body(), **overrides},
        **bearer(world.staff_a),
    )
    assert_problem(response, 422, "validation_error")


def test_duplicate_year_is_a_400_problem(world):
    draft(world)
    response = send(
        Client(),
        "post",
        f"/organizations/{world.org_a.uscc}/annual-reports",
        {"year": 2025, **body()},
        **bearer(world.staff_a),
    )
    assert assert_problem(response, 400, "report_exists")["field"] == "year"


def test_officer_returns_then_reviews_with_criteria(world):
    report = submitted(world, on=dt.date(2026, 6, 1), full_time_staff=0)
    officer, staff = bearer(world.officer_jinan), bearer(world.staff_a)
    client = Client()
    assert_problem(send(client, "post", f"/annual-reports/{report.pk}/return", {"reason": ""}, **officer), 422)
    returned = send(client, "post", f"/annual-reports/{report.pk}/return", {"reason": "补充审计报告"}, **officer).json()
    assert returned["status"] == "returned" and returned["return_reason"] == "补充审计报告"
    send(client, "put", f"/annual-reports/{report.pk}", body(full_time_staff=0), **staff)
    again = send(client, "post", f"/annual-reports/{report.pk}/submit", **staff).json()
    assert again["first_submitted_on"] == "2026-06-01" and again["submitted_on"] == "2026-11-23"
    evaluation = client.get(f"{API}/annual-reports/{report.pk}/criteria", **officer).json()
    assert evaluation["suggested_result"] == "basic"
    met = {c["code"] for c in evaluation["criteria"] if c["met"] is True}
    assert met == {"report_late", "no_fulltime_staff"}
    assert_problem(
        send(client, "post", f"/annual-reports/{report.pk}/review", {"result": "basic"}, **officer),
        400,
        "reasons_required",
    )
    assert_problem(
        send(client, "post", f"/annual-reports/{report.pk}/review", {"result": "good"}, **officer),
        400,
        "result_invalid",
    )
    out = send(
        client, "post", f"/annual-reports/{report.pk}/review", {"result": "basic", "reasons": "逾期"}, **officer
    ).json()
    assert out["status"] == "reviewed" and out["result"] == "basic" and out["reviewed_on"] == "2026-11-23"
    assert {c["code"] for c in out["criteria"] if c["met"] is True} == {"report_late", "no_fulltime_staff"}


# -- public and full views of one association ------------------------------------------------------


def test_public_sees_only_reviewed_results(world, client, django_assert_max_num_queries):
    report = submitted(world)
    draft(world, year=2024)
    url = f"{API}/organizations/{world.org_a.uscc}/annual-reports"
    assert client.get(url).json() == []
    services.report_review(actor=world.officer_jinan, report=report, result="pass", reasons="", now=NOW)
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.json() == [
        {"year": 2025, "result": "pass", "result_label": "合格", "reviewed_on": "2026-11-23", "report": None}
    ]


@pytest.mark.parametrize("who", ["member", "staff_b", "officer_qingdao", "department"])
def test_outsiders_see_only_results_of_an_association(world, who):
    report = submitted(world)
    services.report_review(actor=world.officer_jinan, report=report, result="pass", reasons="", now=NOW)
    entries = (
        Client().get(f"{API}/organizations/{world.org_a.uscc}/annual-reports", **bearer(getattr(world, who))).json()
    )
    assert [e["report"] for e in entries] == [None]


def test_staff_see_their_full_reports_and_officers_the_filed_ones(world, django_assert_max_num_queries):
    submitted(world)
    draft(world, year=2024)
    url = f"{API}/organizations/{world.org_a.uscc}/annual-reports"
    staff = Client().get(url, **bearer(world.staff_a)).json()
    assert [(e["year"], e["report"]["status"]) for e in staff] == [(2025, "submitted"), (2024, "draft")]
    assert staff[0]["report"]["activities"]
    client, auth = Client(), bearer(world.officer_province)
    with django_assert_max_num_queries(8):
        officer = client.get(url, **auth).json()
    assert [(e["year"], e["report"]["status"]) for e in officer] == [(2025, "submitted")]


def test_unknown_association_is_404(world, client):
    assert_problem(client.get(f"{API}/organizations/51370100MJ0000099X/annual-reports"), 404)


# -- access matrix --------------------------------------------------------------------------------


def test_anonymous_gets_401_on_every_report_endpoint(world, client):
    report = submitted(world)
    rid = report.pk
    calls = [
        ("get", "/annual-reports", None),
        ("get", f"/annual-reports/{rid}", None),
        ("put", f"/annual-reports/{rid}", body()),
        ("post", f"/annual-reports/{rid}/submit", None),
        ("post", f"/annual-reports/{rid}/return", {"reason": "x"}),
        ("post", f"/annual-reports/{rid}/review", {"result": "pass"}),
        ("get", f"/annual-reports/{rid}/criteria", None),
        ("post", f"/organizations/{world.org_a.uscc}/annual-reports", {"year": 2024, **body()}),
    ]
    for method, path, payload in calls:
        assert_problem(send(client, method, path, payload), 401, "unauthenticated")


@pytest.mark.parametrize("who", ["member", "staff_b", "officer_qingdao", "department"])
def test_outsiders_cannot_read_or_act_on_a_report(world, who):
    report = submitted(world)
    client, auth = Client(), bearer(getattr(world, who))
    rid = report.pk
    assert_problem(client.get(f"{API}/annual-reports/{rid}", **auth), 404)
    assert_problem(client.get(f"{API}/annual-reports/{rid}/criteria", **auth), 404)
    assert_problem(send(client, "put", f"/annual-reports/{rid}", body(), **auth), 404)
    assert_problem(send(client, "post", f"/annual-reports/{rid}/submit", **auth), 404)
    assert_problem(send(client, "post", f"/annual-reports/{rid}/return", {"reason": "x"}, **auth), 404)
    assert_problem(send(client, "post", f"/annual-reports/{rid}/review", {"result": "pass"}, **auth), 404)
    create = send(client, "post", f"/organizations/{world.org_a.uscc}/annual-reports", {"year": 2024, **body()}, **auth)
    assert_problem(create, 403)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and AnnualReport.objects.count() == 1


def test_staff_cannot_return_or_review_their_own_report(world):
    report = submitted(world)
    client, auth = Client(), bearer(world.staff_a)
    assert_problem(send(client, "post", f"/annual-reports/{report.pk}/return", {"reason": "x"}, **auth), 403)
    assert_problem(send(client, "post", f"/annual-reports/{report.pk}/review", {"result": "pass"}, **auth), 403)
    assert_problem(client.get(f"{API}/annual-reports/{report.pk}/criteria", **auth), 403)
    assert_problem(client.get(f"{API}/annual-reports", **auth), 403)


def test_provincial_officer_reads_but_does_not_decide(world):
    report = submitted(world)
    client, auth = Client(), bearer(world.officer_province)
    assert client.get(f"{API}/annual-reports/{report.pk}", **auth).status_code == 200
    assert_problem(send(client, "post", f"/annual-reports/{report.pk}/review", {"result": "pass"}, **auth), 403)


def test_officers_cannot_write_reports_or_see_drafts(world):
    report = draft(world)
    client, auth = Client(), bearer(world.officer_jinan)
    assert_problem(client.get(f"{API}/annual-reports/{report.pk}", **auth), 404)
    assert_problem(send(client, "post", f"/annual-reports/{report.pk}/submit", **auth), 404)


# -- the officer's queue --------------------------------------------------------------------------


def test_officer_queue_filters_pages_and_counts_queries(world, django_assert_max_num_queries):
    late = submitted(world, on=dt.date(2026, 6, 1))
    for year in range(2016, 2025):
        services.report_submit(actor=world.staff_a, report=draft(world, year=year), now=at(dt.date(year + 1, 5, 1)))
    other = draft(world, org=world.org_b, staff=world.staff_b)
    services.report_submit(actor=world.staff_b, report=other, now=NOW)
    client, auth = Client(), bearer(world.officer_jinan)
    with django_assert_max_num_queries(8):
        page = client.get(f"{API}/annual-reports", {"limit": 5}, **auth).json()
    assert page["count"] == 10 and len(page["items"]) == 5 and page["count_exact"] is True
    assert [i["year"] for i in page["items"]] == [2016, 2017, 2018, 2019, 2020]  # oldest submission first
    assert {i["organization_uscc"] for i in page["items"]} == {world.org_a.uscc}
    second = client.get(f"{API}/annual-reports", {"limit": 5, "offset": 5}, **auth).json()
    assert not {i["id"] for i in page["items"]} & {i["id"] for i in second["items"]}
    assert [i["id"] for i in client.get(f"{API}/annual-reports", {"timeliness": "late"}, **auth).json()["items"]] == [
        late.pk
    ]
    assert client.get(f"{API}/annual-reports", {"year": 2016}, **auth).json()["count"] == 1
    assert client.get(f"{API}/annual-reports", {"q": "软件"}, **auth).json()["count"] == 0
    assert_problem(client.get(f"{API}/annual-reports", {"limit": 101}, **auth), 422)
    qingdao = client.get(f"{API}/annual-reports", **bearer(world.officer_qingdao)).json()
    assert [i["id"] for i in qingdao["items"]] == [other.pk]


def test_officer_queue_follows_next_cursor_to_every_report_once(world):
    for year in range(2019, 2025):
        services.report_submit(actor=world.staff_a, report=draft(world, year=year), now=at(dt.date(2026, 5, 1)))
    client, auth = Client(), bearer(world.officer_jinan)
    whole = client.get(f"{API}/annual-reports", {"limit": 100}, **auth).json()
    assert whole["count"] == 6 and whole["next_cursor"] is None
    # one submission day for all: the year (newest first), then the id, orders them
    assert [i["year"] for i in whole["items"]] == [2024, 2023, 2022, 2021, 2020, 2019]
    assert follow_cursor(client, f"{API}/annual-reports", {"limit": 4}, **auth) == whole["items"]
