"""Annual work reports on the data port (mounted by supervision/api.py): ANN-1 filing, ANN-2 review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock, params
from xiehui.core.api import AUTH, ERRORS, cursor_field, list_page, optional_actor
from xiehui.core.errors import PermissionDenied
from xiehui.core.files import attachments_of
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors

from . import checks
from . import selectors_reports as selectors
from .models import AnnualReport
from .schemas_reports import (
    CriteriaEvaluationOut,
    ReportCreateIn,
    ReportDetailOut,
    ReportEntryOut,
    ReportPage,
    ReportSectionsIn,
    ReportUpdateIn,
    ReturnIn,
    ReviewIn,
)
from .services import reports as services

router = Router(tags=["supervision 监管"])
MAX_LIMIT = 100
MAX_OFFSET = 100_000


class ReportQuery(Schema):
    year: int | None = Field(None, ge=1949, le=2999)
    status: str = ""
    result: str = ""
    timeliness: str = Field("", description="late（逾期报送）/ on_time（按期报送）")
    q: str = Field("", max_length=60, description="名称或统一社会信用代码")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    cursor: str = cursor_field()


def _sections(payload: ReportSectionsIn) -> services.ReportSections:
    data: dict[str, Any] = payload.dict()
    for name in services.MONEY_LABELS:
        data[name] = Decimal(data[name])
    return services.ReportSections(**{name: data[name] for name in services.SECTION_FIELDS})


def _timed(report: AnnualReport) -> AnnualReport:
    return selectors.with_timeliness([report])[0]


def _detail(actor: Any, pk: int) -> AnnualReport:
    report = _timed(selectors.report_get(actor=actor, pk=pk))
    report.attachments = attachments_of(report, purpose=services.ATTACHMENT_PURPOSE)  # type: ignore[attr-defined]
    return report


@router.get("/organizations/{uscc}/annual-reports", response={200: list[ReportEntryOut], **ERRORS}, auth=None)
def list_organization_reports(request: Request, uscc: str) -> list[dict[str, Any]]:
    """An association's annual reports: public inspection results; full reports for its staff and officers."""
    actor = optional_actor(request)
    org = registry_selectors.organization_get(actor=actor, uscc=uscc)
    full = selectors.reports_visible_for(actor=actor, org=org)
    if full is None:
        return [{**row, "report": None} for row in selectors.public_results_of(org)]
    reports = selectors.with_timeliness(list(full.select_related("organization")))
    return [
        {
            "year": r.year,
            "result": r.result,
            "result_label": r.get_result_display() if r.result else "",
            "reviewed_on": r.reviewed_on,
            "report": r,
        }
        for r in reports
    ]


@router.post("/organizations/{uscc}/annual-reports", response={201: ReportDetailOut, **ERRORS}, auth=AUTH)
def create_report(request: Request, uscc: str, payload: ReportCreateIn) -> Status[object]:
    """Start the report of a finished year as a draft (the association's staff)."""
    org = registry_selectors.organization_get(actor=request.auth, uscc=uscc)
    report = services.report_create(
        actor=request.auth, organization=org, year=payload.year, sections=_sections(payload), now=clock.now()
    )
    return Status(201, _detail(request.auth, report.pk))


@router.get("/annual-reports", response={200: ReportPage, **ERRORS}, auth=AUTH)
def list_reports(request: Request, query: Query[ReportQuery]) -> dict[str, Any]:
    """Officers: filed reports in the jurisdiction, awaiting review first, with filters."""
    if not registry_selectors.is_officer(request.auth):
        raise PermissionDenied("只有登记管理机关工作人员可以查看年度报告审查队列")
    filters = selectors.ReportFilters(
        year=query.year, status=query.status, result=query.result, timeliness=query.timeliness, q=query.q
    )
    qs = selectors.report_queue(actor=request.auth, filters=filters)
    page = list_page(
        qs,
        ordering=("status_order", "submitted_on", "-year", "id"),
        limit=query.limit,
        offset=query.offset,
        cursor=query.cursor,
        capped=True,
    )
    page["items"] = selectors.with_timeliness(page["items"], stored=params.overrides())
    return page


@router.get("/annual-reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, auth=AUTH)
def get_report(request: Request, report_id: int) -> object:
    """One report, to its association's staff and to officers of the jurisdiction."""
    return _detail(request.auth, report_id)


@router.put("/annual-reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, auth=AUTH)
def update_report(request: Request, report_id: int, payload: ReportUpdateIn) -> object:
    """Replace the sections of a draft or of a report returned for correction."""
    report = selectors.report_get(actor=request.auth, pk=report_id)
    services.report_update(actor=request.auth, report=report, sections=_sections(payload), now=clock.now())
    return _detail(request.auth, report_id)


@router.post("/annual-reports/{report_id}/submit", response={200: ReportDetailOut, **ERRORS}, auth=AUTH)
def submit_report(request: Request, report_id: int) -> object:
    """Submit to the registration authority; `on_time` and `days_late` tell ANN-1's verdict."""
    report = selectors.report_get(actor=request.auth, pk=report_id)
    services.report_submit(actor=request.auth, report=report, now=clock.now())
    return _detail(request.auth, report_id)


@router.post("/annual-reports/{report_id}/return", response={200: ReportDetailOut, **ERRORS}, auth=AUTH)
def return_report(request: Request, report_id: int, payload: ReturnIn) -> object:
    """Return a submitted report for correction, with the reason (the registration authority)."""
    report = selectors.report_get(actor=request.auth, pk=report_id)
    services.report_return(actor=request.auth, report=report, reason=payload.reason, now=clock.now())
    return _detail(request.auth, report_id)


@router.get("/annual-reports/{report_id}/criteria", response={200: CriteriaEvaluationOut, **ERRORS}, auth=AUTH)
def evaluate_report_criteria(request: Request, report_id: int) -> dict[str, Any]:
    """ANN-2 criteria evaluated now from the platform's facts, with the suggested result (officers)."""
    report = selectors.report_get(actor=request.auth, pk=report_id)
    if not registry_selectors.is_officer(request.auth):
        raise PermissionDenied("只有登记管理机关工作人员可以查看年检标准核查")
    evaluated = checks.evaluate_criteria(report)
    return {"suggested_result": checks.suggested_result(evaluated), "criteria": evaluated}


@router.post("/annual-reports/{report_id}/review", response={200: ReportDetailOut, **ERRORS}, auth=AUTH)
def review_report(request: Request, report_id: int, payload: ReviewIn) -> object:
    """Give the inspection result (合格 pass / 基本合格 basic / 不合格 fail) with reasons (ANN-2)."""
    report = selectors.report_get(actor=request.auth, pk=report_id)
    services.report_review(
        actor=request.auth, report=report, result=payload.result, reasons=payload.reasons, now=clock.now()
    )
    return _detail(request.auth, report_id)
