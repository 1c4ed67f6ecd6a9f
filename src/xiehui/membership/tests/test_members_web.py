"""Web pages of joining, exits, classes, delegates, figures, survey and the member page /my/ (real clock)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from xiehui.core import clock
from xiehui.membership import services_members, services_survey
from xiehui.membership.models import (
    ApplicationStatus,
    ExitKind,
    Member,
    MemberExit,
    MembershipApplication,
    SurveyAnswer,
)

from .factories_members import application, member

pytestmark = pytest.mark.django_db
SCORES = {"services": "5", "rights": "4", "transparency": "4", "fees": "3", "overall": "4"}


def today() -> dt.date:
    return clock.today()


def test_member_page_lists_associations_and_links(world, as_user):
    m = member(world.org_a, 1, rep=world.member)
    page = as_user(world.member).get(reverse("membership:my_home"))
    assert page.status_code == 200 and m.name in page.text and world.org_a.name in page.text
    assert reverse("disclosure:list", args=[world.org_a.uscc]) in page.text
    assert reverse("membership:my_leave", args=[m.pk]) in page.text
    assert f'href="{reverse("membership:my_home")}"' in page.text and "我的协会" in page.text  # site_nav link


def test_member_page_is_for_member_representatives_only(world, as_user, client):
    url = reverse("membership:my_home")
    assert "/accounts/login/" in client.get(url)["Location"]
    for user in (world.staff_a, world.officer_jinan, world.department):
        assert as_user(user).get(url).status_code == 403


def test_member_leaves_from_the_member_page(world, as_user):
    m = member(world.org_a, 1, rep=world.member)
    url = reverse("membership:my_leave", args=[m.pk])
    client = as_user(world.member)
    past = client.post(url, {"reason": "fees", "effective_on": (today() - dt.timedelta(days=1)).isoformat()})
    assert past.status_code == 200 and "退会日期应为今天" in past.text
    ok = client.post(url, {"reason": "fees", "note": "", "effective_on": today().isoformat()})
    assert ok.status_code == 302 and Member.objects.get().left_on == today()
    assert as_user(world.member).get(url).status_code == 404  # no longer a current member
    other = member(world.org_b, 2)
    assert client.get(reverse("membership:my_leave", args=[other.pk])).status_code == 404


def test_join_page_submits_for_the_user(world, as_user):
    url = reverse("membership:join", args=[world.org_a.uscc])
    form = as_user(world.member).get(url)
    assert form.status_code == 200 and "其他协会" not in form.text.replace("不以是否加入其他协会作为条件", "")
    data = {
        "kind": "enterprise",
        "name": "入会公司",
        "uscc": "",
        "contact_name": "王五",
        "contact_phone": "13800001234",
    }
    bad = as_user(world.member).post(url, data)
    assert "统一社会信用代码" in bad.text and not MembershipApplication.objects.exists()
    from .factories_members import uscc

    done = as_user(world.member).post(url, {**data, "uscc": uscc(77)})
    assert done.status_code == 302 and MembershipApplication.objects.get().applicant == world.member
    home = as_user(world.member).get(reverse("membership:my_home"))
    assert "入会公司" in home.text and "待审批" in home.text
    for user in (world.staff_a, world.officer_jinan):
        assert as_user(user).get(url).status_code == 403


def test_member_withdraws_application(world, as_user):
    app = application(world.org_a, world.member)
    url = reverse("membership:my_application_withdraw", args=[app.pk])
    assert as_user(world.member).post(url).status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_staff_queue_filters_paginates_exports_and_decides(world, as_user, django_assert_max_num_queries):
    for n in range(22):
        application(world.org_a, world.staff_a, n)
    application(world.org_b, world.staff_b, 99)
    client = as_user(world.staff_a)
    url = reverse("membership:workspace_applications")
    with django_assert_max_num_queries(10):
        page = client.get(url, {"status": "submitted"})
    assert len(re.findall(r'href="/workspace/members/applications/\d+/"', page.text)) == 20 and "page=2" in page.text
    assert "申请公司99" not in page.text
    assert "申请公司3" in client.get(url, {"q": "申请公司3"}).text
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
    assert "申请人" in csv and "申请公司0" in csv and "13800001234" not in csv
    app = MembershipApplication.objects.filter(organization=world.org_a).first()
    detail = reverse("membership:workspace_application", args=[app.pk])
    refused = client.post(
        detail, {"action": "refuse", "organ": "理事会", "clause": "第八条", "reason": "已加入其他协会"}
    )
    assert refused.status_code == 200 and "MEM-1" in refused.text
    approved = client.post(
        detail, {"action": "approve", "organ": "理事会", "clause": "第十条", "joined_on": today().isoformat()}
    )
    assert approved.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and app.member is not None
    assert as_user(world.staff_b).get(detail).status_code == 404


def test_staff_end_a_membership_from_the_member_page(world, as_user):
    m = member(world.org_a, 1)
    client = as_user(world.staff_a)
    page = client.get(reverse("membership:workspace_member", args=[m.pk]))
    assert "办理退会" in page.text and "除名" in page.text
    url = reverse("membership:workspace_member_end", args=[m.pk, "expelled"])
    missing = client.post(url, {"expelled-organ": "理事会", "expelled-effective_on": today().isoformat()})
    assert missing.status_code == 400 and not MemberExit.objects.exists()
    data = {
        "expelled-organ": "理事会",
        "expelled-charter_clause": "第十四条",
        "expelled-decision_number": "1号",
        "expelled-note": "违规",
        "expelled-effective_on": today().isoformat(),
    }
    assert as_user(world.staff_b).post(url, data).status_code == 404
    assert client.post(url, data).status_code == 302 and MemberExit.objects.get().kind == ExitKind.EXPELLED


def test_classes_delegates_figures_and_survey_pages(world, as_user):
    client = as_user(world.staff_a)
    assert client.post(reverse("membership:workspace_classes"), {"name": "理事单位", "position": 1}).status_code == 302
    m = member(world.org_a, 1, member_class="理事单位")
    delegates = reverse("membership:workspace_delegates")
    data = {"member": m.pk, "name": "张代表", "method": "elected", "since": "2024-06-01", "basis": "选举"}
    assert client.post(delegates, data).status_code == 302 and "张代表" in client.get(delegates).text
    assert "张代表" in b"".join(client.get(delegates, {"export": "csv"}).streaming_content).decode()
    services_members.member_exit(
        actor=None,
        member=member(world.org_a, 2, member_class="理事单位"),
        reason="fees",
        effective_on=today(),
        now=clock.now(),
    )
    figures = client.get(reverse("membership:workspace_figures"))
    assert figures.status_code == 200 and "会费负担 1" in figures.text
    csv = b"".join(client.get(reverse("membership:workspace_figures"), {"export": "csv"}).streaming_content).decode()
    assert str(today().year) in csv and "退会率" in csv
    surveys = reverse("membership:workspace_surveys")
    opened = client.post(
        surveys, {"year": today().year, "opens_on": today().isoformat(), "closes_on": today().isoformat()}
    )
    assert opened.status_code == 302
    results = client.get(opened["Location"])
    assert "为保护匿名" in results.text
    for user in (world.member, world.officer_jinan):
        for url in (
            delegates,
            surveys,
            reverse("membership:workspace_figures"),
            reverse("membership:workspace_classes"),
        ):
            assert as_user(user).get(url).status_code == 403


def test_member_answers_the_survey_once_from_the_member_page(world, as_user):
    m = member(world.org_a, 1, rep=world.member)
    services_survey.survey_open(
        actor=None, organization=world.org_a, year=today().year, opens_on=today(), closes_on=today(), now=clock.now()
    )
    client = as_user(world.member)
    home = client.get(reverse("membership:my_home"))
    url = reverse("membership:my_survey", args=[m.pk])
    assert url in home.text
    assert client.post(url, SCORES).status_code == 302 and SurveyAnswer.objects.count() == 1
    assert "已参加满意度调查" in client.get(reverse("membership:my_home")).text
    again = client.post(url, SCORES)
    assert again.status_code == 200 and "只能作答一次" in again.text and SurveyAnswer.objects.count() == 1


def test_portal_page_offers_joining(world, client):
    page = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert reverse("membership:join", args=[world.org_a.uscc]) in page.text
