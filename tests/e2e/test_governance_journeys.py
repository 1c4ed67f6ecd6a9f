"""Journey of issue 5 through the real UI, in Chinese, with Chromium against the live server.

i. Staff draft a fee standard with a tier per member class and set up its secret ballot for the member
   assembly; they freeze the roll (size and SM3 digest published, BAL-1). Four of the five members vote on
   their phones from /my/ and keep a receipt code; after the window staff close the ballot: the quorum
   (2/3 of 5: 4) and the threshold (more than half of those present) pass and are explained (FEE-1); staff
   publish. The members see the new standard and their own tier on /my/; a member finds their ballot on
   the bulletin board, counted as cast; another member leaves and the exit ratio of the year changes (MEM-2).

Time: staff set the window a few minutes ahead through the form; the journey then moves the app's clock
(`xiehui.core.clock.now`, which every view and service of voting and membership reads at call time, in
the live server's thread too) into the window and past its end instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from xiehui.conftest import PASSWORD
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.models import Role, User
from xiehui.core.services import user_create
from xiehui.governance import services as governance
from xiehui.governance.models import OrganKind
from xiehui.membership import services as membership
from xiehui.membership import services_members
from xiehui.voting import services as voting
from xiehui.voting.models import RollEntry

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PHONE = {"width": 390, "height": 844}
# The charter's member classes and the yearly fee the draft sets for each (FEE-1: at most 4 fixed tiers).
TIERS = [("会长单位", "50000"), ("副会长单位", "20000"), ("理事单位", "8000"), ("会员单位", "2000")]
# Member, class, the username of the user who represents it, and how it votes (None: does not vote).
MEMBERS = [
    ("济南城建集团有限公司", "会长单位", "rep_chengjian", "赞成"),
    ("山东鲁班建设有限公司", "副会长单位", "rep_luban", "赞成"),
    ("济南泉城路桥工程有限公司", "理事单位", "rep_luqiao", "赞成"),
    ("济南历下装饰工程有限公司", "会员单位", "rep_zhuangshi", "反对"),
    ("济南章丘建材有限公司", "会员单位", "rep_jiancai", None),
]
STANDARD = "济南市建筑业协会会费标准（2027年修订）"
BALLOT = "关于《会费标准（2027年修订）》的表决"
LOCAL = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes


def _association(world) -> list[User]:  # type: ignore[no-untyped-def]
    """What the association already has: its member assembly, the charter's classes, five members."""
    org, staff, now = world.org_a, world.staff_a, clock.now()
    governance.organ_set(
        actor=staff, organization=org, kind=OrganKind.ASSEMBLY, size=0, charter_clause="章程第十六条", now=now
    )
    for position, (name, _amount) in enumerate(TIERS):
        services_members.member_class_add(actor=staff, organization=org, name=name, position=position, now=now)
    reps = []
    for n, (name, member_class, username, _vote) in enumerate(MEMBERS, start=1):
        joined = dt.date(2024, n, 10)
        member = membership.member_record(
            actor=staff,
            organization=org,
            kind="enterprise",
            name=name,
            uscc=make_uscc(region_code="370100", body=f"MG{n:06d}", category="91"),
            member_class=member_class,
            joined_on=joined,
            now=now,
        )
        user = user_create(
            actor=None, username=username, password=PASSWORD, role=Role.MEMBER, display_name=f"{name[:4]}代表"
        )
        membership.representative_add(actor=staff, member=member, user=user, since=joined, now=now)
        reps.append(user)
    return reps


@pytest.fixture
def clock_at(monkeypatch):  # type: ignore[no-untyped-def]
    """`clock_at(moment)`: from then on the app's clock reads `moment` plus the real time elapsed since."""

    def move(moment: dt.datetime) -> None:
        offset = moment - timezone.now()
        monkeypatch.setattr(clock, "now", lambda: timezone.now() + offset)

    return move


