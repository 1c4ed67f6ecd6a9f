"""Disclosure on the shared faces: the association's public page, the workspace home and the console's page of
an association, through real HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiehui.disclosure import services
from xiehui.disclosure.models import ChangeKind

from .test_views import FINANCIAL, INCOME, LEADERS, NOW, _today, publish, with_members  # noqa: F401

pytestmark = pytest.mark.django_db

SERVICES = {
    "fields": {"summary": "面向会员和行业企业提供服务"},
    "rows": [
        {
            "service": "行业培训",
            "content": "建造师继续教育",
            "method": "线下授课",
            "recipients": "会员企业",
            "fee": "免费",
        },
        {
            "service": "标准宣贯",
            "content": "团体标准解读",
            "method": "线上",
            "recipients": "行业企业",
            "fee": "200元/人",
        },
    ],
}
CHARTER = {
    "fields": {"adopted_on": "2024-03-01", "adopted_by": "第三届会员代表大会第一次会议", "text": "第一条 本会名称……"}
}
ORGANS = {
    "fields": {"structure": "会员代表大会、理事会、监事会、秘书处"},
    "rows": [{"name": "秘书处", "duties": "日常工作", "head": "李秀英"}],
}
DONATIONS = {"fields": {"total": "80000"}, "rows": [{"donor": "济南一建集团", "amount": "80000", "purpose": "培训"}]}


def portal(c, org):  # type: ignore[no-untyped-def]
    return c.get(reverse("registry:portal_detail", args=[org.uscc]))


def section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    return body[start : body.index("</section>", start)]


def full_site(world) -> None:  # type: ignore[no-untyped-def]
    publish(world, "charter", CHARTER)
    publish(world, "organs", ORGANS)
    publish(world, "leaders", LEADERS)
    publish(world, "service_commitments", SERVICES)
    publish(world, "financial_report", FINANCIAL, period="2025")
    publish(world, "donations", DONATIONS, period="2025")
    publish(world, "income_expenditure", INCOME, period="2026H1")


def test_the_public_page_reads_like_the_associations_website(world, as_user):
    full_site(world)
    body = portal(as_user(None), world.org_a).content.decode()
    assert body.index('id="charter"') < body.index('id="leaders"') < body.index('id="services"')
    assert body.index('id="services"') < body.index('id="disclosures"') < body.index('id="finances"')
    assert "第三届会员代表大会第一次会议" in section(body, "charter") and "秘书处" in section(body, "charter")
    leaders = section(body, "leaders")
    assert "王建国" in leaders and "会长" in leaders and "第三届（2024—2029）" in leaders
    services_html = section(body, "services")
    for header in ("服务项目", "服务内容", "服务方式", "服务对象", "收费标准"):
        assert header in services_html
    assert "200元/人" in services_html
    finances = section(body, "finances")
    assert "1,200,000.00" in finances and "560,000.00" in finances and "80,000.00" in finances


def test_sections_say_not_yet_published_when_nothing_is(world, as_user):
    body = portal(as_user(None), world.org_b).content.decode()
    for anchor in ("charter", "leaders", "services", "finances"):
        assert "尚未公开" in section(body, anchor), anchor


def test_the_disclosure_list_shows_the_dis_3_badge_and_hides_members_only_items_from_the_public(world, as_user):
    full_site(world)
    body = section(portal(as_user(None), world.org_a).content.decode(), "disclosures")
    assert 'data-testid="disclosure-badge"' in body and "公开完整率" in body and "按时公开率" in body
    assert "2025年度财务报告" in body and "负责人及理事会成员" in body
    assert "收支情况" not in body and "年度工作报告" not in body
    assert 'data-testid="members-note"' in body and "部分信息仅向会员公开" in body
    assert f"{reverse('registry:portal_detail', args=[world.org_a.uscc])}#items" in body  # registration, shown there
    assert "#pledges" in body  # credit commitments, shown in the pledges section


@pytest.mark.parametrize("who", ["member", "staff_a", "officer_jinan"])
def test_member_readers_see_the_members_only_items_listed(world, as_user, who):
    with_members(world)
    full_site(world)
    body = section(portal(as_user(getattr(world, who)), world.org_a).content.decode(), "disclosures")
    assert 'data-testid="disclosure-group-members"' in body and "2026年上半年收支情况" in body
    assert reverse("disclosure:annual_reports", args=[world.org_a.uscc]) in body
    assert "部分信息仅向会员公开" not in body


@pytest.mark.parametrize("who", ["member_b", "staff_b", "officer_qingdao"])
def test_readers_of_another_association_do_not_see_its_members_only_items(world, as_user, who):
    with_members(world)
    full_site(world)
    body = section(portal(as_user(getattr(world, who)), world.org_a).content.decode(), "disclosures")
    assert "收支情况" not in body and "部分信息仅向会员公开" in body


def test_the_list_shows_the_latest_version_number(world, as_user):
    d = publish(world, "financial_report", FINANCIAL, period="2025")
    services.version_new(
        actor=world.staff_a, disclosure=d, change_kind=ChangeKind.CORRECTION, reason="更正收入", data=FINANCIAL, now=NOW
    )
    services.version_publish(actor=world.staff_a, version=d.versions.get(number=2), now=NOW)
    body = section(portal(as_user(None), world.org_a).content.decode(), "disclosures")
    assert "第 2 版" in body


def test_the_public_page_reads_in_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with_members(world)
    full_site(world)
    c = as_user(world.member)
    with CaptureQueriesContext(connection) as few:
        portal(c, world.org_a)
    for year in range(2019, 2025):  # many more items must not cost more queries
        publish(world, "financial_report", FINANCIAL, period=str(year))
        publish(world, "trips_abroad", TRIP, title=f"{year}年赴德国考察", effective_on=dt.date(2026, 1, 2))
    with CaptureQueriesContext(connection) as many:
        portal(c, world.org_a)
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        response = portal(c, world.org_a)
    page = response.content.decode()
    # the page shows the latest of each type; the list page holds them all
    assert page.count("年赴德国考察") == 3
    assert f'href="/organizations/{world.org_a.uscc}/disclosures/"' in page


TRIP = {
    "fields": {
        "destination": "德国",
        "departed_on": "2025-03-10",
        "returned_on": "2025-03-18",
        "purpose": "考察",
        "cost": "86000",
        "funded_by": "自有资金",
    },
}


def test_the_workspace_home_shows_dis_3_and_links_to_the_overview(world, as_user):
    publish(world, "leaders", LEADERS)
    body = as_user(world.staff_a).get(reverse("registry:workspace_home")).content.decode()
    panel = body[body.index('data-testid="disclosure-workspace-panel"') :]
    assert "公开完整率" in panel and "逾期未公开" in panel
    assert reverse("disclosure:workspace_overview") in panel
    assert ">信息公开</a>" in body  # the workspace navigation link


def test_the_console_page_of_an_association_shows_its_dis_3_and_members_only_items(world, as_user):
    d = publish(world, "income_expenditure", INCOME, period="2026H1")
    c = as_user(world.officer_jinan)
    body = c.get(reverse("registry:console_organization", args=[world.org_a.uscc])).content.decode()
    panel = body[body.index('data-testid="disclosure-console-org-panel"') :]
    assert "公开完整率" in panel and reverse("disclosure:item", args=[world.org_a.uscc, d.pk]) in panel
    assert c.get(reverse("disclosure:item", args=[world.org_a.uscc, d.pk])).status_code == 200
    assert "信息公开监测" in c.get(reverse("registry:console_home")).content.decode()


def test_the_console_page_of_an_association_out_of_jurisdiction_is_not_found(world, as_user):
    c = as_user(world.officer_qingdao)
    assert c.get(reverse("registry:console_organization", args=[world.org_a.uscc])).status_code == 404
