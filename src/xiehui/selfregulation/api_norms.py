"""Self-regulation norms and the integrity body on the data port (mounted under /api/v1 by selfregulation/api.py).

Published norms and their versions are public; drafts reach only the association's
staff and, read-only, officers in jurisdiction (others get 404). Writes are the
association's staff's; a version already adopted or published answers 409.
"""

from __future__ import annotations

from typing import Any

from ninja import Query, Router
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, CURSOR, ERRORS, Problem, list_page, optional_actor
from xiehui.core.errors import NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization

from . import selectors_norms as selectors
from . import services_norms as services
from .models import IntegrityBody, Norm
from .schemas_norms import (
    IntegrityBodyIn,
    IntegrityBodyOut,
    NormAdoptIn,
    NormAmendIn,
    NormDraftIn,
    NormDraftPatchIn,
    NormOut,
    NormPage,
    NormRepealIn,
)

router = Router(tags=["selfregulation 自律规范"])
WRITE_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
MAX_LIMIT = 100


def _norm_out(actor: Any, pk: int, organization: Organization | None = None) -> Norm:
    """The norm as the API shows it: its published versions, and the unpublished one for those who may see it."""
    norm = selectors.norm_get(actor=actor, pk=pk, organization=organization)
    versions = selectors.norm_versions(actor=actor, norm=norm)
    norm.published_list = [v for v in versions if v.published_at is not None]  # type: ignore[attr-defined]
    norm.pending_shown = next((v for v in versions if v.published_at is None), None)  # type: ignore[attr-defined]
    return norm


