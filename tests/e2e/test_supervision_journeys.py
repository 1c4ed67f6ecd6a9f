"""Journeys of issue 3 through the real UI, in Chinese, with Chromium against the live server.

e. A visitor files a complaint and follows it by code; an officer handles it; the visitor reads the answer.
f. An association with an overdue report appears on the abnormal list after tick, files the report,
   applies for removal; the officer verifies and removes it; the association leaves the public list.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

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
