"""Annual work reports (ANN-1) and their inspection results (ANN-2).

The association drafts the report of a year, submits it (the first submission
date is what ANN-1 lateness counts), and may change it only when the
registration authority returns it for correction. The authority then gives
合格, 基本合格 or 不合格 with reasons; the ANN-2 criteria, evaluated from the
platform's facts, are stored with the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xiehui.core import audit, clock, params
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_store
from xiehui.core.models import User
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization

from .. import checks
from ..models import AnnualReport, InspectionResult, PartyOrganization, ReportStatus
from ..rules import report_due_on
from .orders import require_deciding_officer

ATTACHMENT_PURPOSE = "annual_report"
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
LOCKED_MESSAGE = "已报送的报告不能修改，如需更正请联系登记管理机关退回"
MONEY_LIMIT = Decimal("999999999999.99")

# Text sections that must not be empty when the report is submitted, with their labels.
REQUIRED_TEXT = {
    "compliance": "遵守法律法规和国家政策情况",
    "registration_changes": "登记事项变更情况",
    "activities": "开展业务活动情况",
    "organs": "机构和人员变动情况",
}
MONEY_LABELS = {
    "income": "本年收入",
    "expenditure": "本年支出",
    "net_assets": "年末净资产",
    "fee_income": "会费收入",
    "donations_received": "接受捐赠",
}
COUNT_LABELS = {
    "staff_total": "工作人员总数",
    "full_time_staff": "专职工作人员数",
    "trips_abroad": "出国（境）团组数",
    "party_members": "党员人数",
}


@dataclass(kw_only=True)
class ReportSections:
    """The content of an annual work report (ANN-1 sections)."""

    compliance: str = ""
    registration_changes: str = ""
    activities: str = ""
    organs: str = ""
    staff_total: int = 0
    full_time_staff: int = 0
    income: Decimal = Decimal("0")
    expenditure: Decimal = Decimal("0")
    net_assets: Decimal = Decimal("0")
    fee_income: Decimal = Decimal("0")
    donations_received: Decimal = Decimal("0")
    trips_abroad: int = 0
    party_organization: str = PartyOrganization.NONE
    party_members: int = 0


SECTION_FIELDS = [f.name for f in fields(ReportSections)]


def sections_of(report: AnnualReport) -> ReportSections:
    return ReportSections(**{name: getattr(report, name) for name in SECTION_FIELDS})


def check_numbers(sections: ReportSections) -> None:
    """Figures must be consistent with each other (checked on every save, not only on submission)."""
    for name, label in COUNT_LABELS.items():
        if getattr(sections, name) < 0:
            raise ApplicationError(f"{label}不能为负数", code="report_negative", field=name)
    for name, label in MONEY_LABELS.items():
        amount = getattr(sections, name)
        if abs(amount) > MONEY_LIMIT or amount != amount.quantize(Decimal("0.01")):
            raise ApplicationError(f"{label}应为最多两位小数的金额", code="report_amount_invalid", field=name)
        if name != "net_assets" and amount < 0:  # net assets may be negative (liabilities exceed assets)
            raise ApplicationError(f"{label}不能为负数", code="report_negative", field=name)
    if sections.full_time_staff > sections.staff_total:
        raise ApplicationError(
            f"专职工作人员数（{sections.full_time_staff}）不能多于工作人员总数（{sections.staff_total}）",
            code="report_staff_inconsistent",
            field="full_time_staff",
        )
    if sections.fee_income + sections.donations_received > sections.income:
        raise ApplicationError(
            f"会费收入与接受捐赠之和（{sections.fee_income + sections.donations_received}元）"
            f"不能大于本年收入（{sections.income}元）",
            code="report_income_inconsistent",
            field="income",
        )
    if sections.party_organization not in PartyOrganization.values:
        raise ApplicationError("党组织建立情况无效", code="report_party_invalid", field="party_organization")


def check_complete(report: AnnualReport) -> None:
    """On submission every text section must be filled (write “无” where nothing happened)."""
    for name, label in REQUIRED_TEXT.items():
        if not getattr(report, name).strip():
            raise ApplicationError(
                f"请填写“{label}”（没有相关情况的请填写“无”）", code="report_section_required", field=name
            )
    if report.staff_total == 0:
        raise ApplicationError("请填写工作人员总数", code="report_section_required", field="staff_total")
    check_numbers(sections_of(report))


def _require_staff(actor: User, organization: Organization) -> None:
    if not registry_selectors.staff_of(actor, organization):
        raise PermissionDenied("只有本协会的工作人员可以填报年度工作报告")


def _store_attachments(report: AnnualReport, uploads: Iterable[UploadedFile], actor: User) -> list[str]:
    stored = attachments_store(
        owner=report, uploads=uploads, actor=actor, purpose=ATTACHMENT_PURPOSE, field="attachments"
    )
    return [a.original_name for a in stored]


def _clean_sections(sections: ReportSections) -> ReportSections:
    cleaned = ReportSections(**asdict(sections))
    for name in REQUIRED_TEXT:
        setattr(cleaned, name, getattr(sections, name).strip())
    return cleaned


@transaction.atomic
def report_create(
    *,
    actor: User,
    organization: Organization,
    year: int,
    sections: ReportSections | None = None,
    attachments: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> AnnualReport:
    """Start the report of a finished year as a draft (one report per association and year)."""
    _require_staff(actor, organization)
    today = clock.local_date(now)
    first, last = organization.registered_on.year, today.year - 1
    if not first <= year <= last:
        raise ApplicationError(
            f"报告年度应在 {first} 年（成立登记年度）至 {last} 年之间；{today.year} 年度的报告在年度结束后填报",
            code="report_year_invalid",
            field="year",
        )
    # one creation at a time per association: two staff starting the same year get the refusal, not a 500
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if AnnualReport.objects.filter(organization=organization, year=year).exists():
        raise ApplicationError(f"{year} 年度工作报告已经创建，请在原报告上继续填写", code="report_exists", field="year")
    data = _clean_sections(sections or ReportSections())
    check_numbers(data)
    report = AnnualReport(organization=organization, year=year, created_by=actor, **asdict(data))
    report.full_clean()
    report.save()
    names = _store_attachments(report, attachments, actor)
    audit.record(
        actor=actor,
        action="supervision.report.created",
        obj=report,
        changes={"year": year, "attachments": names},
        now=now,
    )
    return report


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: AnnualReport,
    sections: ReportSections,
    attachments: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> AnnualReport:
    """Save the sections of a draft, or of a report returned for correction."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _require_staff(actor, report.organization)
    if report.status not in EDITABLE:
        raise ApplicationError(LOCKED_MESSAGE, code="report_locked")
    data = _clean_sections(sections)
    check_numbers(data)
    before = asdict(sections_of(report))
    for name, value in asdict(data).items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    names = _store_attachments(report, attachments, actor)
    changes: dict[str, Any] = audit.diff(before, asdict(data))
    if names:
        changes["attachments"] = names
    audit.record(actor=actor, action="supervision.report.updated", obj=report, changes=changes, now=now)
    return report


