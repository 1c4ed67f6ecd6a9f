"""Joining, leaving and member classes (MEM-1, MEM-2).

MEM-1 is kept here by what is absent as much as by what is checked: no step
asks about other memberships, a refusal may not rest on one, and an exit has
no approval and no precondition — it takes effect on the day the member asks.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from xiehui.core import audit, clock, pii
from xiehui.core.codes import clean_uscc
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import Role, User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import selectors
from .models import (
    ApplicationStatus,
    Delegate,
    DelegateMethod,
    ExitKind,
    ExitReason,
    Member,
    MemberClass,
    MemberExit,
    MemberKind,
    MembershipApplication,
)
from .services import (
    check_member_class,
    current_member_with_uscc,
    member_record,
    refuse_current,
    representative_add,
    require_staff,
    save_unique,
)

APPLICANT_ROLES = (Role.MEMBER, Role.PUBLIC)
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# MEM-1: "belongs to / joined another association" is never a ground for refusing a member.
OTHER_ASSOCIATION_RE = re.compile(
    r"(其他|其它|别的|另一|另外|同类|同行业|外地|兄弟)[^，。；,;]{0,6}(协会|商会|社团|社会团体|联合会|促进会)"
    r"|(已|已经|同时)(加入|参加|是|为|属于)[^，。；,;]{0,20}(协会|商会|社团|联合会|促进会)"
    r"|多个协会|多家协会|重复入会"
)


STAFF_ONLY = "只有本协会工作人员可以办理此事项"


def _required(value: str, label: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"请填写{label}", code="required", field=field)
    return value


# -- member classes ---------------------------------------------------------------------------------------


@transaction.atomic
def member_class_add(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    position: int = 0,
    description: str = "",
    now: dt.datetime,
) -> MemberClass:
    """Record a member class the charter defines (会长单位、理事单位 …)."""
    require_staff(actor, organization, STAFF_ONLY)
    name = _required(name, "会员类别名称", "name")
    if MemberClass.objects.filter(organization=organization, name=name).exists():
        raise ApplicationError(f"会员类别“{name}”已存在", code="member_class_exists", field="name")
    row = MemberClass(organization=organization, name=name, position=position, description=description.strip())
    row.full_clean(validate_constraints=False)
    save_unique(row, message=f"会员类别“{name}”已存在", code="member_class_exists", field="name")
    audit.record(actor=actor, action="membership.member_class.added", obj=row, now=now)
    return row


@transaction.atomic
def member_class_remove(*, actor: User | None, member_class: MemberClass, now: dt.datetime) -> None:
    """Remove a class no current member is in (a charter amendment removed it)."""
    org = member_class.organization
    require_staff(actor, org, STAFF_ONLY)
    in_use = selectors.members_of(org, as_of=clock.local_date(now)).filter(member_class=member_class.name).count()
    if in_use:
        raise ApplicationError(
            f"仍有 {in_use} 个现有会员属于“{member_class.name}”，不能删除该类别", code="member_class_in_use"
        )
    audit.record(actor=actor, action="membership.member_class.removed", obj=member_class, now=now)
    member_class.delete()


# -- joining ----------------------------------------------------------------------------------------------


def _clean_phone(phone: str) -> str:
    value = re.sub(r"[\s()（）]", "", phone or "")
    if not PHONE_RE.match(value):
        raise ApplicationError(
            "联系电话格式不正确，请填写 11 位手机号码或带区号的固定电话（如 0531-12345678）",
            code="phone_invalid",
            field="contact_phone",
        )
    return value


def _check_applicant(actor: User, organization: Organization) -> User | None:
    """The applicant's own account (member representative or public), or the staff entering a paper application."""
    if registry.staff_of(actor, organization):
        return None
    if getattr(actor, "role", None) in APPLICANT_ROLES:
        return actor
    raise PermissionDenied("入会申请由申请单位或个人提交，或由本会工作人员代为登记")


