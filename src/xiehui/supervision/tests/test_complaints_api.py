"""Complaints on the data port /api/v1: filing (JSON or multipart), public tracking, officers' queue and steps."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core.models import Attachment
from xiehui.core.services import api_token_create
from xiehui.core.testing import follow_cursor
from xiehui.supervision.models import Complaint, ComplaintStatus
from xiehui.supervision.services import complaints as services

from .test_complaints_services import DESCRIPTION, PHONE, answered, file_complaint, pdf

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(path: str, body: dict | None = None, client: Client | None = None, **extra):  # type: ignore[no-untyped-def]
    return (client or Client()).post(f"{API}{path}", json.dumps(body or {}), content_type="application/json", **extra)


def get(path: str, **extra):  # type: ignore[no-untyped-def]
    return Client().get(f"{API}{path}", **extra)


def assert_problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    return body


def filing(world, **overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "uscc": world.org_a.uscc,
        "pledge": "forced_membership",
        "description": DESCRIPTION,
        "anonymous": False,
        "name": "王实名",
        "phone": PHONE,
    }
    data.update(overrides)
    return data


# -- filing -------------------------------------------------------------------------------------------


def test_it_files_complaint_as_json_without_login(world):
    response = post("/complaints", filing(world))
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get()
    assert body["code"] == complaint.code and body["status"] == "received"
    assert body["organization_uscc"] == world.org_a.uscc and body["due_on"] == complaint.due_on.isoformat()
    assert complaint.complainant_name == "王实名" and "王实名" not in response.text


def test_it_files_complaint_as_multipart_with_evidence(world):
    data = {**filing(world, anonymous="true", name="", phone=""), "files": [pdf(), pdf("二.pdf")]}
    response = Client().post(f"{API}/complaints", data)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert complaint.anonymous
    assert Attachment.objects.filter(object_id=str(complaint.pk), purpose="complaint").count() == 2


def test_bearer_token_user_is_kept_on_named_complaint(world):
    post("/complaints", filing(world), **bearer(world.member))
    assert Complaint.objects.get().filed_by == world.member


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"phone": "12345"}, 400, "phone_invalid", "phone"),
        ({"name": ""}, 400, "name_required", "name"),
        ({"pledge": "bribery"}, 400, "pledge_invalid", "pledge"),
        ({"uscc": "51370100MJ0000099X"}, 400, "organization_unknown", "uscc"),
        ({"description": "短"}, 422, "validation_error", None),
        ({"anonymous": None}, 422, "validation_error", None),
    ],
    ids=["bad-phone", "no-name", "bad-pledge", "unknown-uscc", "short", "anonymous-missing"],
)
def test_filing_refusals_are_problems(world, overrides, status, code, field):
    body = assert_problem(post("/complaints", filing(world, **overrides)), status, code)
    assert body.get("field") == field
    assert not Complaint.objects.exists()


def test_filing_refuses_broken_json(world):
    response = Client().post(f"{API}/complaints", b"{not json", content_type="application/json")
    assert_problem(response, 400)


def test_sup_1_filing_is_rate_limited_per_address_and_shared_with_the_portal(world):
    client = Client()
    for _ in range(4):
        assert post("/complaints", filing(world), client=client).status_code == 201
    portal = client.post("/complaints/new/", {"uscc": world.org_a.uscc})  # the portal form counts too
    assert portal.status_code == 200
    assert_problem(post("/complaints", filing(world), client=client), 429, "rate_limited")
    assert Complaint.objects.count() == 4


def test_openapi_documents_both_filing_bodies(world):
    schema = get("/openapi.json").json()
    body = schema["paths"]["/api/v1/complaints"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert "files" in body["multipart/form-data"]["schema"]["properties"]
    assert "429" in schema["paths"]["/api/v1/complaints"]["post"]["responses"]


# -- public tracking ----------------------------------------------------------------------------------


def test_tracking_shows_progress_and_never_identity(world):
    complaint = answered(world, file_complaint(world.org_a))
    response = get(f"/complaints/track/{complaint.code.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered" and body["outcome"] == "substantiated" and "属实" in body["answer"]
    assert [s["status"] for s in body["steps"]] == ["received", "assigned", "answered"]
    assert "张投诉" not in response.text and PHONE not in response.text and DESCRIPTION not in response.text
    assert not {"complainant", "name", "phone", "description", "findings"} & set(body)


def test_tracking_unknown_code_is_404(world):
    assert_problem(get("/complaints/track/ABCDEFGHJKMN"), 404, "complaint_not_found")


# -- officers -----------------------------------------------------------------------------------------


def test_queue_needs_authentication(world):
    assert_problem(get("/complaints"), 401)


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_queue_refuses_non_officers(world, who):
    assert_problem(get("/complaints", **bearer(getattr(world, who))), 403)


def test_queue_lists_jurisdiction_only(world, django_assert_max_num_queries):
    a = file_complaint(world.org_a)
    file_complaint(world.org_b)
    for _ in range(5):
        file_complaint(world.org_a)
    headers = bearer(world.officer_jinan)
    with django_assert_max_num_queries(5):
        response = get("/complaints?limit=3", **headers)
    body = response.json()
    assert body["count"] == 6 and len(body["items"]) == 3
    assert a.code in {i["code"] for i in body["items"]}
    assert {i["organization_uscc"] for i in body["items"]} == {world.org_a.uscc}
    assert not {"complainant", "name", "phone"} & set(body["items"][0])
    assert get("/complaints", **bearer(world.officer_qingdao)).json()["count"] == 1


def test_detail_shows_identity_to_handling_officer_only(world):
    complaint = file_complaint(world.org_a)
    mine = get(f"/complaints/{complaint.pk}", **bearer(world.officer_jinan)).json()
    assert mine["complainant"] == {"anonymous": False, "name": "张投诉", "phone": "139****5678", "account": ""}
    revealed = post(f"/complaints/{complaint.pk}/contact", **bearer(world.officer_jinan))
    assert revealed.status_code == 200 and revealed.json() == {"phone": PHONE}
    assert_problem(post(f"/complaints/{complaint.pk}/contact", **bearer(world.officer_province)), 403)
    assert mine["why"]["rule_id"] == "SUP-1" and mine["why"]["parameters"] == {"answer_days": 60}
    province = get(f"/complaints/{complaint.pk}", **bearer(world.officer_province))
    assert province.status_code == 200 and province.json()["complainant"] is None
    assert "张投诉" not in province.text and PHONE not in province.text
    for who in ("officer_qingdao", "staff_a", "member"):
        assert_problem(get(f"/complaints/{complaint.pk}", **bearer(getattr(world, who))), 404)


def test_officer_runs_the_lifecycle_over_the_api(world):
    complaint = file_complaint(world.org_a)
    headers = bearer(world.officer_jinan)
    body = post(f"/complaints/{complaint.pk}/assign", {"assignee": "officer_jinan"}, **headers).json()
    assert body["status"] == "assigned" and body["assigned_to"] == "officer_jinan"
    body = post(f"/complaints/{complaint.pk}/investigate", {"note": "调取凭证"}, **headers).json()
    assert body["status"] == "investigating" and any(not e["public"] for e in body["events"])
    body = post(
        f"/complaints/{complaint.pk}/answer",
        {"outcome": "unsubstantiated", "findings": "未发现强制入会", "answer": "经查不属实"},
        **headers,
    ).json()
    assert body["status"] == "answered" and body["outcome"] == "unsubstantiated" and body["overdue"] is False


def test_officer_dismisses_over_the_api(world):
    complaint = file_complaint(world.org_a)
    response = post(f"/complaints/{complaint.pk}/dismiss", {"reason": "重复投诉"}, **bearer(world.officer_jinan))
    assert response.json()["status"] == "dismissed"


def test_assign_refuses_unknown_or_foreign_officer(world):
    complaint = file_complaint(world.org_a)
    headers = bearer(world.officer_jinan)
    assert_problem(
        post(f"/complaints/{complaint.pk}/assign", {"assignee": "nobody"}, **headers), 400, "assignee_unknown"
    )
    assert_problem(
        post(f"/complaints/{complaint.pk}/assign", {"assignee": "officer_qingdao"}, **headers),
        400,
        "assignee_outside_authority",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_qingdao", 404), ("officer_province", 403), ("staff_a", 404), ("member", 404)],
)
@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("assign", {"assignee": "officer_jinan"}),
        ("dismiss", {"reason": "x"}),
        ("investigate", {"note": "x"}),
        ("answer", {"outcome": "substantiated", "findings": "x", "answer": "y"}),
    ],
)
def test_steps_refuse_everyone_but_the_authority(world, who, status, step, body):
    complaint = file_complaint(world.org_a)
    if step in ("investigate", "answer"):
        services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    before = Complaint.objects.get().status
    assert_problem(post(f"/complaints/{complaint.pk}/{step}", body, **bearer(getattr(world, who))), status)
    assert Complaint.objects.get().status == before


def test_steps_need_authentication(world):
    complaint = file_complaint(world.org_a)
    assert_problem(post(f"/complaints/{complaint.pk}/dismiss", {"reason": "x"}), 401)
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_queue_follows_next_cursor_to_every_complaint_once(world):
    for _ in range(5):
        file_complaint(world.org_a)
    headers = bearer(world.officer_jinan)
    whole = get("/complaints?limit=100", **headers).json()
    assert whole["count"] == 5 and whole["next_cursor"] is None
    assert follow_cursor(Client(), f"{API}/complaints", {"limit": 2}, **headers) == whole["items"]
