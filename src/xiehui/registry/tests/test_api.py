"""The register on the data port /api/v1, over HTTP: reads, applications, decisions, change filings, access.

Every error is RFC 9457 problem details (application/problem+json with type/title/status/detail/code).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from stdnum.cn import uscc as stdnum_uscc

from xiehui.conftest import ID_NUMBERS, NOW, PASSWORD, region
from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.core.services import api_token_create, user_create
from xiehui.core.testing import follow_cursor
from xiehui.registry import services
from xiehui.registry.models import (
    ApplicationStatus,
    ChangeFiling,
    FilingStatus,
    Organization,
    RegistrationApplication,
)

from .test_services import change, id_number, record_org, submit

API = "/api/v1"
TODAY = clock.today()


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body), body
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if code is not None:
        assert body["code"] == code, body
    return body


def payload(rep: int = 100, **overrides) -> dict:
    data = {
        "name": "济南市建筑装饰协会",
        "kind": "association",
        "level": "municipal",
        "authority_region": "370100",
        "region": "370102",
        "domicile": "济南市历下区经十路 100 号",
        "industries": ["47"],
        "business_scope": "行业自律、行业服务",
        "legal_representative": {"name": f"发起人{rep}", "id_number": id_number(rep), "phone": "13900001111"},
        "activity_funds": "50000.00",
        "individual_members": 60,
        "unit_members": 0,
        "fulltime_staff": 2,
        "premises": "经十路 100 号 5 层",
        "contact_name": "王联系",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return data


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json", **extra)


def bearer_for(user) -> dict:
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# -- public reads ----------------------------------------------------------------------------------------


def test_organizations_list_is_public_and_paged(world):
    response = Client().get(f"{API}/organizations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["count_exact"] is True
    assert body["limit"] == 20 and body["offset"] == 0
    item = {i["name"]: i for i in body["items"]}["济南市建筑业协会"]
    assert item["uscc"] == world.org_a.uscc
    assert item["region_code"] == "370102" and item["authority_region_code"] == "370100"
    assert item["region_name"]  # 山东省济南市历下区
    assert "legal_representative" not in item


JINAN_ALL = {"济南市建筑业协会", "济南市软件服务协会", "济南市老年陶艺协会"}


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ("q=建筑", {"济南市建筑业协会"}),
        ("q=协会", {*JINAN_ALL, "青岛市软件行业协会", "山东省陶瓷协会"}),
        ("q=软件 行业", {"青岛市软件行业协会"}),
        ("region=3702", {"青岛市软件行业协会"}),
        ("region=370102", JINAN_ALL),
        ("region=370302", {"山东省陶瓷协会"}),
        ("industry=47", {"济南市建筑业协会", "青岛市软件行业协会", "山东省陶瓷协会", "济南市老年陶艺协会"}),
        ("industry=65", {"济南市软件服务协会"}),
        ("industry=I", {"济南市软件服务协会"}),
        ("level=provincial", {"山东省陶瓷协会"}),
        ("level=municipal&region=3701", JINAN_ALL),
        ("status=deregistered", {"济南市老年陶艺协会"}),
        ("q=陶&status=registered", {"山东省陶瓷协会"}),
        ("q=陶", {"山东省陶瓷协会", "济南市老年陶艺协会"}),
    ],
)
def test_organizations_list_filters(world, params, names):
    record_org(name="济南市软件服务协会", n=610, industries=("65",))
    record_org(name="山东省陶瓷协会", n=611, authority="370000", region_code="370302", level="provincial")
    record_org(name="济南市老年陶艺协会", n=612, status="deregistered")
    response = Client().get(f"{API}/organizations?{params}")
    assert response.status_code == 200
    body = response.json()
    assert {i["name"] for i in body["items"]} == names
    assert body["count"] == len(names)


def test_organizations_list_by_uscc(world):
    body = Client().get(f"{API}/organizations", {"q": world.org_b.uscc.lower()}).json()
    assert [i["uscc"] for i in body["items"]] == [world.org_b.uscc]


def test_organizations_list_pages(world):
    for n in range(5):
        record_org(name=f"济南市第{n}建材协会", n=620 + n)
    first = Client().get(f"{API}/organizations", {"limit": 3, "offset": 0}).json()
    second = Client().get(f"{API}/organizations", {"limit": 3, "offset": 3}).json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 3 and len(second["items"]) == 3
    assert not {i["uscc"] for i in first["items"]} & {i["uscc"] for i in second["items"]}


def test_organizations_list_follows_next_cursor_to_every_row_once(world, django_assert_max_num_queries):
    made = [record_org(name=f"济南市第{n}建材协会", n=620 + n) for n in range(5)]
    items = follow_cursor(Client(), f"{API}/organizations", {"limit": 2})
    assert [i["uscc"] for i in items] == [o.uscc for o in sorted([world.org_a, world.org_b, *made], key=lambda o: o.pk)]
    with django_assert_max_num_queries(3):
        Client().get(f"{API}/organizations", {"limit": 2, "q": "建材"})


def test_organizations_cursor_goes_on_after_the_last_row_seen_when_rows_are_added(world):
    made = [record_org(name=f"济南市第{n}建材协会", n=620 + n) for n in range(4)]
    first = Client().get(f"{API}/organizations", {"limit": 3, "q": "建材"}).json()
    assert first["next_cursor"] and first["count"] == 4
    later = record_org(name="济南市第9建材协会", n=629)
    rest = follow_cursor(Client(), f"{API}/organizations", {"limit": 3, "q": "建材", "cursor": first["next_cursor"]})
    assert [i["uscc"] for i in first["items"] + rest] == [o.uscc for o in [*made, later]]


@pytest.mark.parametrize("params", ["limit=0", "limit=101", "limit=-1", "offset=-1", "offset=100001", "limit=abc"])
def test_organizations_list_refuses_limits_out_of_range_with_a_problem(world, params):
    response = Client().get(f"{API}/organizations?{params}")
    assert response.status_code in (400, 422)
    body = assert_problem(response, response.status_code)
    assert body["code"] in ("validation_error", "invalid_limit", "invalid_offset")
    assert ("limit" in body["detail"]) or ("offset" in body["detail"])


def test_organizations_list_limit_100_is_accepted(world):
    assert Client().get(f"{API}/organizations?limit=100").status_code == 200


def test_organizations_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(25):
        record_org(name=f"济南市第{n}号建筑协会", n=630 + n)
    client = Client()
    with django_assert_max_num_queries(3):
        body = client.get(f"{API}/organizations?limit=100").json()
    assert len(body["items"]) == 27
    with django_assert_max_num_queries(3):
        client.get(f"{API}/organizations?q=建筑&industry=E&region=3701&limit=100")


def test_organization_detail_by_uscc(world):
    response = Client().get(f"{API}/organizations/{world.org_a.uscc}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "济南市建筑业协会"
    assert body["legal_representative"] == "代表0"
    assert body["activity_funds"] in ("300000.00", "300000", 300000.0)
    assert [i["code"] for i in body["industries"]] == ["47", "48"]
    assert ID_NUMBERS[0] not in response.content.decode()


def test_organization_detail_accepts_lower_case(world):
    assert Client().get(f"{API}/organizations/{world.org_a.uscc.lower()}").status_code == 200


@pytest.mark.parametrize("uscc", ["51370100MJ9999999X", "nonsense", "5" * 18])
def test_unknown_organization_is_a_404_problem(world, uscc):
    assert_problem(Client().get(f"{API}/organizations/{uscc}"), 404, "not_found")
    assert_problem(Client().get(f"{API}/organizations/{uscc}/history"), 404, "not_found")


def test_organization_history_newest_first(world, django_assert_max_num_queries):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="济南市历下区新址 8 号"), now=NOW
    )
    services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    with django_assert_max_num_queries(3):
        response = Client().get(f"{API}/organizations/{world.org_a.uscc}/history")
    history = response.json()
    assert history[0] == {
        "field": "domicile",
        "label": "住所",
        "old_value": "济南市建筑业协会办公楼 1 号",
        "new_value": "济南市历下区新址 8 号",
        "effective_on": "2026-11-23",
        "source": "change",
    }
    assert len(history) == 6
    assert all(h["source"] == "import" for h in history[1:])


def test_regions_and_industries_are_public(world):
    provinces = Client().get(f"{API}/regions").json()
    assert {"code": "370000", "name": "山东省", "full_name": "山东省", "kind": "province"} in provinces
    cities = Client().get(f"{API}/regions", {"parent": "370000"}).json()
    assert "370100" in {c["code"] for c in cities}
    industries = Client().get(f"{API}/industries").json()
    assert {"code": "47", "name": "房屋建筑业"} in industries


# -- filing an application ---------------------------------------------------------------------------------


def test_member_files_an_application_with_a_session(world, as_user):
    response = post(as_user(world.member), "/registration-applications", payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["name"] == "济南市建筑装饰协会"
    assert body["complete_on"] == TODAY.isoformat()
    assert body["due_on"] == (TODAY + dt.timedelta(days=60)).isoformat()
    assert body["organization_uscc"] is None
    app = RegistrationApplication.objects.get(pk=body["id"])
    assert app.applicant == world.member
    assert id_number(100) not in response.content.decode()


def test_member_files_an_application_with_a_bearer_token(world):
    response = post(Client(), "/registration-applications", payload(), **bearer_for(world.member))
    assert response.status_code == 201
    assert RegistrationApplication.objects.get(pk=response.json()["id"]).applicant == world.member


def test_anonymous_cannot_file_through_the_api(world):
    assert_problem(post(Client(), "/registration-applications", payload()), 401, "unauthenticated")
    assert not RegistrationApplication.objects.exists()


def test_session_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = post(client, "/registration-applications", payload())
    assert response.status_code in (401, 403)
    assert_problem(response, response.status_code)
    assert not RegistrationApplication.objects.exists()


def test_bearer_post_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    assert post(client, "/registration-applications", payload(), **bearer_for(world.member)).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        (
            {"legal_representative": {"name": "张三", "id_number": "370102198501010004"}},
            "id_number_checksum",
            "legal_representative_id_number",
        ),
        (
            {"legal_representative": {"name": "张三", "id_number": "370102198513010003"}},
            None,
            "legal_representative_id_number",
        ),
        ({"authority_region": "379999"}, "unknown_region", "authority_region"),
        ({"region": "370199"}, "unknown_region", "region"),
        ({"industries": ["99"]}, "unknown_industry", "industries"),
        ({"industries": ["E"]}, "unknown_industry", "industries"),
        ({"kind": "company"}, "invalid_kind", "kind"),
        ({"level": "galactic"}, None, None),
        ({"name": "济南市中华建筑协会"}, "reg_2", "name"),
        ({"name": "济南市建筑业协会"}, "reg_2_identical_name", "name"),
        (
            {"legal_representative": {"name": "代表0", "id_number": ID_NUMBERS[0]}},
            "reg_4_legal_representative_taken",
            "legal_representative_id_number",
        ),
    ],
)
def test_bad_application_input_is_a_400_problem_naming_the_field(world, as_user, overrides, code, field):
    response = post(as_user(world.member), "/registration-applications", payload(**overrides))
    body = assert_problem(response, 400, code)
    if field is not None:
        assert body["field"] == field
    assert not RegistrationApplication.objects.exists()


def test_funds_below_reg_1_is_a_400_problem_with_code_reg_1_and_errors(world, as_user):
    response = post(
        as_user(world.member),
        "/registration-applications",
        payload(activity_funds="29999.99", individual_members=49, fulltime_staff=0),
    )
    body = assert_problem(response, 400, "reg_1")
    assert "REG-1" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["individual_members", "activity_funds", "fulltime_staff"]
    assert all(e["rule"] == "REG-1" and e["message"] for e in body["errors"])


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "协"},  # too short
        {"authority_region": "3701"},  # not 6 digits
        {"industries": []},
        {"activity_funds": "-1"},
        {"activity_funds": "1.234"},
        {"individual_members": -5},
        {"legal_representative": {"name": "", "id_number": "1"}},
    ],
)
def test_schema_violations_are_a_422_problem_with_errors(world, as_user, overrides):
    response = post(as_user(world.member), "/registration-applications", payload(**overrides))
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"] and all("location" in e and "message" in e for e in body["errors"])


def test_missing_fields_are_a_422_problem(world, as_user):
    body = assert_problem(
        post(as_user(world.member), "/registration-applications", {"name": "济南市协会"}), 422, "validation_error"
    )
    locations = {e["location"] for e in body["errors"]}
    assert any("kind" in loc for loc in locations) and any("legal_representative" in loc for loc in locations)


def test_malformed_json_body_is_a_400_problem(world, as_user):
    response = as_user(world.member).post(
        f"{API}/registration-applications", '{"name": "济南市', content_type="application/json"
    )
    assert_problem(response, 400, "bad_request")
    assert not RegistrationApplication.objects.exists()


def test_xss_in_the_name_is_stored_verbatim_and_returned_as_json(world, as_user):
    name = '济南市<script>alert("x")</script>协会'
    response = post(as_user(world.member), "/registration-applications", payload(name=name))
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["name"] == name
    assert '\\"x\\"' in response.content.decode()  # quotes are JSON-escaped inside the string
    assert RegistrationApplication.objects.get().name == name
    officer = post(
        Client(), f"/registration-applications/{response.json()['id']}/approve", **bearer_for(world.officer_jinan)
    )
    uscc = officer.json()["organization_uscc"]
    detail = Client().get(f"{API}/organizations/{uscc}")
    assert detail.json()["name"] == name
    assert detail["X-Content-Type-Options"] == "nosniff"


# -- decisions ------------------------------------------------------------------------------------------------


@pytest.fixture
def application(world):
    return submit(actor=world.member)


def test_officer_approves_an_application(world, as_user, application):
    response = post(as_user(world.officer_jinan), f"/registration-applications/{application.pk}/approve")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert body["organization_uscc"].startswith("51370100") and stdnum_uscc.is_valid(body["organization_uscc"])
    assert body["decided_at"]
    detail = Client().get(f"{API}/organizations/{body['organization_uscc']}").json()
    assert detail["name"] == "济南市建筑装饰协会" and detail["status"] == "registered"


def test_approving_twice_is_a_400_problem(world, as_user, application):
    client = as_user(world.officer_jinan)
    post(client, f"/registration-applications/{application.pk}/approve")
    assert_problem(post(client, f"/registration-applications/{application.pk}/approve"), 400, "application_not_pending")


def test_officer_refuses_with_reasons(world, as_user, application):
    response = post(
        as_user(world.officer_jinan),
        f"/registration-applications/{application.pk}/refuse",
        {"reason": "会员数量不实，不予登记"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["decision_reason"] == "会员数量不实，不予登记"


@pytest.mark.parametrize(
    ("reason", "status", "code"), [("", 422, "validation_error"), ("不行", 400, "reg_3_reason_required")]
)
def test_refusal_without_a_real_reason_is_a_problem(world, as_user, application, reason, status, code):
    response = post(
        as_user(world.officer_jinan), f"/registration-applications/{application.pk}/refuse", {"reason": reason}
    )
    assert_problem(response, status, code)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_refusal_without_a_body_is_a_problem(world, as_user, application):
    response = as_user(world.officer_jinan).post(f"{API}/registration-applications/{application.pk}/refuse")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_officer_requests_completion(world, as_user, application):
    response = post(
        as_user(world.officer_jinan),
        f"/registration-applications/{application.pk}/request-completion",
        {"reason": "请补充验资报告"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "incomplete"


def test_officer_queue_lists_own_authority_only(world, as_user, application, django_assert_max_num_queries):
    for n in range(10):
        submit(name=f"济南市第{n}装饰协会", rep=110 + n)
    qingdao_app = submit(name="青岛市建筑装饰协会", rep=130, authority_region=region("370200"), region=region("370202"))
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(6):
        body = client.get(f"{API}/registration-applications?limit=100").json()
    ids = {i["id"] for i in body["items"]}
    assert application.pk in ids and qingdao_app.pk not in ids
    assert body["count"] == 11
    other = as_user(world.officer_qingdao).get(f"{API}/registration-applications").json()
    assert [i["id"] for i in other["items"]] == [qingdao_app.pk]


def test_officer_queue_follows_next_cursor_to_every_application_once(world, as_user, application):
    made = [submit(name=f"济南市第{n}装饰协会", rep=110 + n) for n in range(4)]
    client = as_user(world.officer_jinan)
    whole = client.get(f"{API}/registration-applications", {"limit": 100}).json()["items"]
    assert [i["id"] for i in follow_cursor(client, f"{API}/registration-applications", {"limit": 2})] == [
        i["id"] for i in whole
    ]
    assert {i["id"] for i in whole} == {application.pk, *(a.pk for a in made)}


def test_applicant_sees_own_applications_only(world, as_user, application, django_assert_max_num_queries):
    submit(name="济南市园林协会", rep=140)  # filed by nobody in particular
    client = as_user(world.member)
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/registration-applications").json()
    assert [i["id"] for i in body["items"]] == [application.pk]
    assert client.get(f"{API}/registration-applications/{application.pk}").status_code == 200


def test_application_list_refuses_limits_out_of_range(world, as_user):
    client = as_user(world.member)
    for limit in (0, 101):
        response = client.get(f"{API}/registration-applications?limit={limit}")
        assert response.status_code in (400, 422)
        assert_problem(response, response.status_code)


# -- change filings -----------------------------------------------------------------------------------------


def test_staff_file_a_change_and_the_officer_approves_it(world, as_user):
    staff = as_user(world.staff_a)
    response = post(
        staff,
        f"/organizations/{world.org_a.uscc}/change-filings",
        {
            "reason": "理事会决议迁址",
            "decided_on": (TODAY - dt.timedelta(days=2)).isoformat(),
            "domicile": "济南市历下区新址 8 号",
        },
    )
    assert response.status_code == 201, response.content
    filing = response.json()
    assert filing["status"] == "submitted" and filing["changes"] == {"domicile": "济南市历下区新址 8 号"}
    assert filing["filed_late"] is False
    assert filing["filing_due_on"] == (TODAY + dt.timedelta(days=28)).isoformat()
    approved = post(as_user(world.officer_jinan), f"/change-filings/{filing['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    detail = Client().get(f"{API}/organizations/{world.org_a.uscc}").json()
    assert detail["domicile"] == "济南市历下区新址 8 号"


def test_a_late_change_filing_is_flagged(world, as_user):
    response = post(
        as_user(world.staff_a),
        f"/organizations/{world.org_a.uscc}/change-filings",
        {
            "reason": "理事会决议迁址",
            "decided_on": (TODAY - dt.timedelta(days=31)).isoformat(),
            "domicile": "新址 8 号",
        },
    )
    assert response.status_code == 201 and response.json()["filed_late"] is True


def test_a_change_of_legal_representative_only_is_filed(world, as_user):
    response = post(
        as_user(world.staff_a),
        f"/organizations/{world.org_a.uscc}/change-filings",
        {
            "reason": "换届",
            "decided_on": TODAY.isoformat(),
            "legal_representative": {"name": "新代表", "id_number": id_number(300)},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["new_legal_representative"] == "新代表" and response.json()["changes"] == {}


def test_officer_rejects_a_change_with_reasons(world, as_user):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址"), now=NOW
    )
    client = as_user(world.officer_jinan)
    assert_problem(post(client, f"/change-filings/{filing.pk}/reject", {"reason": "否"}), 400, "reason_required")
    response = post(client, f"/change-filings/{filing.pk}/reject", {"reason": "住所证明不全"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["decision_reason"] == "住所证明不全"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reason": "迁址", "decided_on": "2099-01-01", "domicile": "新址"}, 400, "decided_on_future"),
        ({"reason": "无变化", "decided_on": "2026-11-01"}, 400, "no_changes"),
        ({"reason": "迁址", "decided_on": "not-a-date", "domicile": "新址"}, 422, "validation_error"),
        ({"reason": "减资", "decided_on": "2026-11-01", "activity_funds": "100"}, 400, "reg_1"),
    ],
)
def test_bad_change_filings_are_problems(world, as_user, body, status, code):
    response = post(as_user(world.staff_a), f"/organizations/{world.org_a.uscc}/change-filings", body)
    assert_problem(response, status, code)
    assert not ChangeFiling.objects.exists()


def test_change_filing_lists(world, as_user, django_assert_max_num_queries):
    for n, org_name in enumerate(["济南市第一协会", "济南市第二协会", "济南市第三协会"]):
        org = record_org(name=org_name, n=650 + n)
        staff = _staff_of(org, f"staff_{n}")
        services.change_filing_submit(actor=staff, organization=org, data=change(domicile=f"新址 {n}"), now=NOW)
    own = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址"), now=NOW
    )
    qingdao = services.change_filing_submit(
        actor=world.staff_b, organization=world.org_b, data=change(domicile="青岛新址"), now=NOW
    )
    officer = as_user(world.officer_jinan)
    with django_assert_max_num_queries(6):
        body = officer.get(f"{API}/change-filings").json()
    assert body["count"] == 4 and qingdao.pk not in {i["id"] for i in body["items"]}
    staff = as_user(world.staff_a)
    with django_assert_max_num_queries(6):
        body = staff.get(f"{API}/change-filings").json()
    assert [i["id"] for i in body["items"]] == [own.pk]
    assert as_user(world.staff_b).get(f"{API}/change-filings").json()["count"] == 1
    for who in (world.member, world.department):
        assert as_user(who).get(f"{API}/change-filings").json()["count"] == 0


def test_change_filing_lists_follow_next_cursor_to_every_filing_once(world, as_user):
    made = []
    for n in range(3):  # one pending at a time: each is refused before the next is filed
        made.append(
            services.change_filing_submit(
                actor=world.staff_a, organization=world.org_a, data=change(domicile=f"新址 {n}"), now=NOW
            )
        )
        if n < 2:
            services.change_filing_reject(actor=world.officer_jinan, filing=made[-1], reason="材料不全请补正", now=NOW)
    for who in (world.officer_jinan, world.staff_a):
        items = follow_cursor(as_user(who), f"{API}/change-filings", {"limit": 2})
        assert sorted(i["id"] for i in items) == sorted(f.pk for f in made)


def _staff_of(org: Organization, username: str):
    user = user_create(actor=None, username=username, password=PASSWORD, role=Role.STAFF)
    services.staff_assign(actor=None, user=user, organization=org)
    return user


# -- access matrix -------------------------------------------------------------------------------------------


@pytest.fixture
def rows(world):
    """A pending application filed by the member, and a pending change filing of org_a."""
    app = submit(actor=world.member)
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址"), now=NOW
    )
    return app, filing


def _endpoints(app_id: int, filing_id: int, uscc: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", "/registration-applications", None),
        ("post", "/registration-applications", payload(rep=150, name="济南市测试协会")),
        ("get", f"/registration-applications/{app_id}", None),
        ("post", f"/registration-applications/{app_id}/approve", None),
        ("post", f"/registration-applications/{app_id}/refuse", {"reason": "理由充分的拒绝"}),
        ("post", f"/registration-applications/{app_id}/request-completion", {"reason": "缺少章程"}),
        (
            "post",
            f"/organizations/{uscc}/change-filings",
            {"reason": "迁址", "decided_on": "2026-11-01", "domicile": "别处"},
        ),
        ("get", "/change-filings", None),
        ("get", f"/change-filings/{filing_id}", None),
        ("post", f"/change-filings/{filing_id}/approve", None),
        ("post", f"/change-filings/{filing_id}/reject", {"reason": "住所证明不全"}),
    ]


def _call(client: Client, method: str, path: str, body: dict | None, **extra):
    if method == "get":
        return client.get(f"{API}{path}", **extra)
    return post(client, path, body, **extra)


def test_anonymous_gets_401_on_every_non_public_endpoint(rows, world):
    app, filing = rows
    for method, path, body in _endpoints(app.pk, filing.pk, world.org_a.uscc):
        assert_problem(_call(Client(), method, path, body), 401, "unauthenticated")


def test_unverified_officer_gets_401_on_every_non_public_endpoint(rows, world):
    app, filing = rows
    client = Client()
    client.force_login(world.officer_jinan)  # password only, no TOTP
    for method, path, body in _endpoints(app.pk, filing.pk, world.org_a.uscc):
        assert_problem(_call(client, method, path, body), 401)


# (endpoint, actor) -> expected status: 404 when the row is hidden from the actor, 403 when visible but not theirs.
APP_ACTIONS = ["get", "approve", "refuse", "request-completion"]
FILING_ACTIONS = ["get", "approve", "reject"]
OUTSIDERS = ["staff_b", "member_other", "department", "officer_qingdao", "officer_province"]


@pytest.fixture
def member_other(world):
    return user_create(actor=None, username="member_other", password=PASSWORD, role=Role.MEMBER)


def _actor(world, name, member_other):
    return member_other if name == "member_other" else getattr(world, name)


@pytest.mark.parametrize("who", [*OUTSIDERS, "staff_a"])
@pytest.mark.parametrize("action", APP_ACTIONS)
def test_outsiders_get_404_for_an_application_they_must_not_see(rows, world, as_user, member_other, who, action):
    app, _ = rows
    client = as_user(_actor(world, who, member_other))
    path = f"/registration-applications/{app.pk}" + ("" if action == "get" else f"/{action}")
    response = client.get(f"{API}{path}") if action == "get" else post(client, path, {"reason": "理由充分的拒绝"})
    assert_problem(response, 404, "not_found")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("action", ["approve", "refuse", "request-completion"])
def test_the_applicant_sees_the_application_but_gets_403_deciding_it(rows, world, as_user, action):
    app, _ = rows
    client = as_user(world.member)
    assert client.get(f"{API}/registration-applications/{app.pk}").status_code == 200
    assert_problem(
        post(client, f"/registration-applications/{app.pk}/{action}", {"reason": "理由充分的拒绝"}), 403, "forbidden"
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_the_provincial_officer_cannot_approve_a_municipal_application(rows, world, as_user):
    app, _ = rows
    response = post(as_user(world.officer_province), f"/registration-applications/{app.pk}/approve")
    assert response.status_code in (403, 404)
    assert_problem(response, response.status_code)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.organization_id is None


@pytest.mark.parametrize("who", ["staff_b", "member_other", "department", "officer_qingdao", "officer_province"])
@pytest.mark.parametrize("action", FILING_ACTIONS)
def test_outsiders_get_404_for_a_change_filing_they_must_not_see(rows, world, as_user, member_other, who, action):
    _, filing = rows
    client = as_user(_actor(world, who, member_other))
    path = f"/change-filings/{filing.pk}" + ("" if action == "get" else f"/{action}")
    response = client.get(f"{API}{path}") if action == "get" else post(client, path, {"reason": "住所证明不全"})
    assert_problem(response, 404, "not_found")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_associations_staff_see_their_filing_but_get_403_deciding_it(rows, world, as_user, action):
    _, filing = rows
    client = as_user(world.staff_a)
    assert client.get(f"{API}/change-filings/{filing.pk}").status_code == 200
    assert_problem(post(client, f"/change-filings/{filing.pk}/{action}", {"reason": "住所证明不全"}), 403, "forbidden")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


@pytest.mark.parametrize("who", ["staff_b", "member_other", "department", "officer_jinan", "officer_province"])
def test_only_the_associations_staff_file_its_changes(world, as_user, member_other, who):
    # The register is public, so the organisation is visible: the refusal is 403, not 404.
    response = post(
        as_user(_actor(world, who, member_other)),
        f"/organizations/{world.org_a.uscc}/change-filings",
        {"reason": "迁址", "decided_on": "2026-11-01", "domicile": "别处"},
    )
    assert_problem(response, 403, "forbidden")
    assert not ChangeFiling.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_lists_never_contain_the_rows(rows, world, as_user, member_other, who):
    app, filing = rows
    client = as_user(_actor(world, who, member_other))
    apps = client.get(f"{API}/registration-applications").json()
    filings = client.get(f"{API}/change-filings").json()
    assert app.pk not in {i["id"] for i in apps["items"]}
    assert filing.pk not in {i["id"] for i in filings["items"]}


def test_bearer_token_of_another_region_officer_cannot_approve(rows, world):
    app, _ = rows
    response = post(Client(), f"/registration-applications/{app.pk}/approve", **bearer_for(world.officer_qingdao))
    assert_problem(response, 404, "not_found")
    assert not Organization.objects.filter(name=app.name).exists()


# -- problem details everywhere -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/registration-applications/999999"),
        ("get", "/change-filings/999999"),
        ("post", "/registration-applications/999999/approve"),
        ("get", "/organizations/51370100MJ9999999X"),
    ],
)
def test_missing_rows_are_404_problems(world, as_user, method, path):
    client = as_user(world.officer_jinan)
    assert_problem(_call(client, method, path, None), 404, "not_found")


def test_a_path_parameter_of_the_wrong_type_is_a_422_problem(world, as_user):
    response = as_user(world.officer_jinan).get(f"{API}/registration-applications/not-a-number")
    assert_problem(response, 422, "validation_error")


def test_an_unknown_api_path_is_a_404_problem(world):
    assert_problem(Client().get(f"{API}/does-not-exist"), 404)


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/registration-applications/1/approve"), ("delete", "/organizations")]
)
def test_a_wrong_method_is_a_405_problem(world, as_user, method, path):
    response = getattr(as_user(world.officer_jinan), method)(f"{API}{path}")
    assert_problem(response, 405)
    assert response["Allow"]


def test_an_organization_answers_304_to_its_etag_until_its_record_changes(world, django_assert_max_num_queries):
    url = f"{API}/organizations/{world.org_a.uscc}"
    first = Client().get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"organization-')
    with django_assert_max_num_queries(3):
        again = Client().get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert Client().get(url, headers={"If-None-Match": '"other", ' + etag.removeprefix("W/")}).status_code == 304
    assert Client().get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="济南市历下区新址 8 号"), now=NOW
    )
    services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    changed = Client().get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["domicile"] == "济南市历下区新址 8 号"
