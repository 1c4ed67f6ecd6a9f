"""Disclosure pages: the association's workspace (draft, preview, publish, correct), the public item pages
with their version history and attachments, and the officers' DIS-3 monitoring across the jurisdiction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock, files
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Attachment
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.supervision import selectors_reports
from xiehui.supervision.models import ReportStatus
from xiehui.web.access import not_found_page, officer_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import PAGE_SIZE, Page, paginate

from . import catalogue, faces, selectors, services
from .forms import (
    EDIT,
    NEW,
    REVISE,
    ConsoleFilterForm,
    Editor,
    PortalFilterForm,
    WorkspaceFilterForm,
    default_period,
    initial_from,
)
from .models import Disclosure, DisclosureVersion
from .rules import LATE, MISSING

public = not_found_page  # public pages: a row the visitor may not see is the 404 page


def _staff_org(request: Request) -> Organization:
    org = registry.staff_organization(request.user)
    if org is None:
        raise NotFound("您的账户尚未关联协会，请联系管理员")
    return org


def _attachments(version: DisclosureVersion) -> list[Attachment]:
    return files.attachments_of(version, purpose=services.ATTACHMENT_PURPOSE)


def _version_context(disclosure: Disclosure, version: DisclosureVersion) -> dict[str, Any]:
    """What the public item template shows of one version (also the workspace preview)."""
    return {
        "disclosure": disclosure,
        "item": disclosure.spec,
        "version": version,
        "content": faces.present(disclosure.spec, version),
        "attachments": _attachments(version),
    }


# -- workspace ---------------------------------------------------------------------------------------------


@staff_required
def workspace_overview(request: Request) -> HttpResponse:
    org = _staff_org(request)
    form = WorkspaceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.workspace_items(organization=org, item_type=data.get("item_type") or "", q=data.get("q") or "")
    page = paginate(request, qs)
    page.items = selectors.with_drafts(page.items)
    timeliness = selectors.timeliness_of(org, clock.today())
    context = {
        "org": org,
        "form": form,
        "page": page,
        "timeliness": timeliness,
        "attention": [s for s in timeliness.items if s.state in (MISSING, LATE)],
    }
    return render(request, "disclosure/workspace_overview.html", context)


@staff_required
def workspace_catalogue(request: Request) -> HttpResponse:
    org = _staff_org(request)
    standing = selectors.workspace_items(organization=org).filter(period="").exclude(slot=None)
    existing = dict(standing.values_list("item_type", "pk"))
    rows = [(t, existing.get(t.code)) for t in sorted(catalogue.TYPES, key=lambda t: t.order)]
    return render(request, "disclosure/workspace_catalogue.html", {"org": org, "rows": rows})


def _editor(request: Request, item: catalogue.ItemType, **kwargs: Any) -> tuple[Editor, bool]:
    """The draft form bound to the POST and whether to save it; "添加行" shows it again with 3 more blank rows."""
    editor = Editor(item, data=request.POST or None, files=request.FILES or None, **kwargs)
    if request.method != "POST":
        return editor, False
    if "add_rows" in request.POST:
        return Editor(item, **{**kwargs, "initial": editor.posted_initial()}), False
    return editor, editor.is_valid()


def _editor_page(request: Request, editor: Editor, **context: Any) -> HttpResponse:
    # A browser never sends a file again: when the form comes back, say which chosen files were not saved.
    unsaved = [f.name for f in request.FILES.getlist("attachments")] if request.method == "POST" else []
    context = {"editor": editor, "item": editor.item, "unsaved_files": unsaved, **context}
    return render(request, "disclosure/workspace_form.html", context)


@staff_required
def workspace_new(request: Request, item_type: str) -> HttpResponse:
    org = _staff_org(request)
    item = catalogue.BY_CODE.get(item_type)
    if item is None or not item.typed:
        raise NotFound("该公开事项由其他业务自动公开，无需填报")
    period = request.GET.get("period") or default_period(item, clock.today())
    editor, ready = _editor(request, item, mode=NEW, initial={"meta": {"period": period}})
    existing = None
    if ready:
        try:
            version = services.disclosure_draft(
                actor=request.user,
                organization=org,
                item_type=item.code,
                period=editor.meta_value("period", ""),
                title=editor.meta_value("title", ""),
                data=editor.data(),
                body=editor.meta_value("body", ""),
                effective_on=editor.meta_value("effective_on"),
                uploads=editor.meta_value("attachments", []),
                now=clock.now(),
            )
            messages.success(request, "草稿已保存，请预览后公开。")
            return redirect("disclosure:workspace_preview", pk=version.disclosure_id)
        except ApplicationError as exc:
            editor.add_service_error(exc)
            existing = exc.extra.get("disclosure_id")
    return _editor_page(request, editor, org=org, existing=existing)


@staff_required
def workspace_item(request: Request, pk: int) -> HttpResponse:
    disclosure = selectors.staff_disclosure_get(actor=request.user, pk=pk)
    versions = list(selectors.versions_of(disclosure, with_draft=True))
    draft = next((v for v in versions if v.is_draft), None)
    context = {"org": disclosure.organization, "disclosure": disclosure, "versions": versions, "draft": draft}
    return render(request, "disclosure/workspace_item.html", context)


@staff_required
def workspace_edit(request: Request, pk: int) -> HttpResponse:
    disclosure = selectors.staff_disclosure_get(actor=request.user, pk=pk)
    draft = selectors.draft_of(disclosure)
    if draft is None:
        messages.info(request, "该事项没有待公开的草稿；如需修改已公开的内容，请发布更正或变更版本。")
        return redirect("disclosure:workspace_item", pk=disclosure.pk)
    draft.disclosure = disclosure
    attachments = _attachments(draft)
    initial = initial_from(draft, mode=EDIT)
    editor, ready = _editor(
        request, disclosure.spec, mode=EDIT, version=draft, attachments=attachments, initial=initial
    )
    if ready:
        try:
            services.draft_update(
                actor=request.user,
                version=draft,
                data=editor.data(),
                body=editor.meta_value("body", ""),
                effective_on=editor.meta_value("effective_on"),
                reason=editor.meta_value("reason"),
                title=editor.meta_value("title"),
                uploads=editor.meta_value("attachments", []),
                remove_attachments=editor.meta_value("remove_attachments", []),
                now=clock.now(),
            )
            messages.success(request, "草稿已保存，请预览后公开。")
            return redirect("disclosure:workspace_preview", pk=disclosure.pk)
        except ApplicationError as exc:
            editor.add_service_error(exc)
    context = {"org": disclosure.organization, "disclosure": disclosure, "draft": draft, "attachments": attachments}
    return _editor_page(request, editor, **context)


@staff_required
def workspace_revise(request: Request, pk: int) -> HttpResponse:
    """A correction (更正) or, for standing items, an update (事项变更) of a published item, prefilled from it."""
    disclosure = selectors.staff_disclosure_get(actor=request.user, pk=pk)
    if disclosure.current is None or selectors.draft_of(disclosure) is not None:
        messages.info(request, "该事项有待公开的草稿或尚未公开，请先编辑、公开或删除草稿。")
        return redirect("disclosure:workspace_item", pk=disclosure.pk)
    editor, ready = _editor(
        request, disclosure.spec, mode=REVISE, initial=initial_from(disclosure.current, mode=REVISE)
    )
    if ready:
        try:
            services.version_new(
                actor=request.user,
                disclosure=disclosure,
                change_kind=editor.meta_value("change_kind", ""),
                reason=editor.meta_value("reason", ""),
                data=editor.data(),
                body=editor.meta_value("body", ""),
                effective_on=editor.meta_value("effective_on"),
                uploads=editor.meta_value("attachments", []),
                now=clock.now(),
            )
            messages.success(request, "新版本草稿已保存，请预览后公开。")
            return redirect("disclosure:workspace_preview", pk=disclosure.pk)
        except ApplicationError as exc:
            editor.add_service_error(exc)
    context = {"org": disclosure.organization, "disclosure": disclosure, "revising": True}
    return _editor_page(request, editor, **context)


@staff_required
def workspace_preview(request: Request, pk: int) -> HttpResponse:
    """The draft exactly as the public will see it once published, with Publish, Edit and Discard."""
    disclosure = selectors.staff_disclosure_get(actor=request.user, pk=pk)
    draft = selectors.draft_of(disclosure)
    if draft is None:
        messages.info(request, "该事项没有待公开的草稿。")
        return redirect("disclosure:workspace_item", pk=disclosure.pk)
    context = {
        **_version_context(disclosure, draft),
        "org": disclosure.organization,
        "history": [draft, *selectors.versions_of(disclosure)],
        "preview": True,
    }
    return render(request, "disclosure/workspace_preview.html", context)


@staff_required
@require_POST
def workspace_publish(request: Request, pk: int) -> HttpResponse:
    version = selectors.staff_version_get(actor=request.user, pk=pk)
    try:
        services.version_publish(actor=request.user, version=version, now=clock.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("disclosure:workspace_item", pk=version.disclosure_id)
    messages.success(request, f"第 {version.number} 版已公开；已公开的版本不能修改，如有错误请发布更正版本（DIS-4）。")
    return redirect("disclosure:workspace_item", pk=version.disclosure_id)


@staff_required
@require_POST
def workspace_discard(request: Request, pk: int) -> HttpResponse:
    version = selectors.staff_version_get(actor=request.user, pk=pk)
    published = version.disclosure.is_published
    try:
        services.draft_discard(actor=request.user, version=version, now=clock.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("disclosure:workspace_item", pk=version.disclosure_id)
    messages.success(request, "草稿已删除。")
    if published:
        return redirect("disclosure:workspace_item", pk=version.disclosure_id)
    return redirect("disclosure:workspace_overview")


# -- portal ------------------------------------------------------------------------------------------------


def _shown_version(disclosure: Disclosure, versions: list[DisclosureVersion], v: str | None) -> DisclosureVersion:
    if not v:
        assert disclosure.current is not None
        return next((x for x in versions if x.pk == disclosure.current_id), disclosure.current)
    found = next((x for x in versions if str(x.number) == v), None)
    if found is None:
        raise NotFound("未找到该版本")
    return found


@public
def portal_list(request: Request, uscc: str) -> HttpResponse:
    """All the association's items the visitor may read, searchable by type, year and title, paginated."""
    org = registry.organization_get(actor=request.user, uscc=uscc)
    today = clock.today()
    members = selectors.reads_members_only(request.user, org, today)
    form = PortalFilterForm(request.GET or None, members=members)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.published_of(
        actor=request.user,
        organization=org,
        as_of=today,
        item_type=filters.get("item_type", ""),
        q=filters.get("q", ""),
        year=filters.get("year"),
        members=members,
    )
    context = {"org": org, "form": form, "page": paginate(request, items), "members": members}
    return render(request, "disclosure/portal_list.html", context)


