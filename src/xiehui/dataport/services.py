"""Writes of the data port: issue and revoke department API keys, request and run bulk exports (audited)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Department, Role, User
from xiehui.core.services import user_create

from . import exports, keys, selectors
from .models import DataPortKey, ExportJob
from .scopes import SCOPES

logger = logging.getLogger(__name__)

MAX_VALID_DAYS = 730
MAX_RATE_PER_MINUTE = 1_000_000  # about 16,700 a second: a national system's sustained load fits one key
MAX_DAILY_QUOTA = 100_000_000


def _check_limits(*, rate_per_minute: int, daily_quota: int, expires_on: dt.date, today: dt.date) -> None:
    if not 1 <= rate_per_minute <= MAX_RATE_PER_MINUTE:
        raise ApplicationError(
            f"每分钟请求上限应在 1 至 {MAX_RATE_PER_MINUTE:,} 之间", code="invalid_rate", field="rate_per_minute"
        )
    if not 1 <= daily_quota <= MAX_DAILY_QUOTA:
        raise ApplicationError(f"每日配额应在 1 至 {MAX_DAILY_QUOTA:,} 之间", code="invalid_quota", field="daily_quota")
    if expires_on <= today:
        raise ApplicationError("有效期须晚于今天", code="invalid_expiry", field="expires_on")
    if expires_on > today + dt.timedelta(days=MAX_VALID_DAYS):
        raise ApplicationError(
            f"有效期最长 {MAX_VALID_DAYS} 天（至 {today + dt.timedelta(days=MAX_VALID_DAYS)}）",
            code="invalid_expiry",
            field="expires_on",
        )


@transaction.atomic
def key_issue(
    *,
    actor: User,
    department: Department,
    system_name: str,
    scopes: list[str],
    personal_data: bool,
    rate_per_minute: int,
    daily_quota: int,
    expires_on: dt.date,
    now: dt.datetime,
) -> tuple[DataPortKey, str]:
    """Issue a key to a department's named system; the plain key is returned once and never stored."""
    if not selectors.can_manage(actor, department):
        raise ApplicationError("无权为该部门签发密钥（部门不在管辖范围内）", code="not_found", status=404)
    system_name = system_name.strip()
    if not system_name:
        raise ApplicationError("请填写接入系统名称", code="system_name_required", field="system_name")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ApplicationError(f"未知的数据范围：{'、'.join(unknown)}", code="invalid_scope", field="scopes")
    if not scopes:
        raise ApplicationError("请至少选择一个数据范围", code="invalid_scope", field="scopes")
    _check_limits(
        rate_per_minute=rate_per_minute, daily_quota=daily_quota, expires_on=expires_on, today=clock.local_date(now)
    )
    prefix = secrets.token_hex(4)
    secret = f"{keys.KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    account = user_create(
        actor=actor,
        username=f"dataport-{prefix}",
        password=secrets.token_urlsafe(32),
        role=Role.DEPARTMENT,
        display_name=f"{department.name}·{system_name}"[:150],
        department=department,
    )
    account.set_unusable_password()  # a machine account: it acts only through its key
    account.save(update_fields=["password"])
    key = DataPortKey(
        department=department,
        system_name=system_name[:100],
        account=account,
        prefix=prefix,
        digest=keys.digest(secret),
        scopes=[s for s in SCOPES if s in scopes],
        personal_data=personal_data,
        rate_per_minute=rate_per_minute,
        daily_quota=daily_quota,
        issued_at=now,
        issued_by=actor,
        expires_at=clock.day_end(expires_on),
    )
    key.full_clean(exclude=["account", "issued_by"])
    key.save()
    audit.record(
        actor=actor,
        action="dataport.key.issued",
        obj=key,
        changes={
            "scopes": {"before": None, "after": key.scopes},
            "personal_data": {"before": None, "after": personal_data},
        },
        now=now,
    )
    return key, secret


@transaction.atomic
def key_revoke(*, actor: User, key: DataPortKey, reason: str, now: dt.datetime) -> DataPortKey:
    """Revoke a key at once: every worker refuses it from the commit on (the shared key cache is refreshed)."""
    key = DataPortKey.objects.select_for_update().get(pk=key.pk)
    if not selectors.can_manage(actor, key.department):
        raise ApplicationError("未找到该密钥", code="not_found", status=404)
    if key.revoked_at is not None:
        raise ApplicationError("该密钥已被吊销", code="key_already_revoked", status=409)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写吊销原因", code="reason_required", field="reason")
    key.revoked_at, key.revoked_by, key.revoke_reason = now, actor, reason[:200]
    key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        actor=actor,
        action="dataport.key.revoked",
        obj=key,
        changes={"reason": {"before": "", "after": reason}},
        now=now,
    )
    transaction.on_commit(lambda: keys.refresh(key.prefix))
    return key


