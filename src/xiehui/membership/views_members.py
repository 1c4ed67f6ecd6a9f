"""Workspace pages of joining, exits, classes, delegates and the MEM-2 figures (the association's staff)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web.access import staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors
from . import services_members as services
from .forms_members import (
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    CeaseForm,
    DelegateForm,
    ExitForm,
    ExpelForm,
    MemberClassForm,
    RefuseForm,
)
from .models import ApplicationStatus, ExitKind, MemberExit

APPLICATION_CSV = [
    "申请人",
    "会员类型",
    "统一社会信用代码",
    "申请类别",
    "联系人",
    "联系电话",
    "提交时间",
    "状态",
    "审批机构",
    "章程依据",
    "审批意见",
]
FIGURES_CSV = ["年度", "统计截止日", "年初会员数", "入会", "退会", "年末会员数", "退会率", "退会原因"]
DELEGATES_CSV = ["代表姓名", "所属会员", "产生方式", "任期起始", "任期终止", "产生依据", "平台账户"]
END_SERVICES: dict[str, Callable[..., MemberExit]] = {
    ExitKind.VOLUNTARY: services.member_exit,
    ExitKind.EXPELLED: services.member_expel,
    ExitKind.CEASED: services.member_cease,
}
END_FORMS = {ExitKind.VOLUNTARY: ExitForm, ExitKind.EXPELLED: ExpelForm, ExitKind.CEASED: CeaseForm}


def form_error(form: Any, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _org(request: Request) -> Organization:
    org = registry.staff_organization(request.user)
    if org is None:
        raise NotFound("您尚未关联协会")
    return org


# -- applications ---------------------------------------------------------------------------------------


def _applications_csv(org: Organization, qs: Any) -> StreamingHttpResponse:
    rows = (
        [
            a.name,
            a.get_kind_display(),
            a.uscc,
            a.member_class,
            a.contact_name,
            a.contact_phone_masked,
            f"{a.submitted_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}",
            a.get_status_display(),
            a.decision_organ,
            a.decision_clause,
            a.decision_reason,
        ]
        for a in qs.iterator(chunk_size=2000)
    )
    return csv_response(f"membership-applications-{org.uscc}.csv", APPLICATION_CSV, rows)


@staff_required
def workspace_applications(request: Request) -> HttpResponse | StreamingHttpResponse:
    org = _org(request)
    form = ApplicationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.applications_of(org, status=data.get("status", ""), q=data.get("q", ""))
    if request.GET.get("export") == "csv":
        return _applications_csv(org, qs)
    context = {"org": org, "form": form, "page": paginate(request, qs)}
    return render(request, "membership/workspace_applications.html", context)


@staff_required
def workspace_application_new(request: Request) -> HttpResponse:
    """Staff enter a (paper) application on the applicant's behalf."""
    org = _org(request)
    form = ApplicationForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(
                actor=request.user, organization=org, now=clock.now(), **form.cleaned_data
            )
            messages.success(request, f"已登记入会申请：{app.name}")
            return redirect("membership:workspace_application", pk=app.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "membership/application_form.html", {"org": org, "form": form, "workspace": True})