@public
def portal_item(request: Request, uscc: str, pk: int) -> HttpResponse:
    """One item: the current version (or ?v=<number>) and every published version with its kind and reason."""
    org = registry.organization_get(actor=request.user, uscc=uscc)
    disclosure = selectors.disclosure_get(actor=request.user, organization=org, pk=pk, as_of=clock.today())
    if not disclosure.is_published:  # only the association's own staff get here: the draft is in the workspace
        return redirect("disclosure:workspace_preview", pk=disclosure.pk)
    versions = list(selectors.versions_of(disclosure))
    version = _shown_version(disclosure, versions, request.GET.get("v"))
    context = {**_version_context(disclosure, version), "org": org, "history": versions, "preview": False}
    return render(request, "disclosure/portal_item.html", context)


@public
def portal_attachment(request: Request, uscc: str, pk: int, number: int, attachment_id: int) -> FileResponse:
    """An attachment of one version, to those who may read that version (drafts: the association's staff)."""
    org = registry.organization_get(actor=request.user, uscc=uscc)
    disclosure = selectors.disclosure_get(actor=request.user, organization=org, pk=pk, as_of=clock.today())
    versions = selectors.versions_of(disclosure, with_draft=registry.staff_of(request.user, org))
    version = versions.filter(number=number).first()
    found = [a for a in _attachments(version) if a.pk == attachment_id] if version is not None else []
    if not found:
        raise NotFound("未找到该附件")
    attachment = found[0]
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.mime
    )


