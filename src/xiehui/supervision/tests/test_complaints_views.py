"""Complaint pages over HTTP: the portal form and tracking page, the console queue and detail, the panels."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.supervision.models import Complaint, ComplaintStatus, Pledge
from xiehui.supervision.services import complaints as services

from .test_complaints_services import DESCRIPTION, PHONE, answered, at, file_complaint, pdf

pytestmark = pytest.mark.django_db

NEW = reverse("supervision:complaint_new")
STATUS = reverse("supervision:complaint_status")
QUEUE = reverse("supervision:console_complaints")


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def form_data(world, **overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "uscc": world.org_a.uscc,
        "pledge": Pledge.APPORTIONED_FEES,
        "description": DESCRIPTION,
        "name": "李实名",
        "phone": PHONE,
    }
    data.update(overrides)
    return data


def detail(complaint: Complaint) -> str:
    return reverse("supervision:console_complaint", args=[complaint.pk])


# -- portal -------------------------------------------------------------------------------------------


def test_site_nav_links_to_complaints(world, client):
    assert f'href="{NEW}"' in client.get("/").text and "投诉举报" in client.get("/").text


def test_form_is_prefilled_from_uscc(world, client):
    response = client.get(NEW, {"uscc": world.org_a.uscc})
    assert response.status_code == 200
    assert world.org_a.name in response.text and f'value="{world.org_a.uscc}"' in response.text


def test_form_offers_associations_found_by_name(world, client):
    response = client.get(NEW, {"q": "软件"})
    assert "<select" in response.text and world.org_b.name in response.text and world.org_a.name not in response.text


def test_it_files_named_complaint_and_shows_progress_without_identity(world, client):
    response = client.post(NEW, form_data(world, evidence=[pdf()]))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.code in response["Location"]
    assert complaint.complainant_name == "李实名" and complaint.pledge == Pledge.APPORTIONED_FEES
    page = client.get(response["Location"])
    assert complaint.code in page.text and "已受理" in page.text and complaint.due_on.isoformat() in page.text
    assert "李实名" not in page.text and PHONE not in page.text and PHONE[-4:] not in page.text
    assert DESCRIPTION not in page.text


def test_it_files_anonymous_complaint(world, client):
    client.post(NEW, form_data(world, anonymous="on", name="", phone=""))
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.complainant_name == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "实名投诉请填写投诉人姓名"),
        ({"phone": "12345"}, "联系电话格式不正确"),
        ({"uscc": "51370100MJ0000099X"}, "未找到该统一社会信用代码对应的社会团体"),
        ({"description": "太短"}, "10"),
    ],
    ids=["no-name", "bad-phone", "unknown-uscc", "short-description"],
)
def test_form_shows_error_and_saves_nothing(world, client, overrides, message):
    response = client.post(NEW, form_data(world, **overrides))
    assert response.status_code == 200 and message in response.text
    assert not Complaint.objects.exists()


def test_sup_1_rate_limit_answers_429_in_chinese_after_5_posts(world, client):
    for _ in range(5):
        assert client.post(NEW, form_data(world, name="")).status_code == 200  # refused input still counts
    response = client.post(NEW, form_data(world))
    assert response.status_code == 429 and "提交过于频繁" in response.text
    assert not Complaint.objects.exists()
    assert client.get(NEW).status_code == 200  # reading the form is not limited
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(NEW, form_data(world)).status_code == 302  # another address has its own count


def test_tracking_page_shows_answer_and_hides_internal_notes(world, client):
    complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    services.complaint_investigate(actor=world.officer_jinan, complaint=complaint, note="内部备注勿外传", now=NOW)
    page = client.get(STATUS, {"code": complaint.code})
    assert "调查中" in page.text and "内部备注勿外传" not in page.text and "张投诉" not in page.text
    answered_complaint = answered(world, file_complaint(world.org_a))
    page = client.get(STATUS, {"code": answered_complaint.code})
    assert "您反映的情况属实" in page.text and "属实" in page.text


def test_tracking_page_reports_unknown_code(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        page = client.get(STATUS, {"code": "ABCDEFGHJKMN"})
    assert page.status_code == 200 and "未找到该查询码对应的投诉" in page.text


def test_portal_page_of_association_links_to_complaint_form(world, client):
    page = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "投诉该协会" in page.text and f"{NEW}?uscc={world.org_a.uscc}" in page.text


# -- console: access ----------------------------------------------------------------------------------


def console_urls(complaint: Complaint) -> list[str]:
    return [QUEUE, detail(complaint)]


def test_console_requires_login(world, client):
    complaint = file_complaint(world.org_a)
    for url in console_urls(complaint):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "member", "department"])
def test_console_refuses_other_roles(world, as_user, who):
    complaint = file_complaint(world.org_a)
    client = as_user(getattr(world, who))
    for url in console_urls(complaint):
        assert client.get(url).status_code == 403
    assert client.post(detail(complaint), {"action": "dismiss", "reason": "x"}).status_code == 403
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_officer_of_other_region_gets_404_and_empty_queue(world, as_user):
    complaint = file_complaint(world.org_a)
    client = as_user(world.officer_qingdao)
    assert client.get(detail(complaint)).status_code == 404
    assert client.post(detail(complaint), {"action": "dismiss", "reason": "x"}).status_code == 404
    assert complaint.code not in client.get(QUEUE).text


def test_handling_officer_sees_identity_and_evidence(world, as_user):
    complaint = file_complaint(world.org_a, uploads=[pdf()])
    client = as_user(world.officer_jinan)
    page = client.get(detail(complaint))
    assert page.status_code == 200 and "张投诉" in page.text and DESCRIPTION in page.text
    assert PHONE not in page.text and "139****5678" in page.text  # masked on screen
    attachment = reverse(
        "supervision:console_complaint_attachment", args=[complaint.pk, complaint_attachment(complaint)]
    )
    response = client.get(attachment)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def complaint_attachment(complaint: Complaint) -> int:
    from xiehui.core.files import attachments_of

    return attachments_of(complaint)[0].pk


def test_province_officer_sees_complaint_but_not_identity(world, as_user):
    complaint = file_complaint(world.org_a, uploads=[pdf()])
    client = as_user(world.officer_province)
    page = client.get(detail(complaint))
    assert page.status_code == 200 and DESCRIPTION in page.text
    assert "张投诉" not in page.text and PHONE not in page.text and "仅承办的登记管理机关工作人员可见" in page.text
    assert 'name="action" value="assign"' not in page.text
    url = reverse("supervision:console_complaint_attachment", args=[complaint.pk, complaint_attachment(complaint)])
    assert client.get(url).status_code == 404
    assert as_user(world.officer_qingdao).get(url).status_code == 404


# -- console: queue -----------------------------------------------------------------------------------


def test_queue_lists_jurisdiction_sorted_by_due_date_with_overdue_badge(world, as_user):
    late = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    fresh = file_complaint(world.org_a)
    file_complaint(world.org_b)
    page = as_user(world.officer_jinan).get(QUEUE)
    assert page.text.index(late.code) < page.text.index(fresh.code)
    assert "已超期" in page.text and world.org_b.name not in page.text


def test_queue_filters_overdue_and_mine(world, as_user):
    late = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    fresh = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=fresh, assignee=world.officer_jinan, now=NOW)
    client = as_user(world.officer_jinan)
    page = client.get(QUEUE, {"overdue": "on"})
    assert late.code in page.text and fresh.code not in page.text
    page = client.get(QUEUE, {"mine": "on"})
    assert fresh.code in page.text and late.code not in page.text


def test_queue_exports_csv(world, as_user):
    complaint = file_complaint(world.org_a)
    response = as_user(world.officer_jinan).get(QUEUE, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "查询码" in body and complaint.code in body and world.org_a.uscc in body
    assert "张投诉" not in body and PHONE not in body


def test_queue_query_count_does_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    client = as_user(world.officer_jinan)
    for _ in range(3):
        complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    with django_assert_max_num_queries(7):
        first = client.get(QUEUE)
    for _ in range(10):
        file_complaint(world.org_b if _ % 2 else world.org_a)
    with django_assert_max_num_queries(7):
        second = client.get(QUEUE)
    assert first.status_code == second.status_code == 200


# -- console: handling --------------------------------------------------------------------------------


def test_officer_handles_complaint_through_the_page(world, as_user):
    complaint = file_complaint(world.org_a)
    client = as_user(world.officer_jinan)
    page = client.get(detail(complaint))
    assert "SUP-1" in page.text and "answer_days=60" in page.text
    assert client.post(detail(complaint), {"action": "assign", "assignee": world.officer_jinan.pk}).status_code == 302
    assert client.post(detail(complaint), {"action": "investigate", "note": "调取收费凭证"}).status_code == 302
    response = client.post(
        detail(complaint),
        {"action": "answer", "outcome": "substantiated", "findings": "经查属实", "answer": "已责令整改"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.outcome == "substantiated"
    page = client.get(detail(complaint))
    assert "调取收费凭证" in page.text and "内部" in page.text


def test_handling_form_shows_service_refusal(world, as_user):
    complaint = file_complaint(world.org_a)
    client = as_user(world.officer_jinan)
    response = client.post(detail(complaint), {"action": "assign", "assignee": world.officer_qingdao.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.text  # not an assignable officer
    response = client.post(detail(complaint), {"action": "dismiss", "reason": ""})
    assert response.status_code == 200
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_detail_shows_overdue_badge(world, as_user):
    complaint = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    page = as_user(world.officer_jinan).get(detail(complaint))
    assert 'data-testid="overdue"' in page.text and "2026-03-02" in page.text


def test_detail_query_count(world, as_user, django_assert_max_num_queries):
    complaint = file_complaint(world.org_a, uploads=[pdf()])
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(10):
        assert client.get(detail(complaint)).status_code == 200


# -- panels -------------------------------------------------------------------------------------------


def test_console_home_shows_complaint_figures(world, as_user):
    file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    file_complaint(world.org_a)
    file_complaint(world.org_b)
    page = as_user(world.officer_jinan).get(reverse("registry:console_home"))
    assert 'data-testid="complaint-figures"' in page.text
    assert "未办结投诉" in page.text and "已超答复期限（SUP-1）" in page.text


def test_console_org_lists_the_associations_complaints(world, as_user):
    complaint = file_complaint(world.org_a)
    page = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    assert complaint.code in page.text and "列入重点检查" in page.text


def test_workspace_shows_complaints_without_identity(world, as_user):
    answered(world, file_complaint(world.org_a))
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert 'data-testid="workspace-complaints"' in page.text and "属实" in page.text
    assert "张投诉" not in page.text and PHONE not in page.text and DESCRIPTION not in page.text
    complaint = Complaint.objects.get()
    assert complaint.code not in page.text
    other = as_user(world.staff_b).get(reverse("registry:workspace_home"))
    assert 'data-testid="workspace-complaints"' not in other.text


def test_handling_officer_reveals_the_phone_and_it_is_audited(world, as_user):
    from xiehui.core.models import AuditEntry

    complaint = file_complaint(world.org_a)
    url = reverse("supervision:console_complaint_contact", args=[complaint.pk])
    response = as_user(world.officer_jinan).post(url)
    assert response.status_code == 200 and PHONE in response.text
    entry = AuditEntry.objects.get(action="supervision.complaint.contact_revealed")
    assert entry.actor_label == "officer_jinan" and PHONE not in str(entry.changes)
    assert as_user(world.officer_province).post(url).status_code == 403  # sees the complaint, does not handle it
    assert as_user(world.officer_qingdao).post(url).status_code == 404
    assert as_user(world.staff_a).post(url).status_code == 403


# -- prefilled from a pledge or a disclosure (issue 4) ------------------------------------------------


def test_form_preselects_the_pledge_named_in_the_link(world, client):
    page = client.get(NEW, {"uscc": world.org_a.uscc, "pledge": Pledge.SLUSH_FUNDS})
    assert re.search(r'value="slush_funds"[^>]*checked', page.text)
    assert len(re.findall(r'name="pledge"[^>]*checked', page.text)) == 1


def test_form_ignores_a_pledge_that_is_not_a_complaint_ground(world, client):
    page = client.get(NEW, {"uscc": world.org_a.uscc, "pledge": "no_forced_membership"})
    assert page.status_code == 200 and not re.search(r'name="pledge"[^>]*checked', page.text)


def test_source_from_the_link_is_kept_on_the_complaint(world, client):
    response = client.post(f"{NEW}?uscc={world.org_a.uscc}&source=disclosure:123", form_data(world))
    assert response.status_code == 302
    assert Complaint.objects.get().source == "disclosure:123"


def test_source_in_the_hidden_field_is_kept_on_the_complaint(world, client):
    assert 'type="hidden"' in str(client.get(NEW, {"source": "disclosure:9"}).context["form"]["source"])
    client.post(NEW, form_data(world, source="disclosure:9"))
    assert Complaint.objects.get().source == "disclosure:9"


def test_source_longer_than_20_characters_is_dropped(world, client):
    client.post(f"{NEW}?source={'x' * 21}", form_data(world))
    assert Complaint.objects.get().source == ""


def test_a_complaint_without_source_has_none(world, client):
    client.post(NEW, form_data(world))
    assert Complaint.objects.get().source == ""