def _decide(request: Request, app: Any, approve: ApproveForm, refuse: RefuseForm) -> bool:
    form = approve if request.POST.get("action") == "approve" else refuse
    if not form.is_valid():
        return False
    try:
        if form is approve:
            services.application_approve(actor=request.user, application=app, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已批准入会：{app.name}")
        else:
            services.application_refuse(actor=request.user, application=app, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已作出不予批准的决定：{app.name}")
        return True
    except ApplicationError as exc:
        form_error(form, exc)
        return False


@staff_required
def workspace_application(request: Request, pk: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, pk=pk)
    if not registry.staff_of(request.user, app.organization):
        raise NotFound("未找到该入会申请")
    org = app.organization
    action = request.POST.get("action") if request.method == "POST" else None
    approve = ApproveForm(
        request.POST if action == "approve" else None,
        organization=org,
        initial={"joined_on": clock.today(), "member_class": app.member_class},
    )
    refuse = RefuseForm(request.POST if action == "refuse" else None)
    if action and app.status == ApplicationStatus.SUBMITTED and _decide(request, app, approve, refuse):
        return redirect("membership:workspace_application", pk=app.pk)
    context = {"org": org, "app": app, "approve": approve, "refuse": refuse}
    return render(request, "membership/workspace_application.html", context)


# -- exits ----------------------------------------------------------------------------------------------


def end_forms(member: Any, data: Any = None, kind: str = "") -> dict[str, Any]:
    today = clock.today()
    return {
        k: cls(data if k == kind else None, initial={"effective_on": today}, prefix=k) for k, cls in END_FORMS.items()
    }


@staff_required
@require_POST
def workspace_member_end(request: Request, pk: int, kind: str) -> HttpResponse:
    """End a membership: the member's written request (voluntary), an expulsion decision, or cessation."""
    member = selectors.member_get_for_staff(actor=request.user, pk=pk)
    if kind not in END_FORMS:
        raise NotFound("未找到该页面")
    forms = end_forms(member, request.POST, kind)
    form = forms[kind]
    if form.is_valid():
        service: Callable[..., MemberExit] = END_SERVICES[kind]
        try:
            record = service(actor=request.user, member=member, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"{member.name} 自 {record.effective_on:%Y-%m-%d} 起不再是本会会员")
            return redirect("membership:workspace_member", pk=member.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    from .views import member_page  # the member page renders the end forms with their errors

    return member_page(request, member, end=forms, status=400)


# -- classes --------------------------------------------------------------------------------------------


@staff_required
def workspace_classes(request: Request) -> HttpResponse:
    org = _org(request)
    form = MemberClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.member_class_add(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已添加会员类别：{row.name}")
            return redirect("membership:workspace_classes")
        except ApplicationError as exc:
            form_error(form, exc)
    context = {"org": org, "form": form, "classes": selectors.member_classes(org)}
    return render(request, "membership/workspace_classes.html", context)


@staff_required
@require_POST
def workspace_class_delete(request: Request, pk: int) -> HttpResponse:
    org = _org(request)
    row = selectors.member_class_get(org, pk)
    try:
        services.member_class_remove(actor=request.user, member_class=row, now=clock.now())
        messages.success(request, f"已删除会员类别：{row.name}")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("membership:workspace_classes")


# -- delegates ------------------------------------------------------------------------------------------


@staff_required
def workspace_delegates(request: Request) -> HttpResponse | StreamingHttpResponse:
    org = _org(request)
    qs = selectors.delegates_all(org)
    if request.GET.get("export") == "csv":
        rows = (
            [
                d.name,
                d.member.name,
                d.get_method_display(),
                d.since,
                d.until or "",
                d.basis,
                d.user.username if d.user else "",
            ]
            for d in qs.iterator(chunk_size=2000)
        )
        return csv_response(f"delegates-{org.uscc}.csv", DELEGATES_CSV, rows)
    today = clock.today()
    form = DelegateForm(request.POST or None, members=selectors.members_of(org, as_of=today), initial={"since": today})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.delegate_record(actor=request.user, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已登记会员代表：{row.name}")
            return redirect("membership:workspace_delegates")
        except ApplicationError as exc:
            form_error(form, exc)
    current = set(selectors.delegates_of(org, as_of=today).values_list("pk", flat=True))
    context = {"org": org, "form": form, "page": paginate(request, qs), "current": current}
    return render(request, "membership/workspace_delegates.html", context)


# -- figures (MEM-2) -------------------------------------------------------------------------------------


def _reasons(figures: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, int]]:
    return [(labels.get(k, k), n) for k, n in figures["exits_by_reason"].items()]


@staff_required
def workspace_figures(request: Request) -> HttpResponse | StreamingHttpResponse:
    org = _org(request)
    today = clock.today()
    years = selectors.figures_years(org, as_of=today)
    labels = selectors.exit_reason_labels()
    for f in years:
        f["reasons"] = _reasons(f, labels)
    if request.GET.get("export") == "csv":
        rows = (
            [
                f["year"],
                f["until"],
                f["start"],
                f["joins"],
                f["exits"],
                f["end"],
                "" if f["exit_ratio"] is None else f"{f['exit_ratio']:.2%}",
                "；".join(f"{label} {n}" for label, n in f["reasons"]),
            ]
            for f in years
        )
        return csv_response(f"member-figures-{org.uscc}.csv", FIGURES_CSV, rows)
    return render(request, "membership/workspace_figures.html", {"org": org, "years": years, "today": today})
