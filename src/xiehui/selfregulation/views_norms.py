"""Pages for self-regulation norms and the integrity body.

Workspace (staff): the association's norms, drafting, adoption (SR-1), publication,
amendment, repeal and the integrity body. Portal (anyone): an association's
published norms and one norm with its adoption record and version history; the
association's staff and officers in jurisdiction also see what is not published
yet there, read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization
from xiehui.web.access import not_found_page, staff_required
from xiehui.web.paging import paginate

from . import selectors_norms as selectors
from . import services_norms as services
from .forms_norms import (
    IntegrityBodyForm,
    NormAdoptForm,
    NormAmendForm,
    NormDraftEditForm,
    NormDraftForm,
    NormFilterForm,
    NormRepealForm,
    PublicNormFilterForm,
)
from .models import Norm, NormVersion


def _form_error(form: Any, exc: ApplicationError) -> None:
    """Put a service refusal on the field it names (or on the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _filters(form: NormFilterForm) -> selectors.NormFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.NormFilters(q=data.get("q") or "", kind=data.get("kind") or "", status=data.get("status") or "")


def _staff_org(request: Request) -> Organization:
    org = registry_selectors.staff_organization(request.user)
    if org is None:
        raise ApplicationError("您的账户尚未关联协会，请联系管理员", code="no_organization", status=404)
    return org


def _annotate_states(norms: list[Norm]) -> None:
    for norm in norms:
        norm.state = selectors.norm_state(norm)  # type: ignore[attr-defined]
        norm.state_label = selectors.STATUS_LABELS[norm.state]  # type: ignore[attr-defined]


# -- workspace ---------------------------------------------------------------------------------------------


@staff_required
def workspace_norms(request: Request) -> HttpResponse:
    org = _staff_org(request)
    form = NormFilterForm(request.GET or None)
    page = paginate(request, selectors.norm_list(actor=request.user, organization=org, filters=_filters(form)))
    _annotate_states(page.items)
    body = selectors.integrity_body_of(org)
    return render(
        request, "selfregulation/norm_workspace_list.html", {"org": org, "form": form, "page": page, "body": body}
    )


@staff_required
def workspace_norm_new(request: Request) -> HttpResponse:
    org = _staff_org(request)
    form = NormDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.norm_draft(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, "草案已保存；经会议审议通过后即可发布")
            return redirect("selfregulation:norm_workspace_detail", pk=version.norm_id)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "selfregulation/norm_form.html", {"org": org, "form": form, "mode": "new"})


@staff_required
def workspace_norm(request: Request, pk: int) -> HttpResponse:
    norm = selectors.norm_get_for_staff(actor=request.user, pk=pk)
    _annotate_states([norm])
    context = {
        "norm": norm,
        "versions": selectors.norm_versions(actor=request.user, norm=norm),
        "pending": selectors.pending_version(norm),
    }
    return render(request, "selfregulation/norm_workspace_detail.html", context)


def _draft_initial(version: NormVersion) -> dict[str, Any]:
    norm = version.norm
    fields = ("text", "scope", "issued_on", "effective_on", "reason")
    return {"kind": norm.kind, "title": norm.title, "code": norm.code, **{f: getattr(version, f) for f in fields}}


@staff_required
def workspace_version_edit(request: Request, pk: int) -> HttpResponse:
    version = selectors.version_get_for_staff(actor=request.user, pk=pk)
    amendment = version.number > 1
    form = NormDraftEditForm(request.POST or None, initial=_draft_initial(version), amendment=amendment)
    if request.method == "POST" and form.is_valid():
        data = {"reason": "", **form.cleaned_data}
        try:
            services.norm_draft_edit(actor=request.user, version=version, now=clock.now(), **data)
            messages.success(request, "草案已保存")
            return redirect("selfregulation:norm_workspace_detail", pk=version.norm_id)
        except ApplicationError as exc:
            _form_error(form, exc)
    context = {"org": version.norm.organization, "form": form, "mode": "edit", "version": version}
    return render(request, "selfregulation/norm_form.html", context)


@staff_required
def workspace_version_adopt(request: Request, pk: int) -> HttpResponse:
    version = selectors.version_get_for_staff(actor=request.user, pk=pk)
    form = NormAdoptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.norm_adopt(actor=request.user, version=version, now=clock.now(), **form.cleaned_data)
            messages.success(request, "已录入审议通过的会议和决议，可以发布")
            return redirect("selfregulation:norm_workspace_detail", pk=version.norm_id)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "selfregulation/norm_adopt.html", {"version": version, "norm": version.norm, "form": form})


