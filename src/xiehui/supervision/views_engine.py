"""Pages of the rules engine: rule catalogue and parameters, overdue flags, reminders."""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock, params, rules
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Level, Role
from xiehui.core.typing import Request
from xiehui.web.access import officer_required, role_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors_engine as selectors
from .models import Flag
from .services.engine import reminder_mark_read


def may_set_parameters(user: object) -> bool:
    """Provincial officers and administrators set the configurable parameters for the province."""
    role = getattr(user, "role", None)
    return role == Role.ADMIN or (
        role == Role.OFFICER and getattr(user, "jurisdiction_level", None) == Level.PROVINCIAL
    )


@role_required(Role.OFFICER, Role.ADMIN)
def console_rules(request: Request) -> HttpResponse:
    error = None
    if request.method == "POST":
        if not may_set_parameters(request.user):
            return render(request, "web/forbidden.html", status=403)
        key = request.POST.get("key", "")
        try:
            value = json.loads(request.POST.get("value", ""))
        except ValueError:
            error = f"参数“{key}”的值应为数字或 [30, 7, 1] 形式的列表"
        else:
            try:
                params.parameter_set(
                    actor=request.user, key=key, value=value, note=request.POST.get("note", ""), now=clock.now()
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                messages.success(request, f"参数“{key}”已调整为 {json.dumps(value, ensure_ascii=False)}")
                return redirect("supervision:console_rules")
    catalogue = params.catalogue()
    by_rule: dict[str, list[dict]] = {}
    for row in catalogue:
        by_rule.setdefault(row["rule_id"], []).append(row)
    context = {
        "rules": [(spec, by_rule.get(spec.id, [])) for spec in sorted(rules.REGISTRY.values(), key=lambda s: s.id)],
        "may_set": may_set_parameters(request.user),
        "error": error,
        "last_tick": selectors.last_tick(),
    }
    return render(request, "supervision/engine_rules.html", context, status=400 if error else 200)


@officer_required
def console_flags(request: Request) -> HttpResponse | StreamingHttpResponse:
    open_only = request.GET.get("all") != "1"
    qs = selectors.flag_list(
        actor=request.user, rule_id=request.GET.get("rule", ""), open_only=open_only, q=request.GET.get("q", "").strip()
    )
    if request.GET.get("export") == "csv":
        return _flags_csv(qs)
    page = paginate(request, qs)
    for flag in page.items:
        flag.why = selectors.why(flag)
    context = {
        "page": page,
        "counts": selectors.open_flag_counts(request.user),
        "open_only": open_only,
        "rule": request.GET.get("rule", ""),
        "q": request.GET.get("q", ""),
    }
    return render(request, "supervision/engine_flags.html", context)


def _flags_csv(qs: QuerySet[Flag]) -> StreamingHttpResponse:
    header = ["统一社会信用代码", "名称", "规则", "事项", "标记日期", "解除日期", "事实"]
    rows = (
        [f.organization.uscc, f.organization.name, f.rule_id, f.subject, f.raised_on, f.cleared_on or "", f.facts]
        for f in qs.iterator(chunk_size=2000)
    )
    return csv_response("flags.csv", header, rows)


@staff_required
def workspace_reminders(request: Request) -> HttpResponse:
    from xiehui.registry.selectors import staff_organization

    org = staff_organization(request.user)
    if org is None:
        return render(request, "web/not_found.html", {"message": "您的账户尚未关联协会，请联系管理员"}, status=404)
    context = {
        "org": org,
        "page": paginate(request, selectors.reminders_of(org)),
        "flags": selectors.flags_of(org, for_staff=True)[:50],
    }
    return render(request, "supervision/engine_reminders.html", context)


@staff_required
@require_POST
def workspace_reminder_read(request: Request, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get(actor=request.user, pk=pk)
    reminder_mark_read(reminder=reminder, now=clock.now())
    if request.htmx:
        return HttpResponse("")
    return redirect("supervision:workspace_reminders")
