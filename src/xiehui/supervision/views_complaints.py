"""Complaint pages (portal: file and follow; console: queue and handling) and key-inspection pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization
from xiehui.web.access import officer_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors_complaints as selectors
from .forms_complaints import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ComplaintFilterForm,
    ComplaintForm,
    DismissForm,
    InspectionFilterForm,
    InspectionOpenForm,
    InspectionOrderForm,
    InterviewForm,
    InvestigateForm,
)
from .models import Complaint, KeyInspection, Pledge
from .services import complaints as services
from .services import inspections as inspection_services

CANDIDATE_LIMIT = 20
SOURCE_MAX = 20


def _form_error(form, exc: ApplicationError) -> None:  # type: ignore[no-untyped-def]
    """Put a service refusal on the field it names (the association is chosen by its USCC here)."""
    aliases = {"organization": "uscc", "files": "evidence"}
    field = "uscc" if exc.code == "not_found" else aliases.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


# -- portal -----------------------------------------------------------------------------------------


def _candidates(request: Request) -> tuple[str, list[Organization]]:
    """Associations to choose from: the one named by ?uscc=, or those whose name matches ?q=."""
    q = request.GET.get("q", "").strip()
    uscc = request.GET.get("uscc", "").strip() or request.POST.get("uscc", "").strip()
    if q:
        filters = registry_selectors.OrganizationFilters(q=q)
        return q, list(registry_selectors.organization_search(actor=request.user, filters=filters)[:CANDIDATE_LIMIT])
    if uscc:
        try:
            return q, [registry_selectors.organization_get(actor=request.user, uscc=uscc)]
        except ApplicationError:
            return q, []
    return q, []


def _initial(request: Request, candidates: list[Organization]) -> dict[str, str]:
    """Prefill from the link that led here: the association, the pledge said broken, where it came from."""
    initial = {"uscc": candidates[0].uscc} if len(candidates) == 1 else {}
    pledge = request.GET.get("pledge", "")
    if pledge in Pledge.values:
        initial["pledge"] = pledge
    source = request.GET.get("source", "").strip()
    if source and len(source) <= SOURCE_MAX:
        initial["source"] = source
    return initial


def _with_source(request: Request) -> Any:
    """The POST, with ?source= from the page's address when the hidden field did not carry it."""
    source = request.GET.get("source", "").strip()
    if request.method != "POST" or "source" in request.POST or not source or len(source) > SOURCE_MAX:
        return request.POST or None
    data = request.POST.copy()
    data["source"] = source
    return data