@pytest.fixture
def phone(new_context):  # type: ignore[no-untyped-def]
    """`phone(user)`: a phone-sized touch browser in which the member logs in and lands on /my/."""

    def open_as(user: User) -> Page:
        page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        page.goto("/accounts/login/?next=/my/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我的协会")
        return page

    return open_as


def accept_confirm(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


# -- staff: the draft, the ballot, the frozen roll ------------------------------------------------------------


def _staff_drafts_the_standard(staff: Page, effective_on: dt.date) -> None:
    staff.goto("/workspace/")
    staff.get_by_role("link", name="会费标准", exact=True).first.click()
    staff.get_by_role("link", name="起草会费标准").click()
    staff.get_by_label("标准名称").fill(STANDARD)
    staff.get_by_label("生效日期").fill(effective_on.isoformat())
    for n, (member_class, amount) in enumerate(TIERS, start=1):
        staff.get_by_label(f"第 {n} 档会员类别").select_option(label=member_class)
        staff.get_by_label(f"第 {n} 档年会费（元）").fill(amount)
    staff.get_by_label("会费对应的服务").fill("行业信息与政策解读；技术培训每年不少于 4 次；法律咨询；参加行业评优")
    staff.get_by_role("button", name="保存草案").click()
    expect(staff.get_by_role("status").filter(has_text="会费标准草案已保存")).to_be_visible()
    expect(staff.get_by_role("heading", level=1)).to_have_text(STANDARD)
    expect(staff.get_by_test_id("fee-tiers").get_by_role("row")).to_have_count(1 + len(TIERS))
    expect(staff.get_by_test_id("fee-tiers")).to_contain_text("50000.00")


def _staff_set_up_the_ballot(staff: Page, *, cutoff_on: dt.date, opens_at: dt.datetime, closes_at: dt.datetime) -> int:
    staff.goto("/workspace/")
    staff.get_by_role("link", name="无记名投票", exact=True).first.click()
    staff.get_by_role("link", name="发起投票").click()
    staff.get_by_label("表决类型").select_option(label="会费标准表决")
    staff.get_by_label("表决事项").fill(BALLOT)
    staff.get_by_label("说明").fill("第四届会员大会第二次会议审议，会员单位以无记名方式在线投票。")
    staff.get_by_label("表决机构").select_option(label="会员大会")
    staff.get_by_label("会费标准草案").select_option(label=STANDARD)
    staff.get_by_label("名册截止日期").fill(cutoff_on.isoformat())
    staff.get_by_label("投票开始时间").fill(opens_at.strftime(LOCAL))
    staff.get_by_label("投票结束时间").fill(closes_at.strftime(LOCAL))
    staff.get_by_role("button", name="保存", exact=True).click()
    expect(staff.get_by_role("status").filter(has_text="投票已创建")).to_be_visible()
    facts = staff.get_by_test_id("roll-facts")
    expect(facts).to_contain_text("FEE-1：应到人数的 2/3 以上")
    expect(facts).to_contain_text("FEE-1：超过实到人数的 1/2")
    match = re.search(r"/workspace/ballots/(\d+)/", staff.url)
    assert match is not None
    return int(match.group(1))


def _staff_freeze_the_roll(staff: Page, ballot_id: int) -> None:
    accept_confirm(staff)
    staff.get_by_role("button", name="冻结名册并公布（BAL-1）").click()
    expect(staff.get_by_role("status").filter(has_text="名册已冻结")).to_be_visible()
    expect(staff.get_by_test_id("ballot-status")).to_have_text("名册已冻结")
    expect(staff.get_by_test_id("roll-size")).to_have_text(str(len(MEMBERS)))
    digest = staff.get_by_test_id("roll-digest").inner_text()
    # the published digest is the SM3 of the stored roll (anyone holding the roll can recompute it)
    entries = list(RollEntry.objects.filter(ballot_id=ballot_id).order_by("position"))
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and digest == voting.roll_digest(entries)
    assert sorted(e.label for e in entries) == sorted(name for name, *_rest in MEMBERS)


def _staff_close_and_publish(staff: Page, ballot_id: int) -> None:
    """After the window: close (seal and count), read the FEE-1 explanation, publish; the standard is in force."""
    staff.goto(f"/workspace/ballots/{ballot_id}/")
    staff.get_by_role("button", name="结束投票并计票").click()
    expect(staff.get_by_role("status").filter(has_text="投票已结束并完成计票")).to_be_visible()
    expect(staff.get_by_test_id("ballot-passed")).to_have_text("通过")
    explanation = staff.get_by_test_id("ballot-explanation")
    expect(explanation).to_contain_text("FEE-1 法定人数：应到 5，实到 4，达到 2/3（4）")
    expect(explanation).to_contain_text("实到 4，赞成 3，超过半数，通过")
    for count in ("赞成 3", "反对 1", "弃权 0"):  # in any order: PostgreSQL's jsonb reorders the counts
        expect(staff.get_by_test_id("ballot-result").get_by_role("table")).to_contain_text(count)
    accept_confirm(staff)
    staff.get_by_role("button", name="公布结果").click()
    expect(staff.get_by_role("status").filter(has_text="结果已公布")).to_be_visible()
    expect(staff.get_by_test_id("ballot-status")).to_have_text("结果已公布")
    staff.get_by_role("link", name=STANDARD).click()
    expect(staff.get_by_test_id("fee-in-force")).to_have_text("现行有效")
    expect(staff.get_by_test_id("fee-resolution")).to_contain_text("赞成 3，反对 1，弃权 0；到会 4 / 应到 5")


# -- members on their phones ----------------------------------------------------------------------------------


def _member_votes(page: Page, choice: str) -> str:
    """From /my/ (panel 待投票事项) to the vote page; returns the receipt code shown once."""
    page.goto("/my/")
    panel = page.get_by_test_id("member-ballots-panel")
    expect(panel.get_by_role("heading", name="待投票事项")).to_be_visible()
    panel.get_by_role("link", name="去投票").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BALLOT)
    page.get_by_role("radio", name=choice).check()
    submit = page.get_by_role("button", name="提交选票")
    box = submit.bounding_box()  # the big button fits the phone's width
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    accept_confirm(page)
    submit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投票成功")
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code), code
    page.goto("/my/")
    voted = page.get_by_test_id("member-ballots-panel")
    expect(voted.get_by_text("已投票")).to_be_visible()
    expect(voted.get_by_role("link", name="去投票")).to_have_count(0)
    return code


