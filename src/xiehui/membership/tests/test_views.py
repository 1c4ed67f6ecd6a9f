"""The members directory of the workspace over HTTP: list, search, filter, CSV, record, representatives."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.membership import services
from xiehui.membership.models import Member, Representative

pytestmark = pytest.mark.django_db

LIST = reverse("membership:workspace_members")
NEW = reverse("membership:workspace_member_new")


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def uscc(n: int) -> str:
    return make_uscc(region_code="370100", body=f"MA{n:06d}", category="91")


def record(org, name: str, n: int, *, kind: str = "enterprise", left: bool = False) -> Member:  # type: ignore[no-untyped-def]
    member = services.member_record(
        actor=None,
        organization=org,
        kind=kind,
        name=name,
        uscc=uscc(n) if kind == "enterprise" else "",
        joined_on=dt.date(2020, 1, 1),
        now=NOW,
    )
    if left:  # issue 5 adds exits; until then the test sets the day directly
        Member.objects.filter(pk=member.pk).update(left_on=dt.date(2025, 1, 1))
    return member


def test_workspace_nav_links_to_the_directory(world, as_user):
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert f'href="{LIST}"' in page.text and "会员名录" in page.text


def test_it_lists_current_members_of_own_association_only(world, as_user):
    record(world.org_a, "济南甲建筑公司", 1)
    record(world.org_a, "已退会公司", 2, left=True)
    record(world.org_b, "青岛软件公司", 3)
    page = as_user(world.staff_a).get(LIST)
    assert page.status_code == 200 and "济南甲建筑公司" in page.text
    assert "已退会公司" not in page.text and "青岛软件公司" not in page.text


def test_search_and_kind_filter(world, as_user):
    record(world.org_a, "济南甲建筑公司", 1)
    record(world.org_a, "乙设计院", 2)
    record(world.org_a, "张工程师", 3, kind="individual")
    client = as_user(world.staff_a)
    assert "乙设计院" in client.get(LIST, {"q": "设计"}).text and "济南甲" not in client.get(LIST, {"q": "设计"}).text
    assert "济南甲建筑公司" in client.get(LIST, {"q": uscc(1)}).text
    individuals = client.get(LIST, {"kind": "individual"}).text
    assert "张工程师" in individuals and "乙设计院" not in individuals
    fragment = client.get(LIST, {"q": "设计"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text and "乙设计院" in fragment.text


def test_list_paginates_with_bounded_queries(world, as_user, django_assert_max_num_queries):
    for n in range(25):
        record(world.org_a, f"会员公司{n:02d}", n + 1)
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(10):
        page = client.get(LIST)
    assert len(re.findall(r'href="/workspace/members/\d+/"', page.text)) == 20 and "page=2" in page.text


def test_csv_export(world, as_user):
    member = record(world.org_a, "=济南甲建筑公司", 1)
    services.representative_add(actor=None, member=member, user=world.member, since=dt.date(2020, 1, 1), now=NOW)
    response = as_user(world.staff_a).get(LIST, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv") and "会员名称" in body
    assert "'=济南甲建筑公司" in body and uscc(1) in body and "member" in body


def test_it_records_a_member(world, as_user):
    data = {"kind": "enterprise", "name": "新会员公司", "uscc": uscc(7), "joined_on": "2026-11-01"}
    response = as_user(world.staff_a).post(NEW, data)
    member = Member.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "membership:workspace_member", args=[member.pk]
    )
    assert member.organization == world.org_a and member.uscc == uscc(7)


def test_recording_shows_the_services_refusal(world, as_user):
    client = as_user(world.staff_a)
    bad = client.post(NEW, {"kind": "enterprise", "name": "坏代码公司", "uscc": "123", "joined_on": "2026-11-01"})
    assert bad.status_code == 200 and "统一社会信用代码应为 18 位" in bad.text
    future = client.post(NEW, {"kind": "individual", "name": "张三", "joined_on": "2026-11-24"})
    assert "入会日期不能晚于今天" in future.text and not Member.objects.exists()


def test_it_adds_a_representative_by_username(world, as_user):
    member = record(world.org_a, "济南甲建筑公司", 1)
    url = reverse("membership:workspace_member", args=[member.pk])
    client = as_user(world.staff_a)
    assert client.post(url, {"user": "member", "since": "2026-01-01"}).status_code == 302
    assert Representative.objects.get().user == world.member
    assert "member" in client.get(url).text
    # an unknown username and an account of another role read the same: existence is not revealed
    unknown = client.post(url, {"user": "nobody", "since": "2026-01-01"})
    assert "未找到该用户名的“会员企业代表”账户" in unknown.text
    wrong_role = client.post(url, {"user": "staff_b", "since": "2026-01-01"})
    assert "未找到该用户名的“会员企业代表”账户" in wrong_role.text
    assert Representative.objects.count() == 1


def test_access_only_own_staff(world, as_user, client):
    member = record(world.org_a, "济南甲建筑公司", 1)
    detail = reverse("membership:workspace_member", args=[member.pk])
    for url in (LIST, NEW, detail):
        assert "/accounts/login/" in client.get(url)["Location"]
        for user in (world.member, world.officer_jinan, world.department):
            assert as_user(user).get(url).status_code == 403
    # staff of another association: their own (empty) directory, and 404 for a member of org_a
    assert "济南甲建筑公司" not in as_user(world.staff_b).get(LIST).text
    assert as_user(world.staff_b).get(detail).status_code == 404
    assert as_user(world.staff_b).post(detail, {"user": "member", "since": "2026-01-01"}).status_code == 404
    assert not Representative.objects.exists()
