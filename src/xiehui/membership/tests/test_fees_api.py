"""Fee standards on the data port: FEE-1 refusals, drafts by staff, the access matrix, query counts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core.testing import follow_cursor
from xiehui.membership import services_fees
from xiehui.membership.models import FeeStandard

from .test_fees_builders import adopted, member_of, propose

pytestmark = pytest.mark.django_db
API = "/api/v1"
BODY: dict[str, Any] = {
    "title": "2027年会费标准",
    "services_covered": "行业信息、培训",
    "effective_on": "2027-01-01",
    "tiers": [
        {"member_class": "会长单位", "amount": "50000.00"},
        {"member_class": "副会长单位", "amount": 20000},
        {"member_class": "理事单位", "amount": 8000.5},
        {"member_class": "会员单位", "amount": "2000"},
    ],
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(f"{API}{path}", json.dumps(body), content_type="application/json")


def problem(response: Any, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


def create(client: Client, org: Any, **kw: Any) -> Any:
    return post(client, f"/organizations/{org.uscc}/fee-standards", {**BODY, **kw})


def test_staff_create_read_patch_and_delete_a_draft(world, as_user):
    client = as_user(world.staff_a)
    response = create(client, world.org_a)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and [t["amount"] for t in body["tiers"]] == [
        "50000.00",
        "20000.00",
        "8000.50",
        "2000.00",
    ]
    pk = body["id"]
    assert client.get(f"{API}/fee-standards/{pk}").json()["title"] == "2027年会费标准"
    changed = patch(
        client, f"/fee-standards/{pk}", {"title": "改名", "tiers": [{"member_class": "会员单位", "amount": 100}]}
    )
    assert changed.status_code == 200 and changed.json()["title"] == "改名" and len(changed.json()["tiers"]) == 1
    assert client.delete(f"{API}/fee-standards/{pk}").status_code == 204
    assert not FeeStandard.objects.exists()


def test_fee_1_five_tiers_refused(world, as_user):
    tiers = [*BODY["tiers"], {"member_class": "个人会员", "amount": "500"}]
    body = problem(create(as_user(world.staff_a), world.org_a, tiers=tiers), 400, "FEE-1")
    assert "FEE-1" in body["detail"] and "5 档" in body["detail"] and body["field"] == "tiers"


@pytest.mark.parametrize("amount", ["1%", "1000-2000"])
def test_fee_1_rates_and_ranges_refused(world, as_user, amount):
    tiers = [{"member_class": "会员单位", "amount": amount}]
    body = problem(create(as_user(world.staff_a), world.org_a, tiers=tiers), 400, "FEE-1")
    assert body["field"] == "tiers.0.amount" and "固定金额" in body["detail"]


def test_fee_1_amount_must_be_one_value(world, as_user):
    tiers = [{"member_class": "会员单位", "amount": [1000, 2000]}]
    problem(create(as_user(world.staff_a), world.org_a, tiers=tiers), 422, "validation_error")


def test_fee_1_branch_refused(world, as_user):
    body = problem(create(as_user(world.staff_a), world.org_a, branch="冷链分会"), 400, "FEE-1")
    assert "分支机构不得单独制定会费标准" in body["detail"] and body["field"] == "branch"


def test_patch_after_the_ballot_froze_is_409(world, as_user):
    standard = propose(world.org_a)
    services_fees.fee_standard_balloting(standard=standard, now=NOW)
    problem(patch(as_user(world.staff_a), f"/fee-standards/{standard.pk}", {"title": "x"}), 409)


def test_staff_of_another_association_gets_404_everywhere(world, as_user):
    standard = propose(world.org_a)
    client = as_user(world.staff_b)
    problem(create(client, world.org_a), 404)
    problem(client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards"), 404)
    problem(client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standard"), 404)
    problem(client.get(f"{API}/fee-standards/{standard.pk}"), 404)
    problem(patch(client, f"/fee-standards/{standard.pk}", {"title": "x"}), 404)
    problem(client.delete(f"{API}/fee-standards/{standard.pk}"), 404)
    problem(post(client, f"/fee-standards/{standard.pk}/resolution/publish", {"published_on": "2026-11-01"}), 404)


def test_anonymous_gets_401(world, as_user):
    standard = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    client = as_user(None)
    problem(client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards"), 401)
    problem(client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standard"), 401)
    problem(client.get(f"{API}/fee-standards/{standard.pk}"), 401)


def test_members_see_adopted_standards_of_their_association_only(world, as_user):
    member_of(world.org_a, world.member)
    draft = propose(world.org_a)
    standard = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    other = adopted(world.org_b, effective_on=dt.date(2025, 1, 1))
    client = as_user(world.member)
    listed = client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards").json()
    assert [s["id"] for s in listed["items"]] == [standard.pk]
    in_force = client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standard").json()
    assert in_force["id"] == standard.pk and in_force["resolution"]["passed"] is True
    assert in_force["publication"]["state"] == "missing"
    problem(client.get(f"{API}/fee-standards/{draft.pk}"), 404)
    problem(client.get(f"{API}/fee-standards/{other.pk}"), 404)
    problem(client.get(f"{API}/organizations/{world.org_b.uscc}/fee-standards"), 404)
    problem(create(client, world.org_a), 404)
    problem(patch(client, f"/fee-standards/{standard.pk}", {"title": "x"}), 404)


def test_a_member_representative_of_no_member_sees_nothing(world, as_user):
    standard = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    client = as_user(world.member)
    problem(client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards"), 404)
    problem(client.get(f"{API}/fee-standards/{standard.pk}"), 404)


def test_officers_read_within_their_jurisdiction_only(world, as_user):
    draft = propose(world.org_a)
    jinan, qingdao = as_user(world.officer_jinan), as_user(world.officer_qingdao)
    assert jinan.get(f"{API}/fee-standards/{draft.pk}").json()["status"] == "draft"
    assert len(jinan.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards").json()["items"]) == 1
    problem(qingdao.get(f"{API}/fee-standards/{draft.pk}"), 404)
    problem(qingdao.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards"), 404)
    problem(create(jinan, world.org_a), 404)
    problem(jinan.delete(f"{API}/fee-standards/{draft.pk}"), 404)


def test_in_force_is_404_when_none(world, as_user):
    propose(world.org_a)
    problem(as_user(world.staff_a).get(f"{API}/organizations/{world.org_a.uscc}/fee-standard"), 404)


def test_staff_publish_the_resolution_to_members(world, as_user):
    standard = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 11, 1))
    client = as_user(world.staff_a)
    path = f"/fee-standards/{standard.pk}/resolution/publish"
    body = post(client, path, {"published_on": "2026-11-10"}).json()
    assert body["publication"] == {
        "deadline": "2026-12-01",
        "published_on": "2026-11-10",
        "state": "on_time",
        "label": "已按时向会员公布",
    }
    problem(post(client, path, {"published_on": "2026-11-11"}), 409)
    draft = propose(world.org_a)
    problem(post(client, f"/fee-standards/{draft.pk}/resolution/publish", {"published_on": "2026-11-10"}), 404)


def test_list_query_count_and_filters(world, as_user, django_assert_max_num_queries):
    for i in range(15):
        propose(world.org_a, title=f"草案{i}")
    adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(11):  # as many for 16 rows as for 1
        body = client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards", {"limit": 50}).json()
    assert body["meta"]["count"] == 16 and len(body["items"]) == 16
    adopted_only = client.get(f"{API}/organizations/{world.org_a.uscc}/fee-standards", {"status": "adopted"}).json()
    assert adopted_only["meta"]["count"] == 1


def test_list_follows_next_cursor_to_every_standard_once(world, as_user):
    for i in range(4):
        propose(world.org_a, title=f"草案{i}")
    adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    client, path = as_user(world.staff_a), f"{API}/organizations/{world.org_a.uscc}/fee-standards"
    whole = client.get(path, {"limit": 50}).json()
    assert whole["meta"]["count"] == 5 and whole["next_cursor"] is None
    assert follow_cursor(client, path, {"limit": 2}) == whole["items"]
