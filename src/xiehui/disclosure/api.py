"""Disclosure on the data port: the catalogue, an association's published items with every version (DIS-4),
its DIS-3 figures, the staff's drafts and publication, and the feed of new publications."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, HttpResponse
from django.urls import NoReverseMatch, reverse
from django_ratelimit.core import is_ratelimited
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, Problem, etag_matches, optional_actor, query_date
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import Attachment
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import catalogue, feed, selectors, services
from .models import Disclosure, DisclosureVersion
from .schemas import (
    DisclosureCreateIn,
    DisclosureDetailOut,
    DisclosureDraftOut,
    DisclosureDraftPatchIn,
    DisclosureEventPage,
    DisclosureListQuery,
    DisclosurePage,
    DisclosureStatusOut,
    DisclosureStatusQuery,
    DisclosureTypeOut,
    DisclosureVersionCreateIn,
)

router = Router(tags=["disclosure 信息公开"])
CONFLICT_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
FEED_ERRORS: dict[int, type[Problem]] = {**ERRORS, 429: Problem}
# The feed is public; anonymous callers share a per-address limit (credentials lift it).
FEED_RATE = "600/h"
FEED_RATE_GROUP = "disclosure.feed"
FILE_RESPONSE = {"200": {"description": "附件文件", "content": {"application/octet-stream": {}}}}


# -- output --------------------------------------------------------------------------------------------------


def _item_url(request: Request, uscc: str, pk: int) -> str:
    return request.build_absolute_uri(reverse("api-v1:disclosure_get", kwargs={"uscc": uscc, "disclosure_id": pk}))


def _attachments(versions: list[DisclosureVersion]) -> dict[str, list[Attachment]]:
    """The attachments of many versions in one query, by the version's id (as stored: a string)."""
    found: dict[str, list[Attachment]] = {str(v.pk): [] for v in versions}
    if versions:
        owner = ContentType.objects.get_for_model(DisclosureVersion)
        for attachment in Attachment.objects.filter(
            content_type=owner, object_id__in=list(found), purpose=services.ATTACHMENT_PURPOSE
        ):
            found[attachment.object_id].append(attachment)
    return found


def _attachment_out(request: Request, item: Disclosure, attachment: Attachment) -> dict[str, Any]:
    path = reverse(
        "api-v1:disclosure_attachment_get",
        kwargs={"uscc": item.organization.uscc, "disclosure_id": item.pk, "attachment_id": attachment.pk},
    )
    return {
        "id": attachment.pk,
        "original_name": attachment.original_name,
        "size": attachment.size,
        "mime": attachment.mime,
        "sha256": attachment.sha256,
        "url": request.build_absolute_uri(path),
    }


def _version_out(
    request: Request, item: Disclosure, version: DisclosureVersion, files: dict[str, list[Attachment]]
) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "change_kind": version.change_kind,
        "change_kind_label": version.get_change_kind_display(),
        "fields": version.data.get("fields") or {},
        "rows": version.data.get("rows") or [],
        "body": version.body,
        "effective_on": version.effective_on,
        "published_at": version.published_at,
        "reason": version.reason,
        "attachments": [_attachment_out(request, item, a) for a in files.get(str(version.pk), [])],
    }


def _item_out(request: Request, item: Disclosure, versions_count: int) -> dict[str, Any]:
    spec = item.spec
    return {
        "id": item.pk,
        "uscc": item.organization.uscc,
        "organization_name": item.organization.name,
        "item_type": item.item_type,
        "item_title": spec.title,
        "audience": spec.audience,
        "period": item.period,
        "title": item.title,
        "first_published_at": item.first_published_at,
        "published_at": item.published_at,
        "versions_count": versions_count,
        "url": _item_url(request, item.organization.uscc, item.pk),
    }


def _draft_out(request: Request, version: DisclosureVersion) -> dict[str, Any]:
    item = version.disclosure
    files = _attachments([version])
    return {
        **_version_out(request, item, version, files),
        "disclosure_id": item.pk,
        "uscc": item.organization.uscc,
        "item_type": item.item_type,
        "item_title": item.spec.title,
        "period": item.period,
        "title": item.title,
        "state": "draft" if version.is_draft else "published",
        "created_at": version.created_at,
        "updated_at": version.updated_at,
        "item_url": _item_url(request, item.organization.uscc, item.pk),
    }


