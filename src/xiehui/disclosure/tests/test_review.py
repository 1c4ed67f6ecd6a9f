"""Defects found in review, each pinned by a test that fails without its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from xiehui.core.errors import ApplicationError
from xiehui.disclosure import catalogue, selectors, services
from xiehui.disclosure.models import Disclosure
from xiehui.supervision.services import reports
from xiehui.supervision.tests.test_reports_services import at, complete, submitted

from .test_views import FINANCIAL, NOW, _today, draft, form_post, pdf, with_members  # noqa: F401

pytestmark = pytest.mark.django_db

NEW_REPORT = reverse("disclosure:workspace_new", args=["financial_report"])


# -- periods: a year the calendar cannot hold, and digits that are not ASCII ------------------------------------


def test_a_period_of_year_zero_is_refused_on_its_field_not_a_crash(world, as_user):
    response = as_user(world.staff_a).post(NEW_REPORT, form_post(FINANCIAL, period="0000"))
    assert response.status_code == 200
    assert response.context["editor"].meta.errors["period"] == ["期间“0000”的年份应不早于 1900 年，请写作 2025"]
    assert not Disclosure.objects.exists()


def test_full_width_digits_in_a_period_are_the_same_year_for_the_slot_and_dis_3(world):
    version = draft(world, "financial_report", FINANCIAL, period="２０２５")
    assert version.disclosure.period == "2025" and version.disclosure.title == "2025年度财务报告"
    with pytest.raises(ApplicationError) as again:
        draft(world, "financial_report", FINANCIAL, period="2025")
    assert again.value.code == "disclosure_exists"
    half = draft(world, "income_expenditure", {"fields": {"income": "1", "expense": "1"}}, period="２０２６ｈ１")
    assert half.disclosure.period == "2026H1"
    services.version_publish(actor=world.staff_a, version=version, now=NOW)
    status = selectors.timeliness_of(world.org_a, NOW.date())
    report = next(s for s in status.items if s.item.code == "financial_report" and s.period == "2025")
    assert report.published_on == NOW.date()


@pytest.mark.parametrize("period", ["٢٠٢٥", "۲۰۲۵H1"])
def test_digits_of_other_scripts_are_refused_as_a_period(world, period):
    item = catalogue.get("income_expenditure" if "H" in period else "financial_report")
    with pytest.raises(ApplicationError) as refused:
        catalogue.clean_period(item, period, today=NOW.date())
    assert refused.value.code == "period_format" and refused.value.field == "period"


# -- money: no negative zero on the public page -------------------------------------------------------------


def test_a_negative_zero_amount_is_stored_as_zero(world):
    version = draft(world, "financial_report", {"fields": {**FINANCIAL["fields"], "expense": "-0"}}, period="2025")
    assert version.data["fields"]["expense"] == "0.00"


# -- the console's DIS-3 date -------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["9999-12-31", "1999-12-31"])
def test_the_console_refuses_an_as_of_outside_the_years_the_api_accepts(world, as_user, as_of):
    response = as_user(world.officer_province).get(reverse("disclosure:console_list"), {"as_of": as_of})
    assert response.status_code == 400
    assert f"统计日期 {as_of} 超出范围，应在 2000-01-01 至 2099-12-31 之间" in response.content.decode()
    assert 'data-testid="console-timeliness"' not in response.content.decode()


# -- attachments: the limit says how many there are, and a form that comes back says which files were lost ----


def test_too_many_attachments_says_how_many_there_are_and_how_many_to_drop(world):
    version = draft(
        world, "financial_report", FINANCIAL, period="2025", uploads=tuple(pdf(f"{n}.pdf") for n in range(8))
    )
    with pytest.raises(ApplicationError) as refused:
        services.draft_update(
            actor=world.staff_a,
            version=version,
            data=FINANCIAL,
            uploads=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")],
            now=NOW,
        )
    assert refused.value.message == "每个版本最多 10 个附件：本版本已有 8 个，此次又选择了 3 个，请减少 1 个"
    assert refused.value.field == "files"


def test_a_form_that_comes_back_names_the_chosen_files_that_were_not_saved(world, as_user):
    c = as_user(world.staff_a)
    post = form_post(
        {"fields": {**FINANCIAL["fields"], "income": "x"}}, period="2025", attachments=[pdf("审计报告.pdf")]
    )
    response = c.post(NEW_REPORT, post)
    assert response.status_code == 200 and not Disclosure.objects.exists()
    body = response.content.decode()
    assert 'data-testid="unsaved-files"' in body and "所选附件 审计报告.pdf 尚未保存，请重新选择后再提交。" in body
    assert 'data-testid="unsaved-files"' not in c.get(NEW_REPORT).content.decode()


# -- DIS-2: the annual work report shown to members is what was filed, never a returned report being edited ----


def test_members_do_not_read_a_returned_annual_report_while_the_association_edits_it(world, as_user):
    with_members(world)
    report = submitted(world, on=dt.date(2026, 5, 20))
    reports.report_return(actor=world.officer_jinan, report=report, reason="收入数据有误", now=at(dt.date(2026, 6, 1)))
    reports.report_update(
        actor=world.staff_a, report=report, sections=complete(income=Decimal("777777")), now=at(dt.date(2026, 6, 2))
    )
    url = reverse("disclosure:annual_reports", args=[world.org_a.uscc])
    page = as_user(world.member).get(url).content.decode()
    assert 'data-testid="annual-report-returned"' in page and "已被登记管理机关退回补正" in page
    assert "777,777.00" not in page
    reports.report_submit(actor=world.staff_a, report=report, now=at(dt.date(2026, 6, 3)))
    page = as_user(world.member).get(url).content.decode()
    assert "777,777.00" in page and 'data-testid="annual-report-returned"' not in page
