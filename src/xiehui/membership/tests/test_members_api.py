"""Joining, exits, classes, delegates, figures and the survey on the data port; every role that must not reach."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from xiehui.core import clock
from xiehui.core.testing import follow_cursor
from xiehui.membership import services_survey
from xiehui.membership.models import ApplicationStatus, Member, MemberExit, MembershipApplication, SurveyAnswer

from .factories_members import application, member, uscc
from .test_api import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
SCORES = {"services": 5, "rights": 4, "transparency": 4, "fees": 3, "overall": 4}


def post(user, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    headers = bearer(user) if user is not None else {}
    return Client().post(API + path, json.dumps(body or {}), content_type="application/json", **headers)


def get(user, path: str, params: dict | None = None):  # type: ignore[no-untyped-def]
    headers = bearer(user) if user is not None else {}
    return Client().get(API + path, params or {}, **headers)


def test_apply_approve_and_the_applicant_reads_it(world):
    body = {
        "kind": "enterprise",
        "name": "接口公司",
        "uscc": uscc(60),
        "contact_name": "王五",
        "contact_phone": "13800001234",
    }
    created = post(world.member, f"/organizations/{world.org_a.uscc}/membership-applications", body)
    assert created.status_code == 201 and created.json()["contact_phone_masked"].startswith("138")
    app_id = created.json()["id"]
    assert get(world.member, f"/membership-applications/{app_id}").status_code == 200
    assert [a["id"] for a in get(world.member, "/my/membership-applications").json()] == [app_id]
    for outsider in (world.staff_b, world.officer_jinan, world.department):
        assert (
            post(
                outsider, f"/membership-applications/{app_id}/approve", {"organ": "理事会", "clause": "第十条"}
            ).status_code
            == 404
        )
        assert get(outsider, f"/membership-applications/{app_id}").status_code == 404
    assert (
        post(
            world.member, f"/membership-applications/{app_id}/approve", {"organ": "理事会", "clause": "第十条"}
        ).status_code
        == 404
    )
    ok = post(world.staff_a, f"/membership-applications/{app_id}/approve", {"organ": "理事会", "clause": "第十条"})
    assert ok.status_code == 200 and ok.json()["status"] == "approved" and ok.json()["member_id"]
    again = post(world.staff_a, f"/membership-applications/{app_id}/approve", {"organ": "理事会", "clause": "第十条"})
    assert again.status_code == 409


def test_refusal_citing_another_association_answers_mem_1(world):
    app = application(world.org_a, world.member)
    body = {"organ": "理事会", "clause": "第八条", "reason": "该企业已加入其他协会"}
    response = post(world.staff_a, f"/membership-applications/{app.pk}/refuse", body)
    assert response.status_code == 400 and response.json()["code"] == "MEM-1"
    ok = post(
        world.staff_a, f"/membership-applications/{app.pk}/refuse", {**body, "reason": "不符合章程第八条规定的条件"}
    )
    assert ok.json()["status"] == "refused"


def test_list_applications_staff_only_with_bounded_queries(world, django_assert_max_num_queries):
    for n in range(15):
        application(world.org_a, world.member if n % 2 else world.staff_a, n)
    headers = bearer(world.staff_a)
    path = f"{API}/organizations/{world.org_a.uscc}/membership-applications"
    with django_assert_max_num_queries(10):  # token, association (+industries), staff, count, keys, rows
        body = Client().get(path, {"status": "submitted"}, **headers).json()
    assert body["meta"]["count"] == 15 and len(body["items"]) == 15
    assert get(None, path[len(API) :]).status_code == 401
    for outsider in (world.staff_b, world.member, world.officer_jinan, world.department):
        assert get(outsider, path[len(API) :]).status_code == 404


def test_withdraw_by_the_applicant_only(world):
    app = application(world.org_a, world.member)
    assert post(world.staff_a, f"/membership-applications/{app.pk}/withdraw").status_code == 404
    assert post(world.member, f"/membership-applications/{app.pk}/withdraw").json()["status"] == "withdrawn"
    assert MembershipApplication.objects.get().status == ApplicationStatus.WITHDRAWN


def test_exit_by_representative_or_staff_never_by_others(world):
    m = member(world.org_a, 1, rep=world.member)
    today = clock.today()
    body = {"reason": "fees", "note": "", "effective_on": today.isoformat()}
    for outsider in (world.staff_b, world.officer_jinan, world.department):
        assert post(outsider, f"/members/{m.pk}/exit", body).status_code == 404
    past = post(
        world.member, f"/members/{m.pk}/exit", {**body, "effective_on": (today - dt.timedelta(days=1)).isoformat()}
    )
    assert past.status_code == 400 and past.json()["code"] == "exit_in_past"
    ok = post(world.member, f"/members/{m.pk}/exit", body)
    assert ok.status_code == 201 and ok.json()["kind"] == "voluntary" and Member.objects.get().left_on == today


def test_expulsion_and_cessation_are_staff_only(world):
    m = member(world.org_a, 1, rep=world.member)
    body = {
        "organ": "理事会",
        "charter_clause": "第十四条",
        "decision_number": "1号",
        "note": "违规",
        "effective_on": clock.today().isoformat(),
    }
    for outsider in (world.member, world.staff_b, world.officer_jinan):
        assert post(outsider, f"/members/{m.pk}/expulsion", body).status_code == 404
        assert (
            post(
                outsider, f"/members/{m.pk}/cessation", {"note": "注销", "effective_on": clock.today().isoformat()}
            ).status_code
            == 404
        )
    assert post(world.staff_a, f"/members/{m.pk}/expulsion", body).status_code == 201
    assert MemberExit.objects.get().kind == "expelled"


def test_classes_and_delegates(world):
    path = f"/organizations/{world.org_a.uscc}/member-classes"
    assert post(world.staff_b, path, {"name": "理事单位"}).status_code == 404
    created = post(world.staff_a, path, {"name": "理事单位", "position": 1})
    assert created.status_code == 201 and [c["name"] for c in get(None, path).json()] == ["理事单位"]
    m = member(world.org_a, 1, member_class="理事单位")
    dpath = f"/organizations/{world.org_a.uscc}/delegates"
    body = {
        "member_id": m.pk,
        "name": "张代表",
        "method": "elected",
        "since": "2024-06-01",
        "basis": "选举",
        "username": "member",
    }
    assert post(world.staff_b, dpath, body).status_code == 404
    assert post(world.staff_a, dpath, {**body, "username": "staff_b"}).status_code == 404
    assert post(world.staff_a, dpath, body).status_code == 201
    assert [d["username"] for d in get(world.staff_a, dpath, {"current": "true"}).json()] == ["member"]
    for outsider in (world.staff_b, world.member, world.officer_jinan):
        assert get(outsider, dpath).status_code == 404


def test_figures_for_staff_and_officers_of_the_jurisdiction(world):
    m = member(world.org_a, 1)
    member(world.org_a, 2)
    post(world.staff_a, f"/members/{m.pk}/exit", {"reason": "service", "effective_on": clock.today().isoformat()})
    path = f"/organizations/{world.org_a.uscc}/member-figures"
    for reader in (world.staff_a, world.officer_jinan, world.officer_province):
        body = get(reader, path).json()
        assert body["start"] == 2 and body["exits"] == 1 and body["exit_ratio"] == 0.5
        assert body["exits_by_reason"] == [{"reason": "service", "label": "对服务不满意", "count": 1}]
    assert get(world.staff_a, path, {"year": 2025, "as_of": "2025-12-31"}).json()["exits"] == 0
    for outsider in (world.staff_b, world.officer_qingdao, world.member, world.department):
        assert get(outsider, path).status_code == 404
    assert get(None, path).status_code == 401


def test_survey_answer_once_results_and_access(world):
    m = member(world.org_a, 1, rep=world.member)
    created = post(
        world.staff_a,
        f"/organizations/{world.org_a.uscc}/surveys",
        {"year": clock.today().year, "opens_on": clock.today().isoformat(), "closes_on": clock.today().isoformat()},
    )
    assert created.status_code == 201
    sid = created.json()["id"]
    assert (
        post(
            world.staff_b,
            f"/organizations/{world.org_a.uscc}/surveys",
            {"year": 2030, "opens_on": "2030-01-01", "closes_on": "2030-01-02"},
        ).status_code
        == 404
    )
    assert (
        post(
            world.member, f"/surveys/{sid}/answers", {"member_id": m.pk, "scores": {**SCORES, "fees": "3"}}
        ).status_code
        == 422
    )
    assert post(world.staff_a, f"/surveys/{sid}/answers", {"member_id": m.pk, "scores": SCORES}).status_code == 404
    assert post(world.member, f"/surveys/{sid}/answers", {"member_id": m.pk, "scores": SCORES}).status_code == 201
    again = post(world.member, f"/surveys/{sid}/answers", {"member_id": m.pk, "scores": SCORES})
    assert again.status_code == 409 and again.json()["code"] == "survey_answered" and SurveyAnswer.objects.count() == 1
    results = get(world.staff_a, f"/surveys/{sid}/results").json()
    assert results["respondents"] == 1 and results["shown"] is False and results["aspects"] == []
    for outsider in (world.staff_b, world.member, world.officer_jinan):
        assert get(outsider, f"/surveys/{sid}/results").status_code == 404
        assert post(outsider, f"/surveys/{sid}/publish").status_code == 404


def test_publish_survey_over_the_api(world):
    s = services_survey.survey_open(
        actor=None,
        organization=world.org_a,
        year=2025,
        opens_on=dt.date(2025, 12, 1),
        closes_on=dt.date(2025, 12, 20),
        now=clock.now(),
    )
    at = dt.datetime(2025, 12, 5, 10, tzinfo=clock.SHANGHAI)
    for n in range(3):
        services_survey.survey_answer(actor=None, survey=s, member=member(world.org_a, n), scores=SCORES, now=at)
    response = post(world.staff_a, f"/surveys/{s.pk}/publish")
    assert response.status_code == 201 and response.json()["disclosure_id"]


def test_member_figures_refuse_a_date_outside_2000_2099_naming_as_of(world):
    response = get(world.staff_a, f"/organizations/{world.org_a.uscc}/member-figures", {"as_of": "1704-02-05"})
    assert response.status_code == 400 and response.json()["field"] == "as_of"
    assert (
        get(world.staff_a, f"/organizations/{world.org_a.uscc}/member-figures", {"as_of": "2026-02-05"}).status_code
        == 200
    )


def test_list_applications_follows_next_cursor_to_every_application_once(world):
    for n in range(5):  # submitted at one moment: the id breaks the tie
        application(world.org_a, world.member, n)
    path = f"{API}/organizations/{world.org_a.uscc}/membership-applications"
    headers = bearer(world.staff_a)
    whole = Client().get(path, {"limit": 100}, **headers).json()
    assert whole["meta"]["count"] == 5 and whole["next_cursor"] is None
    assert follow_cursor(Client(), path, {"limit": 2}, **headers) == whole["items"]
