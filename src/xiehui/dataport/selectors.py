"""Reads of the data port, scoped to the acting user: administrators see every key and query, officers
those of the departments within their jurisdiction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Department, Role, User

from . import exports, limits
from .models import DataPortKey, ExportJob, QueryRecord


def _reach(actor: User, path: str = "") -> Q | None:
    """The one rule of reach, as a filter on a department (through `path`); None when the actor reaches nothing.

    Administrators reach every department, officers those whose region lies within their jurisdiction.
    """
    if actor.role == Role.ADMIN:
        return Q()
    prefix = actor.jurisdiction_prefix
    return None if prefix is None else Q(**{f"{path}region__code__startswith": prefix})


def departments_for(actor: User) -> QuerySet[Department]:
    """The departments whose keys this actor issues, revokes and audits."""
    reach = _reach(actor)
    return Department.objects.none() if reach is None else Department.objects.filter(reach)


def can_manage(actor: User, department: Department) -> bool:
    return departments_for(actor).filter(pk=department.pk).exists()


def keys_for(actor: User, *, q: str = "", status: str = "", department: int | None = None) -> QuerySet[DataPortKey]:
    reach = _reach(actor, "department__")
    if reach is None:
        return DataPortKey.objects.none()
    qs = DataPortKey.objects.filter(reach).select_related("department", "issued_by", "revoked_by")
    if q:
        qs = qs.filter(Q(system_name__icontains=q) | Q(prefix__startswith=q.lower()) | Q(department__name__icontains=q))
    if department:
        qs = qs.filter(department_id=department)
    now = clock.now()
    if status == "active":
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=now)
    elif status == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    elif status == "expired":
        qs = qs.filter(revoked_at__isnull=True, expires_at__lte=now)
    return qs


def key_get(actor: User, pk: int) -> DataPortKey:
    key = keys_for(actor).filter(pk=pk).first()
    if key is None:
        raise ApplicationError("未找到该密钥", code="not_found", status=404)
    return key


def key_state(key: DataPortKey, *, now: dt.datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    return "expired" if key.expires_at <= now else "active"


def key_usage(key: DataPortKey, *, now: dt.datetime) -> dict[str, int]:
    """Today's requests against the key's daily quota (the shared counters, not the audit)."""
    used = limits.used_today(key.prefix, now=now)
    return {"used_today": used, "remaining_today": max(0, key.daily_quota - used)}


def key_of_account(account: User) -> DataPortKey | None:
    """The key a data-port account acts for (None for every other user)."""
    return DataPortKey.objects.select_related("department").filter(account=account).first()


def queries_for(actor: User, *, filters: dict[str, Any]) -> QuerySet[QueryRecord]:
    """The query audit within reach; refused requests with an unknown key (no department) reach administrators only."""
    reach = _reach(actor, "department__")
    if reach is None:
        return QueryRecord.objects.none()
    qs = QueryRecord.objects.filter(reach).select_related("department", "key")
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    if filters.get("key_prefix"):
        qs = qs.filter(key_prefix=filters["key_prefix"].strip().lower())
    if filters.get("endpoint"):
        qs = qs.filter(Q(endpoint__icontains=filters["endpoint"]) | Q(path__icontains=filters["endpoint"]))
    if filters.get("since"):
        qs = qs.filter(at__gte=dt.datetime.combine(filters["since"], dt.time(), tzinfo=clock.SHANGHAI))
    if filters.get("until"):
        qs = qs.filter(at__lte=clock.day_end(filters["until"]))
    if filters.get("personal"):
        qs = qs.filter(personal=True)
    if filters.get("outcome") == "ok":
        qs = qs.filter(outcome="ok")
    elif filters.get("outcome") == "refused":
        qs = qs.exclude(outcome="ok")
    return qs


# -- bulk exports ------------------------------------------------------------------------------------------------


def export_datasets_for(actor: Any, key: DataPortKey | None) -> list[exports.Dataset]:
    """The datasets an actor may export: a key within its scopes (personal ones with the grant); a logged-in
    user the public ones, and the register with identity numbers for officers (their jurisdiction) and
    administrators."""
    if actor is None or not actor.is_authenticated:
        return []
    if key is not None:
        return [d for d in exports.DATASETS.values() if d.scope in key.scopes and (key.personal_data or not d.personal)]
    trusted = actor.role == Role.ADMIN or actor.jurisdiction_prefix is not None
    return [d for d in exports.DATASETS.values() if trusted or not d.personal]


def export_prefix(actor: User, dataset: exports.Dataset) -> str:
    """The rows a personal export is limited to: an officer's jurisdiction ('' = all)."""
    return (actor.jurisdiction_prefix or "") if dataset.personal else ""


def exports_for(actor: Any) -> QuerySet[ExportJob]:
    """An actor's own exports, newest first (nobody else's: the files may hold personal information)."""
    if actor is None or not actor.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=actor).order_by("-created_at")


def export_get(actor: Any, pk: Any) -> ExportJob:
    job = exports_for(actor).filter(pk=pk).first()
    if job is None:
        raise NotFound("未找到该导出任务")
    return job


def export_file(job: ExportJob, name: str) -> Path:
    """A finished export's file (or its manifest) by name; only names the manifest lists."""
    names = {f["name"] for f in job.manifest.get("files", [])} | {exports.MANIFEST}
    if job.status != ExportJob.Status.SUCCEEDED or name not in names:
        raise NotFound("该导出文件不存在或已过期")
    path = exports.storage_root() / str(job.pk) / name
    if not path.is_file():
        raise NotFound("该导出文件不存在或已过期")
    return path


def export_active(job: ExportJob) -> bool:
    return job.status in ExportJob.ACTIVE
