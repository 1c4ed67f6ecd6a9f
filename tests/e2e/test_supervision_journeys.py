"""Journeys of issue 3 through the real UI, in Chinese, with Chromium against the live server.

e. A visitor files a complaint and follows it by code; an officer handles it; the visitor reads the answer.
f. An association with an overdue report appears on the abnormal list after tick, files the report,
   applies for removal; the officer verifies and removes it; the association leaves the public list.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from xiehui.core import clock, engine
from xiehui.supervision.services import reports

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


# -- e. complaint -----------------------------------------------------------------


def test_visitor_files_complaint_follows_it_and_officer_answers(page: Page, e2e_world, logged_in_context, shot):
    org = e2e_world.org_a
    page.goto(f"/organizations/{org.uscc}/")
    page.get_by_role("link", name="投诉该协会").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉举报行业协会商会")
    page.get_by_label("强制入会").check()
    page.get_by_label("投诉内容").fill("该协会要求我公司必须入会才能参加行业展会，并收取 5000 元会费。")
    page.get_by_label("匿名投诉").check()
    page.get_by_role("button", name="提交投诉").click()
    notice = page.get_by_role("status").filter(has_text="投诉已受理")
    expect(notice).to_be_visible()
    code = re.search(r"查询码 (\w+)", notice.inner_text()).group(1)
    expect(page.get_by_test_id("complaint-status")).to_have_text("已受理")
    shot(page, "e-complaint-filed")

    officer = logged_in_context(e2e_world.officer_jinan).new_page()
    officer.goto("/console/complaints/")
    officer.get_by_role("row").filter(has_text=org.name).get_by_role("link").first.click()
    officer.get_by_label("承办人员").select_option(label="officer_jinan（officer_jinan）")
    officer.get_by_role("button", name="分派").click()
    expect(officer.get_by_test_id("complaint-status")).to_have_text("已分派")
    officer.get_by_label("调查结论").select_option(label="属实")
    officer.get_by_label("调查情况").fill("经约谈协会秘书长，确有以入会作为参展条件的情况。")
    officer.get_by_label("答复意见（将告知投诉人）").fill("已责令该协会取消入会条件，并退还费用。")
    officer.get_by_role("button", name="答复").click()
    expect(officer.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    shot(officer, "e-complaint-answered")

    page.goto(f"/complaints/status/?code={code}")
    expect(page.get_by_test_id("complaint-status")).to_have_text("已答复")
    expect(page.get_by_test_id("complaint-answer")).to_contain_text("已责令该协会取消入会条件")
    expect(page.locator("main")).not_to_contain_text("经约谈协会秘书长")  # findings stay internal
    shot(page, "e-complaint-answer-public")


# -- f. abnormal list: listed by tick, report filed, removal applied for, verified, removed -------------


def test_late_reporter_is_listed_files_report_applies_for_removal_and_leaves_the_list(
    page: Page, e2e_world, logged_in_context, new_context, shot
):
    org = e2e_world.org_a
    today = clock.today()
    sections = reports.ReportSections(
        compliance="遵守法律法规，按章程开展活动。",
        registration_changes="无",
        activities="举办行业培训 3 场。",
        organs="召开理事会 2 次。",
        staff_total=6,
        full_time_staff=3,
        income=Decimal("800000"),
        expenditure=Decimal("650000"),
        net_assets=Decimal("300000"),
        fee_income=Decimal("300000"),
    )
    reports.report_create(actor=e2e_world.staff_a, organization=org, year=2025, sections=sections, now=clock.now())
    engine.tick(as_of=today)  # the 2025 report was due on 2026-05-31: CR-A1 from 2026-06-01

    visitor = new_context().new_page()
    visitor.goto("/credit/")
    row = visitor.get_by_role("row").filter(has_text=org.name)
    expect(row).to_contain_text("未按规定报送年度工作报告")
    shot(visitor, "f-portal-abnormal-list")

    staff = logged_in_context(e2e_world.staff_a).new_page()
    staff.goto("/workspace/")
    staff.get_by_role("link", name="年度工作报告").first.click()
    staff.get_by_role("link", name=re.compile("2025")).first.click()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="保存并报送").click()
    expect(staff.get_by_text("已报送的报告不能修改")).to_be_visible()

    staff.goto("/workspace/credit/")
    staff.get_by_role("link", name=re.compile("未按规定报送年度工作报告")).first.click()
    expect(staff.locator("main")).to_contain_text("至2026-06-01（截止次日）仍未报送")  # the why
    staff.get_by_label("申请理由及整改情况").fill("已于今日补报 2025 年度工作报告，申请移出活动异常名录。")
    staff.get_by_role("button", name="提交移出申请").click()
    expect(staff.get_by_role("status").filter(has_text="移出申请已提交")).to_be_visible()
    shot(staff, "f-removal-applied")

    officer = logged_in_context(e2e_world.officer_jinan).new_page()
    officer.goto("/console/credit/removals/")
    application = officer.get_by_role("row").filter(has_text=org.name)
    application.get_by_label("核实情况或决定理由").fill("经核实，2025 年度工作报告已报送。")
    application.get_by_role("button", name="登记核实情况").click()
    application = officer.get_by_role("row").filter(has_text=org.name)
    expect(application).to_contain_text("已核实")
    application.get_by_role("button", name="准予移出").click()
    expect(officer.get_by_role("status").first).to_be_visible()
    shot(officer, "f-removal-approved")

    visitor.goto("/credit/")
    expect(visitor.get_by_role("row").filter(has_text=org.name)).to_have_count(0)  # CR-R: removed, not shown
    visitor.goto(f"/organizations/{org.uscc}/")
    expect(visitor.locator("main")).to_contain_text("未被列入活动异常名录或严重违法失信名单")