def _check_not_pending_or_member(organization: Organization, uscc: str, name: str, today: dt.date) -> None:
    pending = MembershipApplication.objects.filter(organization=organization, status=ApplicationStatus.SUBMITTED)
    pending = pending.filter(uscc=uscc) if uscc else pending.filter(name=name, uscc="")
    if pending.exists():
        raise ApplicationError(
            "该申请人已有待审批的入会申请", code="application_pending", field="uscc" if uscc else "name"
        )
    existing = current_member_with_uscc(organization, uscc, on=today) if uscc else None
    if existing is not None:
        refuse_current(existing)


@transaction.atomic
def application_submit(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    name: str,
    uscc: str = "",
    member_class: str = "",
    contact_name: str,
    contact_phone: str,
    statement: str = "",
    now: dt.datetime,
) -> MembershipApplication:
    """Apply to join (MEM-1: by the applicant's own choice; nothing asks about other memberships)."""
    applicant = _check_applicant(actor, organization)
    if kind not in MemberKind.values:
        raise ApplicationError("会员类型应为单位会员或个人会员", code="member_kind", field="kind")
    name = _required(name, "申请人名称", "name")
    uscc = clean_uscc(uscc, field="uscc", social_organization=False) if kind == MemberKind.ENTERPRISE else ""
    member_class = check_member_class(organization, member_class) if member_class.strip() else ""
    phone = _clean_phone(contact_phone)
    _check_not_pending_or_member(organization, uscc, name, clock.local_date(now))
    application = MembershipApplication(
        organization=organization,
        kind=kind,
        name=name,
        uscc=uscc,
        member_class=member_class,
        contact_name=_required(contact_name, "联系人", "contact_name"),
        contact_phone_encrypted=pii.encrypt(phone),
        contact_phone_masked=pii.mask_phone(phone),
        statement=statement.strip(),
        applicant=applicant,
        submitted_at=now,
    )
    application.full_clean()
    application.save()
    audit.record(actor=actor, action="membership.application.submitted", obj=application, now=now)
    return application


def _lock_submitted(application: MembershipApplication) -> MembershipApplication:
    locked = MembershipApplication.objects.select_for_update(of=("self",)).select_related("organization", "applicant")
    application = locked.get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError(
            f"该申请{application.get_status_display()}，不能再办理", code="application_decided", status=409
        )
    return application


def _decide(application: MembershipApplication, *, actor: User | None, status: str, now: dt.datetime) -> None:
    before = application.status
    application.status = status
    application.decided_at = now
    application.decided_by = actor
    application.full_clean()
    application.save()
    verb = {"approved": "approved", "refused": "refused"}.get(str(status), "withdrawn")
    changes = {"status": {"before": before, "after": status}}
    audit.record(actor=actor, action=f"membership.application.{verb}", obj=application, now=now, changes=changes)


@transaction.atomic
def application_approve(
    *,
    actor: User | None,
    application: MembershipApplication,
    organ: str,
    clause: str,
    member_class: str = "",
    joined_on: dt.date | None = None,
    note: str = "",
    now: dt.datetime,
) -> Member:
    """Approve as the charter says (the organ that decided, the clause): the member exists from joined_on."""
    require_staff(actor, application.organization, STAFF_ONLY)
    application = _lock_submitted(application)
    application.decision_organ = _required(organ, "审批机构（如：理事会）", "organ")
    application.decision_clause = _required(clause, "章程依据（条款）", "clause")
    application.decision_reason = note.strip()
    member = member_record(
        actor=actor,
        organization=application.organization,
        kind=application.kind,
        name=application.name,
        uscc=application.uscc,
        member_class=member_class or application.member_class,
        joined_on=joined_on or clock.local_date(now),
        now=now,
    )
    application.member = member
    _decide(application, actor=actor, status=ApplicationStatus.APPROVED, now=now)
    applicant = application.applicant
    if applicant is not None and applicant.role == Role.MEMBER:
        representative_add(actor=actor, member=member, user=applicant, since=member.joined_on, now=now)
    return member