# -- public reads ----------------------------------------------------------------------------------------------


@router.get("/disclosure/catalogue", response={200: list[DisclosureTypeOut], **ERRORS}, auth=None)
def list_disclosure_types(request: Request) -> list[catalogue.ItemType]:
    """The catalogue of disclosure item types (DIS-1, DIS-2): audience, cadence, basis and structured fields."""
    return list(catalogue.TYPES)


@router.get("/organizations/{uscc}/disclosures", response={200: DisclosurePage, **ERRORS}, auth=None)
def list_disclosures(request: Request, uscc: str, query: Query[DisclosureListQuery]) -> dict[str, Any]:
    """An association's published items with their current version, newest first; members-only ones to members."""
    actor = optional_actor(request)
    org = registry.organization_get(actor=actor, uscc=uscc)
    qs = feed.published_items(
        actor=actor,
        organization=org,
        as_of=clock.today(),
        item_type=query.item_type,
        period=query.period,
        audience=query.audience,
    )
    items, next_cursor = feed.published_page(qs, cursor=query.cursor, limit=query.limit)
    files = _attachments([i.current for i in items if i.current is not None])
    out = []
    for item in items:
        item.organization = org
        assert item.current is not None
        current = _version_out(request, item, item.current, files)
        out.append({**_item_out(request, item, item.versions_count), "current": current})  # type: ignore[attr-defined]
    return {"items": out, "limit": query.limit, "next_cursor": next_cursor}


def _etag(item: Disclosure, draft: DisclosureVersion | None) -> str:
    current = item.current.number if item.current is not None else 0
    return f'W/"disclosure-{item.pk}-v{current}' + (f"-d{draft.pk}" if draft is not None else "") + '"'


@router.get(
    "/organizations/{uscc}/disclosures/{disclosure_id}",
    response={200: DisclosureDetailOut, 304: None, **ERRORS},
    auth=None,
    url_name="disclosure_get",
)
def get_disclosure(request: Request, response: HttpResponse, uscc: str, disclosure_id: int) -> Any:
    """One item with every published version, newest first (DIS-4); ETag and If-None-Match give 304."""
    actor = optional_actor(request)
    org = registry.organization_get(actor=actor, uscc=uscc)
    item = selectors.disclosure_get(actor=actor, organization=org, pk=disclosure_id, as_of=clock.today())
    item.organization = org
    draft = selectors.draft_of(item) if registry.staff_of(actor, org) else None
    etag = _etag(item, draft)
    headers = {"ETag": etag, "Vary": "Authorization, Cookie", "Cache-Control": "private, no-cache"}
    if etag_matches(request, etag):
        return HttpResponse(status=304, headers=headers)
    for name, value in headers.items():
        response[name] = value
    versions = list(selectors.versions_of(item))
    files = _attachments(versions)
    outs = [_version_out(request, item, v, files) for v in versions]
    current = next((o for o in outs if o["id"] == item.current_id), None)
    return {
        **_item_out(request, item, len(versions)),
        "current": current,
        "versions": outs,
        "draft_id": draft.pk if draft is not None else None,
    }


@router.get(
    "/organizations/{uscc}/disclosures/{disclosure_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    auth=None,
    url_name="disclosure_attachment_get",
    openapi_extra={"responses": FILE_RESPONSE},
)
def get_disclosure_attachment(request: Request, uscc: str, disclosure_id: int, attachment_id: int) -> FileResponse:
    """Download an attachment of a version the caller may read (drafts' to the association's staff)."""
    actor = optional_actor(request)
    org = registry.organization_get(actor=actor, uscc=uscc)
    item = selectors.disclosure_get(actor=actor, organization=org, pk=disclosure_id, as_of=clock.today())
    versions = selectors.versions_of(item, with_draft=registry.staff_of(actor, org))
    attachment = Attachment.objects.filter(
        pk=attachment_id,
        content_type=ContentType.objects.get_for_model(DisclosureVersion),
        object_id__in=[str(pk) for pk in versions.values_list("pk", flat=True)],
        purpose=services.ATTACHMENT_PURPOSE,
    ).first()
    if attachment is None:
        raise NotFound("未找到该附件")
    download = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.mime
    )
    download["Cache-Control"] = "private, no-cache"  # members-only files and drafts must not sit in shared caches
    return download


