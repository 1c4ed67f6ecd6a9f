"""Credit-list pages of the three faces: the published lists (portal), the association's listings
(workspace), the authority's lists, decisions and queues (console); decision PDFs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError
from xiehui.core.files import attachments_of
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.web.access import officer_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import documents, selectors, services
from .forms import DecideForm, ListFilterForm, NoteForm, ObjectionForm, RemovalApplyForm
from .models import Listing, ListKind, RequestStatus


def _not_found(request: Request, exc: ApplicationError) -> HttpResponse:
    return render(request, "web/not_found.html", {"message": exc.message}, status=404)


def _form_error(form: Any, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# -- portal ----------------------------------------------------------------------------------------------


def portal_lists(request: Request) -> HttpResponse:
    kind = request.GET.get("list", ListKind.ABNORMAL)
    kind = kind if kind in ListKind.values else ListKind.ABNORMAL
    form = ListFilterForm(request.GET or None, list_kind=kind)
    qs = selectors.public_listings(filters=form.filters(kind), as_of=clock.today())
    page = paginate(request, qs)
    template = "credit/_list_rows.html" if request.htmx else "credit/portal_lists.html"
    return render(request, template, {"form": form, "page": page, "kind": kind, "kinds": ListKind.choices})


def decision_pdf(request: Request, ref: str) -> HttpResponse:
    """The association's staff and the jurisdiction's officers only; everyone else gets 404."""
    try:
        decision = selectors.decision_get(actor=request.user, ref=ref)
    except ApplicationError as exc:
        return _not_found(request, exc)
    response = HttpResponse(documents.decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(documents.filename(decision))}"
    return response


# -- workspace -------------------------------------------------------------------------------------------


@staff_required
def workspace_listings(request: Request) -> HttpResponse:
    org = registry.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    listings = Listing.objects.filter(organization=org).order_by("-start_on", "-pk")
    return render(request, "credit/workspace_listings.html", {"org": org, "listings": listings, "today": clock.today()})


def _listing_context(listing: Listing) -> dict[str, Any]:
    applications = list(listing.removal_applications.select_related("filed_by"))
    objections = list(listing.objections.select_related("filed_by"))
    for objection in objections:
        objection.evidence = attachments_of(objection, purpose="objection")  # type: ignore[attr-defined]
    return {
        "listing": listing,
        "why": selectors.why(listing),
        "decisions": selectors.decisions_of(listing),
        "applications": applications,
        "removal_pending": any(a.status in services.PENDING for a in applications),
        "objections": objections,
        "today": clock.today(),
        "objection_days": params.value("CR-O.decide_working_days"),
        "removal_days": params.value("CR-A.removal_working_days"),
    }


@staff_required
def workspace_listing(request: Request, pk: int) -> HttpResponse:
    listing = selectors.listing_get(actor=request.user, pk=pk)
    if not registry.staff_of(request.user, listing.organization):
        return render(request, "web/not_found.html", {"message": "未找到该名录记录"}, status=404)
    action = request.POST.get("action") if request.method == "POST" else None
    removal_form = RemovalApplyForm(request.POST if action == "removal" else None, request.FILES or None)
    objection_form = ObjectionForm(request.POST if action == "objection" else None, request.FILES or None)
    if action in ("removal", "objection"):
        form = removal_form if action == "removal" else objection_form
        if form.is_valid():
            try:
                _workspace_act(request, listing, action, form.cleaned_data)
                return redirect("credit:workspace_listing", pk=listing.pk)
            except ApplicationError as exc:
                _form_error(form, exc)
    context = _listing_context(listing) | {"removal_form": removal_form, "objection_form": objection_form}
    return render(request, "credit/workspace_listing.html", context)


def _workspace_act(request: Request, listing: Listing, action: str, data: dict[str, Any]) -> None:
    if action == "removal":
        services.removal_apply(
            actor=request.user,
            listing=listing,
            statement=data["statement"],
            obligation_met=data["obligation_met"],
            documents=data["documents"],
            now=clock.now(),
        )
        messages.success(request, "移出申请已提交，登记管理机关核实后作出决定。")
    else:
        objection = services.objection_file(
            actor=request.user,
            listing=listing,
            statement=data["statement"],
            defence=data["defence"],
            evidence=data["evidence"],
            now=clock.now(),
        )
        messages.success(request, f"异议已提交，登记管理机关应于 {objection.due_on:%Y-%m-%d} 前作出决定（CR-O）。")


# -- console ---------------------------------------------------------------------------------------------


@officer_required
def console_lists(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = ListFilterForm(request.GET or None, officer=True)
    qs = selectors.officer_listings(actor=request.user, filters=form.filters(), as_of=clock.today())
    if request.GET.get("export") == "csv":
        return _csv_export(qs)
    page = paginate(request, qs)
    return render(request, "credit/console_lists.html", {"form": form, "page": page})


def _csv_export(qs: Any) -> StreamingHttpResponse:
    header = ["名录", "统一社会信用代码", "名称", "列入事由", "规则", "依据", "事实", "列入日期", "最早可移出日期"]
    header += ["自动移出日期", "移出日期", "移出原因", "来源"]

    def rows() -> Iterator[list[Any]]:
        for lst in qs.iterator(chunk_size=2000):
            yield (
                [
                    lst.get_list_kind_display(),
                    lst.organization.uscc,
                    lst.organization.name,
                    lst.get_ground_display(),
                    lst.rule_id,
                    lst.basis,
                    lst.facts,
                    lst.start_on.isoformat(),
                    lst.earliest_removal_on.isoformat() if lst.earliest_removal_on else "",
                    lst.auto_removal_on.isoformat() if lst.auto_removal_on else "",
                    lst.ended_on.isoformat() if lst.ended_on else "",
                    lst.get_end_reason_display(),
                    lst.get_source_display(),
                ]
            )

    return csv_response("credit-listings.csv", header, rows())


@officer_required
def console_listing(request: Request, pk: int) -> HttpResponse:
    listing = selectors.listing_get(actor=request.user, pk=pk)
    if not selectors.in_jurisdiction(request.user, listing.authority_region_id):
        return render(request, "web/not_found.html", {"message": "未找到该名录记录"}, status=404)
    context = _listing_context(listing) | {
        "audit": audit_trail(object_type="credit.listing", object_id=str(listing.pk)),
        "decides": _decides(request, listing),
    }
    return render(request, "credit/console_listing.html", context)


def _decides(request: Request, listing: Listing) -> bool:
    org = listing.organization
    return registry.officer_decides(request.user, authority_region_id=org.authority_region_id, level=org.level)


@officer_required
def console_decide(request: Request, uscc: str) -> HttpResponse:
    org = registry.organization_get_for_officer(actor=request.user, uscc=uscc)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_decide(
                actor=request.user, organization=org, now=clock.now(), **form.cleaned_data
            )
            messages.success(request, f"已作出列入决定：{listing.get_list_kind_display()}（{listing.rule_id}）")
            return redirect("credit:console_listing", pk=listing.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "credit/console_decide.html", {"org": org, "form": form})


def _status(request: Request) -> str:
    status = request.GET.get("status", "pending")
    return "" if status == "all" else status


@officer_required
def console_removals(request: Request) -> HttpResponse:
    page = paginate(request, selectors.removal_queue(actor=request.user, status=_status(request)))
    context = {"page": page, "status": request.GET.get("status", "pending"), "statuses": RequestStatus.choices}
    return render(request, "credit/console_removals.html", context | {"today": clock.today(), "form": NoteForm()})


@officer_required
def console_objections(request: Request) -> HttpResponse:
    page = paginate(request, selectors.objection_queue(actor=request.user, status=_status(request)))
    context = {"page": page, "status": request.GET.get("status", "pending"), "statuses": RequestStatus.choices}
    return render(request, "credit/console_objections.html", context | {"today": clock.today(), "form": NoteForm()})


REMOVAL_ACTIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "verify": (services.removal_verify, "note", "已登记核实情况"),
    "approve": (services.removal_approve, "reason", "已决定移出，移出决定书已生成"),
    "reject": (services.removal_reject, "reason", "已决定不予移出"),
}
OBJECTION_ACTIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "uphold": (services.objection_uphold, "reason", "异议成立，列入已更正，移出决定书已生成"),
    "dismiss": (services.objection_dismiss, "reason", "已决定异议不成立"),
}


def _back(request: Request, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@officer_required
@require_POST
def console_removal_action(request: Request, pk: int, action: str) -> HttpResponse:
    application = selectors.removal_get(actor=request.user, pk=pk)
    if action not in REMOVAL_ACTIONS or not selectors.in_jurisdiction(
        request.user, application.listing.authority_region_id
    ):
        return render(request, "web/not_found.html", {"message": "未找到该移出申请"}, status=404)
    service, field, done = REMOVAL_ACTIONS[action]
    try:
        service(actor=request.user, application=application, now=clock.now(), **{field: request.POST.get("text", "")})
        messages.success(request, done)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "credit:console_removals")


@officer_required
@require_POST
def console_objection_action(request: Request, pk: int, action: str) -> HttpResponse:
    objection = selectors.objection_get(actor=request.user, pk=pk)
    if action not in OBJECTION_ACTIONS or not selectors.in_jurisdiction(
        request.user, objection.listing.authority_region_id
    ):
        return render(request, "web/not_found.html", {"message": "未找到该异议"}, status=404)
    service, field, done = OBJECTION_ACTIONS[action]
    try:
        service(actor=request.user, objection=objection, now=clock.now(), **{field: request.POST.get("text", "")})
        messages.success(request, done)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, "credit:console_objections")
