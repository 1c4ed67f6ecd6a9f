"""Leaders and their posts: a person's facts (identity number encrypted), nomination, appointment, end.

Every nomination and appointment runs the GOV-1 and GOV-2 checks (governance/rules.py) as of its day and
refuses with the rule id and the fact; the evaluated checks are stored on the appointment. Audit codes:
governance.leader.recorded, governance.appointment.nominated / .appointed / .ended / .withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from stdnum.cn import ric

from xiehui.core import audit, pii
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Person, User
from xiehui.membership.models import Member
from xiehui.registry.models import Organization
from xiehui.registry.validators import clean_id_number

from . import rules
from .models import Appointment, AppointmentStatus, FinancialAudit, LeaderFacts, OfficialStatus, Post, Resolution, Term
from .selectors import rule_values
from .services_common import require_staff


def _person(name: str, id_number: str) -> Person:
    name = name.strip()
    if not name:
        raise ApplicationError("请填写姓名", code="required", field="name")
    existing = Person.objects.filter(id_number_hash=pii.index_hash(id_number)).first()
    if existing is not None:
        if existing.name != name:
            raise ApplicationError(
                "该身份证号码已登记的姓名与填写的姓名不一致，请核对", code="person_name_mismatch", field="name"
            )
        return existing
    person = Person(name=name)
    person.set_id_number(id_number)
    person.full_clean(validate_constraints=False)  # the one-person-per-number constraint is answered below
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # the same identity number registered concurrently
        raise ApplicationError(
            "该身份证号码正在被同时登记，请稍后重试", code="person_conflict", field="id_number", status=409
        ) from None
    return person


def _facts_locked(person: Person, organization: Organization | None) -> str:
    """The associations other than `organization` where the person is nominated or serving (their facts are
    those associations' too: one association's staff may not change them, GOV-2 flags elsewhere depend on them)."""
    if organization is None:
        return ""
    names = (
        Appointment.objects.filter(person=person, status__in=[AppointmentStatus.NOMINATED, AppointmentStatus.SERVING])
        .exclude(organization=organization)
        .values_list("organization__name", flat=True)
        .distinct()
    )
    return "、".join(sorted(names))


@transaction.atomic
def leader_record(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    official_status: str = OfficialStatus.NONE,
    retired_on: dt.date | None = None,
    birth_date: dt.date | None = None,
    organization: Organization | None = None,
    now: dt.datetime,
) -> Person:
    """Find the person by identity number (or create them) and record their facts; the birth date is the
    identity number's and must match when given. For `organization`'s staff, the facts of a person who is
    nominated or serving in another association are not changed here (refused with the associations)."""
    number = clean_id_number(id_number, field="id_number")
    derived = ric.get_birth_date(number)
    if birth_date is not None and birth_date != derived:
        raise ApplicationError(
            f"出生日期{birth_date:%Y-%m-%d}与身份证号码中的出生日期{derived:%Y-%m-%d}不一致",
            code="birth_date_mismatch",
            field="birth_date",
        )
    if official_status not in OfficialStatus.values:
        raise ApplicationError("请选择公职身份", code="official_status_invalid", field="official_status")
    if official_status == OfficialStatus.RETIRED and retired_on is None:
        raise ApplicationError("退（离）休领导干部须填写退（离）休日期", code="required", field="retired_on")
    person = _person(name, number)
    retired = retired_on if official_status == OfficialStatus.RETIRED else None
    before: dict[str, Any] = dict(
        LeaderFacts.objects.filter(person=person).values("official_status", "retired_on").first() or {}
    )
    after: dict[str, Any] = {"official_status": official_status, "retired_on": retired}
    changes = audit.diff(before, after)
    elsewhere = _facts_locked(person, organization) if before and changes else ""
    if elsewhere:
        raise ApplicationError(
            f"该人员正在{elsewhere}任职或被提名，已登记的公职身份或退（离）休日期与填写的不一致；"
            "请核对，如需更正请联系登记管理机关",
            code="leader_facts_locked",
            field="official_status",
        )
    LeaderFacts.objects.update_or_create(
        person=person, defaults={"birth_date": derived, "official_status": official_status, "retired_on": retired}
    )
    if changes:
        audit.record(actor=actor, action="governance.leader.recorded", obj=person, changes=changes, now=now)
    return person


# -- the checks -------------------------------------------------------------------------------------------


def _held(qs: Any) -> list[rules.Held]:
    rows = qs.values_list(
        "organization_id",
        "organization__name",
        "post",
        "term_id",
        "term__number",
        "status",
        "person_id",
        "member_unit_id",
        "starts_on",
        "ends_on",
    )
    return [rules.Held(*row) for row in rows]


def evaluate(
    *,
    organization: Organization,
    person: Person,
    post: str,
    term: Term,
    on: dt.date,
    member_unit: Member | None = None,
    paid: bool = False,
    approval_document: str = "",
    approved_on: dt.date | None = None,
    exclude: int | None = None,
) -> list[rules.Check]:
    """Every GOV-1 and GOV-2 check of `person` in `post` for `term` as of `on` (no writes)."""
    facts = LeaderFacts.objects.filter(person=person).first()
    if facts is None:
        raise ApplicationError("请先登记该负责人的身份证号码和公职身份", code="leader_facts_missing", field="person")
    person_facts = rules.PersonFacts(person.name, facts.birth_date, facts.official_status, facts.retired_on)
    others = Appointment.objects.exclude(pk=exclude or 0).exclude(status=AppointmentStatus.WITHDRAWN)
    history = _held(others.filter(person=person).order_by("term__number"))
    same_term = _held(others.filter(term=term, status__in=["nominated", "serving"]))
    candidate = rules.Candidate(
        organization_id=organization.pk,
        person_id=person.pk,
        post=post,
        term_id=term.pk,
        term_number=term.number,
        on=on,
        member_unit_id=member_unit.pk if member_unit is not None else None,
        paid=paid,
        approval_document=approval_document,
        approved_on=approved_on,
    )
    return rules.appointment_checks(
        candidate,
        person_facts,
        history,
        same_term,
        gov1=rule_values(organization, "GOV-1", as_of=on),
        gov2=rule_values(organization, "GOV-2", as_of=on),
    )


def _stored(checks: list[rules.Check], stage: str, on: dt.date) -> list[dict[str, Any]]:
    return [{"stage": stage, "on": on.isoformat(), **c.as_dict()} for c in checks]


# -- nomination, appointment, end ------------------------------------------------------------------------


@transaction.atomic
def appointment_nominate(
    *,
    actor: User | None,
    organization: Organization,
    term: Term,
    person: Person,
    post: str,
    on: dt.date,
    member_unit: Member | None = None,
    paid: bool = False,
    approval_document: str = "",
    approved_on: dt.date | None = None,
    now: dt.datetime,
) -> Appointment:
    """Nominate a person for a post in a term; refused with the rule id and the fact (GOV-1, GOV-2)."""
    require_staff(actor, organization)
    if term.organization_id != organization.pk:
        raise ApplicationError("届次不属于本会", code="term_invalid", field="term")
    term = Term.objects.select_for_update().get(pk=term.pk)  # nominations of a term are checked one at a time
    if post not in Post.values:
        raise ApplicationError("请选择职务", code="post_invalid", field="post")
    if member_unit is not None and member_unit.organization_id != organization.pk:
        raise ApplicationError("会员单位不属于本会", code="member_unit_invalid", field="member_unit")
    if Appointment.objects.filter(term=term, person=person, post=post, status__in=["nominated", "serving"]).exists():
        raise ApplicationError(f"该人员已被提名或担任本届{Post(post).label}", code="duplicate", field="post")
    fields: dict[str, Any] = {
        "member_unit": member_unit,
        "paid": paid,
        "approval_document": approval_document.strip(),
        "approved_on": approved_on,
    }
    checks = evaluate(organization=organization, person=person, post=post, term=term, on=on, **fields)
    rules.refuse(checks)
    appointment = Appointment(
        organization=organization,
        person=person,
        post=post,
        term=term,
        nominated_at=now,
        checks=_stored(checks, "nomination", on),
        **fields,
    )
    appointment.full_clean()
    appointment.save()
    audit.record(
        actor=actor,
        action="governance.appointment.nominated",
        obj=appointment,
        object_label=f"{person.name} {Post(post).label} 第{term.number}届",
        changes={"post": post, "term": term.number, "on": on},
        now=now,
    )
    return appointment


@transaction.atomic
def leader_nominate(
    *,
    actor: User | None,
    organization: Organization,
    term: Term,
    name: str,
    id_number: str,
    post: str,
    on: dt.date,
    official_status: str = OfficialStatus.NONE,
    retired_on: dt.date | None = None,
    birth_date: dt.date | None = None,
    member_unit: Member | None = None,
    paid: bool = False,
    approval_document: str = "",
    approved_on: dt.date | None = None,
    now: dt.datetime,
) -> Appointment:
    """Record the person's facts and nominate them, in one transaction (a refusal records nothing)."""
    require_staff(actor, organization)
    person = leader_record(
        actor=actor,
        organization=organization,
        name=name,
        id_number=id_number,
        official_status=official_status,
        retired_on=retired_on,
        birth_date=birth_date,
        now=now,
    )
    return appointment_nominate(
        actor=actor,
        organization=organization,
        term=term,
        person=person,
        post=post,
        on=on,
        member_unit=member_unit,
        paid=paid,
        approval_document=approval_document,
        approved_on=approved_on,
        now=now,
    )


