"""Orders, penalties, letters and court entries on the data port /api/v1, over HTTP, for every actor."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core import clock
from xiehui.core.testing import follow_cursor
from xiehui.supervision.models import AddressLetter, CourtListEntry, OrderStatus, Penalty, RectificationOrder

from .test_orders_services import pdf
from .test_orders_views import court, issue, penalty

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def today() -> dt.date:
    return clock.today()


def post(c, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return c.post(API + url, data or {}, content_type="application/json")


def problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    return body


ORDER_IN = {
    "ground": "未配备专职工作人员",
    "basis": "004 第6条",
    "facts": "年度工作报告显示专职工作人员 0 人",
    "requirements": "配备专职工作人员",
}


# -- orders -----------------------------------------------------------------------------------------------


def test_officer_issues_and_lists_orders(world, as_user, django_assert_max_num_queries):
    c = as_user(world.officer_jinan)
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    response = post(c, f"/organizations/{world.org_a.uscc}/orders", {**ORDER_IN, "deadline": deadline})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["organization_uscc"] == world.org_a.uscc and body["responses"] == []
    for i in range(5):
        issue(world, org=world.org_b, actor=world.officer_qingdao, ground=f"青岛{i}")
    with django_assert_max_num_queries(8):
        listing = c.get(API + "/orders")
    assert listing.status_code == 200
    assert [o["number"] for o in listing.json()["items"]] == [body["number"]]


def test_issue_refuses_past_deadline_with_problem_details(world, as_user):
    c = as_user(world.officer_jinan)
    response = post(c, f"/organizations/{world.org_a.uscc}/orders", {**ORDER_IN, "deadline": today().isoformat()})
    assert problem(response, 400, "deadline_not_future")["field"] == "deadline"


@pytest.mark.parametrize(
    ("who", "status"), [("officer_qingdao", 404), ("staff_a", 403), ("member", 403), ("department", 403)]
)
def test_issue_is_for_the_authority_only(world, as_user, who, status):
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    response = post(
        as_user(getattr(world, who)), f"/organizations/{world.org_a.uscc}/orders", {**ORDER_IN, "deadline": deadline}
    )
    problem(response, status)
    assert not RectificationOrder.objects.exists()


def test_provincial_officer_cannot_issue_to_a_city_association(world, as_user):
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    response = post(
        as_user(world.officer_province), f"/organizations/{world.org_a.uscc}/orders", {**ORDER_IN, "deadline": deadline}
    )
    problem(response, 403, "forbidden")


def test_anonymous_gets_401_everywhere(world, client):
    order = issue(world)
    assert client.get(API + "/orders").status_code == 401
    assert client.get(f"{API}/orders/{order.pk}").status_code == 401
    for url in (
        f"/orders/{order.pk}/accept",
        f"/orders/{order.pk}/reject",
        f"/orders/{order.pk}/withdraw",
        f"/organizations/{world.org_a.uscc}/penalties",
        f"/organizations/{world.org_a.uscc}/address-letters",
        f"/organizations/{world.org_a.uscc}/court-entries",
    ):
        assert post(client, url).status_code == 401, url
    assert client.post(f"{API}/orders/{order.pk}/responses", {"statement": "x"}).status_code == 401


def test_staff_lifecycle_respond_reject_respond_accept(world, as_user):
    order = issue(world)
    staff, officer = as_user(world.staff_a), as_user(world.officer_jinan)
    assert [o["id"] for o in staff.get(API + "/orders").json()["items"]] == [order.pk]
    response = staff.post(f"{API}/orders/{order.pk}/responses", {"statement": "已聘用专职人员", "evidence": [pdf()]})
    assert response.status_code == 201, response.content
    assert response.json()["evidence"][0]["name"] == "整改报告.pdf"
    problem(staff.post(f"{API}/orders/{order.pk}/responses", {"statement": "再次"}), 400, "order_not_open")
    problem(post(officer, f"/orders/{order.pk}/reject", {"reason": ""}), 400, "reason_required")
    rejected = post(officer, f"/orders/{order.pk}/reject", {"reason": "材料不足"}).json()
    assert rejected["status"] == "open" and rejected["responses"][0]["verdict"] == "rejected"
    assert staff.post(f"{API}/orders/{order.pk}/responses", {"statement": "补充"}).status_code == 201
    accepted = post(officer, f"/orders/{order.pk}/accept").json()
    assert accepted["status"] == "completed" and accepted["completed_on"] == today().isoformat()
    detail = staff.get(f"{API}/orders/{order.pk}").json()
    assert [r["verdict"] for r in detail["responses"]] == ["rejected", "accepted"]
    assert len(detail["responses"][0]["evidence"]) == 1


def test_response_with_bad_evidence_is_refused(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = issue(world)
    bad = SimpleUploadedFile("x.pdf", b"not really a pdf at all", "application/pdf")
    response = as_user(world.staff_a).post(
        f"{API}/orders/{order.pk}/responses", {"statement": "已整改", "evidence": [bad]}
    )
    assert problem(response, 400, "upload_type")["field"] == "evidence"
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_outsiders_cannot_see_or_act_on_an_order(world, as_user):
    order = issue(world)
    for who in ("staff_b", "officer_qingdao"):
        c = as_user(getattr(world, who))
        problem(c.get(f"{API}/orders/{order.pk}"), 404)
        problem(c.post(f"{API}/orders/{order.pk}/responses", {"statement": "x"}), 404)
        problem(post(c, f"/orders/{order.pk}/withdraw", {"reason": "x"}), 404)
        assert c.get(API + "/orders").json()["items"] == []
    for who in ("member", "department"):
        problem(as_user(getattr(world, who)).get(API + "/orders"), 403)
        problem(as_user(getattr(world, who)).get(f"{API}/orders/{order.pk}"), 404)
    problem(as_user(world.officer_jinan).post(f"{API}/orders/{order.pk}/responses", {"statement": "x"}), 403)
    problem(post(as_user(world.staff_a), f"/orders/{order.pk}/withdraw", {"reason": "x"}), 403)
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not order.responses.exists()


def test_officer_withdraws_and_filters_by_status(world, as_user):
    order = issue(world)
    other = issue(world)
    c = as_user(world.officer_jinan)
    assert post(c, f"/orders/{order.pk}/withdraw", {"reason": "误发"}).json()["status"] == "withdrawn"
    items = c.get(API + "/orders", {"status": "withdrawn"}).json()["items"]
    assert [o["id"] for o in items] == [order.pk]
    assert [o["id"] for o in c.get(API + "/orders", {"status": "open"}).json()["items"]] == [other.pk]


def test_overdue_filter_and_flag(world, as_user):
    late = RectificationOrder.objects.create(
        organization=world.org_a,
        number="测试责改字〔2026〕第77号",
        source="officer",
        ground="超范围活动",
        basis="条例",
        facts="事实",
        issued_on=today() - dt.timedelta(days=40),
        deadline=today() - dt.timedelta(days=1),
    )
    issue(world)
    body = as_user(world.officer_jinan).get(API + "/orders", {"overdue": "true"}).json()
    assert [(o["id"], o["overdue"]) for o in body["items"]] == [(late.pk, True)]


# -- penalties --------------------------------------------------------------------------------------------------


PENALTY_IN = {
    "kind": "fine",
    "decision_number": "济民罚字〔2026〕第3号",
    "amount": "60000.00",
    "legal_basis": "《社会团体登记管理条例》第三十条",
    "facts": "违规收费",
}


def test_officer_records_a_penalty_and_anyone_reads_it(world, as_user, client, django_assert_max_num_queries):
    c = as_user(world.officer_jinan)
    response = post(
        c, f"/organizations/{world.org_a.uscc}/penalties", {**PENALTY_IN, "decided_on": today().isoformat()}
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "60000.00" and response.json()["kind_label"] == "罚款"
    with django_assert_max_num_queries(4):
        public = client.get(f"{API}/organizations/{world.org_a.uscc}/penalties")
    assert public.status_code == 200
    [item] = public.json()
    assert item["decision_number"] == "济民罚字〔2026〕第3号" and "facts" not in item


def test_penalty_validation_errors_are_problems(world, as_user):
    c = as_user(world.officer_jinan)
    url = f"/organizations/{world.org_a.uscc}/penalties"
    decided = today().isoformat()
    assert problem(post(c, url, {**PENALTY_IN, "amount": None, "decided_on": decided}), 400)["field"] == "amount"
    warning = {**PENALTY_IN, "kind": "warning", "decided_on": decided}
    problem(post(c, url, warning), 400, "amount_not_applicable")
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    problem(post(c, url, {**PENALTY_IN, "decided_on": tomorrow}), 400, "decided_on_future")
    problem(post(c, url, {**PENALTY_IN, "kind": "bogus", "decided_on": decided}), 422)
    assert post(c, url, {**PENALTY_IN, "decided_on": decided}).status_code == 201
    problem(post(c, url, {**PENALTY_IN, "decided_on": decided}), 400, "decision_number_taken")
    assert Penalty.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("officer_qingdao", 404), ("staff_a", 403), ("member", 403), ("department", 403)]
)
def test_penalties_are_recorded_by_the_authority_only(world, as_user, who, status):
    url = f"/organizations/{world.org_a.uscc}/penalties"
    problem(post(as_user(getattr(world, who)), url, {**PENALTY_IN, "decided_on": today().isoformat()}), status)
    assert not Penalty.objects.exists()


# -- address letters ------------------------------------------------------------------------------------------


def test_letters_record_and_return(world, as_user):
    c = as_user(world.officer_jinan)
    sent = today() - dt.timedelta(days=10)
    created = post(
        c,
        f"/organizations/{world.org_a.uscc}/address-letters",
        {"sent_on": sent.isoformat(), "tracking_number": "EMS9"},
    )
    assert created.status_code == 201, created.content
    letter_id = created.json()["id"]
    early = (sent - dt.timedelta(days=1)).isoformat()
    patch = c.patch(f"{API}/address-letters/{letter_id}", {"returned_on": early}, content_type="application/json")
    problem(patch, 400, "returned_before_sent")
    patch = c.patch(
        f"{API}/address-letters/{letter_id}",
        {"returned_on": today().isoformat(), "signed": False},
        content_type="application/json",
    )
    assert patch.status_code == 200 and patch.json()["returned_on"] == today().isoformat()
    listing = c.get(f"{API}/organizations/{world.org_a.uscc}/address-letters").json()
    assert len(listing["items"]) == 1 and "CR-A5" in listing["hint"]


def test_letters_are_for_the_authority_only(world, as_user, client):
    item = AddressLetter.objects.create(organization=world.org_a, sent_on=today(), recorded_by=world.officer_jinan)
    for who, status in (("officer_qingdao", 404), ("staff_a", 403), ("department", 403), ("member", 403)):
        c = as_user(getattr(world, who))
        problem(post(c, f"/organizations/{world.org_a.uscc}/address-letters", {"sent_on": today().isoformat()}), status)
        problem(c.get(f"{API}/organizations/{world.org_a.uscc}/address-letters"), status)
        patch = c.patch(
            f"{API}/address-letters/{item.pk}", {"returned_on": today().isoformat()}, content_type="application/json"
        )
        problem(patch, 404)
    problem(
        as_user(world.officer_province).patch(
            f"{API}/address-letters/{item.pk}", {"returned_on": today().isoformat()}, content_type="application/json"
        ),
        403,
    )
    assert client.get(f"{API}/organizations/{world.org_a.uscc}/address-letters").status_code == 401
    assert AddressLetter.objects.count() == 1 and AddressLetter.objects.get().returned_on is None


# -- court entries ----------------------------------------------------------------------------------------------


COURT_IN = {"case_number": "（2026）鲁0102执77号", "court": "济南市历下区人民法院"}


def test_department_records_a_court_entry_but_not_a_penalty(world, as_user, client, django_assert_max_num_queries):
    c = as_user(world.department)
    response = post(
        c, f"/organizations/{world.org_a.uscc}/court-entries", {**COURT_IN, "listed_on": today().isoformat()}
    )
    assert response.status_code == 201, response.content
    problem(
        post(c, f"/organizations/{world.org_a.uscc}/penalties", {**PENALTY_IN, "decided_on": today().isoformat()}), 403
    )
    with django_assert_max_num_queries(4):
        public = client.get(f"{API}/organizations/{world.org_a.uscc}/court-entries")
    assert [e["case_number"] for e in public.json()] == [COURT_IN["case_number"]]
    entry_id = response.json()["id"]
    problem(
        post(c, f"/court-entries/{entry_id}/remove", {"removed_on": (today() - dt.timedelta(days=1)).isoformat()}),
        400,
        "removed_before_listed",
    )
    removed = post(c, f"/court-entries/{entry_id}/remove", {"removed_on": today().isoformat()})
    assert removed.status_code == 200 and removed.json()["removed_on"] == today().isoformat()


def test_court_entry_duplicate_and_future_are_refused(world, as_user):
    c = as_user(world.officer_jinan)
    url = f"/organizations/{world.org_a.uscc}/court-entries"
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    problem(post(c, url, {**COURT_IN, "listed_on": tomorrow}), 400, "listed_on_future")
    assert post(c, url, {**COURT_IN, "listed_on": today().isoformat()}).status_code == 201
    problem(post(c, url, {**COURT_IN, "listed_on": today().isoformat()}), 400, "case_number_taken")


def test_court_entries_refuse_outsiders(world, as_user):
    entry = court(world)
    url = f"/organizations/{world.org_a.uscc}/court-entries"
    for who in ("officer_qingdao", "staff_a", "member", "officer_province"):
        c = as_user(getattr(world, who))
        problem(post(c, url, {**COURT_IN, "case_number": "（2026）鲁执1号", "listed_on": today().isoformat()}), 403)
    for who in ("officer_qingdao", "staff_a", "member"):
        problem(
            post(
                as_user(getattr(world, who)), f"/court-entries/{entry.pk}/remove", {"removed_on": today().isoformat()}
            ),
            404,
        )
    assert CourtListEntry.objects.count() == 1 and CourtListEntry.objects.get().removed_on is None


def test_public_penalty_and_court_reads_answer_404_for_unknown_uscc(world, client):
    problem(client.get(f"{API}/organizations/51370100MJ0000099X/penalties"), 404)
    problem(client.get(f"{API}/organizations/51370100MJ0000099X/court-entries"), 404)


def test_penalty_helper_is_listed_publicly(world, client):
    penalty(world)
    assert len(client.get(f"{API}/organizations/{world.org_a.uscc}/penalties").json()) == 1


@pytest.mark.parametrize("status", ["", "open"])  # by issue date, or (active orders) by deadline
def test_orders_list_follows_next_cursor_to_every_order_once(world, as_user, status):
    for i in range(5):
        issue(world, days=30 + i % 2, ground=f"事由{i}")
    c = as_user(world.officer_jinan)
    whole = c.get(API + "/orders", {"limit": 100, "status": status}).json()
    assert whole["count"] == 5 and whole["next_cursor"] is None
    assert follow_cursor(c, API + "/orders", {"limit": 2, "status": status}) == whole["items"]