def check_refusal_reason(reason: str) -> str:
    """MEM-1: membership of another association is never a reason to refuse a member."""
    reason = _required(reason, "不予批准的理由", "reason")
    if OTHER_ASSOCIATION_RE.search(reason):
        raise ApplicationError(
            "MEM-1：不得以申请人加入或属于其他协会商会为由拒绝入会，请依据章程规定的入会条件说明理由",
            code="MEM-1",
            field="reason",
            extra={"rule": "MEM-1"},
        )
    return reason


@transaction.atomic
def application_refuse(
    *, actor: User | None, application: MembershipApplication, organ: str, clause: str, reason: str, now: dt.datetime
) -> MembershipApplication:
    """Refuse with the charter's ground, the organ and the clause (never "belongs to another association")."""
    require_staff(actor, application.organization, STAFF_ONLY)
    reason = check_refusal_reason(reason)
    application = _lock_submitted(application)
    application.decision_organ = _required(organ, "审批机构（如：理事会）", "organ")
    application.decision_clause = _required(clause, "章程依据（条款）", "clause")
    application.decision_reason = reason
    _decide(application, actor=actor, status=ApplicationStatus.REFUSED, now=now)
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: MembershipApplication, now: dt.datetime) -> MembershipApplication:
    """The applicant withdraws its own pending application."""
    if application.applicant_id is None or application.applicant_id != actor.pk:
        raise NotFound("未找到该入会申请")
    application = _lock_submitted(application)
    _decide(application, actor=actor, status=ApplicationStatus.WITHDRAWN, now=now)
    return application


# -- leaving ----------------------------------------------------------------------------------------------


FACT_FIELDS = ("reason", "note", "organ", "charter_clause", "decision_number")


def _lock_current(member: Member, today: dt.date, effective_on: dt.date) -> tuple[Member, MemberExit | None]:
    """The member locked, with its pending exit when the new one is earlier (MEM-1: an exit is never blocked)."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    if member.left_on is None:
        return member, None
    if today < member.left_on and effective_on < member.left_on:
        # still a member, leaving later: the earlier date asked now replaces the pending one
        return member, MemberExit.objects.filter(member=member).first()
    when = "已于" if member.left_on <= today else "将于"
    hint = "；如需提前，请填写早于该日期的退会日期" if today < member.left_on else ""
    raise ApplicationError(
        f"{member.name} {when} {member.left_on:%Y-%m-%d} 退会{hint}", code="member_left", field="member", status=409
    )


def _end_membership(
    member: Member,
    *,
    actor: User | None,
    kind: str,
    effective_on: dt.date,
    now: dt.datetime,
    pending: MemberExit | None = None,
    **facts: str,
) -> MemberExit:
    if effective_on < member.joined_on:
        raise ApplicationError(
            f"退会日期 {effective_on:%Y-%m-%d} 早于入会日期 {member.joined_on:%Y-%m-%d}",
            code="exit_before_joined",
            field="effective_on",
        )
    record = pending or MemberExit(member=member)
    for name in FACT_FIELDS:
        setattr(record, name, facts.get(name, ""))
    record.kind, record.effective_on, record.requested_at, record.requested_by = kind, effective_on, now, actor
    record.full_clean(validate_unique=pending is None)
    record.save()
    before = member.left_on
    member.left_on = effective_on
    member.full_clean(validate_constraints=False)
    member.save(update_fields=["left_on"])
    changes = {"left_on": {"before": before, "after": effective_on}, "kind": {"before": None, "after": kind}}
    audit.record(actor=actor, action=f"membership.member.{kind}", obj=member, now=now, changes=changes)
    return record


def may_file_exit(actor: User | None, member: Member, today: dt.date) -> bool:
    """A current representative of the member, or the association's staff (on the member's written request)."""
    if actor is None or registry.staff_of(actor, member.organization):
        return True
    return selectors.voter_members(actor, as_of=today).filter(pk=member.pk).exists()


@transaction.atomic
def member_exit(
    *, actor: User | None, member: Member, reason: str, note: str = "", effective_on: dt.date, now: dt.datetime
) -> MemberExit:
    """The member leaves on its own request from the day it asks (MEM-1: no approval, nothing can block it)."""
    today = clock.local_date(now)
    if not may_file_exit(actor, member, today):
        raise NotFound("未找到该会员")
    if reason not in ExitReason.values:
        raise ApplicationError("请选择退会原因", code="exit_reason", field="reason")
    if effective_on < today:
        raise ApplicationError(f"退会日期应为今天（{today:%Y-%m-%d}）或以后", code="exit_in_past", field="effective_on")
    member, pending = _lock_current(member, today, effective_on)
    return _end_membership(
        member,
        actor=actor,
        kind=ExitKind.VOLUNTARY,
        effective_on=effective_on,
        now=now,
        pending=pending,
        reason=reason,
        note=note.strip(),
    )


@transaction.atomic
def member_expel(
    *,
    actor: User | None,
    member: Member,
    organ: str,
    charter_clause: str,
    decision_number: str,
    note: str,
    effective_on: dt.date,
    now: dt.datetime,
) -> MemberExit:
    """Expel by a decision of the organ the charter names, citing its clause and the decision's number."""
    require_staff(actor, member.organization, STAFF_ONLY)
    today = clock.local_date(now)
    if effective_on > today:
        raise ApplicationError(
            "除名日期不能晚于今天（以决定作出之日为准）", code="expel_in_future", field="effective_on"
        )
    facts = {
        "organ": _required(organ, "作出除名决定的机构", "organ"),
        "charter_clause": _required(charter_clause, "章程条款", "charter_clause"),
        "decision_number": _required(decision_number, "决议文号", "decision_number"),
        "note": _required(note, "除名事由", "note"),
    }
    member, pending = _lock_current(member, today, effective_on)
    return _end_membership(
        member, actor=actor, kind=ExitKind.EXPELLED, effective_on=effective_on, now=now, pending=pending, **facts
    )


