"""Pages for rectification orders, penalties and the facts officers record (CR-A3 … CR-A5, CR-S3 … CR-S7).

Console (officers): the order queue, issuing, deciding; penalties; per-association
letters and court entries. Workspace (staff): the association's orders and its
responses. The court list page is shared by officers and department users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from xiehui.core import clock, engine, params
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Role
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization
from xiehui.web.access import officer_required, role_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors_orders as selectors
from .forms_orders import (
    CourtEntryForm,
    CourtRemoveForm,
    LetterForm,
    LetterReturnForm,
    OrderFilterForm,
    OrderIssueForm,
    OrderResponseForm,
    PenaltyFilterForm,
    PenaltyForm,
    ReasonForm,
)
from .models import OrderStatus, PenaltyKind, RectificationOrder
from .services import facts as facts_services
from .services import orders as order_services
from .services import penalties as penalty_services

GROUND_SUGGESTIONS = [
    "未配备专职工作人员（004 第6条）",
    "未按规定报送年度工作报告",
    "未按章程规定按期换届",
    "超出章程规定的业务范围开展活动",
    "强制入会或摊派会费",
    "信息公开不实或不及时",
]


ORDER_DECISIONS: dict[str, Callable[..., RectificationOrder]] = {
    "accept": order_services.order_accept,
    "reject": order_services.order_reject,
    "withdraw": order_services.order_withdraw,
}


def _form_error(form: Any, exc: ApplicationError) -> None:
    """Put a service refusal on the field it names (or on the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def order_why(order: RectificationOrder) -> list[dict[str, Any]]:
    """Why the order exists (its rule, for rule orders) and what follows if it is not met (CR-A3)."""
    consequence = engine.explain(
        rule_id="CR-A3",
        facts=f"{order.number}：{order.ground}（依据：{order.basis}），整改期限 {order.deadline:%Y-%m-%d}；"
        "逾期未完成整改的，列入活动异常名录。完成日期以被确认的整改情况提交日期为准。",
        parameters=params.values("CR-A3"),
    )
    if not order.rule_id:
        return [consequence]
    return [engine.explain(rule_id=order.rule_id, facts=order.facts, parameters=order.parameters), consequence]


# -- console: orders ----------------------------------------------------------------------------------


def _order_filters(form: OrderFilterForm) -> selectors.OrderFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.OrderFilters(
        q=data.get("q") or "",
        status=data.get("status") or "",
        source=data.get("source") or "",
        overdue=bool(data.get("overdue")),
    )


@officer_required
def console_orders(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = OrderFilterForm(request.GET or None)
    today = clock.today()
    qs = selectors.order_list(actor=request.user, filters=_order_filters(form), as_of=today)
    if request.GET.get("export") == "csv":
        return _orderscsv_response(qs, today)
    page = paginate(request, qs)
    for order in page.items:
        order.deadline_state = selectors.deadline_state(order, today)
    return render(request, "supervision/order_console_list.html", {"form": form, "page": page, "today": today})


def _orderscsv_response(qs: Any, today: Any) -> StreamingHttpResponse:
    header = ["文号", "社会团体", "统一社会信用代码", "来源", "规则", "整改事由", "依据", "下达日期", "整改期限"]
    header += ["状态", "完成日期", "是否逾期"]
    rows = (
        [
            o.number,
            o.organization.name,
            o.organization.uscc,
            o.get_source_display(),
            o.rule_id,
            o.ground,
            o.basis,
            o.issued_on.isoformat(),
            o.deadline.isoformat(),
            o.get_status_display(),
            o.completed_on.isoformat() if o.completed_on else "",
            "是" if selectors.deadline_state(o, today) == "overdue" else "",
        ]
        for o in qs.iterator(chunk_size=2000)
    )
    return csv_response("orders.csv", header, rows)


def _officer_org(request: Request, uscc: str) -> Organization | None:
    if not uscc:
        return None
    return registry_selectors.organization_get_for_officer(actor=request.user, uscc=uscc)


@officer_required
def console_order_new(request: Request) -> HttpResponse:
    initial_uscc = request.GET.get("uscc", "")
    form = OrderIssueForm(request.POST or None, initial={"uscc": initial_uscc})
    org = _officer_org(request, initial_uscc)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            org = _officer_org(request, data.pop("uscc"))
            assert org is not None
            order = order_services.order_issue(actor=request.user, organization=org, now=clock.now(), **data)
            messages.success(request, f"已下达整改通知 {order.number}")
            return redirect("supervision:console_order", pk=order.pk)
        except ApplicationError as exc:
            _form_error(form, exc if exc.status != 404 else ApplicationError(exc.message, code="", field="uscc"))
    context = {"form": form, "org": org, "grounds": GROUND_SUGGESTIONS}
    return render(request, "supervision/order_issue.html", context)


@officer_required
def console_order(request: Request, pk: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST" and reason_form.is_valid():
        action = request.POST.get("action", "")
        service = ORDER_DECISIONS.get(action)
        try:
            if service is None:
                raise ApplicationError("未知操作", code="unknown_action")
            service(actor=request.user, order=order, reason=reason_form.cleaned_data["reason"], now=clock.now())
            messages.success(
                request, {"accept": "已确认整改完成", "reject": "已退回整改情况", "withdraw": "已撤回整改通知"}[action]
            )
            return redirect("supervision:console_order", pk=order.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    context = _order_context(request, order, face="console", reason_form=reason_form)
    return render(request, "supervision/order_detail.html", context)


def _order_context(request: Request, order: RectificationOrder, *, face: str, **extra: Any) -> dict[str, Any]:
    today = clock.today()
    org = order.organization
    order.deadline_state = selectors.deadline_state(order, today)  # type: ignore[attr-defined]
    return {
        "order": order,
        "face": face,
        "today": today,
        "can_withdraw": order.status in selectors.ACTIVE,
        "responses": order.responses.all(),
        "attachments": selectors.response_attachments(order),
        "whys": order_why(order),
        "decides": registry_selectors.officer_decides(
            request.user, authority_region_id=org.authority_region_id, level=org.level
        ),
        "audit": audit_trail(object_type="supervision.rectificationorder", object_id=str(order.pk))
        if face == "console"
        else [],
        **extra,
    }


@role_required(Role.OFFICER, Role.STAFF)
def order_attachment(request: Request, pk: int, attachment_pk: int) -> FileResponse:
    """An evidence file, to whoever may see the order (its officers and its association's staff)."""
    attachment = selectors.order_attachment_get(actor=request.user, order_pk=pk, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.mime
    )


# -- console: penalties -------------------------------------------------------------------------------


@officer_required
def console_penalties(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = PenaltyFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PenaltyFilters(q=data.get("q") or "", kind=data.get("kind") or "")
    qs = selectors.penalty_list(actor=request.user, filters=filters)
    if request.GET.get("export") == "csv":
        header = ["处罚决定书文号", "社会团体", "统一社会信用代码", "处罚种类", "处罚决定日期", "罚没金额（元）"]
        header += ["停止活动起", "停止活动止", "法律依据", "违法事实"]
        rows = (
            [
                p.decision_number,
                p.organization.name,
                p.organization.uscc,
                p.get_kind_display(),
                p.decided_on.isoformat(),
                p.amount if p.amount is not None else "",
                p.suspension_from.isoformat() if p.suspension_from else "",
                p.suspension_until.isoformat() if p.suspension_until else "",
                p.legal_basis,
                p.facts,
            ]
            for p in qs.iterator(chunk_size=2000)
        )
        return csv_response("penalties.csv", header, rows)
    return render(request, "supervision/penalty_list.html", {"form": form, "page": paginate(request, qs)})


@officer_required
def console_penalty_new(request: Request) -> HttpResponse:
    initial_uscc = request.GET.get("uscc", "")
    form = PenaltyForm(request.POST or None, initial={"uscc": initial_uscc, "decided_on": clock.today()})
    org = _officer_org(request, initial_uscc)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            org = _officer_org(request, data.pop("uscc"))
            assert org is not None
            penalty = penalty_services.penalty_record(actor=request.user, organization=org, now=clock.now(), **data)
            messages.success(request, f"已记录行政处罚 {penalty.decision_number}")
            return redirect("registry:console_organization", uscc=org.uscc)
        except ApplicationError as exc:
            _form_error(form, exc if exc.status != 404 else ApplicationError(exc.message, code="", field="uscc"))
    context = {"form": form, "org": org, "kinds": PenaltyKind}
    return render(request, "supervision/penalty_record.html", context)


# -- console: letters and court entries of one association ------------------------------------------


def _facts_post(request: Request, org: Organization, forms: dict[str, Any]) -> bool:
    """Run the posted action; True when it succeeded (the page then redirects)."""
    action = request.POST.get("action", "")
    form = forms.get(action)
    if form is None or not form.is_valid():
        return False
    data, now, actor = dict(form.cleaned_data), clock.now(), request.user
    try:
        if action == "letter":
            facts_services.letter_record(actor=actor, organization=org, now=now, **data)
        elif action == "letter_return":
            letter = selectors.letter_get(actor=actor, pk=data.pop("letter"))
            facts_services.letter_update_return(actor=actor, letter=letter, now=now, **data)
        elif action == "court":
            data.pop("uscc", None)
            facts_services.court_entry_record(actor=actor, organization=org, now=now, **data)
        else:
            entry = selectors.court_entry_get(actor=actor, pk=data["entry"])
            facts_services.court_entry_remove(actor=actor, entry=entry, removed_on=data["removed_on"], now=now)
    except ApplicationError as exc:
        _form_error(form, exc)
        return False
    messages.success(request, "已记录")
    return True


@officer_required
def console_facts(request: Request, uscc: str) -> HttpResponse:
    org = registry_selectors.organization_get_for_officer(actor=request.user, uscc=uscc)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post else ""
    forms = {
        "letter": LetterForm(post if action == "letter" else None),
        "letter_return": LetterReturnForm(post if action == "letter_return" else None),
        "court": CourtEntryForm(post if action == "court" else None, initial={"uscc": org.uscc}),
        "court_remove": CourtRemoveForm(post if action == "court_remove" else None),
    }
    if post is not None and _facts_post(request, org, forms):
        return redirect("supervision:console_facts", uscc=org.uscc)
    letters = list(selectors.letters_of(org))
    context = {
        "org": org,
        "forms": forms,
        "letters": letters,
        "hint": facts_services.unreachable_evidence(letters),
        "entries": selectors.court_entries_of(org),
        "decides": registry_selectors.officer_decides(
            request.user, authority_region_id=org.authority_region_id, level=org.level
        ),
        "today": clock.today(),
    }
    return render(request, "supervision/facts.html", context)


@role_required(Role.OFFICER, Role.DEPARTMENT)
def court_entries(request: Request) -> HttpResponse:
    """The court list (CR-S6) for officers and department users: entries they reach, and a form to add one."""
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post else ""
    form = CourtEntryForm(post if action == "court" else None)
    remove_form = CourtRemoveForm(post if action == "court_remove" else None)
    if post is not None and _court_post(request, action, form, remove_form):
        return redirect("supervision:court_entries")
    q = request.GET.get("q", "").strip()
    qs = selectors.court_entries_visible(request.user).select_related("recorded_by")
    if q:
        qs = qs.filter(
            Q(organization__name__icontains=q) | Q(case_number__icontains=q) | Q(organization__uscc=q.upper())
        )
    context = {"form": form, "remove_form": remove_form, "page": paginate(request, qs), "q": q, "today": clock.today()}
    return render(request, "supervision/facts_court.html", context)


def _court_post(request: Request, action: str, form: CourtEntryForm, remove_form: CourtRemoveForm) -> bool:
    target = form if action == "court" else remove_form
    if not target.is_valid():
        return False
    data, now = target.cleaned_data, clock.now()
    try:
        if action == "court":
            org = registry_selectors.organization_get(actor=request.user, uscc=data["uscc"])
            if not facts_services.may_record_court_entry(request.user, org):
                raise ApplicationError("未找到该统一社会信用代码对应的社会团体", code="not_found", field="uscc")
            facts_services.court_entry_record(
                actor=request.user,
                organization=org,
                case_number=data["case_number"],
                court=data["court"],
                listed_on=data["listed_on"],
                now=now,
            )
        else:
            entry = selectors.court_entry_get(actor=request.user, pk=data["entry"])
            facts_services.court_entry_remove(actor=request.user, entry=entry, removed_on=data["removed_on"], now=now)
    except ApplicationError as exc:
        _form_error(target, exc if exc.field else ApplicationError(exc.message, code=exc.code, field="uscc"))
        return False
    messages.success(request, "已记录")
    return True


# -- workspace ----------------------------------------------------------------------------------------


@staff_required
def workspace_orders(request: Request) -> HttpResponse:
    org = registry_selectors.staff_organization(request.user)
    if org is None:
        return render(request, "web/not_found.html", {"message": "您的账户尚未关联协会，请联系管理员"}, status=404)
    today = clock.today()
    qs = selectors.order_list(actor=request.user, filters=selectors.OrderFilters(), as_of=today)
    page = paginate(request, qs)
    for order in page.items:
        order.deadline_state = selectors.deadline_state(order, today)
    return render(request, "supervision/order_workspace_list.html", {"org": org, "page": page, "today": today})


@staff_required
def workspace_order(request: Request, pk: int) -> HttpResponse:
    order = selectors.order_get(actor=request.user, pk=pk)
    form = OrderResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            order_services.order_respond(
                actor=request.user,
                order=order,
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
                now=clock.now(),
            )
            messages.success(request, "整改情况已提交，等待登记管理机关审核")
            return redirect("supervision:workspace_order", pk=order.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    context = _order_context(request, order, face="workspace", form=form, can_respond=order.status == OrderStatus.OPEN)
    return render(request, "supervision/order_detail.html", context)
