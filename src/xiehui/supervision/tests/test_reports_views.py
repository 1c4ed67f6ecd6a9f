"""Annual work report pages through real HTTP, for every actor who may and may not reach them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.supervision.models import AnnualReport, RectificationOrder, ReportStatus
from xiehui.supervision.services import reports as services

from .test_reports_services import PDF, at, draft, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):  # type: ignore[no-untyped-def]
    """Pages read the clock; the world lives on NOW unless a test moves it."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


def form_data(**overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "compliance": "遵守法律法规",
        "registration_changes": "无",
        "activities": "举办培训 3 次",
        "organs": "无",
        "staff_total": "5",
        "full_time_staff": "3",
        "income": "500000",
        "expenditure": "400000",
        "net_assets": "300000",
        "fee_income": "200000",
        "donations_received": "0",
        "trips_abroad": "0",
        "party_organization": "none",
        "party_members": "0",
    }
    data.update(overrides)
    return data


def reviewed(world, result: str = "basic") -> AnnualReport:  # type: ignore[no-untyped-def]
    report = submitted(world, on=dt.date(2026, 6, 1))
    return services.report_review(actor=world.officer_jinan, report=report, result=result, reasons="逾期报送", now=NOW)


# -- access matrix --------------------------------------------------------------------------------


def workspace_pages(report: AnnualReport) -> list[str]:
    return [
        reverse("supervision:workspace_reports"),
        reverse("supervision:workspace_report_new"),
        reverse("supervision:workspace_report", args=[report.pk]),
    ]


def console_pages(report: AnnualReport) -> list[str]:
    return [reverse("supervision:console_reports"), reverse("supervision:console_report", args=[report.pk])]


def test_anonymous_is_sent_to_login_everywhere(world, client):
    report = submitted(world)
    attachment = reverse("supervision:report_attachment", args=[report.pk, 1])
    for url in [*workspace_pages(report), *console_pages(report), attachment]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "department", "officer_jinan"])