# -- bulk exports ------------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, actor: User, key: DataPortKey | None, dataset: str, fmt: str, now: dt.datetime) -> ExportJob:
    """Queue an export of one dataset in one format for the actor (one at a time); the task writes it."""
    if fmt not in ExportJob.Format.values:
        raise ApplicationError("导出格式应为 csv、xlsx 或 jsonl", code="invalid_format", field="format")
    allowed = {d.name: d for d in selectors.export_datasets_for(actor, key)}
    if dataset not in allowed:
        if dataset in exports.DATASETS:
            raise ApplicationError("无权导出该数据集（数据范围或个人信息授权不足）", code="dataset_forbidden",
                                   status=403, field="dataset")  # fmt: skip
        raise ApplicationError(f"未知的数据集：{dataset}", code="unknown_dataset", field="dataset")
    # One export at a time per requester; the row lock on the user serialises two racing requests.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _fail_stale(selectors.exports_for(actor), now=now)
    running = selectors.exports_for(actor).filter(status__in=ExportJob.ACTIVE)
    if running.exists():
        raise ApplicationError("已有导出任务在进行中，请等待其完成后再申请", code="export_in_progress", status=409)
    chosen = allowed[dataset]
    job = ExportJob.objects.create(
        dataset=dataset,
        format=fmt,
        requested_by=actor,
        key=key,
        jurisdiction=selectors.export_prefix(actor, chosen),
        personal=chosen.personal,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.XIEHUI_EXPORT_KEEP_DAYS),
    )
    audit.record(actor=actor, action="dataport.export.requested", obj=job, now=now,
                 object_label=f"{chosen.title}（{job.get_format_display()}）",
                 changes={"dataset": dataset, "format": fmt, "personal": chosen.personal,
                          "key": key.prefix if key else ""})  # fmt: skip
    transaction.on_commit(partial(_enqueue_export, str(job.pk)))
    return job


@transaction.atomic
def export_downloaded(*, actor: User, job: ExportJob, name: str, now: dt.datetime) -> None:
    """Record who took a file of an export with identity numbers, and when (the audit chain)."""
    audit.record(actor=actor, action="dataport.export.downloaded", obj=job, now=now, object_label=name,
                 changes={"file": name, "rows": job.manifest.get("row_count")})  # fmt: skip


def _enqueue_export(job_id: str) -> None:
    from .tasks import export_job_task

    export_job_task.enqueue(job_id=job_id)


def export_run(*, job_id: str) -> ExportJob:
    """Write a queued export (progress committed per chunk); idempotent: a job is claimed once."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, started_at=clock.now()
    )
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:  # delivered twice, or already run
        return job
    dataset = exports.DATASETS[job.dataset]
    directory = exports.storage_root() / str(job.pk)
    try:
        total = dataset.queryset(job.jurisdiction).count()
        ExportJob.objects.filter(pk=job.pk).update(total_rows=total)
        manifest = exports.write(
            dataset,
            job.format,
            directory,
            prefix=job.jurisdiction,
            progress=partial(_progress, job.pk),
        )
    except Exception:
        logger.exception("export %s failed", job.pk)
        exports.remove(directory)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=clock.now(), error="导出出错，请稍后重试或联系系统管理员"
        )
    else:
        now = clock.now()
        with transaction.atomic():
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.SUCCEEDED, finished_at=now, manifest=manifest,
                total_rows=manifest["row_count"], processed_rows=manifest["row_count"],
            )  # fmt: skip
            audit.record(actor=job.requested_by, action="dataport.export.finished", obj=job, now=now,
                         object_label=dataset.title, changes={"rows": manifest["row_count"]})  # fmt: skip
    job.refresh_from_db()
    return job


def _progress(pk: Any, done: int) -> None:
    ExportJob.objects.filter(pk=pk).update(processed_rows=done)  # autocommit: the page sees it at once


STALE_RUNNING = dt.timedelta(hours=6)  # a million rows take minutes: a job running this long lost its worker
STALE_PENDING = dt.timedelta(hours=24)  # no task worker took it


def _fail_stale(jobs: Any, *, now: dt.datetime) -> int:
    """Jobs whose worker stopped (a crash, a restart) fail, so that their requester may ask again."""
    stale = jobs.filter(
        Q(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
        | Q(status=ExportJob.Status.PENDING, created_at__lt=now - STALE_PENDING)
    )
    pks = list(stale.values_list("pk", flat=True))
    for pk in pks:
        exports.remove(exports.storage_root() / str(pk))
    message = "导出中断（后台任务已停止），请重新申请"
    return ExportJob.objects.filter(pk__in=pks).update(status=ExportJob.Status.FAILED, finished_at=now, error=message)


def exports_prune(*, now: dt.datetime) -> int:
    """Delete the files of exports past their keeping time (XIEHUI_EXPORT_KEEP_DAYS); the jobs stay, expired.
    Jobs whose worker stopped are failed too."""
    _fail_stale(ExportJob.objects.all(), now=now)
    expired = list(
        ExportJob.objects.filter(status=ExportJob.Status.SUCCEEDED, expires_at__lte=now).values_list("pk", flat=True)
    )
    for pk in expired:
        exports.remove(exports.storage_root() / str(pk))
    return ExportJob.objects.filter(pk__in=expired).update(status=ExportJob.Status.EXPIRED)
