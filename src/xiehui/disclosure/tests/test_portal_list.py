"""The public list of an association's disclosed items: filters, pagination, members-only rule, query count."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.disclosure import services
from xiehui.membership import services as membership


def publish(world, item_type: str, period: str, data: dict, at: dt.datetime = NOW) -> None:  # type: ignore[no-untyped-def]
    version = services.disclosure_draft(
        actor=world.staff_a, organization=world.org_a, item_type=item_type, period=period, data=data, now=at
    )
    services.version_publish(actor=world.staff_a, version=version, now=at)


@pytest.fixture
def items(world):  # type: ignore[no-untyped-def]
    report = {"fields": {"income": "1", "expense": "1", "net_assets": "1"}}
    publish(world, "financial_report", "2025", report)
    publish(world, "financial_report", "2024", report, at=dt.datetime(2025, 5, 1, 10, tzinfo=clock.SHANGHAI))
    publish(world, "fee_income", "2025", {"fields": {"income": "1", "spent": "1"}})
    return world


def url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/organizations/{world.org_a.uscc}/disclosures/"


def test_it_lists_public_items_and_hides_members_only_from_visitors(items, as_user):
    page = as_user(None).get(url(items)).content.decode()
    assert "2025年度财务报告" in page and "2024年度财务报告" in page
    assert "会费收支" not in page and "部分信息仅向会员公开" in page


def test_members_and_staff_see_members_only_items(items, as_user):
    member = membership.member_record(
        actor=None,
        organization=items.org_a,
        kind="enterprise",
        name="示例企业",
        uscc=make_uscc(region_code="370100", body="MA000001", category="91"),
        joined_on=dt.date(2024, 1, 1),
        now=NOW,
    )
    membership.representative_add(actor=None, member=member, user=items.member, since=dt.date(2024, 1, 1), now=NOW)
    for user in (items.member, items.staff_a, items.officer_jinan):
        assert "2025年度会费收支情况" in as_user(user).get(url(items)).content.decode()
    for user in (items.staff_b, items.officer_qingdao):
        assert "会费收支" not in as_user(user).get(url(items)).content.decode()


def test_it_filters_by_year_of_publication_type_and_title(items, as_user):
    client = as_user(None)
    by_year = client.get(url(items), {"year": "2025"}).content.decode()
    assert "2024年度财务报告" in by_year and "2025年度财务报告" not in by_year
    by_title = client.get(url(items), {"q": "2024"}).content.decode()
    assert "2024年度财务报告" in by_title and "2025年度财务报告" not in by_title
    by_type = client.get(url(items), {"item_type": "charter"}).content.decode()
    assert "没有符合条件的公开事项" in by_type


def test_a_bad_year_is_shown_on_the_field_and_lists_everything(items, as_user):
    page = as_user(None).get(url(items), {"year": "１９"}).content.decode()
    assert "2025年度财务报告" in page and 'class="errorlist"' in page


def test_the_list_is_a_fixed_number_of_queries(items, as_user, django_assert_max_num_queries):
    client = as_user(None)
    with django_assert_max_num_queries(8):
        assert client.get(url(items)).status_code == 200


def test_an_unknown_association_is_404(world, as_user):
    assert as_user(None).get("/organizations/51370100MJ0000099X/disclosures/").status_code == 404