def _member_sees_the_standard(page: Page, member_class: str, amount: str) -> None:
    """/my/ panel 会费标准: the standard in force and the member's own tier; nothing left to vote on."""
    page.goto("/my/")
    fees = page.get_by_test_id("member-fees-panel")
    expect(fees.get_by_role("heading", name="会费标准", exact=True)).to_be_visible()
    expect(fees).to_contain_text(STANDARD)
    expect(fees.get_by_test_id("fee-my-amount")).to_have_text(f"本单位（{member_class}）年会费：{amount} 元")
    expect(fees.get_by_test_id("fee-my-tier")).to_contain_text(member_class)
    expect(page.get_by_test_id("member-ballots-panel")).to_have_count(0)


def _member_checks_the_receipt(page: Page, code: str, org_name: str) -> None:
    """/my/ → the association's page → the ballot → the bulletin board: the receipt is there, counted."""
    page.goto("/my/")
    page.get_by_test_id("my-associations").get_by_role("link", name=org_name).click()
    page.locator("#ballots").get_by_role("link", name=BALLOT).click()
    expect(page.get_by_test_id("ballot-passed")).to_have_text("通过")
    page.get_by_role("link", name="公告板与回执核对").click()
    rows = page.get_by_test_id("bulletin-rows").locator("tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_label("回执码").fill(code.replace("-", " ").lower())  # typed loosely on a phone
    page.get_by_role("button", name="核对").click()
    found = page.get_by_test_id("receipt-found")
    expect(found).to_contain_text("已找到您的选票，已计入计票")
    expect(found).to_contain_text("1. 赞成")
    digest = found.locator("code").inner_text().strip()
    expect(rows.filter(has_text=digest)).to_have_count(1)
    expect(rows.filter(has_text=digest)).to_contain_text("赞成")


def _member_leaves(page: Page, org_name: str) -> None:
    page.get_by_test_id("my-associations").get_by_role("link", name="退会", exact=True).click()
    page.get_by_label("退会原因").select_option(label="会费负担")
    page.get_by_label("补充说明").fill("新标准下会员单位会费上调，本公司业务收缩，决定退会。")
    expect(page.get_by_label("退会日期")).to_have_value(clock.today().isoformat())
    page.get_by_role("button", name="确认退会").click()
    expect(page.get_by_role("status").filter(has_text=f"起退出{org_name}")).to_be_visible()
    expect(page.get_by_test_id("my-associations")).to_contain_text("已于")


def _figures_of_the_year(staff: Page) -> list[str]:
    """The current year's row of MEM-2: year, start, joins, exits, end, exit ratio, reasons."""
    staff.goto("/workspace/members/")
    staff.get_by_test_id("member-tabs").get_by_role("link", name="会员统计").click()
    row = staff.get_by_test_id("figures").locator("tbody tr").first
    expect(row.locator("td").first).to_have_text(str(clock.today().year))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


# -- the journey ------------------------------------------------------------------------------------------------


def test_fee_standard_ballot_members_vote_on_phones_it_passes_and_a_member_leaves(  # type: ignore[no-untyped-def]
    e2e_world, logged_in_context, phone: Callable[[User], Page], clock_at, shot
):
    org = e2e_world.org_a
    reps = _association(e2e_world)
    today = clock.today()
    opens_at = (clock.now().astimezone(clock.SHANGHAI) + dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    closes_at = opens_at + dt.timedelta(minutes=30)

    staff = logged_in_context(e2e_world.staff_a).new_page()
    _staff_drafts_the_standard(staff, effective_on=today)
    ballot_id = _staff_set_up_the_ballot(staff, cutoff_on=today, opens_at=opens_at, closes_at=closes_at)
    _staff_freeze_the_roll(staff, ballot_id)
    shot(staff, "i-roll-frozen")

    # before the window opens a member sees the ballot, not yet open to vote
    phones = {rep.username: phone(rep) for rep, (*_m, vote) in zip(reps, MEMBERS, strict=True) if vote}
    first = phones[reps[0].username]
    waiting = first.get_by_test_id("member-ballots-panel")
    expect(waiting).to_contain_text(BALLOT)
    expect(waiting.get_by_text("尚未开始")).to_be_visible()

    clock_at(opens_at + dt.timedelta(minutes=1))  # the window is open
    receipts = {}
    for rep, (_name, _class, _username, vote) in zip(reps, MEMBERS, strict=True):
        if vote:
            receipts[rep.username] = _member_votes(phones[rep.username], vote)
    shot(first, "i-member-voted-phone")

    clock_at(closes_at + dt.timedelta(minutes=1))  # the window has passed
    _staff_close_and_publish(staff, ballot_id)
    shot(staff, "i-tally-published")

    # the new standard on the members' page, with each member's own tier
    _member_sees_the_standard(first, "会长单位", "50000.00")
    shot(first, "i-member-fee-standard-phone")
    _member_checks_the_receipt(first, receipts[reps[0].username], org.name)
    shot(first, "i-receipt-checked-phone")

    # a member leaves; the year's exit ratio on the workspace figures changes (MEM-2)
    before = _figures_of_the_year(staff)
    assert before[1:6] == ["5", "0", "0", "5", "0%"], before
    leaver = phone(reps[4])
    _member_sees_the_standard(leaver, "会员单位", "2000.00")
    _member_leaves(leaver, org.name)
    shot(leaver, "i-member-left-phone")
    after = _figures_of_the_year(staff)
    assert after[1:7] == ["5", "0", "1", "4", "20%", "会费负担 1"], after
    shot(staff, "i-exit-ratio")
