"""Annual work report pages: the association's workspace (draft, submit) and the officers' console (review)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.files import attachments_of
from xiehui.core.models import Role
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.registry.selectors import staff_organization
from xiehui.web.access import officer_required, role_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import checks
from . import selectors_reports as selectors
from .forms_reports import ReportCreateForm, ReportForm, ReportQueueForm, ReturnForm, ReviewForm
from .models import AnnualReport, InspectionResult, RectificationOrder, ReportStatus
from .services import reports as services
from .services.reports import ATTACHMENT_PURPOSE, EDITABLE


def _form_error(form, exc: ApplicationError) -> None:  # type: ignore[no-untyped-def]
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _submitted_message(report: AnnualReport) -> str:
    when = services.timeliness(report)
    if when["days_late"]:
        return f"报告已报送。截止日期 {when['due_on']:%Y-%m-%d}，首次报送逾期 {when['days_late']} 天（ANN-1）。"
    return f"报告已报送，按期报送（截止日期 {when['due_on']:%Y-%m-%d}，ANN-1）。等待登记管理机关审查。"


# -- workspace ---------------------------------------------------------------------------------------


@staff_required
def workspace_reports(request: Request) -> HttpResponse:
    org = staff_organization(request.user)
    if org is None:
        return render(request, "web/not_found.html", {"message": "您的账户尚未关联协会，请联系管理员"}, status=404)
    context = {
        "org": org,
        "states": selectors.report_status_as_of(org, clock.today()),
        "reports": selectors.with_timeliness(list(selectors.reports_of(org))),
    }
    return render(request, "supervision/report_workspace_list.html", context)


@staff_required
def workspace_report_new(request: Request) -> HttpResponse:
    org = staff_organization(request.user)
    if org is None:
        return redirect("supervision:workspace_reports")
    taken = set(selectors.reports_of(org).values_list("year", flat=True))
    years = [y for y in range(clock.today().year - 1, org.registered_on.year - 1, -1) if y not in taken]
    form = ReportCreateForm(request.POST or None, request.FILES or None, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                actor=request.user,
                organization=org,
                year=form.cleaned_data["year"],
                sections=form.to_sections(),
                attachments=form.cleaned_data["attachments"],
                now=clock.now(),
            )
            messages.success(request, f"{report.year} 年度工作报告草稿已保存，填写完整后请报送。")
            return redirect("supervision:workspace_report", pk=report.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "supervision/report_form.html", {"form": form, "org": org, "years": years})


@staff_required
def workspace_report(request: Request, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    editable = report.status in EDITABLE
    initial = asdict(services.sections_of(report))
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial) if editable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            report = _save_and_maybe_submit(request, report, form)
            return redirect("supervision:workspace_report", pk=report.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    context = {
        "report": report,
        "form": form,
        "when": services.timeliness(report),
        "attachments": attachments_of(report, purpose=ATTACHMENT_PURPOSE),
    }
    return render(request, "supervision/report_workspace_detail.html", context)


def _save_and_maybe_submit(request: Request, report: AnnualReport, form: ReportForm) -> AnnualReport:
    """Save the draft; with action=submit, then submit it (a refused submission leaves the saved draft)."""
    report = services.report_update(
        actor=request.user,
        report=report,
        sections=form.to_sections(),
        attachments=form.cleaned_data["attachments"],
        now=clock.now(),
    )
    if request.POST.get("action") != "submit":
        messages.success(request, "草稿已保存")
        return report
    try:
        report = services.report_submit(actor=request.user, report=report, now=clock.now())
    except ApplicationError as exc:
        messages.warning(request, "草稿已保存，但尚未报送。")
        raise exc
    messages.success(request, _submitted_message(report))
    return report


@role_required(Role.STAFF, Role.OFFICER)
def report_attachment(request: Request, pk: int, attachment_id: int) -> FileResponse:
    """An attachment of a report, to those who may read the report."""
    report = selectors.report_get(actor=request.user, pk=pk)
    found = [a for a in attachments_of(report, purpose=ATTACHMENT_PURPOSE) if a.pk == attachment_id]
    if not found:
        raise NotFound("未找到该附件")
    attachment = found[0]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# -- console -----------------------------------------------------------------------------------------


def _queue_filters(form: ReportQueueForm) -> selectors.ReportFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.ReportFilters(
        year=data.get("year") or None,
        status=data.get("status") or "",
        result=data.get("result") or "",
        timeliness=data.get("timeliness") or "",
        q=data.get("q") or "",
    )


@officer_required
def console_reports(request: Request) -> HttpResponse | StreamingHttpResponse:
    today = clock.today()
    form = ReportQueueForm(request.GET or None, years=list(range(today.year - 1, today.year - 11, -1)))
    qs = selectors.report_queue(actor=request.user, filters=_queue_filters(form))
    if request.GET.get("export") == "csv":
        return _csv_export(qs)
    page = paginate(request, qs)
    selectors.with_timeliness(page.items)
    template = "supervision/_report_rows.html" if request.htmx else "supervision/report_console_queue.html"
    return render(request, template, {"form": form, "page": page})


CSV_HEADER = [
    "统一社会信用代码", "名称", "报告年度", "状态", "截止日期", "首次报送日期",
    "最近报送日期", "逾期天数", "年检结论", "结论日期",
]  # fmt: skip


def _csv_export(qs: QuerySet[AnnualReport]) -> StreamingHttpResponse:
    stored = params.overrides()

    def rows() -> Iterator[list[Any]]:
        for r in qs.iterator(chunk_size=2000):
            selectors.with_timeliness([r], stored=stored)
            yield (
                [
                    r.organization.uscc,
                    r.organization.name,
                    r.year,
                    r.get_status_display(),
                    r.due_on.isoformat(),  # type: ignore[attr-defined]
                    r.first_submitted_on.isoformat() if r.first_submitted_on else "",
                    r.submitted_on.isoformat() if r.submitted_on else "",
                    r.days_late,  # type: ignore[attr-defined]
                    r.get_result_display(),
                    r.reviewed_on.isoformat() if r.reviewed_on else "",
                ]
            )

    return csv_response("annual-reports.csv", CSV_HEADER, rows())


@officer_required
def console_report(request: Request, pk: int) -> HttpResponse:
    report = selectors.report_get(actor=request.user, pk=pk)
    review_form, return_form = ReviewForm(), ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form: forms.Form
        if action == "review":
            form = review_form = ReviewForm(request.POST)
        else:
            form = return_form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                _decide(request, report, action or "", form.cleaned_data)
                return redirect("supervision:console_report", pk=report.pk)
            except ApplicationError as exc:
                if exc.field in form.fields:
                    _form_error(form, exc)
                else:  # e.g. not the deciding authority: the form may not be on the page
                    messages.error(request, exc.message)
    return render(
        request, "supervision/report_console_detail.html", _review_context(request, report, review_form, return_form)
    )


def _decide(request: Request, report: AnnualReport, action: str, data: dict) -> None:
    if action == "review":
        report = services.report_review(
            actor=request.user, report=report, result=data["result"], reasons=data["reasons"], now=clock.now()
        )
        messages.success(request, f"已出具年检结论：{report.get_result_display()}")
    elif action == "return":
        services.report_return(actor=request.user, report=report, reason=data["reason"], now=clock.now())
        messages.success(request, "已退回补正，协会修改后可重新报送")
    else:
        raise ApplicationError("未知操作", code="unknown_action")


def _review_context(request: Request, report: AnnualReport, review_form: ReviewForm, return_form: ReturnForm) -> dict:
    pending = report.status == ReportStatus.SUBMITTED
    evaluated = checks.evaluate_criteria(report) if pending else report.criteria
    if pending and not review_form.is_bound:
        review_form = ReviewForm(initial={"result": checks.suggested_result(evaluated)})
    return {
        "report": report,
        "when": services.timeliness(report),
        "evaluated": evaluated,
        "suggested": InspectionResult(checks.suggested_result(evaluated)).label,
        "unverified": checks.unverified(evaluated),
        "sup4_orders": RectificationOrder.objects.filter(organization=report.organization, rule_id="SUP-4"),
        "can_decide": pending and selectors.officer_decides_report(request.user, report),
        "review_form": review_form,
        "return_form": return_form,
        "attachments": attachments_of(report, purpose=ATTACHMENT_PURPOSE),
        "audit": audit_trail(object_type="supervision.annualreport", object_id=str(report.pk)),
    }