@public
def portal_annual_reports(request: Request, uscc: str) -> HttpResponse:
    """The filed annual work reports, disclosed to members (DIS-2); 404 for everyone who may not read them."""
    org = registry.organization_get(actor=request.user, uscc=uscc)
    if not selectors.reads_members_only(request.user, org, clock.today()):
        raise NotFound("未找到该公开事项")
    reports = selectors_reports.filed_reports_of(org).exclude(first_submitted_on=None)
    # a returned report is the association's to edit again: its content is a draft until it is resubmitted
    context = {"org": org, "reports": reports, "returned": ReportStatus.RETURNED}
    return render(request, "disclosure/portal_annual_reports.html", context)


# -- console -----------------------------------------------------------------------------------------------

CSV_HEADER = [
    "协会",
    "统一社会信用代码",
    "统计日期",
    "完整率(%)",
    "按时公开率(%)",
    "应公开",
    "已公开",
    "逾期公开",
    "逾期未公开",
    "最近截止事项",
    "最近截止日期",
]


def _csv_row(row: selectors.OrgTimeliness) -> list[Any]:
    t = row.timeliness
    nxt = t.upcoming[0] if t.upcoming else None
    return [
        row.organization.name,
        row.organization.uscc,
        t.as_of.isoformat(),
        t.completeness,
        t.on_time_rate,
        t.required,
        t.published,
        t.late,
        t.missing,
        nxt.label if nxt else "",
        nxt.due_on.isoformat() if nxt else "",
    ]


