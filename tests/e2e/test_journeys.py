"""Journeys through the real UI, in Chinese, with Chromium against the live server.

a. A visitor finds an association and reads its register page (desktop and mobile).
b. An officer logs in, enrols TOTP, approves an application; the new association is public.
c. Association staff file a change of domicile; an officer approves it; the portal shows it.
d. Keyboard and label smoke test of the search and apply pages.
"""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from xiehui.conftest import ID_NUMBERS, PASSWORD, submit_application
from xiehui.core import clock

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

MOBILE = {"width": 375, "height": 812}


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def totp_now(secret_b32: str) -> str:
    """The current 6-digit token of a base32 TOTP key, as an authenticator app shows it."""
    totp = TOTP(base64.b32decode(secret_b32))
    return f"{totp.token():06d}"


# -- a. visitor -----------------------------------------------------------------


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "mobile"])
def test_visitor_finds_association_and_reads_its_register_page(page: Page, e2e_world, shot, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    page.goto("/")
    search = page.get_by_role("searchbox", name="名称或统一社会信用代码")
    expect(search).to_be_visible()
    search.fill("建筑")
    page.get_by_role("search").get_by_role("button", name="查询").click()

    expect(page).to_have_url(re.compile(r"/organizations/\?q="))
    expect(page.get_by_role("searchbox", name="名称或统一社会信用代码")).to_have_value("建筑")
    results = page.locator("#org-results")
    expect(results).to_be_visible()
    expect(results).to_contain_text("共 1 个结果")
    expect(results).not_to_contain_text("青岛市软件行业协会")
    link = results.get_by_role("link", name="济南市建筑业协会")
    expect(link).to_be_visible()
    if viewport:
        # The search box fits the phone's width (no sideways scrolling to type a query).
        box = page.get_by_role("searchbox", name="名称或统一社会信用代码").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
        expect(page.get_by_role("search").get_by_role("button", name="查询")).to_be_visible()

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("济南市建筑业协会")
    items = page.locator("dl.items")
    expect(items.locator("dt", has_text="统一社会信用代码")).to_be_visible()
    expect(items).to_contain_text(e2e_world.org_a.uscc)
    expect(items).to_contain_text("济南市建筑业协会办公楼 1 号")
    history = page.locator("section", has=page.get_by_role("heading", name="登记事项变更历史"))
    expect(history).to_be_visible()
    expect(history.get_by_role("columnheader", name="变更后")).to_be_attached()
    expect(history.get_by_role("row").filter(has_text="济南市建筑业协会办公楼 1 号")).to_contain_text("住所")
    # The public page never shows the legal representative's identity number.
    expect(page.locator("body")).not_to_contain_text(ID_NUMBERS[0][:10])
    shot(page, f"a-visitor-{'mobile' if viewport else 'desktop'}")


# -- b. officer approves an application -----------------------------------------


def test_officer_enrols_totp_and_approves_application_which_becomes_public(page: Page, e2e_world, new_context, shot):
    application = submit_application("济南市智能制造协会", now=clock.now())

    log_in(page, "officer_jinan")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定动态口令认证器")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("动态口令").fill(totp_now(secret))
    page.get_by_role("button", name="验证").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监管端").click()
    page.get_by_role("link", name="成立登记审查").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("成立登记审查")
    row = page.get_by_role("row").filter(has_text=application.tracking_code)
    row.get_by_role("link", name="济南市智能制造协会").click()
    expect(page.get_by_test_id("application-status")).to_have_text("待审查")

    dialogs: list[str] = []

    def accept(dialog):  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="准予登记").click()
    expect(page.get_by_role("status").filter(has_text="已准予登记")).to_be_visible()
    assert dialogs and "准予登记" in dialogs[0]
    expect(page.get_by_role("heading", level=1)).to_have_text("济南市智能制造协会")
    application.refresh_from_db()
    assert application.status == "approved" and application.organization is not None
    shot(page, "b-officer-approved")

    visitor = new_context().new_page()
    visitor.goto("/organizations/")
    visitor.get_by_role("searchbox", name="名称或统一社会信用代码").fill("智能")
    visitor.get_by_role("search").get_by_role("button", name="查询").click()
    results = visitor.locator("#org-results")
    expect(results.get_by_role("link", name="济南市智能制造协会")).to_be_visible()
    expect(results).to_contain_text(application.organization.uscc)
    shot(visitor, "b-visitor-finds-new-association")


# -- c. change of domicile --------------------------------------------------------


def test_staff_files_domicile_change_and_officer_approves_it(
    page: Page, e2e_world, logged_in_context, new_context, shot
):
    new_domicile = "历下区解放路 88 号 12 层"
    log_in(page, "staff_a")
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="协会工作台").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("济南市建筑业协会")
    page.get_by_role("link", name="申请变更登记").click()

    page.get_by_label("内部决议日期").fill(clock.today().isoformat())
    page.get_by_label("变更理由").fill("会员代表大会决议迁址")
    page.get_by_label("新住所").fill(new_domicile)
    page.get_by_role("button", name="提交变更申请").click()
    expect(page.get_by_test_id("filing-status")).to_have_text("待审查")
    expect(page.get_by_role("status").filter(has_text="变更登记申请已提交")).to_be_visible()
    shot(page, "c-staff-filed")

    officer = logged_in_context(e2e_world.officer_jinan).new_page()
    officer.goto("/console/")
    officer.get_by_role("link", name="变更登记审查").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("变更登记审查")
    officer.get_by_role("row").filter(has_text="济南市建筑业协会").get_by_role("link").first.click()
    expect(officer.get_by_role("cell", name=new_domicile)).to_be_visible()
    officer.get_by_role("button", name="核准变更").click()
    expect(officer.get_by_role("status").filter(has_text="已核准变更")).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto(f"/organizations/{e2e_world.org_a.uscc}/")
    items = visitor.locator("dl.items")
    expect(items).to_contain_text(new_domicile)
    history = visitor.locator("section", has=visitor.get_by_role("heading", name="登记事项变更历史"))
    expect(history.get_by_role("row").filter(has_text=new_domicile)).to_contain_text("住所")
    shot(visitor, "c-portal-new-domicile")


# -- d. keyboard and labels ---------------------------------------------------------


def test_keyboard_reaches_search_and_every_apply_input_is_labelled(page: Page, e2e_world, shot):
    page.goto("/organizations/")
    page.locator("body").focus()
    search_box = page.get_by_role("searchbox", name="名称或统一社会信用代码")
    for _ in range(20):
        page.keyboard.press("Tab")
        if search_box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the search input")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, type: document.activeElement.type,"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused == {"tag": "BUTTON", "type": "submit", "text": "查询"}
    search_box.focus()
    page.keyboard.type("建筑")
    page.keyboard.press("Enter")
    expect(page.locator("#org-results").get_by_role("link", name="济南市建筑业协会")).to_be_visible()

    page.goto("/apply/")
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                 'main input:not([type=hidden]), main select, main textarea'))
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                           && !el.getAttribute('aria-labelledby'))
             .map(el => el.name || el.id || el.outerHTML)"""
    )
    count = page.locator("main input:not([type=hidden]), main select, main textarea").count()
    assert count >= 15
    assert unlabelled == []
    shot(page, "d-apply-form")