def timeliness(report: AnnualReport, *, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """ANN-1 as shown to people: the deadline, and whether the first submission met it."""
    due = report_due_on(report.year, stored=params.overrides() if stored is None else stored)
    first = report.first_submitted_on
    days_late = (first - due).days if first is not None and first > due else 0
    return {
        "due_on": due,
        "submitted": first is not None,
        "on_time": first is not None and not days_late,
        "days_late": days_late,
        "first_submitted_on": first,
    }


@transaction.atomic
def report_submit(*, actor: User, report: AnnualReport, now: dt.datetime) -> AnnualReport:
    """Submit the report to the registration authority; the first submission date counts for ANN-1."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _require_staff(actor, report.organization)
    if report.status not in EDITABLE:
        raise ApplicationError("该报告已经报送，不能重复报送", code="report_already_submitted")
    check_complete(report)
    today = clock.local_date(now)
    resubmission = report.first_submitted_on is not None
    if not resubmission:
        report.first_submitted_on = today
    report.submitted_on = today
    report.submitted_by = actor
    report.status = ReportStatus.SUBMITTED
    report.full_clean()
    report.save()
    when = timeliness(report)
    audit.record(
        actor=actor,
        action="supervision.report.submitted",
        obj=report,
        changes={
            "submitted_on": today,
            "first_submitted_on": report.first_submitted_on,
            "due_on": when["due_on"],
            "days_late": when["days_late"],
            "resubmission": resubmission,
        },
        now=now,
    )
    return report


@transaction.atomic
def report_return(*, actor: User, report: AnnualReport, reason: str, now: dt.datetime) -> AnnualReport:
    """The authority returns a submitted report for correction, with the reason."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    require_deciding_officer(actor, report.organization)
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError("只能退回已报送、待审查的报告", code="report_not_submitted")
    if not reason.strip():
        raise ApplicationError("请填写退回补正的理由", code="reason_required", field="reason")
    report.status = ReportStatus.RETURNED
    report.return_reason = reason.strip()
    report.full_clean()
    report.save()
    audit.record(
        actor=actor, action="supervision.report.returned", obj=report, changes={"reason": report.return_reason}, now=now
    )
    return report


@transaction.atomic
def report_review(*, actor: User, report: AnnualReport, result: str, reasons: str, now: dt.datetime) -> AnnualReport:
    """ANN-2: the authority gives the inspection result; the evaluated criteria are stored with it."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    require_deciding_officer(actor, report.organization)
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError("只能对已报送、待审查的报告出具结论", code="report_not_submitted")
    if result not in InspectionResult.values:
        raise ApplicationError("请选择年检结论：合格、基本合格或不合格", code="result_invalid", field="result")
    if result != InspectionResult.PASS and not reasons.strip():
        raise ApplicationError(
            f"结论为“{InspectionResult(result).label}”的，请写明理由", code="reasons_required", field="reasons"
        )
    today = clock.local_date(now)
    evaluated = checks.evaluate_criteria(report, as_of=today)
    report.result = result
    report.result_reasons = reasons.strip()
    report.criteria = evaluated
    report.status = ReportStatus.REVIEWED
    report.reviewed_on = today
    report.reviewed_by = actor
    report.full_clean()
    report.save()
    audit.record(
        actor=actor,
        action="supervision.report.reviewed",
        obj=report,
        changes={
            "result": result,
            "reasons": report.result_reasons,
            "suggested": checks.suggested_result(evaluated),
            "criteria_met": [row["code"] for row in evaluated if row["met"] is True],
        },
        now=now,
    )
    return report
