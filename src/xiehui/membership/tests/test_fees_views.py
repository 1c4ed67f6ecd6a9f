"""Fee standard pages: the workspace list, drafting with tier rows, the detail; the member's panel;
every role against pages it must not reach (404, never 403, for rows out of reach)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from xiehui.membership.models import FeeStandard
from xiehui.web import panels

from .test_fees_builders import adopted, define_classes, member_of, propose

pytestmark = pytest.mark.django_db

LIST = reverse("membership:fee_workspace_list")
NEW = reverse("membership:fee_workspace_new")


def detail(s: FeeStandard) -> str:
    return reverse("membership:fee_workspace_detail", args=[s.pk])


def form_data(**kw: str) -> dict[str, str]:
    data = {
        "title": "2027年会费标准",
        "services_covered": "行业信息、培训",
        "effective_on": "2027-01-01",
        "branch": "",
        "tiers-TOTAL_FORMS": "4",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "4",
    }
    rows = [("会长单位", "50000"), ("副会长单位", "20000"), ("理事单位", "8000"), ("会员单位", "2000")]
    for i, (c, a) in enumerate(rows):
        data[f"tiers-{i}-member_class"], data[f"tiers-{i}-amount"] = c, a
    data.update(kw)
    return data


def test_workspace_nav_links_to_fee_standards(world, as_user):
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert f'href="{LIST}"' in page.text and "会费标准" in page.text


def test_list_shows_own_standards_with_filter_search_and_csv(world, as_user, django_assert_max_num_queries):
    old = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    for i in range(25):
        propose(world.org_a, title=f"草案{i:02d}")
    propose(world.org_b, title="青岛的草案")
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(14):
        page = client.get(LIST)
    assert page.status_code == 200 and "青岛的草案" not in page.text and "草案24" in page.text
    assert 'data-testid="fee-in-force-link"' in page.text and page.text.count('data-testid="fee-row"') == 20
    page = client.get(LIST, {"status": "adopted"})
    assert page.text.count('data-testid="fee-row"') == 1 and old.title in page.text
    assert client.get(LIST, {"q": "草案07"}).text.count('data-testid="fee-row"') == 1
    csv = b"".join(client.get(LIST, {"format": "csv", "status": "adopted"}).streaming_content).decode()
    assert csv.startswith("\ufeff标准名称") and old.title in csv and "会长单位 50000.00 元" in csv


def test_staff_draft_a_standard_with_four_tiers(world, as_user):
    response = as_user(world.staff_a).post(NEW, form_data())
    standard = FeeStandard.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(standard)
    assert standard.status == "draft" and standard.tiers.count() == 4 and standard.created_by == world.staff_a


def test_form_puts_fee_1_refusals_on_the_tier_row(world, as_user):
    page = as_user(world.staff_a).post(NEW, form_data(**{"tiers-2-amount": "1%"}))
    assert page.status_code == 200 and not FeeStandard.objects.exists()
    rows = page.text.split('data-testid="fee-tier-row"')
    assert "FEE-1" in rows[3] and "固定金额" in rows[3] and "FEE-1" not in rows[1]


def test_form_refuses_a_branchs_fees_and_unknown_classes(world, as_user):
    client = as_user(world.staff_a)
    page = client.post(NEW, form_data(branch="冷链分会"))
    assert "分支机构不得单独制定会费标准" in page.text
    define_classes(world.org_a, ["会长单位", "会员单位"])
    page = client.post(NEW, form_data())  # 副会长单位 is not one of the charter's classes: the choice is refused
    assert page.status_code == 200 and not FeeStandard.objects.exists()
    assert "<select" in page.text


def test_form_with_missing_fields_shows_chinese_errors(world, as_user):
    page = as_user(world.staff_a).post(NEW, form_data(title="", services_covered=""))
    assert page.status_code == 200 and "这个字段是必填项" in page.text


def test_edit_a_draft_and_not_after_the_ballot(world, as_user):
    from xiehui.conftest import NOW
    from xiehui.membership import services_fees

    standard = propose(world.org_a)
    client = as_user(world.staff_a)
    edit = reverse("membership:fee_workspace_edit", args=[standard.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, form_data(title="改过的标准")).status_code == 302
    standard.refresh_from_db()
    assert standard.title == "改过的标准"
    services_fees.fee_standard_balloting(standard=standard, now=NOW)
    page = client.post(edit, form_data(title="再改"))
    assert page.status_code == 200 and "表决中" in page.text


def test_discard_a_draft(world, as_user):
    standard = propose(world.org_a)
    response = as_user(world.staff_a).post(reverse("membership:fee_workspace_discard", args=[standard.pk]))
    assert response.status_code == 302 and not FeeStandard.objects.exists()


def test_detail_shows_resolution_publication_status_and_records_publication(world, as_user):
    standard = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 9, 1))
    client = as_user(world.staff_a)
    page = client.get(detail(standard))
    assert standard.resolution.number in page.text and "逾期未向会员公布" in page.text  # type: ignore[union-attr]
    assert 'data-testid="fee-ballots"' in page.text
    publish = reverse("membership:fee_workspace_publish", args=[standard.pk])
    assert client.post(publish, {"published_on": "2026-09-20"}).status_code == 302
    standard.resolution.refresh_from_db()  # type: ignore[union-attr]
    assert standard.resolution.published_to_members_on == dt.date(2026, 9, 20)  # type: ignore[union-attr]
    assert "已按时向会员公布" in client.get(detail(standard)).text


# -- who reaches what -----------------------------------------------------------------------------------------------


def test_staff_of_another_association_gets_404(world, as_user):
    standard = propose(world.org_a)
    client = as_user(world.staff_b)
    for name in ("fee_workspace_detail", "fee_workspace_edit"):
        assert client.get(reverse(f"membership:{name}", args=[standard.pk])).status_code == 404
    assert client.post(reverse("membership:fee_workspace_discard", args=[standard.pk])).status_code == 404
    assert FeeStandard.objects.filter(pk=standard.pk).exists()


def test_officers_read_within_their_jurisdiction_only(world, as_user):
    standard = propose(world.org_a)
    url = reverse("membership:fee_console_detail", args=[standard.pk])
    assert as_user(world.officer_jinan).get(url).status_code == 200
    assert as_user(world.officer_province).get(url).status_code == 200
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.staff_a).get(url).status_code == 403  # the console face is the officers'


def test_console_org_page_lists_the_standards(world, as_user):
    propose(world.org_a, title="会费草案甲")
    page = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    assert 'data-testid="fee-console-panel"' in page.text and "会费草案甲" in page.text


def test_members_see_adopted_standards_only(world, as_user):
    member_of(world.org_a, world.member)
    draft = propose(world.org_a)
    standard = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    other = adopted(world.org_b, effective_on=dt.date(2025, 1, 1))
    client = as_user(world.member)
    url = lambda s: reverse("membership:fee_member_detail", args=[s.pk])  # noqa: E731
    assert client.get(url(standard)).status_code == 200
    assert client.get(url(draft)).status_code == 404
    assert client.get(url(other)).status_code == 404


def test_anonymous_and_non_members_reach_nothing(world, as_user):
    standard = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    url = reverse("membership:fee_member_detail", args=[standard.pk])
    assert as_user(world.member).get(url).status_code == 404  # a member representative of no member of org_a
    anonymous = as_user(None)
    assert anonymous.get(url).status_code == 302
    assert anonymous.get(LIST).status_code == 302
    assert as_user(world.department).get(LIST).status_code == 403


def test_member_panel_shows_the_standard_in_force_and_the_members_tier(world, django_assert_max_num_queries):
    member_of(world.org_a, world.member, member_class="理事单位")
    adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    adopted(world.org_a, effective_on=dt.date(2099, 1, 1))
    propose(world.org_a, title="未表决的草案")
    request = RequestFactory().get("/my/")
    request.user = world.member
    with django_assert_max_num_queries(5):
        rendered = [p for p in panels.panels("member_home", request, world.member) if p["anchor"] == "fees"]
    rows = rendered[0]["panel"]["rows"]
    assert rows[0]["standard"].title == "2025年会费标准" and rows[0]["tier"].amount == 8000.50


def test_member_panel_hidden_for_users_who_represent_no_member(world):
    request = RequestFactory().get("/my/")
    request.user = world.member
    assert not [p for p in panels.panels("member_home", request, world.member) if p["anchor"] == "fees"]


def test_member_home_page_shows_the_fee_panel(world, as_user):
    url = reverse("membership:my_home")
    member_of(world.org_a, world.member, member_class="理事单位")
    adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    page = as_user(world.member).get(url)
    assert 'data-testid="member-fees-panel"' in page.text and "8000.50" in page.text