def test_workspace_is_for_association_staff_only(world, as_user, who):
    report = submitted(world)
    c = as_user(getattr(world, who))
    for url in workspace_pages(report):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("supervision:workspace_report_new"), {"year": "2024", **form_data()}).status_code == 403
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "department", "staff_a"])
def test_console_is_for_officers_only(world, as_user, who):
    report = submitted(world)
    c = as_user(getattr(world, who))
    for url in console_pages(report):
        assert c.get(url).status_code == 403, url
    response = c.post(reverse("supervision:console_report", args=[report.pk]), {"action": "review", "result": "pass"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_staff_of_another_association_cannot_open_or_change_the_report(world, as_user):
    report = draft(world)
    c = as_user(world.staff_b)
    url = reverse("supervision:workspace_report", args=[report.pk])
    assert c.get(url).status_code == 404
    assert c.post(url, {**form_data(trips_abroad="7"), "action": "submit"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.trips_abroad == 0
    response = c.get(reverse("supervision:workspace_reports"))
    assert world.org_b.name in response.text and "2025 年度" not in response.text


def test_officer_of_another_region_sees_nothing(world, as_user):
    report = submitted(world)
    c = as_user(world.officer_qingdao)
    assert c.get(reverse("supervision:console_report", args=[report.pk])).status_code == 404
    response = c.post(reverse("supervision:console_report", args=[report.pk]), {"action": "return", "reason": "补正"})
    assert response.status_code == 404
    assert world.org_a.name not in c.get(reverse("supervision:console_reports")).text
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_provincial_officer_sees_but_does_not_decide(world, as_user):
    report = submitted(world)
    c = as_user(world.officer_province)
    url = reverse("supervision:console_report", args=[report.pk])
    response = c.get(url)
    assert response.status_code == 200 and "出具结论" not in response.text
    assert "由该社会团体的登记管理机关出具" in response.text
    response = c.post(url, {"action": "review", "result": "pass", "reasons": ""})
    assert response.status_code == 200 and "只有该社会团体的登记管理机关" in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_officers_do_not_see_drafts(world, as_user):
    report = draft(world)
    c = as_user(world.officer_jinan)
    assert c.get(reverse("supervision:console_report", args=[report.pk])).status_code == 404
    assert world.org_a.name not in c.get(reverse("supervision:console_reports")).text


# -- workspace ------------------------------------------------------------------------------------


def test_staff_creates_a_draft_then_submits_it(world, as_user):
    c = as_user(world.staff_a)
    response = c.post(reverse("supervision:workspace_report_new"), {"year": "2025", **form_data()})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:workspace_report", args=[report.pk]
    )
    assert report.status == ReportStatus.DRAFT and report.created_by == world.staff_a
    response = c.post(
        reverse("supervision:workspace_report", args=[report.pk]),
        {**form_data(trips_abroad="1"), "action": "submit"},
        follow=True,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.trips_abroad == 1
    assert "已报送" in response.text and f"逾期 {(NOW.date() - dt.date(2026, 5, 31)).days} 天" in response.text
    assert "已报送的报告不能修改" in response.text and 'name="action"' not in response.text


def test_new_report_offers_only_years_not_yet_started(world, as_user):
    draft(world)
    response = as_user(world.staff_a).get(reverse("supervision:workspace_report_new"))
    assert (
        'value="2024"' in response.text and 'value="2025"' not in response.text and 'value="2026"' not in response.text
    )


def test_inconsistent_figures_show_on_the_field(world, as_user):
    c = as_user(world.staff_a)
    response = c.post(reverse("supervision:workspace_report_new"), {"year": "2025", **form_data(full_time_staff="9")})
    assert response.status_code == 200 and "不能多于工作人员总数" in response.text
    assert not AnnualReport.objects.exists()


def test_incomplete_report_is_saved_but_not_submitted(world, as_user):
    report = draft(world)
    response = as_user(world.staff_a).post(
        reverse("supervision:workspace_report", args=[report.pk]), {**form_data(activities=""), "action": "submit"}
    )
    assert (
        response.status_code == 200 and "开展业务活动情况" in response.text and "没有相关情况的请填写" in response.text
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.activities == ""


def test_submitted_report_cannot_be_changed_through_the_page(world, as_user):
    report = submitted(world)
    response = as_user(world.staff_a).post(
        reverse("supervision:workspace_report", args=[report.pk]), {**form_data(trips_abroad="5"), "action": "save"}
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.trips_abroad == 0


@pytest.mark.parametrize("day, text", [(dt.date(2026, 5, 31), "按期报送"), (dt.date(2026, 6, 1), "逾期 1 天")])
def test_ann_1_lateness_shown_after_submitting_on(world, as_user, monkeypatch, day, text):
    monkeypatch.setattr(clock, "now", lambda: at(day))
    report = draft(world, now=at(day))
    response = as_user(world.staff_a).post(
        reverse("supervision:workspace_report", args=[report.pk]), {**form_data(), "action": "submit"}, follow=True
    )
    assert text in response.text and "截止日期 2026-05-31" in response.text
    report.refresh_from_db()
    assert report.first_submitted_on == day


def test_ann_1_submitted_on_31_may_is_on_time_on_the_console(world, as_user):
    report = submitted(world, on=dt.date(2026, 5, 31))
    response = as_user(world.officer_jinan).get(reverse("supervision:console_report", args=[report.pk]))
    assert "首次报送 2026-05-31，按期报送" in response.text


def test_ann_1_submitted_on_1_june_is_late_on_the_console(world, as_user):
    report = submitted(world, on=dt.date(2026, 6, 1))
    response = as_user(world.officer_jinan).get(reverse("supervision:console_report", args=[report.pk]))
    assert "首次报送 2026-06-01，逾期 1 天" in response.text


def test_returned_report_is_editable_again_and_shows_the_reason(world, as_user):
    report = submitted(world)
    services.report_return(actor=world.officer_jinan, report=report, reason="收入数据有误", now=NOW)
    c = as_user(world.staff_a)
    url = reverse("supervision:workspace_report", args=[report.pk])
    response = c.get(url)
    assert "收入数据有误" in response.text and 'name="action"' in response.text
    c.post(url, {**form_data(income="510000"), "action": "submit"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.first_submitted_on == dt.date(2026, 5, 20)


def test_workspace_lists_years_due_late_and_missing(world, as_user, django_assert_max_num_queries):
    submitted(world, on=dt.date(2026, 6, 2))
    c = as_user(world.staff_a)
    with django_assert_max_num_queries(10):
        response = c.get(reverse("supervision:workspace_reports"))
    assert "逾期报送" in response.text and "2026-05-31" in response.text and "逾期 2 天" in response.text


def test_attachment_upload_and_download(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = as_user(world.staff_a)
    upload = SimpleUploadedFile("审计报告.pdf", PDF, content_type="application/pdf")
    c.post(reverse("supervision:workspace_report_new"), {"year": "2025", **form_data(), "attachments": upload})
    report = AnnualReport.objects.get()
    page = c.get(reverse("supervision:workspace_report", args=[report.pk]))
    assert "审计报告.pdf" in page.text
    from xiehui.core.files import attachments_of

    [attachment] = attachments_of(report)
    url = reverse("supervision:report_attachment", args=[report.pk, attachment.pk])
    assert b"".join(c.get(url).streaming_content) == PDF
    assert as_user(world.staff_b).get(url).status_code == 404
    assert as_user(world.member).get(url).status_code == 403
    assert as_user(world.officer_jinan).get(url).status_code == 404  # a draft is not filed yet
    services.report_submit(actor=world.staff_a, report=report, now=NOW)
    assert as_user(world.officer_jinan).get(url).status_code == 200
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert c.get(reverse("supervision:report_attachment", args=[report.pk, attachment.pk + 99])).status_code == 404


def test_refused_attachment_names_the_file(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("报表.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = as_user(world.staff_a).post(
        reverse("supervision:workspace_report_new"), {"year": "2025", **form_data(), "attachments": upload}
    )
    assert "报表.exe" in response.text and "仅接受 PDF" in response.text
    assert not AnnualReport.objects.exists()


# -- console --------------------------------------------------------------------------------------


def test_officer_queue_lists_filters_and_counts_queries(world, as_user, django_assert_max_num_queries):
    submitted(world, on=dt.date(2026, 6, 1))
    for year in range(2016, 2025):
        services.report_submit(
            actor=world.staff_a, report=draft(world, year=year, now=NOW), now=at(dt.date(year + 1, 5, 1))
        )
    c = as_user(world.officer_jinan)
    with django_assert_max_num_queries(10):
        response = c.get(reverse("supervision:console_reports"))
    assert response.status_code == 200 and response.text.count(world.org_a.uscc) == 10
    with django_assert_max_num_queries(11):
        late = c.get(reverse("supervision:console_reports"), {"timeliness": "late"})
    assert late.text.count(world.org_a.uscc) == 1 and "逾期 1 天" in late.text
    assert c.get(reverse("supervision:console_reports"), {"q": "软件"}).text.count(world.org_a.uscc) == 0
    assert c.get(reverse("supervision:console_reports"), {"year": "2016"}).text.count(world.org_a.uscc) == 1


def test_queue_answers_htmx_with_the_rows_fragment(world, as_user):
    submitted(world)
    response = as_user(world.officer_jinan).get(
        reverse("supervision:console_reports"), {"status": "submitted"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text and 'id="report-results"' in response.text and world.org_a.name in response.text


def test_queue_exports_csv(world, as_user):
    submitted(world, on=dt.date(2026, 6, 1))
    other = draft(world, org=world.org_b, staff=world.staff_b)
    services.report_submit(actor=world.staff_b, report=other, now=NOW)  # another region: not exported
    response = as_user(world.officer_jinan).get(reverse("supervision:console_reports"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("统一社会信用代码,名称,报告年度")
    assert lines[1].split(",")[:8] == [
        world.org_a.uscc, world.org_a.name, "2025", "已报送，待审查", "2026-05-31", "2026-06-01", "2026-06-01", "1"
    ]  # fmt: skip
    assert len(lines) == 2


def test_officer_reviews_with_the_criteria_shown(world, as_user):
    report = submitted(world, on=dt.date(2026, 6, 1), full_time_staff=0)
    c = as_user(world.officer_jinan)
    url = reverse("supervision:console_report", args=[report.pk])
    page = c.get(url)
    assert "未按期报送年度工作报告" in page.text and "未配备专职工作人员" in page.text
    assert "需人工核实" in page.text and 'data-testid="report-suggested">基本合格<' in page.text
    refused = c.post(url, {"action": "review", "result": "basic", "reasons": ""})
    assert refused.status_code == 200 and "请写明理由" in refused.text
    response = c.post(url, {"action": "review", "result": "basic", "reasons": "逾期报送，未配备专职人员"}, follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED and report.result == "basic" and report.criteria
    assert "已出具年检结论：基本合格" in response.text and "逾期报送，未配备专职人员" in response.text


def test_officer_returns_for_correction(world, as_user):
    report = submitted(world)
    c = as_user(world.officer_jinan)
    url = reverse("supervision:console_report", args=[report.pk])
    assert "这个字段是必填项" in c.post(url, {"action": "return", "reason": ""}).text
    c.post(url, {"action": "return", "reason": "缺少审计报告"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "缺少审计报告"


def test_review_page_shows_the_sup_4_order_when_one_exists(world, as_user):
    report = submitted(world, full_time_staff=0)
    url = reverse("supervision:console_report", args=[report.pk])
    c = as_user(world.officer_jinan)
    assert 'data-testid="report-sup4"' not in c.get(url).text
    RectificationOrder.objects.create(
        organization=world.org_a,
        number="济南市民政局责改字〔2026〕第1号",
        source=RectificationOrder.Source.RULE,
        key="SUP-4:2025",
        rule_id="SUP-4",
        ground="未配备专职工作人员",
        basis="004 第6条",
        facts="2025 年度工作报告填报专职工作人员 0 人",
        issued_on=dt.date(2026, 5, 20),
        deadline=dt.date(2026, 8, 18),
    )
    page = c.get(url).text
    assert 'data-testid="report-sup4"' in page and "济南市民政局责改字〔2026〕第1号" in page


# -- faces ----------------------------------------------------------------------------------------


def test_portal_shows_results_not_content(world, client):
    reviewed(world)
    response = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "年度检查结论" in response.text and "基本合格" in response.text
    assert "举办行业培训" not in response.text and "逾期报送" not in response.text  # no content, no reasons


def test_portal_shows_nothing_before_review(world, client):
    submitted(world)
    response = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "暂无年度检查结论" in response.text


def test_workspace_home_shows_the_deadline_panel(world, as_user):
    response = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert 'data-testid="report-workspace-panel"' in response.text
    assert "逾期未报送" in response.text and "2026-05-31" in response.text
    assert reverse("supervision:workspace_reports") in response.text


def test_console_org_panel_lists_the_reports(world, as_user):
    report = submitted(world)
    response = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    assert 'data-testid="report-console-org-panel"' in response.text
    assert reverse("supervision:console_report", args=[report.pk]) in response.text


def test_console_nav_links_to_the_queue(world, as_user):
    response = as_user(world.officer_jinan).get(reverse("registry:console_register"))
    assert "年度报告审查" in response.text and reverse("supervision:console_reports") in response.text
