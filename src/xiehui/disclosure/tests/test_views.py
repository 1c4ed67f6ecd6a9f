"""Disclosure pages through real HTTP: the visibility matrix, the draft form, preview, publish and correct."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reportlab.pdfgen import canvas

from xiehui.conftest import NOW, PASSWORD
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.models import Attachment, Role, User
from xiehui.core.services import user_create
from xiehui.disclosure import services
from xiehui.disclosure.models import ChangeKind, Disclosure, DisclosureVersion
from xiehui.membership import services as membership

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    """A small valid PDF without active content (uploads are parsed, not only sniffed)."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "disclosure")
    page.showPage()
    page.save()
    return out.getvalue()


PDF = _pdf()
FINANCIAL = {
    "fields": {"income": "1200000", "expense": "980000.5", "net_assets": "560000", "auditor": "山东正信会计师事务所"}
}
INCOME = {
    "fields": {"income": "300000", "expense": "200000"},
    "rows": [{"item": "会费", "income": "300000", "expense": ""}],
}
LEADERS = {
    "fields": {"term": "第三届（2024—2029）"},
    "rows": [{"name": "王建国", "post": "会长", "unit": "济南一建集团"}, {"name": "李秀英", "post": "秘书长"}],
}


@pytest.fixture(autouse=True)
def _today(monkeypatch):  # type: ignore[no-untyped-def]
    """Pages read the clock; the world lives on NOW."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


# -- builders (also used by test_views_console.py and test_faces.py) ------------------------------------------


def make_member(org: Any, user: User, *, body: str = "MA000001", region: str = "370100") -> None:
    """Make `user` the representative of a current member enterprise of `org`."""
    member = membership.member_record(
        actor=None,
        organization=org,
        kind="enterprise",
        name=f"会员企业{body}",
        uscc=make_uscc(region_code=region, body=body, category="91"),
        joined_on=dt.date(2024, 1, 1),
        now=NOW,
    )
    membership.representative_add(actor=None, member=member, user=user, since=dt.date(2024, 1, 1), now=NOW)


def with_members(world: Any) -> Any:
    """world.member represents a member of org_a; world.member_b one of org_b."""
    make_member(world.org_a, world.member)
    world.member_b = user_create(
        actor=None, username="member_b", password=PASSWORD, role=Role.MEMBER, display_name="member_b"
    )
    make_member(world.org_b, world.member_b, body="MA000002", region="370200")
    return world


def draft(
    world: Any,
    code: str,
    data: dict[str, Any],
    *,
    org: Any = None,
    period: str = "",
    title: str = "",
    effective_on: dt.date | None = dt.date(2026, 1, 10),
    uploads: tuple = (),
) -> DisclosureVersion:
    org = org or world.org_a
    staff = world.staff_a if org == world.org_a else world.staff_b
    return services.disclosure_draft(
        actor=staff,
        organization=org,
        item_type=code,
        period=period,
        title=title,
        data=data,
        effective_on=effective_on,
        uploads=uploads,
        now=NOW,
    )


def publish(world: Any, code: str, data: dict[str, Any], **kwargs: Any) -> Disclosure:
    version = draft(world, code, data, **kwargs)
    org = kwargs.get("org") or world.org_a
    staff = world.staff_a if org == world.org_a else world.staff_b
    services.version_publish(actor=staff, version=version, now=NOW)
    return Disclosure.objects.get(pk=version.disclosure_id)


def pdf(name: str = "审计报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def item_url(d: Disclosure, **query: Any) -> str:
    url = reverse("disclosure:item", args=[d.organization.uscc, d.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def attachment_url(d: Disclosure, number: int = 1) -> str:
    version = d.versions.get(number=number)
    attachment = Attachment.objects.get(object_id=str(version.pk), purpose=services.ATTACHMENT_PURPOSE)
    return reverse("disclosure:attachment", args=[d.organization.uscc, d.pk, number, attachment.pk])


ACTORS = ["anonymous", "member", "member_b", "staff_a", "staff_b", "officer_jinan", "officer_qingdao"]


def actor(world: Any, who: str) -> User | None:
    return None if who == "anonymous" else getattr(world, who)


# -- the visibility matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_it_shows_a_public_item_and_its_attachment_to_everyone(world, as_user, who):
    with_members(world)
    d = publish(world, "financial_report", FINANCIAL, period="2025", uploads=(pdf(),))
    c = as_user(actor(world, who))
    page = c.get(item_url(d))
    assert page.status_code == 200
    assert "2025年度财务报告" in page.content.decode() and "1,200,000.00" in page.content.decode()
    download = c.get(attachment_url(d))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


MEMBERS_ONLY_READERS = {"member", "staff_a", "officer_jinan"}


@pytest.mark.parametrize("who", ACTORS)
def test_it_shows_a_members_only_item_to_members_staff_and_officers_in_jurisdiction_only(world, as_user, who):
    with_members(world)
    d = publish(world, "income_expenditure", INCOME, period="2026H1", uploads=(pdf("收支表.pdf"),))
    c = as_user(actor(world, who))
    expected = 200 if who in MEMBERS_ONLY_READERS else 404
    assert c.get(item_url(d)).status_code == expected
    assert c.get(attachment_url(d)).status_code == expected


@pytest.mark.parametrize("who", ACTORS)
def test_it_hides_a_draft_from_everyone_but_the_associations_staff(world, as_user, who):
    with_members(world)
    version = draft(world, "financial_report", FINANCIAL, period="2025", uploads=(pdf(),))
    d = version.disclosure
    c = as_user(actor(world, who))
    public = c.get(item_url(d))
    attachment = c.get(attachment_url(d))
    preview = c.get(reverse("disclosure:workspace_preview", args=[d.pk]))
    if who == "staff_a":
        assert public.status_code == 302 and public["Location"] == reverse("disclosure:workspace_preview", args=[d.pk])
        assert attachment.status_code == 200
        assert preview.status_code == 200
        return
    assert public.status_code == 404
    assert attachment.status_code == 404
    if who == "anonymous":
        assert preview.status_code == 302 and "/accounts/login/" in preview["Location"]
    else:
        assert preview.status_code == (404 if who == "staff_b" else 403)


@pytest.mark.parametrize("who", ACTORS)
def test_it_lists_filed_annual_work_reports_to_member_readers_only(world, as_user, who):
    from xiehui.supervision.tests.test_reports_services import submitted

    with_members(world)
    submitted(world, on=dt.date(2026, 5, 20))
    c = as_user(actor(world, who))
    response = c.get(reverse("disclosure:annual_reports", args=[world.org_a.uscc]))
    assert response.status_code == (200 if who in MEMBERS_ONLY_READERS else 404)
    if response.status_code == 200:
        assert response.content.decode().count('data-testid="annual-report"') == 1


def test_it_serves_only_attachments_of_the_version_named(world, as_user):
    d = publish(world, "financial_report", FINANCIAL, period="2025", uploads=(pdf(),))
    other = publish(world, "donations", {"fields": {"total": "0"}}, period="2025", uploads=(pdf("捐赠.pdf"),))
    foreign = Attachment.objects.get(object_id=str(other.current_id))
    c = as_user(None)
    assert c.get(reverse("disclosure:attachment", args=[world.org_a.uscc, d.pk, 1, foreign.pk])).status_code == 404
    assert c.get(reverse("disclosure:attachment", args=[world.org_a.uscc, d.pk, 2, foreign.pk])).status_code == 404
    # the item of another association under this association's code does not exist either
    assert c.get(reverse("disclosure:item", args=[world.org_b.uscc, d.pk])).status_code == 404


def workspace_pages(d: Disclosure) -> list[str]:
    return [
        reverse("disclosure:workspace_overview"),
        reverse("disclosure:workspace_catalogue"),
        reverse("disclosure:workspace_new", args=["financial_report"]),
        reverse("disclosure:workspace_item", args=[d.pk]),
        reverse("disclosure:workspace_edit", args=[d.pk]),
        reverse("disclosure:workspace_revise", args=[d.pk]),
        reverse("disclosure:workspace_preview", args=[d.pk]),
    ]


def test_anonymous_is_sent_to_login_from_the_workspace(world, client):
    d = draft(world, "financial_report", FINANCIAL, period="2025").disclosure
    for url in workspace_pages(d):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for name in ("disclosure:workspace_publish", "disclosure:workspace_discard"):
        response = client.post(reverse(name, args=[d.current_id or d.versions.get().pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "officer_jinan", "department"])
def test_the_workspace_is_for_association_staff_only(world, as_user, who):
    d = draft(world, "financial_report", FINANCIAL, period="2025").disclosure
    c = as_user(getattr(world, who))
    for url in workspace_pages(d):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("disclosure:workspace_publish", args=[d.versions.get().pk])).status_code == 403


def test_staff_of_another_association_cannot_reach_this_ones_items(world, as_user):
    version = draft(world, "financial_report", FINANCIAL, period="2025")
    d = version.disclosure
    c = as_user(world.staff_b)
    for url in workspace_pages(d)[3:]:
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("disclosure:workspace_publish", args=[version.pk])).status_code == 404
    assert c.post(reverse("disclosure:workspace_discard", args=[version.pk])).status_code == 404
    version.refresh_from_db()
    assert version.is_draft


# -- the workspace -----------------------------------------------------------------------------------------


def test_the_overview_shows_dis_3_and_the_items_with_their_state(world, as_user, django_assert_max_num_queries):
    publish(world, "financial_report", FINANCIAL, period="2025")
    publish(world, "leaders", LEADERS)
    published = publish(
        world, "charter", {"fields": {"adopted_on": "2024-03-01", "adopted_by": "大会", "text": "章程"}}
    )
    services.version_new(
        actor=world.staff_a,
        disclosure=published,
        change_kind=ChangeKind.CORRECTION,
        reason="更正通过日期",
        data={"fields": {"adopted_on": "2024-03-02", "adopted_by": "大会", "text": "章程"}},
        now=NOW,
    )
    draft(world, "income_expenditure", INCOME, period="2026H1")
    c = as_user(world.staff_a)
    with django_assert_max_num_queries(16):
        response = c.get(reverse("disclosure:workspace_overview"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="disclosure-timeliness"' in body and "逾期未公开" in body
    assert "第 2 版草稿待公开" in body and "2026年上半年收支情况" in body
    assert "组织机构应于2025-01-31前公开，至今未公开" in body  # standing: 30 days from the first platform year
    assert "2025年下半年收支情况应于2026-01-30前公开，至今未公开" in body


def test_the_overview_searches_and_filters_by_type(world, as_user):
    publish(world, "financial_report", FINANCIAL, period="2025")
    publish(world, "leaders", LEADERS)
    c = as_user(world.staff_a)
    url = reverse("disclosure:workspace_overview")
    by_type = c.get(url, {"item_type": "leaders"}).content.decode().split('data-testid="disclosure-items"')[1]
    assert "负责人及理事会成员" in by_type and "2025年度财务报告" not in by_type
    by_text = c.get(url, {"q": "2025"}).content.decode().split('data-testid="disclosure-items"')[1]
    assert "2025年度财务报告" in by_text and "负责人及理事会成员" not in by_text


def test_the_catalogue_offers_typed_items_and_names_where_sourced_ones_come_from(world, as_user):
    leaders = publish(world, "leaders", LEADERS)
    body = as_user(world.staff_a).get(reverse("disclosure:workspace_catalogue")).content.decode()
    assert reverse("disclosure:workspace_new", args=["financial_report"]) in body
    assert reverse("disclosure:workspace_new", args=["registration"]) not in body
    assert "由登记管理机关登记信息自动公开" in body and "向会员公开" in body and "每半年" in body
    assert reverse("disclosure:workspace_item", args=[leaders.pk]) in body  # a standing item exists once


def test_it_refuses_a_sourced_item_type_in_the_form(world, as_user):
    c = as_user(world.staff_a)
    assert c.get(reverse("disclosure:workspace_new", args=["annual_work_report"])).status_code == 404
    assert c.get(reverse("disclosure:workspace_new", args=["nonsense"])).status_code == 404


def test_the_form_is_generated_from_the_item_type(world, as_user):
    body = as_user(world.staff_a).get(reverse("disclosure:workspace_new", args=["trips_abroad"])).content.decode()
    assert 'type="date" name="fields-departed_on"' in body
    assert 'name="fields-cost"' in body and 'step="0.01"' in body
    assert '<textarea name="fields-purpose"' in body
    assert 'name="title"' in body and 'name="effective_on"' in body and "事项发生或变更日期" in body
    assert 'name="rows-TOTAL_FORMS" value="3"' in body and 'name="rows-2-name"' in body
    assert 'name="attachments"' in body and "multiple" in body and "添加行" in body
    yearly = as_user(world.staff_a).get(reverse("disclosure:workspace_new", args=["fee_income"])).content.decode()
    assert 'name="period" value="2025"' in yearly and 'name="effective_on"' not in yearly


def form_post(data: dict[str, Any], rows: list[dict[str, str]] | None = None, **meta: Any) -> dict[str, Any]:
    """The POST body of the draft form: meta fields as given, fields-*, and rows-* with a management form."""
    post: dict[str, Any] = dict(meta)
    for name, value in data.get("fields", {}).items():
        post[f"fields-{name}"] = value
    if rows is not None:
        post.update({"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"})
        for i, row in enumerate(rows):
            for name, value in row.items():
                post[f"rows-{i}-{name}"] = value
    return post


def test_it_saves_a_draft_and_shows_the_preview(world, as_user):
    c = as_user(world.staff_a)
    post = form_post(FINANCIAL, period="2025", body="经审计", attachments=[pdf()])
    response = c.post(reverse("disclosure:workspace_new", args=["financial_report"]), post)
    d = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("disclosure:workspace_preview", args=[d.pk])
    preview = c.get(response["Location"]).content.decode()
    assert 'data-testid="preview-banner"' in preview and "预览：尚未公开" in preview
    assert "980,000.50" in preview and "审计报告.pdf" in preview and "经审计" in preview
    assert reverse("disclosure:workspace_publish", args=[d.versions.get().pk]) in preview


def test_it_shows_a_missing_required_field_on_that_field(world, as_user):
    c = as_user(world.staff_a)
    post = form_post({"fields": {"expense": "1", "net_assets": "1"}}, period="2025")
    response = c.post(reverse("disclosure:workspace_new", args=["financial_report"]), post)
    assert response.status_code == 200
    assert response.context["editor"].fields.errors["income"] == ["请填写“本年收入合计（元）”"]
    assert not Disclosure.objects.exists()


def test_it_shows_a_bad_amount_on_that_field(world, as_user):
    c = as_user(world.staff_a)
    post = form_post({"fields": {**FINANCIAL["fields"], "income": "12,8a"}}, period="2025")
    response = c.post(reverse("disclosure:workspace_new", args=["financial_report"]), post)
    assert response.context["editor"].fields.errors["income"] == ["“本年收入合计（元）”应为金额（元），如 12800.00"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_it_shows_a_bad_amount_in_a_row_on_that_row(world, as_user):
    c = as_user(world.staff_a)
    rows = [
        {"donor": "济南一建集团", "amount": "50000", "purpose": "培训"},
        {"donor": "某基金会", "amount": "5万"},
        {"donor": "", "amount": "100"},
    ]
    post = form_post({"fields": {"total": "50000"}}, rows, period="2025")
    response = c.post(reverse("disclosure:workspace_new", args=["donations"]), post)
    forms = response.context["editor"].rows.forms
    assert not forms[0].errors
    assert forms[1].errors["amount"] == ["“金额（元）”应为金额（元），如 12800.00"]
    assert forms[2].errors["donor"] == ["请填写“捐赠方”"]
    assert 'data-testid="row-1"' in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_service_refusal_lands_on_the_field_it_names(world, as_user):
    c = as_user(world.staff_a)
    response = c.post(
        reverse("disclosure:workspace_new", args=["financial_report"]), form_post(FINANCIAL, period="2026")
    )
    assert response.context["editor"].meta.errors["period"] == ["2026年度尚未结束，不能公开“年度财务报告”"]
    publish(world, "financial_report", FINANCIAL, period="2025")
    again = c.post(reverse("disclosure:workspace_new", args=["financial_report"]), form_post(FINANCIAL, period="2025"))
    assert "“2025年度财务报告”已存在" in again.content.decode()
    assert reverse("disclosure:workspace_item", args=[Disclosure.objects.get().pk]) in again.content.decode()


def test_it_refuses_a_text_file_named_pdf_and_saves_nothing(world, as_user):
    c = as_user(world.staff_a)
    fake = SimpleUploadedFile("审计报告.pdf", "这不是PDF".encode(), content_type="application/pdf")
    response = c.post(
        reverse("disclosure:workspace_new", args=["financial_report"]),
        form_post(FINANCIAL, period="2025", attachments=[fake]),
    )
    assert response.status_code == 200
    errors = response.context["editor"].meta.errors["attachments"]
    assert errors == ["文件“审计报告.pdf”的类型不受支持，仅接受 PDF、PNG、JPEG（按文件内容识别，而非扩展名）"]
    assert "的类型不受支持" in response.content.decode()
    assert not Disclosure.objects.exists() and not DisclosureVersion.objects.exists()
    assert not Attachment.objects.exists()


def test_add_rows_shows_three_more_blank_rows_keeping_what_was_typed(world, as_user):
    c = as_user(world.staff_a)
    rows = [{"donor": "济南一建集团", "amount": "50000"}, {"donor": "", "amount": ""}]
    post = form_post({"fields": {"total": ""}}, rows, period="2025", add_rows="1")
    response = c.post(reverse("disclosure:workspace_new", args=["donations"]), post)
    body = response.content.decode()
    assert response.status_code == 200 and not Disclosure.objects.exists()
    assert 'name="rows-TOTAL_FORMS" value="5"' in body
    assert 'value="济南一建集团"' in body and 'name="rows-4-donor"' in body
    assert "errorlist" not in body  # nothing was validated yet


def test_it_deletes_a_row_marked_for_deletion(world, as_user):
    c = as_user(world.staff_a)
    rows = [{"donor": "甲", "amount": "1", "DELETE": "on"}, {"donor": "乙", "amount": "2"}]
    c.post(
        reverse("disclosure:workspace_new", args=["donations"]),
        form_post({"fields": {"total": "2"}}, rows, period="2025"),
    )
    assert DisclosureVersion.objects.get().data["rows"] == [{"donor": "乙", "amount": "2.00", "purpose": ""}]


def test_it_edits_a_draft_and_removes_an_attachment(world, as_user):
    version = draft(world, "trips_abroad", TRIP, title="赴德国考察", uploads=(pdf("行程.pdf"),))
    attachment = Attachment.objects.get()
    c = as_user(world.staff_a)
    url = reverse("disclosure:workspace_edit", args=[version.disclosure_id])
    page = c.get(url).content.decode()
    assert 'value="德国"' in page and 'value="王建国"' in page and "行程.pdf" in page
    post = form_post(
        {"fields": {**TRIP["fields"], "cost": "88000"}},
        [{"name": "王建国", "unit": "会长"}],
        title="2026年3月赴德国考察",
        effective_on="2026-03-20",
        remove_attachments=[str(attachment.pk)],
    )
    post["rows-INITIAL_FORMS"] = "1"
    response = c.post(url, post)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.data["fields"]["cost"] == "88000.00" and version.effective_on == dt.date(2026, 3, 20)
    assert version.disclosure.title == "2026年3月赴德国考察"
    assert not Attachment.objects.exists()


TRIP = {
    "fields": {
        "destination": "德国",
        "departed_on": "2026-03-10",
        "returned_on": "2026-03-18",
        "purpose": "考察建筑工业化",
        "cost": "86000",
        "funded_by": "协会自有资金",
    },
    "rows": [{"name": "王建国", "unit": "会长"}],
}


def test_it_publishes_then_corrects_and_the_public_sees_both_versions_and_the_reason(world, as_user):
    c = as_user(world.staff_a)
    c.post(reverse("disclosure:workspace_new", args=["financial_report"]), form_post(FINANCIAL, period="2025"))
    d = Disclosure.objects.get()
    first = d.versions.get()
    assert c.post(reverse("disclosure:workspace_publish", args=[first.pk])).status_code == 302
    revise = c.get(reverse("disclosure:workspace_revise", args=[d.pk])).content.decode()
    assert 'value="1200000.00"' in revise and 'value="correction"' in revise and 'value="update"' not in revise
    corrected = form_post(
        {"fields": {**FINANCIAL["fields"], "income": "1250000"}},
        change_kind="correction",
        reason="收入合计漏计利息收入",
    )
    response = c.post(reverse("disclosure:workspace_revise", args=[d.pk]), corrected)
    assert response["Location"] == reverse("disclosure:workspace_preview", args=[d.pk])
    second = d.versions.get(number=2)
    c.post(reverse("disclosure:workspace_publish", args=[second.pk]))
    page = as_user(None).get(item_url(d)).content.decode()
    assert "1,250,000.00" in page and "收入合计漏计利息收入" in page and "更正原因" in page
    assert "第 1 版" in page and "第 2 版" in page and "首次公开" in page and "更正" in page
    assert "?v=1" in page
    old = as_user(None).get(item_url(d, v=1)).content.decode()
    assert "1,200,000.00" in old and 'data-testid="old-version"' in old
    assert as_user(None).get(item_url(d, v=3)).status_code == 404
    assert as_user(None).get(item_url(d, v="x")).status_code == 404


def test_the_item_page_links_to_the_false_disclosure_complaint(world, as_user):
    d = publish(world, "financial_report", FINANCIAL, period="2025")
    page = as_user(None).get(item_url(d)).content.decode()
    query = f"uscc={world.org_a.uscc}&amp;pledge=false_disclosure&amp;source=disclosure:{d.pk}"
    link = f"{reverse('supervision:complaint_new')}?{query}"
    assert link in page


def test_an_update_needs_the_date_of_the_change_and_a_reason(world, as_user):
    d = publish(world, "leaders", LEADERS)
    c = as_user(world.staff_a)
    url = reverse("disclosure:workspace_revise", args=[d.pk])
    assert 'value="update"' in c.get(url).content.decode()
    rows = [*LEADERS["rows"], {"name": "赵六", "post": "副会长", "unit": ""}]
    response = c.post(url, form_post(LEADERS, rows, change_kind="update", reason=""))
    assert response.context["editor"].meta.errors["reason"] == ["请说明更正或变更的原因，原因将随新版本一并公开"]
    response = c.post(url, form_post(LEADERS, rows, change_kind="update", reason="第三届理事会增补副会长"))
    assert "请填写事项生效或变更日期" in response.context["editor"].meta.errors["effective_on"][0]
    response = c.post(
        url, form_post(LEADERS, rows, change_kind="update", reason="第三届理事会增补副会长", effective_on="2026-11-01")
    )
    assert response.status_code == 302
    version = d.versions.get(number=2)
    assert version.change_kind == ChangeKind.UPDATE and len(version.data["rows"]) == 3


def test_it_sends_a_second_revision_back_to_the_pending_draft(world, as_user):
    d = publish(world, "leaders", LEADERS)
    services.version_new(
        actor=world.staff_a, disclosure=d, change_kind=ChangeKind.CORRECTION, reason="更正姓名", data=LEADERS, now=NOW
    )
    response = as_user(world.staff_a).get(reverse("disclosure:workspace_revise", args=[d.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("disclosure:workspace_item", args=[d.pk])


def test_discarding_a_first_draft_removes_the_item(world, as_user):
    version = draft(world, "financial_report", FINANCIAL, period="2025", uploads=(pdf(),))
    response = as_user(world.staff_a).post(reverse("disclosure:workspace_discard", args=[version.pk]))
    assert response["Location"] == reverse("disclosure:workspace_overview")
    assert not Disclosure.objects.exists() and not Attachment.objects.exists()


def test_publishing_twice_is_refused_with_a_message(world, as_user):
    version = draft(world, "financial_report", FINANCIAL, period="2025")
    c = as_user(world.staff_a)
    c.post(reverse("disclosure:workspace_publish", args=[version.pk]))
    response = c.post(reverse("disclosure:workspace_publish", args=[version.pk]), follow=True)
    assert "不能修改（DIS-4）" in response.content.decode()
    assert c.get(reverse("disclosure:workspace_publish", args=[version.pk])).status_code == 405


def test_the_item_page_reads_in_few_queries(world, as_user, django_assert_max_num_queries):
    d = publish(world, "leaders", LEADERS, uploads=(pdf(), pdf("名单.pdf")))
    for n in range(3):
        services.version_new(
            actor=world.staff_a,
            disclosure=d,
            change_kind=ChangeKind.CORRECTION,
            reason=f"更正第{n}处",
            data=LEADERS,
            now=NOW,
        )
        services.version_publish(actor=world.staff_a, version=d.versions.get(published_at=None), now=NOW)
    with_members(world)
    c = as_user(world.member)
    with django_assert_max_num_queries(12):
        response = c.get(item_url(d))
    assert (
        response.status_code == 200 and response.content.decode().count("更正第2处") == 2
    )  # the current reason and the history


def test_service_refusals_are_mapped_to_fields_and_rows(world):
    from xiehui.core.errors import ApplicationError
    from xiehui.disclosure import catalogue
    from xiehui.disclosure.forms import NEW, Editor

    post = form_post({"fields": {"total": "1"}}, [{"donor": "甲", "amount": "1"}, {"donor": "乙", "amount": "2"}])
    editor = Editor(catalogue.get("donations"), mode=NEW, data={**post, "period": "2025"})
    assert editor.is_valid()
    editor.add_service_error(ApplicationError("金额不对", code="x", field="rows.1.amount"))
    editor.add_service_error(ApplicationError("合计不对", code="x", field="fields.total"))
    editor.add_service_error(ApplicationError("附件不对", code="x", field="files"))
    editor.add_service_error(ApplicationError("已存在", code="x", field="item_type"))
    assert editor.rows.forms[1].errors["amount"] == ["金额不对"] and not editor.rows.forms[0].errors
    assert editor.fields.errors["total"] == ["合计不对"]
    assert editor.meta.errors["attachments"] == ["附件不对"] and editor.meta.non_field_errors() == ["已存在"]


def test_an_odd_digit_is_refused_as_a_number_not_a_crash(world, as_user):
    rows = [{"leader": "王建国", "post": "会长", "trust": "²", "distrust": "0", "abstain": "0"}]
    post = form_post(
        {"fields": {"held_on": "2026-03-01", "meeting": "会员大会"}}, rows, title="信任投票", effective_on="2026-03-01"
    )
    response = as_user(world.staff_a).post(reverse("disclosure:workspace_new", args=["trust_votes"]), post)
    assert response.context["editor"].rows.forms[0].errors["trust"] == ["“信任票”应为不小于 0 的整数"]