@ratelimit(group=services.FILING_RATE_GROUP, key="ip", rate=services.FILING_RATE, method="POST", block=False)
def complaint_new(request: Request) -> HttpResponse:
    if getattr(request, "limited", False):
        return render(request, "supervision/complaint_rate_limited.html", status=429)
    q, candidates = _candidates(request)
    form = ComplaintForm(
        _with_source(request), request.FILES or None, candidates=candidates, initial=_initial(request, candidates)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = registry_selectors.organization_get(actor=request.user, uscc=data["uscc"])
            complaint = services.complaint_file(
                organization=org,
                pledge=data["pledge"],
                description=data["description"],
                anonymous=data["anonymous"],
                name=data["name"],
                phone=data["phone"],
                uploads=data["evidence"],
                actor=request.user if request.user.is_authenticated else None,
                now=clock.now(),
                source=data["source"],
            )
            messages.success(request, f"投诉已受理，查询码 {complaint.code}，请妥善保存，凭查询码查看办理进度和答复。")
            return redirect(f"{reverse('supervision:complaint_status')}?code={complaint.code}")
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(
        request,
        "supervision/complaint_new.html",
        {"form": form, "q": q, "candidates": candidates, "answer_days": params.value("SUP-1.answer_days")},
    )


def complaint_status(request: Request) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    progress, error = None, ""
    if code:
        try:
            progress = selectors.complaint_by_code(code)
        except ApplicationError as exc:
            error = exc.message
    return render(request, "supervision/complaint_status.html", {"code": code, "progress": progress, "error": error})


# -- console: complaints ----------------------------------------------------------------------------


def _complaint_filters(form: ComplaintFilterForm) -> selectors.ComplaintFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.ComplaintFilters(
        status=data.get("status") or "",
        pledge=data.get("pledge") or "",
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
        q=data.get("q") or "",
    )


@officer_required
def console_complaints(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    today = clock.today()
    qs = selectors.complaint_queue(actor=request.user, filters=_complaint_filters(form), as_of=today)
    if request.GET.get("export") == "csv":
        return csv_response(
            "complaints.csv",
            [
                "查询码",
                "协会",
                "统一社会信用代码",
                "投诉事项",
                "受理日期",
                "答复期限",
                "状态",
                "已超期",
                "调查结论",
                "答复日期",
            ],
            (
                [
                    c.code,
                    c.organization.name,
                    c.organization.uscc,
                    c.get_pledge_display(),
                    c.filed_on.isoformat(),
                    c.due_on.isoformat(),
                    c.get_status_display(),
                    "是" if selectors.is_overdue(c, today) else "否",
                    c.get_outcome_display() if c.outcome else "",
                    c.answered_on.isoformat() if c.answered_on else "",
                ]
                for c in qs.iterator(chunk_size=2000)
            ),
        )
    page = paginate(request, qs)
    for c in page.items:
        c.overdue = selectors.is_overdue(c, today)
    return render(request, "supervision/complaint_queue.html", {"form": form, "page": page, "today": today})


def _complaint_actions(request: Request, complaint: Complaint) -> dict[str, Any]:
    """The handling forms, bound to the POST for the action submitted."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    return {
        "assign": AssignForm(
            data if action == "assign" else None,
            officers=selectors.assignable_officers(complaint),
            initial={"assignee": complaint.assigned_to_id or request.user.pk},
        ),
        "dismiss": DismissForm(data if action == "dismiss" else None),
        "investigate": InvestigateForm(data if action == "investigate" else None),
        "answer": AnswerForm(data if action == "answer" else None),
    }


COMPLAINT_SERVICES: dict[str, Callable[..., Complaint]] = {
    "assign": services.complaint_assign,
    "dismiss": services.complaint_dismiss,
    "investigate": services.complaint_investigate,
    "answer": services.complaint_answer,
}


@officer_required
def console_complaint(request: Request, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(actor=request.user, pk=pk)
    forms = _complaint_actions(request, complaint)
    action = request.POST.get("action", "")
    if request.method == "POST" and action in forms and forms[action].is_valid():
        try:
            COMPLAINT_SERVICES[action](
                actor=request.user, complaint=complaint, now=clock.now(), **forms[action].cleaned_data
            )
            messages.success(request, "已保存")
            return redirect("supervision:console_complaint", pk=complaint.pk)
        except ApplicationError as exc:
            _form_error(forms[action], exc)
            messages.error(request, exc.message)
    today = clock.today()
    context = {
        "complaint": complaint,
        "forms": forms,
        "identity": selectors.complainant_identity(request.user, complaint),
        "attachments": selectors.complaint_attachments(request.user, complaint),
        "events": selectors.complaint_events(complaint),
        "handles": services.may_handle(request.user, complaint),
        "overdue": selectors.is_overdue(complaint, today),
        "why": selectors.complaint_why(complaint),
        "audit": audit_trail(object_type="supervision.complaint", object_id=str(complaint.pk)),
        "today": today,
    }
    return render(request, "supervision/complaint_detail.html", context)


@officer_required
def console_complaint_attachment(request: Request, pk: int, attachment_id: int) -> FileResponse:
    complaint = selectors.complaint_get(actor=request.user, pk=pk)
    attachment = selectors.complaint_attachment(actor=request.user, complaint=complaint, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.mime
    )


# -- console: key inspections -----------------------------------------------------------------------


@officer_required
def console_inspections(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = InspectionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.InspectionFilters(
        status=data.get("status") or "", origin=data.get("origin") or "", q=data.get("q") or ""
    )
    qs = selectors.inspection_list(actor=request.user, filters=filters)
    if request.GET.get("export") == "csv":
        return csv_response(
            "key-inspections.csv",
            ["协会", "统一社会信用代码", "来源", "列入事由", "立案日期", "状态", "约谈次数", "结案日期", "检查结论"],
            (
                [
                    i.organization.name,
                    i.organization.uscc,
                    i.rule_id or "监管人员立案",
                    i.facts,
                    i.opened_on.isoformat(),
                    i.get_status_display(),
                    i.interview_count,  # type: ignore[attr-defined]
                    i.closed_on.isoformat() if i.closed_on else "",
                    i.conclusion,
                ]
                for i in qs.iterator(chunk_size=2000)
            ),
        )
    return render(request, "supervision/inspection_list.html", {"form": form, "page": paginate(request, qs)})


@officer_required
def console_inspection_new(request: Request) -> HttpResponse:
    form = InspectionOpenForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
    if request.method == "POST" and form.is_valid():
        try:
            org = registry_selectors.organization_get_for_officer(actor=request.user, uscc=form.cleaned_data["uscc"])
            case = inspection_services.inspection_open(
                actor=request.user, organization=org, reason=form.cleaned_data["reason"], now=clock.now()
            )
            messages.success(request, "已列入重点检查")
            return redirect("supervision:console_inspection", pk=case.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "supervision/inspection_new.html", {"form": form})


def _inspection_forms(request: Request, case: KeyInspection) -> dict[str, Any]:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    return {
        "interview": InterviewForm(data if action == "interview" else None, initial={"held_on": clock.today()}),
        "order": InspectionOrderForm(data if action == "order" else None, initial={"facts": case.facts}),
        "close": CloseForm(data if action == "close" else None),
    }


INSPECTION_SERVICES: dict[str, Callable[..., Any]] = {
    "interview": inspection_services.interview_record,
    "order": inspection_services.inspection_order_issue,
    "close": inspection_services.inspection_close,
}


@officer_required
def console_inspection(request: Request, pk: int) -> HttpResponse:
    case = selectors.inspection_get(actor=request.user, pk=pk)
    forms = _inspection_forms(request, case)
    action = request.POST.get("action", "")
    if request.method == "POST" and action in forms and forms[action].is_valid():
        try:
            INSPECTION_SERVICES[action](
                actor=request.user, inspection=case, now=clock.now(), **forms[action].cleaned_data
            )
            messages.success(request, "已保存")
            return redirect("supervision:console_inspection", pk=case.pk)
        except ApplicationError as exc:
            _form_error(forms[action], exc)
            messages.error(request, exc.message)
    org = case.organization
    context = {
        "case": case,
        "forms": forms,
        "why": selectors.inspection_why(case),
        "decides": registry_selectors.officer_decides(
            request.user, authority_region_id=org.authority_region_id, level=org.level
        ),
        "substantiated": selectors.substantiated_counts(organization_ids=[org.pk], as_of=clock.today()).get(org.pk, 0),
        "window_months": params.value("SUP-2.window_months"),
        "complaints": selectors.complaint_queue(
            actor=request.user, filters=selectors.ComplaintFilters(organization_id=org.pk), as_of=clock.today()
        )[:20],
        "audit": audit_trail(object_type="supervision.keyinspection", object_id=str(case.pk)),
    }
    return render(request, "supervision/inspection_detail.html", context)


@officer_required
@require_POST
def console_complaint_contact(request: Request, pk: int) -> HttpResponse:
    """Reveal the complainant's phone to a handling officer (audited); an htmx fragment."""
    complaint = selectors.complaint_get(actor=request.user, pk=pk)
    try:
        phone = services.complaint_contact_reveal(actor=request.user, complaint=complaint, now=clock.now())
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return render(request, "supervision/_complaint_contact.html", {"phone": phone})