def paginate_list(request: Request, rows: list[Any], *, size: int = PAGE_SIZE) -> Page:
    """`web.paging.paginate` for a list computed in Python."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    last = max(1, (len(rows) + size - 1) // size)
    number = min(number, last)
    params = request.GET.copy()
    params.pop("page", None)
    window = sorted({1, last, *range(max(1, number - 2), min(last, number + 2) + 1)})
    items = rows[(number - 1) * size : number * size]
    return Page(items, number, size, len(rows), True, params.urlencode(), window)


@officer_required
def console_list(request: Request) -> HttpResponse | StreamingHttpResponse:
    """DIS-3 across the jurisdiction as of a day, sortable, with a CSV of the same rows."""
    form = ConsoleFilterForm(request.GET)  # bound even when empty: a refusal below lands on a field
    if not form.is_valid():
        return render(request, "disclosure/console_list.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data
    as_of = data.get("as_of") or clock.today()
    try:
        rows = selectors.jurisdiction_timeliness(
            actor=request.user,
            as_of=as_of,
            q=data.get("q") or "",
            region=data.get("region") or "",
            sort=data.get("sort") or "completeness",
        )
    except ApplicationError as exc:  # too large a range to compute at once: the form says how to narrow it
        form.add_error("region" if "region" in form.fields else None, exc.message)
        return render(request, "disclosure/console_list.html", {"form": form, "page": None}, status=400)
    if request.GET.get("export") == "csv":
        return csv_response(f"disclosure-timeliness-{as_of.isoformat()}.csv", CSV_HEADER, map(_csv_row, rows))
    page = paginate_list(request, rows)
    context = {"form": form, "page": page, "as_of": as_of, "sort_qs": _querystring_without(request, "sort")}
    return render(request, "disclosure/console_list.html", context)


def _querystring_without(request: Request, *names: str) -> str:
    """The query string without `names`, page and export, ready for another parameter."""
    params = request.GET.copy()
    for name in (*names, "page", "export"):
        params.pop(name, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""