@transaction.atomic
def member_cease(
    *, actor: User | None, member: Member, note: str, effective_on: dt.date, now: dt.datetime
) -> MemberExit:
    """Record that the member itself ceased to exist (enterprise deregistered, individual deceased)."""
    require_staff(actor, member.organization, STAFF_ONLY)
    today = clock.local_date(now)
    if effective_on > today:
        raise ApplicationError("终止日期不能晚于今天", code="cease_in_future", field="effective_on")
    note = _required(note, "终止情况（如：注销登记日期及文号）", "note")
    member, pending = _lock_current(member, today, effective_on)
    return _end_membership(
        member, actor=actor, kind=ExitKind.CEASED, effective_on=effective_on, now=now, pending=pending, note=note
    )


# -- delegates --------------------------------------------------------------------------------------------


@transaction.atomic
def delegate_record(
    *,
    actor: User | None,
    member: Member,
    name: str,
    method: str,
    since: dt.date,
    until: dt.date | None = None,
    basis: str,
    user: User | None = None,
    now: dt.datetime,
) -> Delegate:
    """Record a member delegate (会员代表) elected or appointed per the charter, for a term."""
    org = member.organization
    require_staff(actor, org, STAFF_ONLY)
    if method not in DelegateMethod.values:
        raise ApplicationError("产生方式应为选举产生或推选/委派", code="delegate_method", field="method")
    if until is not None and until < since:
        raise ApplicationError("任期终止日期不能早于起始日期", code="delegate_term", field="until")
    if not selectors.members_of(org, as_of=since).filter(pk=member.pk).exists():
        raise ApplicationError(
            f"{member.name} 在 {since:%Y-%m-%d} 不是本会会员", code="delegate_not_member", field="member"
        )
    if user is not None and user.role != Role.MEMBER:
        raise ApplicationError("代表的平台账户须为“会员企业代表”角色", code="not_member_role", field="user")
    delegate = Delegate(
        organization=org,
        member=member,
        user=user,
        name=_required(name, "代表姓名", "name"),
        method=method,
        since=since,
        until=until,
        basis=_required(basis, "产生依据（章程条款或选举会议）", "basis"),
    )
    delegate.full_clean()
    delegate.save()
    audit.record(actor=actor, action="membership.delegate.recorded", obj=delegate, now=now)
    return delegate
