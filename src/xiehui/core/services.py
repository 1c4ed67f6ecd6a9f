"""Writes of core: users, two-factor devices, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, clock
from .errors import ApplicationError
from .models import ApiToken, Department, Level, Region, Role, User

TOKEN_PREFIX = "xh_"


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    email: str = "",
    jurisdiction_region: Region | None = None,
    jurisdiction_level: str = "",
    department: Department | None = None,
) -> User:
    """Create a user of a role; officers need a jurisdiction, department users a department."""
    if role == Role.OFFICER and (jurisdiction_region is None or jurisdiction_level not in Level.values):
        raise ApplicationError("登记管理机关工作人员须指定管辖区域和登记层级", code="officer_needs_jurisdiction")
    if role == Role.DEPARTMENT and department is None:
        raise ApplicationError("业务部门工作人员须指定所属部门", code="department_user_needs_department")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名 {username} 已被使用", code="username_taken", field="username")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        jurisdiction_region=jurisdiction_region,
        jurisdiction_level=jurisdiction_level,
        department=department,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(actor=actor, action="core.user.created", obj=user, changes={"role": {"before": None, "after": role}})
    return user


@transaction.atomic
def totp_device_enroll(*, user: User, key_hex: str | None = None) -> TOTPDevice:
    """Start (or restart) TOTP enrolment: an unconfirmed device with a fresh key."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    kwargs = {"key": key_hex} if key_hex else {}
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=False, **kwargs)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm enrolment with a first valid token."""
    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError("该认证设备不可确认", code="totp_device_invalid")
    if not device.verify_token(token.strip()):
        raise ApplicationError(
            "动态口令不正确或已过期，请输入认证器当前显示的 6 位数字", code="totp_invalid", field="token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="core.user.totp_enrolled", obj=user)
    return device


def _token_digest(secret: str) -> str:
    return hashlib.new("sm3", secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Issue a personal API token; the plain value is returned once and never stored."""
    if not name.strip():
        raise ApplicationError("请为令牌填写名称", code="token_name_required", field="name")
    now = clock.now()
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:60],
        prefix=prefix,
        digest=_token_digest(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=days) if days else None,
    )
    audit.record(actor=user, action="core.api_token.created", obj=token)
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ApplicationError("未找到该令牌", code="not_found", status=404)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
    audit.record(actor=user, action="core.api_token.revoked", obj=token)


def api_token_authenticate(secret: str) -> User | None:
    """The active user owning this token, or None."""
    parts = secret.split("_")
    if len(parts) < 3 or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if token is None or not secrets.compare_digest(token.digest, _token_digest(secret)):
        return None
    now = clock.now()
    if (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def department_create(
    *, actor: User | None, name: str, region: Region, industry_codes: list[str] | None = None
) -> Department:
    """Create a government department other than the registration authority (发改、工信、市场监管…)."""
    name = name.strip()
    if Department.objects.filter(region=region, name=name).exists():
        raise ApplicationError(f"{region}已有部门“{name}”", code="department_exists", field="name")
    department = Department(name=name, region=region)
    department.full_clean()
    department.save()
    if industry_codes:
        from .models import Industry

        department.industries.set(Industry.objects.filter(code__in=industry_codes))
    audit.record(actor=actor, action="core.department.created", obj=department)
    return department