@router.get("/organizations/{uscc}/disclosure-status", response={200: DisclosureStatusOut, **ERRORS}, auth=None)
def get_disclosure_status(request: Request, uscc: str, query: Query[DisclosureStatusQuery]) -> dict[str, Any]:
    """DIS-3 as of a day (default today): completeness, on-time rate, and each item due, late or missing."""
    as_of = query_date(query.as_of)
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    figures = selectors.timeliness_of(org, as_of)
    items = [
        {
            "label": s.label,
            "item_type": s.item.code,
            "period": s.period,
            "due_on": s.due_on,
            "published_on": s.published_on,
            "state": s.state,
            "state_label": s.state_label,
            "reason": s.reason,
        }
        for s in figures.items
    ]
    return {
        "uscc": org.uscc,
        "name": org.name,
        "as_of": as_of,
        "completeness": figures.completeness,
        "on_time_rate": figures.on_time_rate,
        "required": figures.required,
        "published": figures.published,
        "late": figures.late,
        "missing": figures.missing,
        "items": items,
    }


# The data port operation (url name) showing each kind of publication, and its id parameter.
EVENT_URLS: dict[str, tuple[str, str | None]] = {
    "disclosure": ("disclosure_get", "disclosure_id"),
    "norm": ("get_norm", "norm_id"),  # selfregulation/api_norms.py
    "pledge": ("get_pledges", None),  # selfregulation/api_commitments.py: the association's pledges
}


def _event_url(request: Request, publication: feed.Publication) -> str | None:
    name, id_parameter = EVENT_URLS.get(publication.kind, ("", None))
    kwargs: dict[str, Any] = {"uscc": publication.organization.uscc}
    if id_parameter:
        kwargs[id_parameter] = publication.item_id
    try:
        return request.build_absolute_uri(reverse(f"api-v1:{name}", kwargs=kwargs))
    except NoReverseMatch:
        return None


