"""Pages for orders, penalties, letters and court entries, through real HTTP, for every actor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from xiehui.core import clock
from xiehui.supervision.models import (
    AddressLetter,
    CourtListEntry,
    OrderResponse,
    OrderStatus,
    Penalty,
    PenaltyKind,
    RectificationOrder,
)
from xiehui.supervision.services import facts, orders, penalties

from .test_orders_services import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def today() -> dt.date:
    return clock.today()


def issue(world, org=None, actor=None, days: int = 30, ground: str = "未配备专职工作人员") -> RectificationOrder:  # type: ignore[no-untyped-def]
    return orders.order_issue(
        actor=actor or world.officer_jinan,
        organization=org or world.org_a,
        ground=ground,
        basis="004 第6条",
        facts="年度工作报告显示专职工作人员 0 人",
        requirements="配备专职工作人员",
        deadline=today() + dt.timedelta(days=days),
        now=clock.now(),
    )


def answered(world) -> RectificationOrder:  # type: ignore[no-untyped-def]
    order = issue(world)
    orders.order_respond(
        actor=world.staff_a, order=order, statement="已聘用专职人员", evidence=[pdf()], now=clock.now()
    )
    order.refresh_from_db()
    return order


def penalty(world, number: str = "济民罚字〔2026〕第1号", org=None, actor=None) -> Penalty:  # type: ignore[no-untyped-def]
    return penalties.penalty_record(
        actor=actor or world.officer_jinan,
        organization=org or world.org_a,
        kind=PenaltyKind.FINE,
        decision_number=number,
        decided_on=today(),
        amount=Decimal("20000"),
        legal_basis="《社会团体登记管理条例》第三十条",
        facts="违规收费",
        now=clock.now(),
    )


def court(world, org=None, actor=None, case: str = "（2026）鲁0102执1号") -> CourtListEntry:  # type: ignore[no-untyped-def]
    return facts.court_entry_record(
        actor=actor or world.officer_jinan,
        organization=org or world.org_a,
        case_number=case,
        court="济南市历下区人民法院",
        listed_on=today(),
        now=clock.now(),
    )


# -- access matrix ------------------------------------------------------------------------------------------


CONSOLE_PAGES = [
    ("supervision:console_orders", ()),
    ("supervision:console_order_new", ()),
    ("supervision:console_penalties", ()),
    ("supervision:console_penalty_new", ()),
]


@pytest.mark.parametrize(("name", "args"), CONSOLE_PAGES)
def test_console_pages_send_anonymous_to_login(world, client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("name", "args"), CONSOLE_PAGES)
@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_pages_refuse_other_roles(world, as_user, name, args, who):
    assert as_user(getattr(world, who)).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "member", "department"])
def test_order_detail_and_facts_pages_refuse_other_roles(world, as_user, who):
    order = issue(world)
    c = as_user(getattr(world, who))
    assert c.get(reverse("supervision:console_order", args=[order.pk])).status_code == 403
    assert c.get(reverse("supervision:console_facts", args=[world.org_a.uscc])).status_code == 403


def test_officer_of_other_region_gets_404_for_order_and_facts(world, as_user):
    order = issue(world)
    c = as_user(world.officer_qingdao)
    assert c.get(reverse("supervision:console_order", args=[order.pk])).status_code == 404
    assert c.get(reverse("supervision:console_facts", args=[world.org_a.uscc])).status_code == 404
    listing = c.get(reverse("supervision:console_orders"))
    assert listing.status_code == 200 and order.number not in listing.text
    assert (
        c.post(reverse("supervision:console_order", args=[order.pk]), {"action": "withdraw", "reason": "x"}).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


@pytest.mark.parametrize("who", ["officer_jinan", "member", "department"])
def test_workspace_pages_refuse_non_staff(world, as_user, who):
    order = issue(world)
    c = as_user(getattr(world, who))
    assert c.get(reverse("supervision:workspace_orders")).status_code == 403
    assert c.get(reverse("supervision:workspace_order", args=[order.pk])).status_code == 403


def test_workspace_pages_send_anonymous_to_login(world, client):
    order = issue(world)
    for url in (reverse("supervision:workspace_orders"), reverse("supervision:workspace_order", args=[order.pk])):
        assert client.get(url).status_code == 302


def test_staff_of_other_association_sees_nothing_of_the_order(world, as_user):
    order = answered(world)
    c = as_user(world.staff_b)
    assert order.number not in c.get(reverse("supervision:workspace_orders")).text
    assert c.get(reverse("supervision:workspace_order", args=[order.pk])).status_code == 404
    response = c.post(reverse("supervision:workspace_order", args=[order.pk]), {"statement": "冒充"})
    assert response.status_code == 404
    assert order.responses.count() == 1


def test_evidence_download_is_limited_to_the_orders_parties(world, as_user, client):
    order = answered(world)
    attachment_id = orders.pending_response(order).pk  # type: ignore[union-attr]
    from xiehui.core.files import attachments_of

    [attachment] = attachments_of(OrderResponse.objects.get(pk=attachment_id))
    url = reverse("supervision:order_attachment", args=[order.pk, attachment.pk])
    assert as_user(world.staff_a).get(url).status_code == 200
    assert as_user(world.officer_jinan).get(url).status_code == 200
    assert as_user(world.staff_b).get(url).status_code == 404
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.member).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_court_list_page_is_for_officers_and_departments_only(world, as_user, client):
    url = reverse("supervision:court_entries")
    assert client.get(url).status_code == 302
    for who in ("staff_a", "member"):
        assert as_user(getattr(world, who)).get(url).status_code == 403
    assert as_user(world.department).get(url).status_code == 200
    assert as_user(world.officer_jinan).get(url).status_code == 200


# -- console: orders ----------------------------------------------------------------------------------------


def test_console_orders_lists_jurisdiction_with_overdue_filter(world, as_user, django_assert_max_num_queries):
    soon = issue(world, days=3, ground="未按期换届")
    later = issue(world, days=60, ground="信息公开不及时")
    overdue = RectificationOrder.objects.create(
        organization=world.org_a,
        number="测试责改字〔2026〕第99号",
        source="officer",
        ground="超范围活动",
        basis="条例",
        facts="事实",
        issued_on=today() - dt.timedelta(days=40),
        deadline=today() - dt.timedelta(days=1),
    )
    for i in range(5):
        issue(world, org=world.org_b, actor=world.officer_qingdao, ground=f"青岛{i}")
    c = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("supervision:console_orders"))
    assert response.status_code == 200
    assert all(o.number in response.text for o in (soon, later, overdue))
    assert "青岛0" not in response.text
    assert "已逾期" in response.text and "7 日内到期" in response.text
    filtered = c.get(reverse("supervision:console_orders"), {"overdue": "on"})
    assert overdue.number in filtered.text and soon.number not in filtered.text
    searched = c.get(reverse("supervision:console_orders"), {"q": "换届"})
    assert soon.number in searched.text and later.number not in searched.text


def test_console_orders_exports_csv(world, as_user):
    order = issue(world)
    response = as_user(world.officer_jinan).get(reverse("supervision:console_orders"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff文号") and order.number in body and world.org_a.uscc in body


def test_provincial_officer_sees_city_orders_but_cannot_decide(world, as_user):
    order = answered(world)
    c = as_user(world.officer_province)
    assert order.number in c.get(reverse("supervision:console_orders")).text
    page = c.get(reverse("supervision:console_order", args=[order.pk]))
    assert page.status_code == 200 and "确认整改完成" not in page.text
    c.post(reverse("supervision:console_order", args=[order.pk]), {"action": "accept"})
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED


def test_officer_issues_an_order_from_the_form(world, as_user):
    c = as_user(world.officer_jinan)
    form = c.get(reverse("supervision:console_order_new"), {"uscc": world.org_a.uscc})
    assert form.status_code == 200 and world.org_a.name in form.text
    response = c.post(
        reverse("supervision:console_order_new") + f"?uscc={world.org_a.uscc}",
        {
            "uscc": world.org_a.uscc,
            "ground": "未按期换届",
            "basis": "章程第二十条",
            "facts": "理事会任期已满 6 个月未换届",
            "requirements": "3 个月内完成换届",
            "deadline": (today() + dt.timedelta(days=90)).isoformat(),
        },
    )
    order = RectificationOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:console_order", args=[order.pk])
    assert order.source == "officer" and order.issued_by == world.officer_jinan


def test_order_form_shows_errors_on_the_fields(world, as_user):
    c = as_user(world.officer_jinan)
    data = {
        "uscc": world.org_a.uscc,
        "ground": "事由",
        "basis": "依据",
        "facts": "事实",
        "deadline": today().isoformat(),
    }
    response = c.post(reverse("supervision:console_order_new"), data)
    assert response.status_code == 200 and "应晚于下达日期" in response.text
    response = c.post(reverse("supervision:console_order_new"), {**data, "uscc": world.org_b.uscc})
    assert "未找到" in response.text
    assert not RectificationOrder.objects.exists()


def test_order_detail_explains_why_with_cr_a3(world, as_user):
    order = issue(world)
    page = as_user(world.officer_jinan).get(reverse("supervision:console_order", args=[order.pk]))
    assert "CR-A3" in page.text and "未按登记管理机关整改要求完成整改" in page.text and order.ground in page.text


def test_rule_order_detail_explains_sup_4(world, as_user):
    order = RectificationOrder.objects.create(
        organization=world.org_a,
        number="测试责改字〔2026〕第98号",
        source="rule",
        key="SUP-4:2025",
        rule_id="SUP-4",
        ground="未配备专职工作人员",
        basis="004 第6条",
        facts="2025 年度工作报告：专职工作人员 0 人",
        parameters={"rectify_days": 90},
        issued_on=today(),
        deadline=today() + dt.timedelta(days=90),
    )
    page = as_user(world.officer_jinan).get(reverse("supervision:console_order", args=[order.pk]))
    assert "SUP-4" in page.text and "无专职工作人员责令整改" in page.text and "rectify_days=90" in page.text


def test_officer_rejects_then_accepts_through_the_page(world, as_user):
    order = answered(world)
    c = as_user(world.officer_jinan)
    url = reverse("supervision:console_order", args=[order.pk])
    page = c.get(url)
    assert "整改报告.pdf" in page.text and "确认整改完成" in page.text
    refused = c.post(url, {"action": "reject", "reason": ""}, follow=True)
    assert "请填写不通过的理由" in refused.text
    c.post(url, {"action": "reject", "reason": "材料不全"})
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN
    orders.order_respond(actor=world.staff_a, order=order, statement="补充材料", now=clock.now())
    c.post(url, {"action": "accept", "reason": "同意"})
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.completed_on == today()
    page = c.get(url)
    assert "材料不全" in page.text and "supervision.order.accepted" in page.text


def test_officer_withdraws_an_order(world, as_user):
    order = issue(world)
    url = reverse("supervision:console_order", args=[order.pk])
    as_user(world.officer_jinan).post(url, {"action": "withdraw", "reason": "事实认定有误"})
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN
    assert "事实认定有误" in as_user(world.officer_jinan).get(url).text


# -- workspace ------------------------------------------------------------------------------------------------


def test_workspace_lists_own_orders_with_deadline_badges(world, as_user, django_assert_max_num_queries):
    soon = issue(world, days=7)
    later = issue(world, days=8)
    issue(world, org=world.org_b, actor=world.officer_qingdao, ground="青岛的事由")
    c = as_user(world.staff_a)
    with django_assert_max_num_queries(10):
        response = c.get(reverse("supervision:workspace_orders"))
    assert soon.number in response.text and later.number in response.text and "青岛的事由" not in response.text
    assert response.text.count('data-testid="due-soon"') == 1


def test_staff_responds_with_evidence(world, as_user):
    order = issue(world)
    c = as_user(world.staff_a)
    url = reverse("supervision:workspace_order", args=[order.pk])
    assert "提交整改情况" in c.get(url).text
    response = c.post(url, {"statement": "已聘用 2 名专职工作人员", "evidence": [pdf(), pdf("劳动合同.pdf")]})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED
    page = c.get(url)
    assert "劳动合同.pdf" in page.text and "待审核" in page.text and "提交整改情况</h2>" not in page.text


def test_staff_response_needs_a_statement(world, as_user):
    order = issue(world)
    response = as_user(world.staff_a).post(reverse("supervision:workspace_order", args=[order.pk]), {"statement": ""})
    assert response.status_code == 200 and "errorlist" in response.text
    assert not order.responses.exists()


def test_workspace_home_panel_shows_active_orders(world, as_user):
    order = issue(world, days=2)
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert order.number in page.text and "7 日内到期" in page.text
    assert reverse("supervision:workspace_orders") in page.text


def test_workspace_home_has_no_order_panel_without_orders(world, as_user):
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert 'id="orders"' not in page.text


# -- penalties ------------------------------------------------------------------------------------------------


def test_console_penalties_list_with_filters_and_csv(world, as_user, django_assert_max_num_queries):
    fine = penalty(world)
    for i in range(3):
        penalty(world, number=f"青民罚字〔2026〕第{i}号", org=world.org_b, actor=world.officer_qingdao)
    c = as_user(world.officer_jinan)
    with django_assert_max_num_queries(10):
        response = c.get(reverse("supervision:console_penalties"))
    assert fine.decision_number in response.text and "青民罚字" not in response.text
    assert fine.decision_number not in c.get(reverse("supervision:console_penalties"), {"kind": "warning"}).text
    csv = c.get(reverse("supervision:console_penalties"), {"export": "csv"})
    assert fine.decision_number in b"".join(csv.streaming_content).decode()


def test_officer_records_a_penalty_from_the_form(world, as_user):
    c = as_user(world.officer_jinan)
    page = c.get(reverse("supervision:console_penalty_new"), {"uscc": world.org_a.uscc})
    assert "撤销登记由登记程序办理" in page.text
    data = {
        "uscc": world.org_a.uscc,
        "kind": "suspension",
        "decision_number": "济民罚字〔2026〕第7号",
        "decided_on": today().isoformat(),
        "suspension_from": today().isoformat(),
        "suspension_until": (today() - dt.timedelta(days=1)).isoformat(),
        "legal_basis": "条例第三十条",
        "facts": "违规评比表彰",
    }
    refused = c.post(reverse("supervision:console_penalty_new"), data)
    assert refused.status_code == 200 and "晚于截止日期" in refused.text
    data["suspension_until"] = (today() + dt.timedelta(days=90)).isoformat()
    response = c.post(reverse("supervision:console_penalty_new"), data)
    assert response.status_code == 302
    assert Penalty.objects.get().kind == PenaltyKind.SUSPENSION


def test_portal_shows_penalties_to_anyone(world, client):
    fine = penalty(world)
    page = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "行政处罚信息" in page.text and fine.decision_number in page.text and "20000.00" in page.text
    assert "违规收费" not in page.text  # the facts stay in the console


# -- console_org panel and facts page ------------------------------------------------------------------------


def test_console_org_panel_lists_orders_penalties_letters_and_court_entries(world, as_user):
    order = issue(world)
    fine = penalty(world)
    facts.letter_record(actor=world.officer_jinan, organization=world.org_a, sent_on=today(), now=clock.now())
    entry = court(world)
    page = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    assert all(text in page.text for text in (order.number, fine.decision_number, entry.case_number, "待回执"))
    assert reverse("supervision:console_facts", args=[world.org_a.uscc]) in page.text
    assert f"{reverse('supervision:console_order_new')}?uscc={world.org_a.uscc}" in page.text


def test_console_nav_has_order_and_penalty_links(world, as_user):
    page = as_user(world.officer_jinan).get(reverse("registry:console_register"))
    assert reverse("supervision:console_orders") in page.text and reverse("supervision:console_penalties") in page.text


def test_facts_page_records_letters_returns_and_court_entries(world, as_user, django_assert_max_num_queries):
    c = as_user(world.officer_jinan)
    url = reverse("supervision:console_facts", args=[world.org_a.uscc])
    first = today() - dt.timedelta(days=50)
    assert c.post(url, {"action": "letter", "sent_on": first.isoformat(), "tracking_number": "EMS1"}).status_code == 302
    second = first + dt.timedelta(days=25)
    c.post(url, {"action": "letter", "sent_on": second.isoformat()})
    for item in AddressLetter.objects.all():
        c.post(url, {"action": "letter_return", "letter": item.pk, "returned_on": today().isoformat()})
    assert not AddressLetter.objects.filter(returned_on__isnull=True).exists()
    court_data = {
        "action": "court",
        "uscc": world.org_a.uscc,
        "case_number": "（2026）鲁0102执9号",
        "court": "历下法院",
    }
    c.post(url, {**court_data, "listed_on": today().isoformat()})
    assert CourtListEntry.objects.get().case_number == "（2026）鲁0102执9号"
    with django_assert_max_num_queries(12):
        page = c.get(url)
    assert "已符合 CR-A5" in page.text and "间隔 25 天" in page.text


def test_facts_page_shows_errors(world, as_user):
    c = as_user(world.officer_jinan)
    url = reverse("supervision:console_facts", args=[world.org_a.uscc])
    response = c.post(url, {"action": "letter", "sent_on": (today() + dt.timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and "不能晚于今天" in response.text
    assert not AddressLetter.objects.exists()


def test_department_records_and_removes_a_court_entry_on_its_page(world, as_user, django_assert_max_num_queries):
    c = as_user(world.department)
    url = reverse("supervision:court_entries")
    data = {"action": "court", "uscc": world.org_a.uscc, "case_number": "（2026）鲁0102执5号", "court": "历下法院"}
    assert c.post(url, {**data, "listed_on": today().isoformat()}).status_code == 302
    entry = CourtListEntry.objects.get()
    assert entry.recorded_by == world.department
    refused = c.post(url, {**data, "uscc": world.org_b.uscc, "listed_on": today().isoformat()})
    assert refused.status_code == 200 and CourtListEntry.objects.count() == 1
    with django_assert_max_num_queries(10):
        page = c.get(url)
    assert entry.case_number in page.text
    c.post(url, {"action": "court_remove", "entry": entry.pk, "removed_on": today().isoformat()})
    entry.refresh_from_db()
    assert entry.removed_on == today()


def test_site_nav_shows_court_link_to_departments_only(world, as_user):
    url = reverse("supervision:court_entries")
    assert url in as_user(world.department).get(reverse("registry:portal_search")).text
    assert url not in as_user(world.staff_a).get(reverse("registry:portal_search")).text


def test_console_home_panel_counts_pending_reviews(world, rf):
    from django.template.loader import render_to_string

    from xiehui.supervision import faces_orders

    answered(world)
    issue(world, org=world.org_b, actor=world.officer_qingdao)
    request = rf.get("/console/")
    request.user = world.officer_jinan
    panel = faces_orders.console_home_panel(request, None)
    assert panel == {"answered": 1, "overdue": 0}
    html = render_to_string("supervision/_order_panel_home.html", {"panel": panel})
    assert "<strong>1</strong><span>待审核整改情况" in html and "?overdue=on" in html
