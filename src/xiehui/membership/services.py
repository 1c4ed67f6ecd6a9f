"""Membership writes (issue 4 needs members and their representatives; issue 5 adds joining, exits, classes)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.codes import clean_uscc
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import Role, User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from .models import Member, MemberKind, Representative


def _require_staff(actor: User | None, organization: Organization) -> None:
    # actor None: the system (demo data, imports); otherwise only the association's own staff
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以维护会员名录")


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
    _require_staff(actor, organization)
    if kind not in MemberKind.values:
        raise ApplicationError("会员类型应为单位会员或个人会员", code="member_kind", field="kind")
    name = name.strip()
    if not name:
        raise ApplicationError("请填写会员名称", code="required", field="name")
    if kind == MemberKind.ENTERPRISE:
        uscc = clean_uscc(uscc, field="uscc", social_organization=False)
        if Member.objects.filter(organization=organization, uscc=uscc, left_on__isnull=True).exists():
            raise ApplicationError(f"统一社会信用代码 {uscc} 已是本会会员", code="member_exists", field="uscc")
    else:
        uscc = ""
    if joined_on > clock.local_date(now):
        raise ApplicationError("入会日期不能晚于今天", code="joined_in_future", field="joined_on")
    member = Member(
        organization=organization,
        kind=kind,
        name=name,
        uscc=uscc,
        member_class=member_class.strip(),
        joined_on=joined_on,
        created_at=now,
    )
    member.full_clean()
    member.save()
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
    _require_staff(actor, member.organization)
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