# -- reads -----------------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/norms", response={200: NormPage, **ERRORS}, auth=None)
def list_norms(
    request: Request,
    uscc: str,
    q: str = Query("", max_length=60, description="名称或标准编号关键词"),
    kind: str = Query("", max_length=20, description="类别，如 convention、group_standard"),
    status: str = Query(
        "", max_length=20, description="published 现行有效 / repealed 已废止 / draft / adopted / pending"
    ),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict:
    """An association's published norms (and its drafts, for its staff and officers in jurisdiction)."""
    actor = optional_actor(request)
    org = registry_selectors.organization_get(actor=actor, uscc=uscc)
    filters = selectors.NormFilters(q=q, kind=kind, status=status)
    qs = selectors.norm_list(actor=actor, organization=org, filters=filters)
    return list_page(qs, ordering=selectors.NORM_ORDERING, limit=limit, offset=offset, cursor=cursor)


@router.get("/organizations/{uscc}/norms/{norm_id}", response={200: NormOut, **ERRORS}, auth=None)
def get_norm(request: Request, uscc: str, norm_id: int) -> Norm:
    """One norm with all its published versions and their adoption records."""
    actor = optional_actor(request)
    org = registry_selectors.organization_get(actor=actor, uscc=uscc)
    return _norm_out(actor, norm_id, organization=org)


@router.get("/organizations/{uscc}/integrity-body", response={200: IntegrityBodyOut, **ERRORS}, auth=None)
def get_integrity_body(request: Request, uscc: str) -> IntegrityBody:
    """The association's self-regulation and integrity body (自律与诚信工作机构)."""
    org = registry_selectors.organization_get(actor=optional_actor(request), uscc=uscc)
    body = selectors.integrity_body_of(org)
    if body is None:
        raise NotFound("该协会未登记自律与诚信工作机构")
    return body


# -- writes (the association's staff) ----------------------------------------------------------------------


@router.post("/organizations/{uscc}/norms", response={201: NormOut, **WRITE_ERRORS}, auth=AUTH)
def create_norm(request: Request, uscc: str, payload: NormDraftIn) -> Status[Norm]:
    """Draft a norm (version 1); group standards carry a T/ number."""
    org = registry_selectors.organization_get(actor=request.auth, uscc=uscc)
    version = services.norm_draft(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, _norm_out(request.auth, version.norm_id))


@router.patch("/norms/versions/{version_id}", response={200: NormOut, **WRITE_ERRORS}, auth=AUTH)
def update_norm_draft(request: Request, version_id: int, payload: NormDraftPatchIn) -> Norm:
    """Edit a draft; a version already adopted or published answers 409 (amend instead)."""
    version = selectors.version_get(actor=request.auth, pk=version_id)
    norm = version.norm
    sent = payload.dict(exclude_unset=True)
    current: dict[str, Any] = {
        "kind": norm.kind,
        "title": norm.title,
        "code": norm.code,
        "text": version.text,
        "scope": version.scope,
        "issued_on": version.issued_on,
        "effective_on": version.effective_on,
        "reason": version.reason,
    }
    for key, value in sent.items():
        if value is not None or key in ("issued_on", "effective_on"):
            current[key] = value
    services.norm_draft_edit(actor=request.auth, version=version, now=clock.now(), **current)
    return _norm_out(request.auth, norm.pk)


@router.delete("/norms/versions/{version_id}", response={204: None, **WRITE_ERRORS}, auth=AUTH)
def delete_norm_draft(request: Request, version_id: int) -> Status[None]:
    """Delete a version never published (a norm never published goes with it)."""
    version = selectors.version_get(actor=request.auth, pk=version_id)
    services.norm_discard(actor=request.auth, version=version, now=clock.now())
    return Status(204, None)


@router.post("/norms/versions/{version_id}/adopt", response={200: NormOut, **WRITE_ERRORS}, auth=AUTH)
def adopt_norm_version(request: Request, version_id: int, payload: NormAdoptIn) -> Norm:
    """Record the meeting and resolution that adopted a draft (SR-1: 行规行约 by the member assembly)."""
    version = selectors.version_get(actor=request.auth, pk=version_id)
    services.norm_adopt(actor=request.auth, version=version, now=clock.now(), **payload.dict())
    return _norm_out(request.auth, version.norm_id)


@router.post("/norms/versions/{version_id}/publish", response={200: NormOut, **WRITE_ERRORS}, auth=AUTH)
def publish_norm_version(request: Request, version_id: int) -> Norm:
    """Publish an adopted version: it becomes the current text; earlier versions stay as history."""
    version = selectors.version_get(actor=request.auth, pk=version_id)
    services.norm_publish(actor=request.auth, version=version, now=clock.now())
    return _norm_out(request.auth, version.norm_id)


@router.post("/norms/{norm_id}/amend", response={201: NormOut, **WRITE_ERRORS}, auth=AUTH)
def amend_norm(request: Request, norm_id: int, payload: NormAmendIn) -> Status[Norm]:
    """Start an amendment: a new draft version with its reason, to be adopted and published again."""
    norm = selectors.norm_get(actor=request.auth, pk=norm_id)
    data = payload.dict()
    current = norm.current
    if data["scope"] is None:
        data["scope"] = current.scope if current is not None else ""
    if data["effective_on"] is None and "effective_on" not in payload.model_fields_set:
        data["effective_on"] = current.effective_on if current is not None else None
    services.norm_amend(actor=request.auth, norm=norm, now=clock.now(), **data)
    return Status(201, _norm_out(request.auth, norm.pk))


@router.post("/norms/{norm_id}/repeal", response={200: NormOut, **WRITE_ERRORS}, auth=AUTH)
def repeal_norm(request: Request, norm_id: int, payload: NormRepealIn) -> Norm:
    """Repeal a published norm by a resolution; it stays public marked 已废止 with its date and reason."""
    norm = selectors.norm_get(actor=request.auth, pk=norm_id)
    services.norm_repeal(actor=request.auth, norm=norm, now=clock.now(), **payload.dict())
    return _norm_out(request.auth, norm.pk)


@router.put("/organizations/{uscc}/integrity-body", response={200: IntegrityBodyOut, **WRITE_ERRORS}, auth=AUTH)
def set_integrity_body(request: Request, uscc: str, payload: IntegrityBodyIn) -> IntegrityBody:
    """Record or update the association's self-regulation and integrity body."""
    org = registry_selectors.organization_get(actor=request.auth, uscc=uscc)
    return services.integrity_body_set(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