def _legal_representative_change(appointment: Appointment, on: dt.date) -> rules.Check | None:
    """GOV-4: appointing a legal representative other than the one before needs an audit before it."""
    org = appointment.organization
    latest = (
        Appointment.objects.filter(organization=org, post=Post.LEGAL_REPRESENTATIVE, status__in=["serving", "ended"])
        .exclude(pk=appointment.pk)
        .order_by("-starts_on", "-pk")
        .values_list("person_id", flat=True)
        .first()
    )
    previous = latest if latest is not None else org.legal_representative_id  # the one in office before
    if previous is None or previous == appointment.person_id:
        return None
    audits = FinancialAudit.objects.filter(organization=org).values_list("occasion", "reported_on", "report_number")
    return rules.gov_4_audit("legal_representative", on, list(audits), rule_values(org, "GOV-4", as_of=on))


COUNTED = [AppointmentStatus.SERVING, AppointmentStatus.ENDED]
SINGLE_SEAT = frozenset({Post.PRESIDENT, Post.SECRETARY_GENERAL, Post.LEGAL_REPRESENTATIVE, Post.CHIEF_SUPERVISOR})


def _single_seat(appointment: Appointment, starts_on: dt.date) -> None:
    """A post with one seat (president, secretary-general, legal representative, chief supervisor) has one
    holder in a term at a time: the other must have ended by `starts_on`."""
    if appointment.post not in SINGLE_SEAT:
        return
    holder = (
        Appointment.objects.filter(term_id=appointment.term_id, post=appointment.post, status__in=COUNTED)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
        .exclude(pk=appointment.pk)
        .select_related("person")
        .first()
    )
    if holder is not None:
        raise ApplicationError(
            f"本届{appointment.get_post_display()}现由{holder.person.name}担任，请先办理其离任",
            code="post_occupied",
            field="appointment",
            status=409,
        )


