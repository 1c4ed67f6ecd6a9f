"""Membership writes: members and their representatives (joining, exits, classes: services_members.py)."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from django.db import IntegrityError, models, transaction

from xiehui.core import audit, clock
from xiehui.core.codes import clean_uscc
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import Role, User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from .models import Member, MemberClass, MemberKind, Representative


def require_staff(
    actor: User | None, organization: Organization, message: str = "只有本协会工作人员可以维护会员名录"
) -> None:
    """actor None is the system (demo data, imports, voting); people must be the association's own staff."""
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied(message)


def save_unique(obj: models.Model, *, message: str, code: str, field: str | None = None, status: int = 409) -> None:
    """Insert under a savepoint: a unique constraint that fires in a race becomes a clear refusal, not a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ApplicationError(message, code=code, field=field, status=status) from None


def current_member_with_uscc(organization: Organization, uscc: str, *, on: dt.date) -> Member | None:
    """The member with this USCC that is current on `on` or has not yet left (an exit dated later is pending)."""
    return (
        Member.objects.filter(organization=organization, uscc=uscc)
        .filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=on))
        .first()
    )


def refuse_current(member: Member) -> NoReturn:
    pending = f"（已申请自 {member.left_on:%Y-%m-%d} 起退会，退会生效后方可重新入会）" if member.left_on else ""
    raise ApplicationError(
        f"统一社会信用代码 {member.uscc} 已是本会会员{pending}", code="member_exists", field="uscc", status=409
    )


def check_member_class(organization: Organization, member_class: str, *, field: str = "member_class") -> str:
    """When the charter defines member classes, a member is in one of them; otherwise the class is free text."""
    member_class = (member_class or "").strip()
    names = list(MemberClass.objects.filter(organization=organization).values_list("name", flat=True))
    if names and member_class not in names:
        raise ApplicationError(
            f"会员类别应为本会章程规定的类别之一：{'、'.join(names)}", code="member_class_unknown", field=field
        )
    return member_class


@transaction.atomic
def member_record(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    name: str,
    uscc: str = "",
    member_class: str = "",
    joined_on: dt.date,
    now: dt.datetime,
) -> Member:
    """Record a member of the association as of the day it joined (MEM-1: joining is the member's choice)."""
    require_staff(actor, organization)
    if kind not in MemberKind.values:
        raise ApplicationError("会员类型应为单位会员或个人会员", code="member_kind", field="kind")
    name = name.strip()
    if not name:
        raise ApplicationError("请填写会员名称", code="required", field="name")
    if kind == MemberKind.ENTERPRISE:
        uscc = clean_uscc(uscc, field="uscc", social_organization=False)
        existing = current_member_with_uscc(organization, uscc, on=joined_on)
        if existing is not None:
            refuse_current(existing)
    else:
        uscc = ""
    if joined_on > clock.local_date(now):
        raise ApplicationError("入会日期不能晚于今天", code="joined_in_future", field="joined_on")
    member_class = check_member_class(organization, member_class)
    member = Member(
        organization=organization,
        kind=kind,
        name=name,
        uscc=uscc,
        member_class=member_class,
        joined_on=joined_on,
        created_at=now,
    )
    member.full_clean(validate_constraints=False)
    save_unique(member, message=f"统一社会信用代码 {uscc} 已是本会会员", code="member_exists", field="uscc")
    audit.record(
        actor=actor,
        action="membership.member.recorded",
        obj=member,
        now=now,
        changes={"joined_on": {"before": None, "after": joined_on}},
    )
    return member


@transaction.atomic
def representative_add(
    *, actor: User | None, member: Member, user: User, since: dt.date, now: dt.datetime
) -> Representative:
    """Let a user act for a member; the user must hold the member-representative role."""
    require_staff(actor, member.organization)
    if user.role != Role.MEMBER:
        raise ApplicationError("只有“会员企业代表”角色的账户可以作为会员代表", code="not_member_role", field="user")
    if member.left_on is not None:
        raise ApplicationError(f"{member.name} 已于 {member.left_on:%Y-%m-%d} 退会", code="member_left", field="member")
    if Representative.objects.filter(member=member, user=user).exists():
        raise ApplicationError(f"{user} 已是 {member.name} 的会员代表", code="representative_exists", field="user")
    rep = Representative(member=member, user=user, since=since)
    rep.full_clean()
    rep.save()
    audit.record(actor=actor, action="membership.representative.added", obj=rep, now=now)
    return rep