@staff_required
@require_POST
def workspace_version_publish(request: Request, pk: int) -> HttpResponse:
    version = selectors.version_get_for_staff(actor=request.user, pk=pk)
    try:
        services.norm_publish(actor=request.user, version=version, now=clock.now())
        messages.success(request, f"第 {version.number} 版已发布，已在协会公开页面展示")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("selfregulation:norm_workspace_detail", pk=version.norm_id)


@staff_required
@require_POST
def workspace_version_discard(request: Request, pk: int) -> HttpResponse:
    version = selectors.version_get_for_staff(actor=request.user, pk=pk)
    try:
        norm = services.norm_discard(actor=request.user, version=version, now=clock.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("selfregulation:norm_workspace_detail", pk=version.norm_id)
    messages.success(request, f"第 {version.number} 版已删除")
    if norm is None:
        return redirect("selfregulation:norm_workspace_list")
    return redirect("selfregulation:norm_workspace_detail", pk=norm.pk)


@staff_required
def workspace_norm_amend(request: Request, pk: int) -> HttpResponse:
    norm = selectors.norm_get_for_staff(actor=request.user, pk=pk)
    current = norm.current
    initial = {f: getattr(current, f) for f in ("text", "scope", "effective_on")} if current else {}
    form = NormAmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.norm_amend(actor=request.user, norm=norm, now=clock.now(), **form.cleaned_data)
            messages.success(request, "修订草案已保存；经会议审议通过后发布新版本")
            return redirect("selfregulation:norm_workspace_detail", pk=norm.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "selfregulation/norm_amend.html", {"norm": norm, "form": form})


@staff_required
def workspace_norm_repeal(request: Request, pk: int) -> HttpResponse:
    norm = selectors.norm_get_for_staff(actor=request.user, pk=pk)
    form = NormRepealForm(request.POST or None, initial={"repealed_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.norm_repeal(actor=request.user, norm=norm, now=clock.now(), **form.cleaned_data)
            messages.success(request, "该规范已废止，公开页面将标注“已废止”")
            return redirect("selfregulation:norm_workspace_detail", pk=norm.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "selfregulation/norm_repeal.html", {"norm": norm, "form": form})


@staff_required
def workspace_integrity_body(request: Request) -> HttpResponse:
    org = _staff_org(request)
    body = selectors.integrity_body_of(org)
    fields = ("name", "established_on", "head", "members", "duties", "contact")
    initial = {f: getattr(body, f) for f in fields} if body is not None else {}
    form = IntegrityBodyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.integrity_body_set(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, "自律与诚信工作机构信息已保存并公开")
            return redirect("selfregulation:integrity_body_edit")
        except ApplicationError as exc:
            _form_error(form, exc)
    return render(request, "selfregulation/integrity_body_form.html", {"org": org, "form": form, "body": body})


# -- portal ------------------------------------------------------------------------------------------------


@not_found_page
def norm_public_list(request: Request, uscc: str) -> HttpResponse:
    org = registry_selectors.organization_get(actor=request.user, uscc=uscc)
    form = PublicNormFilterForm(request.GET or None)
    # the public list shows published norms only, whoever asks; drafts are reached from the workspace or console
    qs = selectors.norm_list(actor=None, organization=org, filters=_filters(form))
    page = paginate(request, qs)
    _annotate_states(page.items)
    context = {"org": org, "form": form, "page": page, "body": selectors.integrity_body_of(org)}
    return render(request, "selfregulation/norm_public_list.html", context)


@not_found_page
def norm_public_detail(request: Request, uscc: str, pk: int) -> HttpResponse:
    org = registry_selectors.organization_get(actor=request.user, uscc=uscc)
    norm = selectors.norm_get(actor=request.user, pk=pk, organization=org)
    _annotate_states([norm])
    versions = selectors.norm_versions(actor=request.user, norm=norm)
    context = {
        "org": org,
        "norm": norm,
        "shown": norm.current or (versions[0] if versions else None),
        "published": [v for v in versions if v.published_at is not None],
        "pending": next((v for v in versions if v.published_at is None), None),
        "staff": registry_selectors.staff_of(request.user, org),
    }
    return render(request, "selfregulation/norm_public_detail.html", context)