def _appoint(
    appointment: Appointment, *, actor: User | None, starts_on: dt.date, elected_by: Resolution | None, now: dt.datetime
) -> Appointment:
    if appointment.status != AppointmentStatus.NOMINATED:
        raise ApplicationError("只有提名状态的人选可以任职", code="not_nominated", field="appointment")
    org = appointment.organization
    Term.objects.select_for_update().filter(pk=appointment.term_id).first()  # appointments of a term one at a time
    _single_seat(appointment, starts_on)
    checks = evaluate(
        organization=org,
        person=appointment.person,
        post=appointment.post,
        term=appointment.term,
        on=starts_on,
        member_unit=appointment.member_unit,
        paid=appointment.paid,
        approval_document=appointment.approval_document,
        approved_on=appointment.approved_on,
        exclude=appointment.pk,
    )
    if elected_by is not None:
        if elected_by.organization_id != org.pk or not elected_by.passed:
            raise ApplicationError("选举决议须为本会已通过的决议", code="resolution_invalid", field="resolution")
        checks.append(
            rules.gov_1_election_attendance(
                elected_by.present, elected_by.entitled, rule_values(org, "GOV-1", as_of=starts_on)
            )
        )
    if appointment.post == Post.LEGAL_REPRESENTATIVE:
        audit_check = _legal_representative_change(appointment, starts_on)
        if audit_check is not None:
            checks.append(audit_check)
    rules.refuse(checks)
    appointment.status = AppointmentStatus.SERVING
    appointment.starts_on = starts_on
    appointment.elected_by = elected_by
    appointment.checks = [*appointment.checks, *_stored(checks, "appointment", starts_on)]
    appointment.full_clean()
    appointment.save()
    audit.record(
        actor=actor,
        action="governance.appointment.appointed",
        obj=appointment,
        object_label=f"{appointment.person.name} {appointment.get_post_display()}",
        changes={"starts_on": starts_on, "elected_by": elected_by.number if elected_by else None},
        now=now,
    )
    return appointment


