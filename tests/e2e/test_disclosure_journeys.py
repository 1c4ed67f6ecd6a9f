"""Journeys of issue 4 through the real UI, in Chinese, with Chromium against the live server.

g. Staff publish the 2025 annual financial report and correct it; a visitor sees the correction and its
   reason; a member's representative sees the members-only income statement the visitor cannot reach.
h. Staff adopt a 行规行约 citing the member congress's resolution (SR-1) and it appears on the public page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.disclosure import services as disclosure
from xiehui.membership import services as membership

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _members_only_statement(world) -> int:  # type: ignore[no-untyped-def]
    """The 2025 H2 income statement, published for members only (DIS-2)."""
    now = clock.now()
    version = disclosure.disclosure_draft(
        actor=world.staff_a,
        organization=world.org_a,
        item_type="income_expenditure",
        period="2025H2",
        data={
            "fields": {"income": "1930000", "expense": "1710000"},
            "rows": [{"item": "会费收入", "income": "820000"}],
        },
        now=now,
    )
    disclosure.version_publish(actor=world.staff_a, version=version, now=now)
    return version.disclosure_id


def _make_member(world) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    member = membership.member_record(
        actor=world.staff_a,
        organization=world.org_a,
        kind="enterprise",
        name="济南示例建筑有限公司",
        uscc=make_uscc(region_code="370100", body="MA000001", category="91"),
        joined_on=dt.date(2024, 3, 1),
        now=now,
    )
    membership.representative_add(
        actor=world.staff_a, member=member, user=world.member, since=dt.date(2024, 3, 1), now=now
    )


# -- g. publish, correct, and who sees what -------------------------------------------------


def test_staff_publish_and_correct_a_report_visitor_sees_the_reason_member_sees_members_only(
    page: Page, e2e_world, logged_in_context, shot
):
    org = e2e_world.org_a
    statement_id = _members_only_statement(e2e_world)
    _make_member(e2e_world)

    staff = logged_in_context(e2e_world.staff_a).new_page()
    staff.goto("/workspace/disclosures/catalogue/")
    staff.get_by_role("row").filter(has_text="年度财务报告").get_by_role("link", name="新建").click()
    staff.get_by_label("期间").fill("2025")
    staff.get_by_label("本年收入合计（元）").fill("3862000")
    staff.get_by_label("本年费用合计（元）").fill("3415600")
    staff.get_by_label("年末净资产（元）").fill("1280000")
    staff.get_by_role("button", name="保存草稿并预览").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("2025年度财务报告")
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="公开", exact=True).click()
    expect(staff.get_by_role("status").first).to_be_visible()
    shot(staff, "g-report-published")

    staff.get_by_role("link", name="发布更正或变更").click()
    staff.get_by_label("本年费用合计（元）").fill("3428000")
    staff.get_by_label("更正或变更原因").fill("审计报告定稿后调整：漏计折旧 12,400 元")
    staff.get_by_role("button", name="保存草稿并预览").click()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="公开", exact=True).click()
    expect(staff.get_by_role("status").first).to_be_visible()

    page.goto(f"/organizations/{org.uscc}/")
    section = page.locator("#disclosures")
    section.get_by_role("link", name="2025年度财务报告").click()
    expect(page.get_by_test_id("version-reason")).to_contain_text("漏计折旧")
    expect(page.locator("main")).to_contain_text("3,428,000")
    history = page.get_by_test_id("disclosure-history")
    expect(history).to_contain_text("第 1 版")
    expect(history).to_contain_text("第 2 版")
    shot(page, "g-visitor-sees-correction")

    # the members-only statement: listed and readable for the member, 404 for the visitor
    expect(page.locator("main")).not_to_contain_text("2025年下半年收支情况")
    response = page.goto(f"/organizations/{org.uscc}/disclosures/{statement_id}/")
    assert response is not None and response.status == 404
    member = logged_in_context(e2e_world.member).new_page()
    member.goto(f"/organizations/{org.uscc}/")
    member.locator("#disclosures").get_by_role("link", name="2025年下半年收支情况").click()
    expect(member.locator("main")).to_contain_text("1,930,000")
    shot(member, "g-member-sees-members-only")


# -- h. a 行规行约 adopted by the member congress appears on the public page -------------------


def test_staff_adopt_a_convention_by_the_congress_and_it_is_public(page: Page, e2e_world, logged_in_context, shot):
    org = e2e_world.org_a
    staff = logged_in_context(e2e_world.staff_a).new_page()
    staff.goto("/workspace/norms/")
    staff.get_by_role("link", name="起草新规范").click()
    staff.get_by_label("类别").select_option(label="行规行约")
    staff.get_by_label("名称").fill("济南市建筑业自律公约")
    staff.get_by_label("正文").fill("第一条 会员单位应当诚信经营，不得恶意压价竞争。")
    staff.get_by_role("button", name="保存草案").click()
    staff.get_by_role("link", name="录入审议通过的会议和决议").click()
    meeting_day = (clock.today() - dt.timedelta(days=3)).isoformat()
    staff.get_by_label("审议机构").select_option(label="理事会")
    staff.get_by_label("会议名称").fill("第三届理事会第二次会议")
    staff.get_by_label("会议日期").fill(meeting_day)
    staff.get_by_label("决议文号").fill("济建协〔2026〕5号")
    staff.get_by_label("出席人数").fill("40")
    staff.get_by_label("赞成").fill("38")
    staff.get_by_label("反对").fill("1")
    staff.get_by_label("弃权").fill("1")
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator("main")).to_contain_text("SR-1")  # a council cannot adopt a convention
    shot(staff, "h-sr1-refused")

    staff.get_by_label("审议机构").select_option(label="会员（代表）大会")
    staff.get_by_label("会议名称").fill("第三届会员代表大会第二次会议")
    staff.get_by_label("出席人数").fill("180")
    staff.get_by_label("赞成").fill("170")
    staff.get_by_label("反对").fill("4")
    staff.get_by_label("弃权").fill("6")
    staff.get_by_role("button", name="保存").click()
    staff.get_by_role("button", name="发布").click()
    expect(staff.locator("main")).to_contain_text("已发布")

    page.goto(f"/organizations/{org.uscc}/")
    norms = page.locator("#norms")
    expect(norms).to_contain_text("济南市建筑业自律公约")
    norms.get_by_role("link", name="济南市建筑业自律公约").click()
    expect(page.locator("main")).to_contain_text("第三届会员代表大会第二次会议")
    expect(page.locator("main")).to_contain_text("济建协〔2026〕5号")
    shot(page, "h-convention-public")
