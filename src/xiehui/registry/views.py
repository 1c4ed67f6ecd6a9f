"""Register pages of the three web faces: portal (public), workspace (staff), console (officers)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.web import panels
from xiehui.web.access import officer_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import rules, selectors, services
from .forms import ApplicationForm, ChangeFilingForm, DecouplingForm, ReasonForm, ResubmitForm, SearchForm
from .models import ApplicationStatus, FilingStatus


def _filters(form: SearchForm) -> selectors.OrganizationFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.OrganizationFilters(
        **{k: data.get(k) or "" for k in ("q", "region", "industry", "level", "status")}
    )


def _form_error(form, exc: ApplicationError) -> None:  # type: ignore[no-untyped-def]
    """Put a service refusal on the field it names (or on the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# -- portal -----------------------------------------------------------------


def portal_search(request: Request) -> HttpResponse:
    form = SearchForm(request.GET or None)
    qs = selectors.organization_search(actor=request.user, filters=_filters(form)).prefetch_related()
    page = paginate(request, qs)
    template = "registry/_org_rows.html" if request.htmx else "registry/portal_search.html"
    return render(request, template, {"form": form, "page": page})


def portal_detail(request: Request, uscc: str) -> HttpResponse:
    try:
        org = selectors.organization_get(actor=request.user, uscc=uscc)
    except ApplicationError as exc:
        return render(request, "web/not_found.html", {"message": exc.message}, status=404)
    context = {
        "org": org,
        "history": selectors.item_history(org)[:100],
        "decoupling": org.decoupling_items.all(),
        "panels": panels.panels("portal_org", request, org),
        "head_panels": panels.panels("portal_org_head", request, org),
    }
    return render(request, "registry/portal_detail.html", context)


def apply(request: Request) -> HttpResponse:
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(
                actor=request.user if request.user.is_authenticated else None, data=form.to_input(), now=clock.now()
            )
            messages.success(request, f"申请已受理，受理编号 {app.tracking_code}，请妥善保存以查询进度。")
            return redirect(f"{reverse('registry:application_status')}?code={app.tracking_code}")
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "registry/apply.html", {"form": form})


def application_status(request: Request) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    app, error = None, ""
    if code:
        try:
            app = selectors.application_by_code(code)
        except ApplicationError as exc:
            error = exc.message
    form = ResubmitForm(request.POST or None, request.FILES or None)
    if app is not None and request.method == "POST" and form.is_valid():
        try:
            services.application_resubmit(
                actor=None,
                application=app,
                documents=[("other", f) for f in form.cleaned_data["documents"]],
                now=clock.now(),
            )
            messages.success(request, "补正材料已提交，审查期限自今日重新计算。")
            return redirect(f"{reverse('registry:application_status')}?code={app.tracking_code}")
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(
        request,
        "registry/application_status.html",
        {"app": app, "code": code, "error": error, "form": form, "today": clock.today()},
    )


# -- workspace --------------------------------------------------------------


@staff_required
def workspace_home(request: Request) -> HttpResponse:
    org = selectors.staff_organization(request.user)
    if org is None:
        return render(request, "web/not_found.html", {"message": "您的账户尚未关联协会，请联系管理员"}, status=404)
    org = selectors.organization_get(actor=request.user, uscc=org.uscc)
    context = {
        "org": org,
        "filings": selectors.change_filings_of(actor=request.user, organization=org)[:20],
        "applications": selectors.applications_of(request.user)[:20],
        "decoupling": org.decoupling_items.all(),
        "history": selectors.item_history(org)[:20],
        "panels": panels.panels("workspace_home", request, org),
    }
    return render(request, "registry/workspace_home.html", context)


