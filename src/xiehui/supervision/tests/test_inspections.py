"""Key inspection (SUP-2): cases opened by officers or the rule, interviews (约谈), orders, closing; web and API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import AuditEntry
from xiehui.core.services import api_token_create
from xiehui.core.testing import follow_cursor
from xiehui.supervision import selectors_complaints as selectors
from xiehui.supervision.models import Interview, KeyInspection, RectificationOrder
from xiehui.supervision.services import inspections as services

from .test_complaints_services import answered, at, file_complaint

pytestmark = pytest.mark.django_db
TODAY = clock.local_date(NOW)
API = "/api/v1"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def open_case(world, org=None, *, reason: str = "投诉集中反映强制收费", now=NOW) -> KeyInspection:  # type: ignore[no-untyped-def]
    return services.inspection_open(actor=world.officer_jinan, organization=org or world.org_a, reason=reason, now=now)


def rule_case(world) -> KeyInspection:  # type: ignore[no-untyped-def]
    """A case as the engine opens it (SUP-2); the engine itself is tested with the rules."""
    return KeyInspection.objects.create(
        organization=world.org_a,
        key="SUP-2:2026-03-01",
        rule_id="SUP-2",
        facts="2025-03-02 至 2026-03-01 属实投诉 3 件，达到 3 件",
        parameters={"threshold": 3, "window_months": 12},
        opened_on=dt.date(2026, 3, 1),
    )


def record(world, case, **overrides) -> Interview:  # type: ignore[no-untyped-def]
    data = dict(held_on=TODAY, attendees="秘书长 李某；监管科 王某", minutes="约谈指出强制收费问题，协会承诺整改。")
    data.update(overrides)
    return services.interview_record(actor=world.officer_jinan, inspection=case, now=NOW, **data)  # type: ignore[arg-type]


# -- services -----------------------------------------------------------------------------------------


def test_officer_opens_case_with_manual_key(world):
    case = open_case(world)
    assert case.key == f"manual:{TODAY:%Y-%m-%d}:1" and case.rule_id == "" and case.facts == "投诉集中反映强制收费"
    assert case.opened_by == world.officer_jinan and case.status == KeyInspection.Status.OPEN
    assert AuditEntry.objects.filter(action="supervision.inspection.opened", object_id=str(case.pk)).exists()


def test_second_case_waits_until_the_first_is_closed(world):
    first = open_case(world)
    with pytest.raises(ApplicationError) as exc:
        open_case(world)
    assert exc.value.code == "inspection_already_open"
    services.inspection_close(actor=world.officer_jinan, inspection=first, conclusion="已整改", now=NOW)
    assert open_case(world).key == f"manual:{TODAY:%Y-%m-%d}:2"


def test_opening_needs_a_reason(world):
    with pytest.raises(ApplicationError) as exc:
        open_case(world, reason="  ")
    assert exc.value.field == "reason" and not KeyInspection.objects.exists()


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "member"])
def test_only_the_authority_opens_cases(world, who):
    with pytest.raises(PermissionDenied):
        services.inspection_open(actor=getattr(world, who), organization=world.org_a, reason="x", now=NOW)


@pytest.mark.parametrize(
    ("held_on", "ok"),
    [(TODAY - dt.timedelta(days=1), False), (TODAY, True), (TODAY + dt.timedelta(days=1), False)],
    ids=["before-opening", "today", "tomorrow"],
)
def test_sup_2_interview_date_between_opening_and_today(world, held_on, ok):
    case = open_case(world)
    if ok:
        assert record(world, case, held_on=held_on).held_on == held_on
    else:
        with pytest.raises(ApplicationError) as exc:
            record(world, case, held_on=held_on)
        assert exc.value.field == "held_on" and not Interview.objects.exists()


@pytest.mark.parametrize("missing", ["attendees", "minutes"])
def test_interview_needs_attendees_and_minutes(world, missing):
    case = open_case(world)
    with pytest.raises(ApplicationError) as exc:
        record(world, case, **{missing: " "})
    assert exc.value.field == missing


def test_closed_case_takes_no_interview_order_or_second_close(world):
    case = open_case(world)
    services.inspection_close(actor=world.officer_jinan, inspection=case, conclusion="整改到位", now=NOW)
    case.refresh_from_db()
    assert case.status == KeyInspection.Status.CLOSED and case.closed_on == TODAY and case.conclusion == "整改到位"
    with pytest.raises(ApplicationError, match="已结案"):
        record(world, case)
    with pytest.raises(ApplicationError, match="已结案"):
        services.inspection_close(actor=world.officer_jinan, inspection=case, conclusion="x", now=NOW)
    with pytest.raises(ApplicationError, match="已结案"):
        issue(world, case)


def test_close_needs_conclusion(world):
    case = open_case(world)
    with pytest.raises(ApplicationError) as exc:
        services.inspection_close(actor=world.officer_jinan, inspection=case, conclusion="", now=NOW)
    assert exc.value.field == "conclusion"


def issue(world, case, actor=None, **overrides) -> RectificationOrder:  # type: ignore[no-untyped-def]
    data = dict(
        ground="强制会员参加收费培训",
        basis="004 第17条",
        facts="经约谈核实",
        requirements="退还培训费",
        deadline=TODAY + dt.timedelta(days=30),
    )
    data.update(overrides)
    return services.inspection_order_issue(actor=actor or world.officer_jinan, inspection=case, now=NOW, **data)  # type: ignore[arg-type]


def test_order_from_case_is_linked_to_it(world):
    case = open_case(world)
    order = issue(world, case)
    assert order.inspection == case and order.organization == world.org_a and "责改" in order.number


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a"])
def test_only_the_authority_interviews_orders_and_closes(world, who):
    case = open_case(world)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.interview_record(actor=actor, inspection=case, held_on=TODAY, attendees="a", minutes="b", now=NOW)
    with pytest.raises(PermissionDenied):
        issue(world, case, actor=actor)
    with pytest.raises(PermissionDenied):
        services.inspection_close(actor=actor, inspection=case, conclusion="x", now=NOW)


def test_rule_opened_case_explains_itself_with_parameters(world):
    why = selectors.inspection_why(rule_case(world))
    assert why["rule_id"] == "SUP-2" and why["parameters"] == {"threshold": 3, "window_months": 12}
    assert "属实投诉 3 件" in why["facts"] and why["basis"]


def test_manual_case_explains_itself_with_the_officers_reason(world):
    why = selectors.inspection_why(open_case(world))
    assert why["rule_id"] == "SUP-2" and "officer_jinan" in why["facts"] and "投诉集中反映强制收费" in why["facts"]


@pytest.mark.parametrize("who", ["officer_qingdao", "staff_a", "member"])
def test_case_is_not_found_outside_jurisdiction(world, who):
    case = open_case(world)
    with pytest.raises(NotFound):
        selectors.inspection_get(actor=getattr(world, who), pk=case.pk)
    assert selectors.inspection_get(actor=world.officer_province, pk=case.pk) == case


def test_association_sees_its_cases_and_interviews(world):
    record(world, open_case(world))
    [case] = selectors.inspections_of_organization(actor=world.staff_a, organization=world.org_a)
    assert [i.minutes for i in case.interviews.all()] == ["约谈指出强制收费问题，协会承诺整改。"]
    assert selectors.inspections_of_organization(actor=world.staff_b, organization=world.org_a) == []


# -- web ----------------------------------------------------------------------------------------------


LIST = reverse("supervision:console_inspections")
NEW = reverse("supervision:console_inspection_new")


def page_of(case: KeyInspection) -> str:
    return reverse("supervision:console_inspection", args=[case.pk])


def test_pages_require_login(world, client):
    case = open_case(world)
    for url in (LIST, NEW, page_of(case)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_pages_refuse_other_roles(world, as_user, who):
    case = open_case(world)
    client = as_user(getattr(world, who))
    for url in (LIST, NEW, page_of(case)):
        assert client.get(url).status_code == 403


def test_officer_of_other_region_cannot_reach_the_case(world, as_user):
    case = open_case(world)
    client = as_user(world.officer_qingdao)
    assert client.get(page_of(case)).status_code == 404
    assert client.post(page_of(case), {"action": "close", "conclusion": "x"}).status_code == 404
    assert world.org_a.name not in client.get(LIST).text
    response = client.post(NEW, {"uscc": world.org_a.uscc, "reason": "越权立案"})
    assert response.status_code == 200 and KeyInspection.objects.count() == 1


def test_province_officer_reads_but_does_not_act(world, as_user):
    case = open_case(world)
    client = as_user(world.officer_province)
    page = client.get(page_of(case))
    assert page.status_code == 200 and 'value="interview"' not in page.text
    client.post(page_of(case), {"action": "close", "conclusion": "越级结案"})
    case.refresh_from_db()
    assert case.status == KeyInspection.Status.OPEN


def test_officer_opens_interviews_orders_and_closes_through_the_pages(world, as_user):
    answered(world, file_complaint(world.org_a))
    client = as_user(world.officer_jinan)
    form = client.get(NEW, {"uscc": world.org_a.uscc})
    assert world.org_a.uscc in form.text
    response = client.post(NEW, {"uscc": world.org_a.uscc, "reason": "属实投诉较多"})
    case = KeyInspection.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(case)
    page = client.get(page_of(case))
    assert "属实投诉较多" in page.text and "属实或部分属实的投诉 1 件" in page.text
    today = clock.today().isoformat()
    client.post(
        page_of(case), {"action": "interview", "held_on": today, "attendees": "秘书长", "minutes": "约谈纪要正文"}
    )
    deadline = (clock.today() + dt.timedelta(days=60)).isoformat()
    order = {"action": "order", "ground": "强制收费", "basis": "004 第17条", "facts": "约谈核实", "deadline": deadline}
    client.post(page_of(case), order)
    client.post(page_of(case), {"action": "close", "conclusion": "已下达整改通知"})
    case.refresh_from_db()
    assert case.status == KeyInspection.Status.CLOSED and case.interviews.count() == 1 and case.orders.count() == 1
    page = client.get(page_of(case))
    assert "约谈纪要正文" in page.text and case.orders.get().number in page.text


def test_interview_form_shows_future_date_refusal(world, as_user):
    case = open_case(world)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = as_user(world.officer_jinan).post(
        page_of(case), {"action": "interview", "held_on": tomorrow, "attendees": "a", "minutes": "b"}
    )
    assert response.status_code == 200 and "不能晚于今天" in response.text and not Interview.objects.exists()


def test_list_filters_exports_and_counts_queries(world, as_user, django_assert_max_num_queries):
    rule = rule_case(world)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(7):
        page = client.get(LIST)
    assert world.org_a.name in page.text and "SUP-2" in page.text
    assert world.org_a.name not in client.get(LIST, {"origin": "manual"}).text
    body = b"".join(client.get(LIST, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "列入事由" in body and rule.facts in body


def test_detail_query_count(world, as_user, django_assert_max_num_queries):
    case = open_case(world)
    for _ in range(3):
        record(world, case)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        assert client.get(page_of(case)).status_code == 200


def test_workspace_shows_the_case_and_interviews(world, as_user):
    record(world, open_case(world))
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert "约谈指出强制收费问题" in page.text and "投诉集中反映强制收费" in page.text
    assert "约谈指出强制收费问题" not in as_user(world.staff_b).get(reverse("registry:workspace_home")).text


# -- API ----------------------------------------------------------------------------------------------


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_post(path: str, body: dict, **extra):  # type: ignore[no-untyped-def]
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", **extra)


def test_api_lifecycle(world):
    headers = bearer(world.officer_jinan)
    response = api_post("/inspections", {"uscc": world.org_a.uscc, "reason": "属实投诉较多"}, **headers)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["key"].startswith("manual:") and response.json()["why"]["rule_id"] == "SUP-2"
    response = api_post(
        f"/inspections/{case_id}/interviews",
        {"held_on": clock.today().isoformat(), "attendees": "秘书长", "minutes": "纪要"},
        **headers,
    )
    assert response.status_code == 201 and response.json()["recorded_by"] == "officer_jinan"
    deadline = (clock.today() + dt.timedelta(days=30)).isoformat()
    response = api_post(
        f"/inspections/{case_id}/orders", {"ground": "强制收费", "facts": "约谈核实", "deadline": deadline}, **headers
    )
    assert response.status_code == 201 and response.json()["basis"].startswith("000 三")
    response = api_post(f"/inspections/{case_id}/close", {"conclusion": "已整改"}, **headers)
    body = response.json()
    assert body["status"] == "closed" and len(body["interviews"]) == 1 and len(body["orders"]) == 1


def test_api_refusals(world):
    case = open_case(world)
    headers = bearer(world.officer_jinan)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = api_post(
        f"/inspections/{case.pk}/interviews", {"held_on": tomorrow, "attendees": "a", "minutes": "b"}, **headers
    )
    assert response.status_code == 400 and response.json()["code"] == "held_on_future"
    response = api_post("/inspections", {"uscc": world.org_a.uscc, "reason": "再开一件"}, **headers)
    assert response.status_code == 400 and response.json()["code"] == "inspection_already_open"


def test_api_access(world, django_assert_max_num_queries):
    case = open_case(world)
    assert Client().get(f"{API}/inspections").status_code == 401
    assert Client().get(f"{API}/inspections", **bearer(world.staff_a)).status_code == 403
    headers = bearer(world.officer_jinan)
    with django_assert_max_num_queries(5):
        body = Client().get(f"{API}/inspections", **headers).json()
    assert body["count"] == 1 and body["items"][0]["organization_uscc"] == world.org_a.uscc
    assert Client().get(f"{API}/inspections", **bearer(world.officer_qingdao)).json()["count"] == 0
    for who, status in (("officer_qingdao", 404), ("staff_a", 404), ("member", 404)):
        assert Client().get(f"{API}/inspections/{case.pk}", **bearer(getattr(world, who))).status_code == status
    assert Client().get(f"{API}/inspections/{case.pk}", **bearer(world.officer_province)).status_code == 200
    for who, status in (("officer_province", 403), ("officer_qingdao", 404), ("staff_a", 404)):
        response = api_post(f"/inspections/{case.pk}/close", {"conclusion": "x"}, **bearer(getattr(world, who)))
        assert response.status_code == status
    response = api_post("/inspections", {"uscc": world.org_a.uscc, "reason": "x"}, **bearer(world.officer_qingdao))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == KeyInspection.Status.OPEN


def test_sup_2_window_counts_for_display(world):
    answered(world, file_complaint(world.org_a, now=at(dt.date(2026, 1, 5))), now=at(dt.date(2026, 1, 5)))
    counts = selectors.substantiated_counts(organization_ids=[world.org_a.pk], as_of=dt.date(2027, 1, 5))
    assert counts == {}  # answered exactly 12 months before: outside the window
    counts = selectors.substantiated_counts(organization_ids=[world.org_a.pk], as_of=dt.date(2027, 1, 4))
    assert counts == {world.org_a.pk: 1}


def test_api_list_follows_next_cursor_to_every_case_once(world):
    open_case(world)
    services.inspection_open(actor=world.officer_qingdao, organization=world.org_b, reason="投诉较多", now=NOW)
    headers = bearer(world.officer_province)
    whole = Client().get(f"{API}/inspections", {"limit": 100}, **headers).json()
    assert whole["count"] == 2 and whole["next_cursor"] is None
    assert follow_cursor(Client(), f"{API}/inspections", {"limit": 1}, **headers) == whole["items"]
