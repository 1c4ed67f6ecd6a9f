"""Pages of the data port: department keys (issue, show once, revoke), the query audit, bulk exports."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Role
from xiehui.core.typing import Request
from xiehui.web.access import not_found_page, role_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import exports, selectors, services
from .api import download, export_out
from .forms import ExportRequestForm, KeyFilterForm, KeyIssueForm, KeyRevokeForm, QueryFilterForm
from .models import ExportJob, QueryRecord
from .scopes import scope_label

manager_required = role_required(Role.OFFICER, Role.ADMIN)
QUERY_CSV = [
    "时间",
    "部门",
    "接入系统",
    "密钥前缀",
    "方法",
    "接口",
    "路径",
    "参数",
    "状态码",
    "结果",
    "返回条数",
    "耗时（毫秒）",
    "涉及个人信息",
    "客户端地址",
]


@manager_required
def console_keys(request: Request) -> HttpResponse:
    """Keys within reach, with today's use; the issue form; a key just issued is shown once."""
    departments = selectors.departments_for(request.user)
    form = KeyIssueForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = services.key_issue(actor=request.user, now=clock.now(), **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session["dataport_new_secret"] = [key.pk, secret]
            return redirect("dataport:console_key", key.pk)
    filters = KeyFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request, selectors.keys_for(request.user, q=(data.get("q") or "").strip(), status=data.get("status") or "")
    )
    now = clock.now()
    rows = [{"key": k, "state": selectors.key_state(k, now=now), **selectors.key_usage(k, now=now)} for k in page.items]
    context = {"form": form, "filters": filters, "page": page, "rows": rows, "labels": scope_label}
    return render(request, "dataport/console_keys.html", context, status=400 if form.errors else 200)


@never_cache  # the secret is on this page once: no browser or proxy may keep a copy
@manager_required
def console_key(request: Request, pk: int) -> HttpResponse:
    """One key: scopes, limits, use today, its latest queries; the secret once, right after issuing."""
    key = selectors.key_get(request.user, pk)
    shown = request.session.pop("dataport_new_secret", None)
    secret = shown[1] if shown and shown[0] == key.pk else None
    form = KeyRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_revoke(actor=request.user, key=key, reason=form.cleaned_data["reason"], now=clock.now())
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "密钥已吊销，所有调用即刻被拒绝")
            return redirect("dataport:console_key", key.pk)
    now = clock.now()
    context = {
        "key": key,
        "secret": secret,
        "form": form,
        "state": selectors.key_state(key, now=now),
        "usage": selectors.key_usage(key, now=now),
        "scopes": [scope_label(s) for s in key.scopes],
        "recent": selectors.queries_for(request.user, filters={"key_prefix": key.prefix})[:20],
    }
    return render(request, "dataport/console_key.html", context, status=400 if form.errors else 200)


@manager_required
def console_queries(request: Request) -> HttpResponse | StreamingHttpResponse:
    """The query audit within reach: search by department, key, endpoint, dates, outcome, personal data; CSV."""
    form = QueryFilterForm(request.GET or None, departments=selectors.departments_for(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.queries_for(request.user, filters=data)
    if request.GET.get("export") == "csv" and not form.errors:
        return csv_response("dataport_queries.csv", QUERY_CSV, (_csv_row(r) for r in qs.iterator(chunk_size=2000)))
    return render(request, "dataport/console_queries.html", {"form": form, "page": paginate(request, qs)})


def _csv_row(r: QueryRecord) -> list[object]:
    return [
        r.at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
        r.department.name if r.department else "",
        r.key.system_name if r.key else "",
        r.key_prefix, r.method, r.endpoint, r.path, r.params, r.status, r.outcome,
        r.result_count, r.duration_ms, "是" if r.personal else "否", r.client_ip,
    ]  # fmt: skip


# -- bulk exports (any logged-in user: the public datasets; officers and administrators also the personal one) --


@login_required
def exports_page(request: Request) -> HttpResponse:
    """Request an export and follow one's exports; a finished one lists its files, rows and SM3 digests."""
    datasets = selectors.export_datasets_for(request.user, None)
    form = ExportRequestForm(request.POST or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.export_request(
                actor=request.user,
                key=None,
                dataset=form.cleaned_data["dataset"],
                fmt=form.cleaned_data["format"],
                now=clock.now(),
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已提交导出申请，后台生成完成后即可下载。"))
            return redirect("dataport:export", job.pk)
    jobs = [(job, _web_out(job)) for job in selectors.exports_for(request.user)[:20]]
    context = {"form": form, "datasets": datasets, "jobs": jobs}
    return render(request, "dataport/exports.html", context, status=400 if form.errors else 200)


def _web_out(job: ExportJob) -> dict[str, Any]:
    return export_out(job, reverse("dataport:export_file", args=[job.pk, "x"])[:-1])


@login_required
@not_found_page
def export_page(request: Request, pk: uuid.UUID) -> HttpResponse:
    """One export: progress while it runs (htmx polls the fragment), then its files and manifest."""
    job = selectors.export_get(request.user, pk)
    out = _web_out(job)
    context = {
        "job": job,
        "out": out,
        "as_of": dt.datetime.fromisoformat(out["as_of"]) if out["as_of"] else None,
        "active": selectors.export_active(job),
        "dataset": exports.DATASETS.get(job.dataset),
    }
    template = "dataport/_export_progress.html" if request.htmx else "dataport/export.html"
    return render(request, template, context)


@login_required
@not_found_page
def export_file(request: Request, pk: uuid.UUID, name: str) -> FileResponse:
    """Download a file of one's own finished export."""
    job = selectors.export_get(request.user, pk)
    return download(request, job, name)
