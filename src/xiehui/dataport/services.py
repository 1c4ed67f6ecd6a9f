"""Writes of the data port: issue and revoke department API keys (one transaction each, audited)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Department, Role, User
from xiehui.core.services import user_create

from . import keys, selectors
from .models import DataPortKey
from .scopes import SCOPES

MAX_VALID_DAYS = 730
MAX_RATE_PER_MINUTE = 100_000
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
