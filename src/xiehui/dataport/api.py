"""The data port's own operations: a key reads its scopes, limits and use; the change feed; bulk exports."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse
from ninja import Query, Router, Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, Problem, optional_actor
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request

from . import events, exports, selectors, services
from .models import ExportJob
from .schemas import DatasetOut, ExportIn, ExportOut, ExportPage, FeedPage, FeedQuery, KeySelfOut

router = Router(tags=["数据端口"])


@router.get("/dataport/key", response={200: KeySelfOut, **ERRORS}, auth=AUTH)
def get_own_key(request: Request) -> dict[str, Any]:
    """The calling department key: scopes, personal-data grant, limits, today's use and expiry."""
    key = selectors.key_of_account(request.auth)
    if key is None:
        raise ApplicationError("该接口仅供数据端口密钥调用", code="not_a_key", status=403)
    usage = selectors.key_usage(key, now=clock.now())
    return {
        "prefix": key.prefix,
        "department": key.department.name,
        "system_name": key.system_name,
        "scopes": key.scopes,
        "personal_data": key.personal_data,
        "rate_per_minute": key.rate_per_minute,
        "daily_quota": key.daily_quota,
        "expires_at": key.expires_at,
        **usage,
    }


@router.get("/events", response={200: FeedPage, **ERRORS}, auth=None)
def list_events(request: Request, query: Query[FeedQuery]) -> dict[str, Any]:
    """Every public change in commit order (register, credit lists, publications): mirror without re-downloading."""
    actor = optional_actor(request)
    scopes = getattr(request, "dataport_scopes", None)
    found, next_cursor = events.events_page(actor=actor, scopes=scopes, since=query.since, limit=query.limit)
    return {"items": [_event(e) for e in found], "next_cursor": next_cursor}


def _event(e: events.Event) -> dict[str, Any]:
    org = e.payload if e.kind == "organization" else e.payload.organization
    return {
        "cursor": e.cursor,
        "at": e.at,
        "kind": e.kind,
        "event": e.event,
        "uscc": org.uscc,
        "organization_name": org.name,
        "organization": e.payload if e.kind == "organization" else None,
        "listing": e.payload if e.kind == "listing" else None,
        "publication": e.payload if e.kind == "publication" else None,
    }


# -- bulk exports ------------------------------------------------------------------------------------------------

EXPORT_FILE = {"200": {"description": "导出文件或清单", "content": {"application/octet-stream": {}}}}


def _key(request: Request) -> Any:
    account = getattr(request, "dataport_account", None)
    return selectors.key_of_account(account) if account is not None else None


def export_out(job: ExportJob, base: str) -> dict[str, Any]:
    """One export for the API and the web page: `base` is the URL its files hang under."""
    done = job.status == ExportJob.Status.SUCCEEDED
    manifest = job.manifest if done else {}
    return {
        "id": job.pk,
        "dataset": job.dataset,
        "format": job.format,
        "status": job.status,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "percent": job.percent,
        "as_of": manifest.get("as_of"),
        "feed_cursor": manifest.get("feed_cursor"),
        "row_count": manifest.get("row_count"),
        "files": [{**f, "url": f"{base}{f['name']}"} for f in manifest.get("files", [])],
        "manifest_url": f"{base}{exports.MANIFEST}" if done else None,
        "error": job.error,
    }


def _api_base(job: ExportJob) -> str:
    return f"/api/v1/dataport/exports/{job.pk}/files/"


@router.get("/dataport/datasets", response={200: list[DatasetOut], **ERRORS}, auth=AUTH)
def list_datasets(request: Request) -> list[dict[str, Any]]:
    """The datasets the caller may export (a key: within its scopes; personal ones with the grant)."""
    return [
        {
            "name": d.name,
            "title": d.title,
            "scope": d.scope,
            "personal": d.personal,
            "description": d.description,
            "columns": [c.header for c in d.columns],
        }
        for d in selectors.export_datasets_for(request.auth, _key(request))
    ]


@router.post("/dataport/exports", response={202: ExportOut, **ERRORS, 409: Problem}, auth=AUTH)
def create_export(request: Request, payload: ExportIn) -> Status:
    """Request a bulk export; a background task writes it. Poll the export until `status` is `succeeded`."""
    job = services.export_request(
        actor=request.auth, key=_key(request), dataset=payload.dataset, fmt=payload.format, now=clock.now()
    )
    return Status(202, export_out(job, _api_base(job)))


@router.get("/dataport/exports", response={200: ExportPage, **ERRORS}, auth=AUTH)
def list_exports(request: Request) -> dict[str, Any]:
    """The caller's exports, newest first (the last 50)."""
    return {"items": [export_out(j, _api_base(j)) for j in selectors.exports_for(request.auth)[:50]]}


@router.get("/dataport/exports/{export_id}", response={200: ExportOut, **ERRORS}, auth=AUTH)
def get_export(request: Request, export_id: uuid.UUID) -> dict[str, Any]:
    """One export: progress while it runs, then its files with row counts and SM3 digests."""
    job = selectors.export_get(request.auth, export_id)
    return export_out(job, _api_base(job))


@router.get(
    "/dataport/exports/{export_id}/files/{name}",
    response={200: None, **ERRORS},
    auth=AUTH,
    openapi_extra={"responses": EXPORT_FILE},
)
def get_export_file(request: Request, export_id: uuid.UUID, name: str) -> FileResponse:
    """Download a finished export's file or its manifest (manifest.json), streamed."""
    job = selectors.export_get(request.auth, export_id)
    return download(request, job, name)


def download(request: Request, job: ExportJob, name: str) -> FileResponse:
    """The file as an attachment; a personal export's download is flagged in the query audit and recorded in
    the audit chain (who took identity numbers, and when)."""
    path = selectors.export_file(job, name)
    if job.personal:
        request.dataport_personal = True  # type: ignore[attr-defined]
        services.export_downloaded(actor=request.user, job=job, name=name, now=clock.now())
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
