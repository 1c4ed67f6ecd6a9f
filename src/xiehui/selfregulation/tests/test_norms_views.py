"""Norm pages through real HTTP: the workspace lifecycle, the portal section and page, the console panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiehui.core import clock
from xiehui.selfregulation import faces_norms, services_norms
from xiehui.selfregulation.models import IntegrityBody, Norm, NormKind, NormVersion, Organ

from .test_norms_services import TEXT, adopt, amend, body, draft, make_member, published, standard, today

pytestmark = pytest.mark.django_db

LIST = reverse("selfregulation:norm_workspace_list")
NEW = reverse("selfregulation:norm_workspace_new")
BODY = reverse("selfregulation:integrity_body_edit")


def public_url(norm: Norm) -> str:
    return reverse("selfregulation:norm_public_detail", args=[norm.organization.uscc, norm.pk])


ADOPT_FORM = {
    "organ": Organ.ASSEMBLY,
    "meeting": "第三届会员代表大会第二次会议",
    "resolution": "济建协〔2026〕5号",
    "attendance": "60",
    "votes_for": "50",
    "votes_against": "5",
    "votes_abstain": "5",
}


# -- workspace access ---------------------------------------------------------------------------------------------


def workspace_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    version = draft(world)
    norm = published(world, kind=NormKind.ETHICS, title="职业道德准则")
    return [
        LIST,
        NEW,
        BODY,
        reverse("selfregulation:norm_workspace_detail", args=[version.norm_id]),
        reverse("selfregulation:norm_version_edit", args=[version.pk]),
        reverse("selfregulation:norm_version_adopt", args=[version.pk]),
        reverse("selfregulation:norm_workspace_amend", args=[norm.pk]),
        reverse("selfregulation:norm_workspace_repeal", args=[norm.pk]),
    ]


def test_workspace_pages_send_anonymous_to_login(world, client):
    for url in workspace_pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["officer_jinan", "member", "department"])
def test_workspace_pages_refuse_other_roles(world, as_user, who):
    c = as_user(getattr(world, who))
    for url in workspace_pages(world):
        assert c.get(url).status_code == 403, url


def test_workspace_pages_open_for_the_associations_staff(world, as_user):
    c = as_user(world.staff_a)
    for url in workspace_pages(world):
        assert c.get(url).status_code == 200, url


def test_staff_of_another_association_gets_404_for_its_norms(world, as_user):
    c = as_user(world.staff_b)
    pages = workspace_pages(world)[3:]
    for url in pages:
        assert c.get(url).status_code == 404, url
    version = NormVersion.objects.filter(published_at__isnull=True).first()
    assert c.post(reverse("selfregulation:norm_version_publish", args=[version.pk])).status_code == 404
    assert c.post(reverse("selfregulation:norm_version_discard", args=[version.pk])).status_code == 404
    assert NormVersion.objects.filter(pk=version.pk).exists()


def test_publish_and_discard_answer_only_post(world, as_user):
    version = draft(world)
    c = as_user(world.staff_a)
    assert c.get(reverse("selfregulation:norm_version_publish", args=[version.pk])).status_code == 405
    assert c.get(reverse("selfregulation:norm_version_discard", args=[version.pk])).status_code == 405


# -- workspace lifecycle --------------------------------------------------------------------------------------------


def test_staff_draft_adopt_and_publish_a_convention_which_appears_on_the_portal(world, as_user, client):
    c = as_user(world.staff_a)
    response = c.post(
        NEW, {"kind": NormKind.CONVENTION, "title": "济南市建筑业行业自律公约", "text": TEXT, "scope": "全体会员"}
    )
    assert response.status_code == 302
    norm = Norm.objects.get()
    version = norm.versions.get()
    # SR-1: the council cannot adopt a 行规行约; the error sits on the organ field
    refused = c.post(
        reverse("selfregulation:norm_version_adopt", args=[version.pk]),
        {**ADOPT_FORM, "organ": Organ.COUNCIL, "meeting_on": today().isoformat()},
    )
    assert refused.status_code == 200
    assert "SR-1" in refused.context["form"].errors["organ"][0]
    adopted = c.post(
        reverse("selfregulation:norm_version_adopt", args=[version.pk]),
        {**ADOPT_FORM, "meeting_on": today().isoformat()},
    )
    assert adopted.status_code == 302
    published_ = c.post(reverse("selfregulation:norm_version_publish", args=[version.pk]), follow=True)
    assert "已发布" in published_.content.decode()
    norm.refresh_from_db()
    assert norm.current_id == version.pk
    portal = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert 'id="norms"' in portal and "济南市建筑业行业自律公约" in portal and public_url(norm) in portal
    page = client.get(public_url(norm)).content.decode()
    assert "会员（代表）大会" in page and "济建协〔2026〕5号" in page and "赞成 50" in page


def test_draft_form_shows_chinese_errors_on_fields(world, as_user):
    c = as_user(world.staff_a)
    response = c.post(NEW, {"kind": NormKind.GROUP_STANDARD, "title": "施工质量规范", "code": "GB 1-2026", "text": "x"})
    assert response.status_code == 200
    assert "T/社会团体代号" in response.context["form"].errors["code"][0]
    empty = c.post(NEW, {"kind": NormKind.CONVENTION})
    assert "这个字段是必填项" in empty.context["form"].errors["title"][0]


def test_adopt_form_names_the_votes_field(world, as_user):
    version = draft(world)
    c = as_user(world.staff_a)
    url = reverse("selfregulation:norm_version_adopt", args=[version.pk])
    half = c.post(
        url,
        {
            **ADOPT_FORM,
            "meeting_on": today().isoformat(),
            "votes_for": "30",
            "votes_against": "30",
            "votes_abstain": "0",
        },
    )
    assert "半数" in half.context["form"].errors["votes_for"][0]
    over = c.post(url, {**ADOPT_FORM, "meeting_on": today().isoformat(), "attendance": "10"})
    assert "超过出席人数" in over.context["form"].errors["attendance"][0]
    future = c.post(url, {**ADOPT_FORM, "meeting_on": (today() + dt.timedelta(days=2)).isoformat()})
    assert "不能晚于今天" in future.context["form"].errors["meeting_on"][0]


def test_edit_page_refuses_an_adopted_draft_with_a_message(world, as_user):
    version = draft(world)
    adopt(version, world.staff_a)
    c = as_user(world.staff_a)
    response = c.post(
        reverse("selfregulation:norm_version_edit", args=[version.pk]),
        {"kind": NormKind.CONVENTION, "title": "改名", "text": "改"},
    )
    assert response.status_code == 200 and "不能再修改" in response.content.decode()
    version.refresh_from_db()
    assert version.text == TEXT


def test_staff_amend_and_the_portal_shows_history_with_the_reason(world, as_user, client):
    norm = published(world)
    c = as_user(world.staff_a)
    response = c.post(
        reverse("selfregulation:norm_workspace_amend", args=[norm.pk]),
        {"reason": "增加禁止低价投标条款", "text": TEXT + "\n第三条 新增。", "scope": "全体会员"},
    )
    assert response.status_code == 302
    v2 = norm.versions.get(number=2)
    # before publication the amendment is the association's own business
    assert "增加禁止低价投标条款" not in client.get(public_url(norm)).content.decode()
    adopt(v2, world.staff_a)
    c.post(reverse("selfregulation:norm_version_publish", args=[v2.pk]))
    page = client.get(public_url(norm)).content.decode()
    assert "现行文本（第 2 版）" in page and "增加禁止低价投标条款" in page and "第 1 版全文" in page


def test_amend_form_requires_a_reason(world, as_user):
    norm = published(world)
    response = as_user(world.staff_a).post(
        reverse("selfregulation:norm_workspace_amend", args=[norm.pk]), {"reason": "", "text": "新"}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors


def test_staff_repeal_and_the_portal_marks_it(world, as_user, client):
    norm = published(world)
    response = as_user(world.staff_a).post(
        reverse("selfregulation:norm_workspace_repeal", args=[norm.pk]),
        {
            "repealed_on": today().isoformat(),
            "organ": Organ.ASSEMBLY,
            "resolution": "济建协〔2026〕9号",
            "reason": "已被取代",
        },
    )
    assert response.status_code == 302
    portal = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert "已废止" in portal
    page = client.get(public_url(norm)).content.decode()
    assert "已废止" in page and "已被取代" in page and today().isoformat() in page


def test_staff_discard_a_draft(world, as_user):
    version = draft(world)
    response = as_user(world.staff_a).post(reverse("selfregulation:norm_version_discard", args=[version.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Norm.objects.exists()


def test_workspace_list_filters_and_counts_queries(world, as_user, django_assert_max_num_queries):
    for i in range(5):
        draft(world, title=f"草案{i}")
    published(world, kind=NormKind.ETHICS, title="职业道德准则")
    standard(world, title="装配式建筑标准")
    published(world, org=world.org_b, actor=world.staff_b, title="青岛公约")
    c = as_user(world.staff_a)
    with django_assert_max_num_queries(9):
        response = c.get(LIST)
    assert response.status_code == 200
    titles = [n.title for n in response.context["page"].items]
    assert len(titles) == 7 and "青岛公约" not in titles
    found = c.get(LIST, {"q": "T/JNJZ"}).context["page"].items
    assert [n.title for n in found] == ["装配式建筑标准"]
    assert [n.title for n in c.get(LIST, {"status": "published"}).context["page"].items] == ["职业道德准则"]


def test_staff_record_the_integrity_body_shown_on_the_portal(world, as_user, client):
    c = as_user(world.staff_a)
    data = {
        "name": "自律与诚信建设工作委员会",
        "established_on": "2024-03-01",
        "head": "王五",
        "duties": "受理违反自律规范的投诉",
        "contact": "13800001111",
    }
    refused = c.post(BODY, data)
    assert "个人手机号" in refused.context["form"].errors["contact"][0]
    assert c.post(BODY, {**data, "contact": "0531-88880000"}).status_code == 302
    assert IntegrityBody.objects.get().head == "王五"
    portal = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert "自律与诚信建设工作委员会" in portal and "0531-88880000" in portal


# -- portal visibility --------------------------------------------------------------------------------------------


VISIBILITY = [
    ("anonymous", False),
    ("member", False),
    ("staff_a", True),
    ("staff_b", False),
    ("officer_jinan", True),
    ("officer_province", True),
    ("officer_qingdao", False),
    ("department", False),
]


@pytest.mark.parametrize(("who", "sees_draft"), VISIBILITY)
def test_public_norm_page_hides_drafts_from_all_but_staff_and_officers_in_jurisdiction(world, as_user, who, sees_draft):
    make_member(world)
    draft_norm = Norm.objects.get(pk=draft(world).norm_id)
    adopted = standard(world)
    adopt(adopted, world.staff_a, organ=Organ.COUNCIL)
    norm = published(world, kind=NormKind.ETHICS, title="职业道德准则")
    amend(norm, world.staff_a, reason="修订中的理由")
    c = as_user(None if who == "anonymous" else getattr(world, who))
    assert c.get(public_url(draft_norm)).status_code == (200 if sees_draft else 404)
    assert c.get(public_url(adopted.norm)).status_code == (200 if sees_draft else 404)
    page = c.get(public_url(norm))
    assert page.status_code == 200
    assert ("修订中的理由" in page.content.decode()) is sees_draft


def test_public_norm_page_of_another_association_is_404(world, client):
    norm = published(world)
    assert client.get(reverse("selfregulation:norm_public_detail", args=[world.org_b.uscc, norm.pk])).status_code == 404
    assert client.get(reverse("selfregulation:norm_public_detail", args=["X" * 18, norm.pk])).status_code == 404


def test_officer_sees_a_draft_read_only(world, as_user):
    version = draft(world)
    page = as_user(world.officer_jinan).get(public_url(version.norm)).content.decode()
    assert "尚未发布" in page and "在工作台办理" not in page and "/workspace/norms/" not in page


def test_public_list_shows_published_norms_only_and_counts_queries(world, as_user, django_assert_max_num_queries):
    draft(world, title="内部草案")
    for i in range(4):
        published(world, kind=NormKind.INITIATIVE, title=f"倡议{i}")
    standard_version = standard(world)
    adopt(standard_version, world.staff_a, organ=Organ.COUNCIL)
    c = as_user(world.staff_a)
    url = reverse("selfregulation:norm_public_list", args=[world.org_a.uscc])
    with django_assert_max_num_queries(9):
        response = c.get(url)
    content = response.content.decode()
    assert response.status_code == 200 and "倡议3" in content and "内部草案" not in content


def test_public_norm_page_counts_queries(world, client, django_assert_max_num_queries):
    norm = published(world)
    for i in range(3):
        v = amend(norm, world.staff_a, reason=f"第{i}次修订")
        adopt(v, world.staff_a)
        services_norms.norm_publish(actor=world.staff_a, version=v, now=clock.now())
    with django_assert_max_num_queries(6):
        response = client.get(public_url(norm))
    assert response.status_code == 200 and "第2次修订" in response.content.decode()


def test_portal_section_groups_by_kind_with_group_standard_details(world, client):
    version = standard(world)
    adopt(version, world.staff_a, organ=Organ.COUNCIL)
    services_norms.norm_publish(actor=world.staff_a, version=version, now=clock.now())
    published(world)
    draft(world, title="未发布的草案")
    body(world)
    portal = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    section = portal[portal.index('id="norms"') :]
    assert section.index("行规行约") < section.index("团体标准")
    assert "T/JNJZ 001—2026" in section and "本市装配式混凝土结构工程" in section
    assert "未发布的草案" not in portal and "自律与诚信建设工作委员会" in section


def test_portal_and_console_panels_count_queries(world, as_user, rf, django_assert_max_num_queries):
    for i in range(5):
        published(world, kind=NormKind.INITIATIVE, title=f"倡议{i}")
        draft(world, title=f"草案{i}")
    body(world)
    request = rf.get("/")
    request.user = world.officer_jinan
    with django_assert_max_num_queries(2):
        portal = faces_norms.portal_norms_panel(request, world.org_a)
    with django_assert_max_num_queries(2):
        console = faces_norms.console_norms_panel(request, world.org_a)
    assert len(portal["groups"][0]["norms"]) == 5 and len(console["norms"]) == 10


# -- console -----------------------------------------------------------------------------------------------------------


def test_console_panel_lists_the_associations_norms_drafts_included(world, as_user):
    draft(world, title="内部草案")
    published(world, kind=NormKind.ETHICS, title="职业道德准则")
    page = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    content = page.content.decode()
    assert page.status_code == 200 and "内部草案" in content and "职业道德准则" in content
    assert 'data-testid="console-norm"' in content


def test_workspace_nav_links_to_norms_for_staff(world, as_user):
    assert LIST in as_user(world.staff_a).get(reverse("registry:workspace_home")).content.decode()