@staff_required
def workspace_change_new(request: Request) -> HttpResponse:
    org = selectors.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    form = ChangeFilingForm(request.POST or None, initial={"decided_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.change_filing_submit(
                actor=request.user, organization=org, data=form.to_input(), now=clock.now()
            )
            messages.success(request, "变更登记申请已提交，等待登记管理机关审查。")
            return redirect("registry:workspace_change", pk=filing.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(
        request,
        "registry/workspace_change_new.html",
        {"form": form, "org": org, "filing_days": rules.REG5.parameters["filing_days"]},
    )


@staff_required
def workspace_decoupling(request: Request) -> HttpResponse:
    """The five separations (REG-7): each item done or not, with its evidence."""
    org = selectors.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    form = DecouplingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decoupling_item_update(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, "脱钩情况已保存")
            return redirect("registry:workspace_decoupling")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "registry/workspace_decoupling.html", {"org": org, "items": org.decoupling_items.all()})


@staff_required
def workspace_change(request: Request, pk: int) -> HttpResponse:
    filing = selectors.change_filing_get(actor=request.user, pk=pk)
    return render(request, "registry/change_detail.html", {"filing": filing, "face": "workspace"})


# -- console ----------------------------------------------------------------


@officer_required
def console_home(request: Request) -> HttpResponse:
    today = clock.today()
    queue = selectors.application_queue(actor=request.user, status=ApplicationStatus.SUBMITTED, as_of=today)
    context = {
        "pending_applications": queue.count(),
        "overdue_applications": queue.filter(due_on__lt=today).count(),
        "pending_filings": selectors.pending_filings_count(request.user),
        "panels": panels.panels("console_home", request, None),
        "register_count": selectors.organization_search(
            actor=request.user, filters=selectors.OrganizationFilters(), scope="jurisdiction"
        ).count(),
        "soonest": queue[:5],
        "today": today,
    }
    return render(request, "registry/console_home.html", context)


@officer_required
def console_register(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = SearchForm(request.GET or None)
    qs = selectors.organization_search(actor=request.user, filters=_filters(form), scope="jurisdiction")
    if request.GET.get("export") == "csv":
        return _csv_export(qs)
    page = paginate(request, qs)
    template = "registry/_org_rows.html" if request.htmx else "registry/console_register.html"
    return render(request, template, {"form": form, "page": page, "console": True})


def _csv_export(qs) -> StreamingHttpResponse:  # type: ignore[no-untyped-def]
    header = ["统一社会信用代码", "名称", "类型", "登记层级", "住所所在区划", "住所", "成立登记日期", "登记状态"]

    def rows():  # type: ignore[no-untyped-def]
        for o in qs.iterator(chunk_size=2000):
            yield (
                [
                    o.uscc,
                    o.name,
                    o.get_kind_display(),
                    o.get_level_display(),
                    o.region.full_name,
                    o.domicile,
                    o.registered_on.isoformat(),
                    o.get_status_display(),
                ]
            )

    return csv_response("register.csv", header, rows())


@officer_required
def console_organization(request: Request, uscc: str) -> HttpResponse:
    org = selectors.organization_get_for_officer(actor=request.user, uscc=uscc)
    context = {
        "org": org,
        "history": selectors.item_history(org)[:100],
        "decoupling": org.decoupling_items.all(),
        "audit": audit_trail(object_type="registry.organization", object_id=str(org.pk)),
        "panels": panels.panels("console_org", request, org),
        "masked_id": org.legal_representative.id_number_masked,
    }
    return render(request, "registry/console_organization.html", context)


@officer_required
def console_applications(request: Request) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    today = clock.today()
    qs = selectors.application_queue(actor=request.user, status=status if status != "all" else "", as_of=today)
    page = paginate(request, qs)
    for app in page.items:
        app.deadline_state = rules.deadline_state(app.due_on, today)
        app.days_left = (app.due_on - today).days
        app.days_overdue = -app.days_left
    return render(
        request,
        "registry/console_applications.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices, "today": today},
    )


@officer_required
def console_application(request: Request, pk: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, pk=pk)
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                org = services.application_approve(actor=request.user, application=app, now=clock.now())
                messages.success(request, f"已准予登记，统一社会信用代码 {org.uscc}")
                return redirect("registry:console_organization", uscc=org.uscc)
            if reason_form.is_valid():
                service = {
                    "refuse": services.application_refuse,
                    "request_completion": services.application_request_completion,
                }.get(action or "")
                if service is None:
                    raise ApplicationError("未知操作", code="unknown_action")
                service(actor=request.user, application=app, reason=reason_form.cleaned_data["reason"], now=clock.now())
                messages.success(request, "已作出决定")
                return redirect("registry:console_application", pk=app.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    today = clock.today()
    context = {
        "app": app,
        "reason_form": reason_form,
        "today": today,
        "deadline_state": rules.deadline_state(app.due_on, today),
        "days_left": (app.due_on - today).days,
        "conditions": rules.registration_conditions(
            level=app.level,
            individual_members=app.individual_members,
            unit_members=app.unit_members,
            activity_funds=app.activity_funds,
            domicile=app.domicile,
            fulltime_staff=app.fulltime_staff,
        ),
        "similar": selectors.similar_names(
            name=app.name, authority_region=app.authority_region, exclude_application=app.pk
        ),
        "audit": audit_trail(object_type="registry.registrationapplication", object_id=str(app.pk)),
    }
    return render(request, "registry/console_application.html", context)


@officer_required
def console_changes(request: Request) -> HttpResponse:
    status = request.GET.get("status", FilingStatus.SUBMITTED)
    qs = selectors.change_filing_queue(actor=request.user, status=status if status != "all" else "")
    return render(
        request,
        "registry/console_changes.html",
        {"page": paginate(request, qs), "status": status, "statuses": FilingStatus.choices},
    )


@officer_required
def console_change(request: Request, pk: int) -> HttpResponse:
    filing = selectors.change_filing_get(actor=request.user, pk=pk)
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                services.change_filing_approve(actor=request.user, filing=filing, now=clock.now())
                messages.success(request, "已核准变更，登记事项已更新")
                return redirect("registry:console_organization", uscc=filing.organization.uscc)
            if reason_form.is_valid():
                services.change_filing_reject(
                    actor=request.user, filing=filing, reason=reason_form.cleaned_data["reason"], now=clock.now()
                )
                messages.success(request, "已决定不予核准")
                return redirect("registry:console_change", pk=filing.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    current = services.item_values(filing.organization)
    return render(
        request,
        "registry/change_detail.html",
        {"filing": filing, "face": "console", "reason_form": reason_form, "current": current},
    )
