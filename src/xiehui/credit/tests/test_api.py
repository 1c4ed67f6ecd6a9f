"""The credit lists on the data port /api/v1: public reads, history, cursor pages, events, operations, access."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from xiehui.core import clock
from xiehui.core.services import api_token_create
from xiehui.credit.models import Decision, Listing, RequestStatus

from .test_services import decide, rule_listing
from .test_views import make_listed

API = "/api/v1"
TODAY = clock.today()


@pytest.fixture
def listed(world):
    return make_listed(world)


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json", **extra)


def bearer(user) -> dict:
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


# -- public reads ----------------------------------------------------------------------------------------


def test_cr_r_organization_credit_public_current_only_history_for_authorised(as_user, world, listed):
    current, ended = listed
    url = f"{API}/organizations/{world.org_a.uscc}/credit"
    for outsider in (None, world.member, world.staff_b, world.officer_qingdao):
        body = as_user(outsider).get(url).json()
        assert [x["id"] for x in body["current"]] == [current.pk]
        assert body["history"] is None and body["listed"] is True
    public = body["current"][0]
    assert public["rule_id"] == "CR-A2" and public["basis"] and public["facts"] and public["ground_label"]
    for insider in (world.officer_jinan, world.department, world.staff_a):
        body = as_user(insider).get(url).json()
        assert {x["id"] for x in body["history"]} == {current.pk, ended.pk}
        ended_row = next(x for x in body["history"] if x["id"] == ended.pk)
        assert ended_row["end_reason"] == "removal_approved" and len(ended_row["decisions"]) == 2
    assert Client().get(f"{API}/organizations/{world.org_b.uscc}/credit").json()["listed"] is False
    problem(Client().get(f"{API}/organizations/91370100MA0000000X/credit"), 404)


def test_cr_r_public_list_omits_ended_listings(client, world, listed):
    body = client.get(f"{API}/credit/lists/abnormal").json()
    assert [x["id"] for x in body["items"]] == [listed[0].pk] and body["next_cursor"] is None
    problem(client.get(f"{API}/credit/lists/other"), 404)
    problem(client.get(f"{API}/credit/lists/abnormal", {"since": "2026-13-01"}), 400, "invalid_date")
    problem(client.get(f"{API}/credit/lists/abnormal", {"cursor": "bad"}), 400, "invalid_cursor")


def test_public_list_filters(client, world):
    a = rule_listing(world.org_a, "S4", dt.date(2026, 3, 1))
    b = rule_listing(world.org_b, "S6", dt.date(2026, 5, 1))

    def ids(**params):
        return [x["id"] for x in client.get(f"{API}/credit/lists/serious", params).json()["items"]]

    assert ids() == [b.pk, a.pk]
    assert ids(region="370200") == [b.pk] and ids(ground="S4") == [a.pk]
    assert ids(since="2026-04-01") == [b.pk] and ids(until="2026-04-01") == [a.pk]


def test_cursor_pagination_stable_under_inserts(client, world, django_assert_max_num_queries):
    made = [rule_listing(world.org_a, "A4", dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(5)]
    with django_assert_max_num_queries(3):
        first = client.get(f"{API}/credit/lists/abnormal", {"limit": 2}).json()
    assert [x["id"] for x in first["items"]] == [made[4].pk, made[3].pk]
    rule_listing(world.org_b, "A4", dt.date(2026, 6, 1))  # lands before the cursor: not repeated, not shifting
    seen = [x["id"] for x in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"{API}/credit/lists/abnormal", {"limit": 2, "cursor": cursor}).json()
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [m.pk for m in reversed(made)]


# -- events feed -----------------------------------------------------------------------------------------


def test_events_feed_for_departments_and_officers_only(as_user, world, listed):
    problem(Client().get(f"{API}/credit/events"), 401)
    for outsider in (world.member, world.staff_a):
        problem(as_user(outsider).get(f"{API}/credit/events"), 403)
    body = Client().get(f"{API}/credit/events", **bearer(world.department)).json()
    events = [(x["listing_id"], x["event"]) for x in body["items"]]
    assert events == [(listed[0].pk, "opened"), (listed[1].pk, "opened"), (listed[1].pk, "ended")]  # commit order
    assert "facts" not in body["items"][0] and "end_note" not in body["items"][0]
    again = Client().get(f"{API}/credit/events", {"since": body["next_cursor"]}, **bearer(world.department)).json()
    assert again["items"] == [] and again["next_cursor"] == body["next_cursor"]
    # officers follow their jurisdiction only: 青岛 sees none of 济南's listings
    qingdao = as_user(world.officer_qingdao).get(f"{API}/credit/events").json()
    assert qingdao["items"] == [] and qingdao["next_cursor"] == body["next_cursor"]
    jinan = as_user(world.officer_jinan).get(f"{API}/credit/events").json()
    assert len(jinan["items"]) == 3


def test_events_feed_pages_by_commit_order(world, listed):
    auth = bearer(world.department)
    first = Client().get(f"{API}/credit/events", {"limit": 2}, **auth).json()
    rest = Client().get(f"{API}/credit/events", {"since": first["next_cursor"]}, **auth).json()
    assert [x["event"] for x in first["items"] + rest["items"]] == ["opened", "opened", "ended"]


# -- officers' and associations' operations --------------------------------------------------------------


def test_get_listing_for_the_jurisdiction_and_the_association(as_user, world, listed):
    url = f"{API}/credit/listings/{listed[1].pk}"
    problem(Client().get(url), 401)
    for outsider in (world.member, world.staff_b, world.officer_qingdao, world.department):
        problem(as_user(outsider).get(url), 404)
    body = as_user(world.officer_jinan).get(url).json()
    assert body["ended_on"] == TODAY.isoformat() and body["source"] == "officer"


def test_officer_decides_a_listing_through_the_api(world):
    body = {"ground": "S8", "basis": "某法第十条", "facts": "经查存在严重失信情形"}
    path = f"/organizations/{world.org_a.uscc}/listings"
    problem(post(Client(), path, body), 401)
    problem(post(Client(), path, body, **bearer(world.officer_qingdao)), 403, "forbidden")
    problem(post(Client(), path, {**body, "basis": " "}, **bearer(world.officer_jinan)), 400, "basis_required")
    response = post(Client(), path, body, **bearer(world.officer_jinan))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["rule_id"] == "CR-S8" and created["earliest_removal_on"] and len(created["decisions"]) == 1


def test_removal_application_verify_approve_through_the_api(world):
    listing = Listing.objects.get(pk=_decided(world).pk)
    path = f"/credit/listings/{listing.pk}/removal-applications"
    problem(post(Client(), path, {"statement": "x"}, **bearer(world.staff_b)), 404)
    created = post(Client(), path, {"statement": "已整改"}, **bearer(world.staff_a))
    assert created.status_code == 201
    app_id = created.json()["id"]
    problem(post(Client(), f"/removal-applications/{app_id}/verify", {"note": "x"}, **bearer(world.staff_a)), 403)
    problem(
        post(Client(), f"/removal-applications/{app_id}/verify", {"note": "x"}, **bearer(world.officer_qingdao)), 404
    )
    verified = post(
        Client(), f"/removal-applications/{app_id}/verify", {"note": "已核实"}, **bearer(world.officer_jinan)
    )
    assert verified.json()["status"] == RequestStatus.VERIFIED and verified.json()["decision_due_on"]
    approved = post(Client(), f"/removal-applications/{app_id}/approve", {}, **bearer(world.officer_jinan))
    assert approved.json()["status"] == RequestStatus.APPROVED
    listing.refresh_from_db()
    assert listing.ended_on is not None


def test_removal_reject_through_the_api_requires_reason(world):
    listing = _decided(world)
    app_id = post(
        Client(), f"/credit/listings/{listing.pk}/removal-applications", {"statement": "x"}, **bearer(world.staff_a)
    ).json()["id"]
    problem(
        post(Client(), f"/removal-applications/{app_id}/reject", {}, **bearer(world.officer_jinan)),
        400,
        "reason_required",
    )
    rejected = post(
        Client(), f"/removal-applications/{app_id}/reject", {"reason": "未整改"}, **bearer(world.officer_jinan)
    )
    assert rejected.json()["status"] == RequestStatus.REJECTED


def test_objection_file_uphold_and_dismiss_through_the_api(world):
    listing = _decided(world)
    path = f"/credit/listings/{listing.pk}/objections"
    problem(post(Client(), path, {"statement": "x"}, **bearer(world.officer_jinan)), 403)
    created = post(Client(), path, {"statement": "列入有误", "defence": "已建立"}, **bearer(world.staff_a))
    assert created.status_code == 201 and created.json()["due_on"]
    oid = created.json()["id"]
    problem(post(Client(), f"/objections/{oid}/uphold", {"reason": "x"}, **bearer(world.member)), 404)
    upheld = post(Client(), f"/objections/{oid}/uphold", {"reason": "核实列入有误"}, **bearer(world.officer_jinan))
    assert upheld.json()["status"] == RequestStatus.APPROVED
    listing.refresh_from_db()
    assert listing.end_reason == "objection_upheld"
    problem(post(Client(), f"/objections/{oid}/dismiss", {"reason": "x"}, **bearer(world.officer_jinan)), 400)


def test_decision_pdf_through_the_api(as_user, world, listed):
    decision = Decision.objects.filter(listing=listed[0]).get()
    url = f"{API}/credit/decisions/{decision.pk}.pdf"
    problem(Client().get(url), 401)
    for outsider in (world.staff_b, world.officer_qingdao, world.department):
        problem(as_user(outsider).get(url), 404)
    response = Client().get(url, **bearer(world.staff_a))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_credit_endpoints_are_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/credit/lists/{list_kind}", "/credit/events", "/organizations/{uscc}/credit"):
        assert f"/api/v1{path}" in paths


def _decided(world) -> Listing:
    return decide(world, "A2")