@transaction.atomic
def appointment_confirm(
    *,
    actor: User | None,
    appointment: Appointment,
    starts_on: dt.date,
    elected_by: Resolution | None = None,
    now: dt.datetime,
) -> Appointment:
    """Appoint a nominee from `starts_on` (re-runs GOV-1/GOV-2; a new legal representative needs GOV-4)."""
    require_staff(actor, appointment.organization)
    locked = (
        Appointment.objects.select_for_update().select_related("organization", "person", "term").get(pk=appointment.pk)
    )
    return _appoint(locked, actor=actor, starts_on=starts_on, elected_by=elected_by, now=now)


@transaction.atomic
def appointments_elect(
    *, resolution: Resolution, appointments: list[Appointment], on: dt.date, now: dt.datetime
) -> None:
    """Nominees elected by `resolution` (a ballot's or a meeting's) serve from `on`; the checks are re-run."""
    for appointment in appointments:
        locked = (
            Appointment.objects.select_for_update()
            .select_related("organization", "person", "term")
            .get(pk=appointment.pk)
        )
        _appoint(locked, actor=None, starts_on=on, elected_by=resolution, now=now)


@transaction.atomic
def appointment_end(
    *, actor: User | None, appointment: Appointment, ends_on: dt.date, reason: str, now: dt.datetime
) -> Appointment:
    """End a post (a nomination not yet appointed is withdrawn instead)."""
    require_staff(actor, appointment.organization)
    appointment = Appointment.objects.select_for_update().select_related("person").get(pk=appointment.pk)
    if appointment.status not in (AppointmentStatus.NOMINATED, AppointmentStatus.SERVING):
        raise ApplicationError("该任职已结束", code="already_ended", field="appointment")
    if not reason.strip():
        raise ApplicationError("请填写离任原因", code="required", field="reason")
    if appointment.starts_on is not None and ends_on < appointment.starts_on:
        raise ApplicationError("离任日期不能早于任职日期", code="ends_before_start", field="ends_on")
    withdrawn = appointment.status == AppointmentStatus.NOMINATED
    appointment.status = AppointmentStatus.WITHDRAWN if withdrawn else AppointmentStatus.ENDED
    appointment.ends_on = ends_on
    appointment.end_reason = reason.strip()
    appointment.full_clean()
    appointment.save()
    action = "governance.appointment." + ("withdrawn" if withdrawn else "ended")
    audit.record(actor=actor, action=action, obj=appointment, changes={"ends_on": ends_on, "reason": reason}, now=now)
    return appointment