@router.get("/disclosure/events", response={200: DisclosureEventPage, **FEED_ERRORS}, auth=None)
def list_disclosure_events(
    request: Request,
    since: int = Query(0, ge=0, le=feed.MAX_SEQ, description="上次返回的 next_cursor；首次为 0"),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """Public publications (disclosures, norms, pledges) since a cursor, in commit order; never members-only ones."""
    actor = optional_actor(request)
    if not actor.is_authenticated and is_ratelimited(
        request, group=FEED_RATE_GROUP, key="ip", rate=FEED_RATE, method="GET", increment=True
    ):
        raise ApplicationError("请求过于频繁，请稍后再试或使用访问令牌", code="rate_limited", status=429)
    publications, next_cursor = feed.events_page(since=since, limit=limit)
    items = [
        {
            "seq": p.seq,
            "at": p.at,
            "kind": p.kind,
            "event": p.event,
            "uscc": p.organization.uscc,
            "organization_name": p.organization.name,
            "item_id": p.item_id,
            "item_type": p.item_type,
            "title": p.title,
            "version": p.version,
            "change_kind": p.change_kind,
            "url": _event_url(request, p),
        }
        for p in publications
    ]
    return {"items": items, "next_cursor": next_cursor}


# -- the association's staff ----------------------------------------------------------------------------------


def _staff_only(request: Request) -> Organization:
    org = registry.staff_organization(request.auth)
    if org is None:
        raise PermissionDenied("只有协会工作人员可以编辑和公开信息")
    return org


def _version(request: Request, version_id: int) -> DisclosureVersion:
    _staff_only(request)
    return selectors.staff_version_get(actor=request.auth, pk=version_id)


@router.post("/organizations/{uscc}/disclosures", response={201: DisclosureDraftOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_disclosure(request: Request, uscc: str, payload: DisclosureCreateIn) -> Status[object]:
    """Start an item as a draft (version 1), the association's staff; publish it separately."""
    _staff_only(request)
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    version = services.disclosure_draft(
        actor=request.auth,
        organization=org,
        item_type=payload.item_type,
        period=payload.period,
        title=payload.title,
        data={"fields": payload.fields, "rows": payload.rows},
        body=payload.body,
        effective_on=payload.effective_on,
        now=clock.now(),
    )
    return Status(201, _draft_out(request, version))


@router.post("/disclosures/{disclosure_id}/versions", response={201: DisclosureDraftOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_disclosure_version(
    request: Request, disclosure_id: int, payload: DisclosureVersionCreateIn
) -> Status[object]:
    """A correction or an update of a published item as a new draft version, with its reason (DIS-4)."""
    _staff_only(request)
    item = selectors.staff_disclosure_get(actor=request.auth, pk=disclosure_id)
    version = services.version_new(
        actor=request.auth,
        disclosure=item,
        change_kind=payload.change_kind,
        reason=payload.reason,
        data={"fields": payload.fields, "rows": payload.rows},
        body=payload.body,
        effective_on=payload.effective_on,
        now=clock.now(),
    )
    version.disclosure.organization = item.organization
    return Status(201, _draft_out(request, version))


@router.get("/disclosure-versions/{version_id}", response={200: DisclosureDraftOut, **ERRORS}, auth=AUTH)
def get_disclosure_version(request: Request, version_id: int) -> dict[str, Any]:
    """A draft or a published version of the caller's own association (its staff)."""
    return _draft_out(request, _version(request, version_id))


@router.patch("/disclosure-versions/{version_id}", response={200: DisclosureDraftOut, **CONFLICT_ERRORS}, auth=AUTH)
def update_disclosure_version(request: Request, version_id: int, payload: DisclosureDraftPatchIn) -> dict[str, Any]:
    """Edit a draft; a published version is never changed (409 version_published: publish a correction)."""
    version = _version(request, version_id)
    sent = payload.model_fields_set
    data = version.data or {}
    version = services.draft_update(
        actor=request.auth,
        version=version,
        data={
            "fields": payload.fields if "fields" in sent else data.get("fields"),
            "rows": payload.rows if "rows" in sent else data.get("rows"),
        },
        body=payload.body if payload.body is not None else version.body,
        effective_on=payload.effective_on if "effective_on" in sent else version.effective_on,
        reason=payload.reason,
        title=payload.title,
        remove_attachments=payload.remove_attachments,
        now=clock.now(),
    )
    return _draft_out(request, version)


@router.delete("/disclosure-versions/{version_id}", response={204: None, **CONFLICT_ERRORS}, auth=AUTH)
def delete_disclosure_version(request: Request, version_id: int) -> Status[None]:
    """Discard a draft (an item never published goes with it); a published version stays (409)."""
    services.draft_discard(actor=request.auth, version=_version(request, version_id), now=clock.now())
    return Status(204, None)


@router.post(
    "/disclosure-versions/{version_id}/attachments",
    response={201: DisclosureDraftOut, **CONFLICT_ERRORS},
    auth=AUTH,
)
def add_disclosure_attachments(
    request: Request,
    version_id: int,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # an empty form is a 400 problem, not a 422
) -> Status[object]:
    """Attach files to a draft (multipart `files`: PDF, PNG, JPEG, type checked by content, size-limited)."""
    version = _version(request, version_id)
    if not files:
        raise ApplicationError("请选择要上传的文件（PDF、PNG 或 JPEG）", code="required", field="files")
    version = services.draft_update(
        actor=request.auth,
        version=version,
        data=version.data,
        body=version.body,
        effective_on=version.effective_on,
        uploads=files,
        now=clock.now(),
    )
    return Status(201, _draft_out(request, version))


@router.post(
    "/disclosure-versions/{version_id}/publish", response={200: DisclosureDraftOut, **CONFLICT_ERRORS}, auth=AUTH
)
def publish_disclosure_version(request: Request, version_id: int) -> dict[str, Any]:
    """Publish a draft: it becomes the item's current version and is never changed again (DIS-4)."""
    version = services.version_publish(actor=request.auth, version=_version(request, version_id), now=clock.now())
    return _draft_out(request, version)
