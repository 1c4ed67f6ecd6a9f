"""Setting a ballot up: create, edit while a draft, freeze the roll (BAL-1), register attendance, cancel.

Casting is in services_cast.py, closing and publishing in services_close.py.
Audit codes: voting.ballot.created / .updated / .frozen / .cancelled, voting.attendance.registered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import User
from xiehui.governance.models import (
    ASSEMBLY_KINDS,
    LEADER_POSTS,
    Appointment,
    AppointmentStatus,
    Meeting,
    Organ,
    OrganKind,
    Post,
)
from xiehui.membership.models import FeeStandard, FeeStandardStatus
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import ports, rules
from .models import Attendance, Ballot, BallotKind, BallotQuestion, BallotStatus, QuestionKind, RollBasis, RollEntry

POST_ORDER = [p.value for p in Post]
QUESTION_TEXT = BallotQuestion._meta.get_field("text").max_length or 200


@dataclass
class BallotInput:
    """What staff set for a ballot (create and edit)."""

    kind: str
    title: str
    organ: Organ
    cutoff_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    description: str = ""
    in_meeting: bool = False
    meeting: Meeting | None = None
    fee_standard: FeeStandard | None = None
    appointments: list[Appointment] | None = None  # trust vote: the leaders asked about (None: all serving)
    seats: dict[str, int] = field(default_factory=dict)  # election: seats per post (default 1 per post nominated)


def require_staff(actor: User | None, organization: Organization) -> None:
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以管理无记名投票")


def lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().select_related("organization", "organ").get(pk=ballot.pk)


def _check_organ(data: BallotInput, organization: Organization) -> None:
    organ = data.organ
    if organ.organization_id != organization.pk or organ.kind not in ASSEMBLY_KINDS:
        rule = "FEE-1" if data.kind == BallotKind.FEE_STANDARD else "BAL-3"
        raise ApplicationError(
            f"{rule}：{BallotKind(data.kind).label}只能由本会会员大会或会员代表大会表决，"
            f"所选机构为“{organ.get_kind_display()}”",
            code=rule,
            field="organ",
        )
    if data.meeting is not None and data.meeting.organ_id != organ.pk:
        raise ApplicationError("所选会议不是该机构的会议", code="meeting", field="meeting")


def _check_window(data: BallotInput) -> None:
    if data.closes_at <= data.opens_at:
        raise ApplicationError("投票结束时间应晚于开始时间", code="window", field="closes_at")
    if data.cutoff_on > clock.local_date(data.opens_at):
        raise ApplicationError("名册截止日期不能晚于投票开始日期", code="BAL-1", field="cutoff_on")
    if data.in_meeting and clock.local_date(data.opens_at) != clock.local_date(data.closes_at):
        raise ApplicationError("现场会议投票应在会议当天开始和结束", code="window", field="closes_at")


def _check_fee_standard(data: BallotInput, organization: Organization) -> None:
    standard = data.fee_standard
    if data.kind != BallotKind.FEE_STANDARD:
        if standard is not None:
            raise ApplicationError("只有会费标准表决关联会费标准", code="fee_standard", field="fee_standard")
        return
    if standard is None or standard.organization_id != organization.pk:
        raise ApplicationError("FEE-1：请选择本会的会费标准草案", code="FEE-1", field="fee_standard")
    if standard.status != FeeStandardStatus.DRAFT:
        raise ApplicationError(
            f"FEE-1：会费标准“{standard.title}”状态为“{standard.get_status_display()}”，只有草案可以提交表决",
            code="FEE-1",
            field="fee_standard",
        )


def _leader_questions(data: BallotInput, organization: Organization) -> list[dict[str, Any]]:
    chosen = data.appointments
    if chosen is None:
        chosen = list(
            Appointment.objects.filter(
                organization=organization, status=AppointmentStatus.SERVING, post__in=LEADER_POSTS
            ).select_related("person")
        )
    if any(a.organization_id != organization.pk or a.status != AppointmentStatus.SERVING for a in chosen):
        raise ApplicationError("信任投票只能针对本会在任负责人", code="appointments", field="appointments")
    chosen = sorted(chosen, key=lambda a: (POST_ORDER.index(a.post), a.pk))
    if not chosen:
        raise ApplicationError("本会没有在任负责人，无法发起信任投票", code="no_leaders", field="appointments")
    return [
        {
            "kind": QuestionKind.TRUST,
            "text": f"对{a.person.name}（{a.get_post_display()}）是否信任",
            "appointment": a,
        }
        for a in chosen
    ]


def _election_questions(data: BallotInput, organization: Organization) -> list[dict[str, Any]]:
    nominated = Appointment.objects.filter(
        organization=organization, status=AppointmentStatus.NOMINATED
    ).select_related("person")
    by_post: dict[str, list[Appointment]] = {}
    for appointment in nominated:
        by_post.setdefault(appointment.post, []).append(appointment)
    posts = sorted(data.seats or by_post, key=POST_ORDER.index)
    if not posts:
        raise ApplicationError("没有已提名的候选人，无法发起选举", code="no_candidates", field="seats")
    questions = []
    for post in posts:
        candidates = sorted(by_post.get(post, []), key=lambda a: a.pk)
        seats = int(data.seats.get(post, 1)) if data.seats else 1
        label = Post(post).label
        if not candidates or seats < 1 or seats > len(candidates):
            raise ApplicationError(
                f"{label}：候选人 {len(candidates)} 名，应选名额 {seats} 名，名额应在 1 至候选人数之间",
                code="seats",
                field="seats",
            )
        questions.append(
            {
                "kind": QuestionKind.ELECT,
                "text": f"选举{label}（应选 {seats} 名）",
                "seats": seats,
                "candidates": [{"key": f"a{a.pk}", "name": a.person.name, "appointment_id": a.pk} for a in candidates],
            }
        )
    return questions


def _questions(data: BallotInput, organization: Organization) -> list[dict[str, Any]]:
    if data.kind == BallotKind.TRUST_VOTE:
        return _leader_questions(data, organization)
    if data.kind == BallotKind.ELECTION:
        return _election_questions(data, organization)
    subject = f"《{data.fee_standard.title}》" if data.fee_standard is not None else data.title.strip()
    text = f"是否同意{subject}"
    return [
        {"kind": QuestionKind.APPROVE, "text": text if len(text) <= QUESTION_TEXT else text[: QUESTION_TEXT - 1] + "…"}
    ]


def _clean(row: Ballot | BallotQuestion, **kwargs: Any) -> None:
    """full_clean(), refusing with an ApplicationError (a 400 with the field), never a Django ValidationError (500)."""
    try:
        row.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(
            messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
        ) from None


def _apply(ballot: Ballot, data: BallotInput, organization: Organization, now: dt.datetime) -> None:
    if data.kind not in BallotKind.values:
        raise ApplicationError("表决类型无效", code="kind", field="kind")
    _check_organ(data, organization)
    _check_window(data)
    _check_fee_standard(data, organization)
    quorum, threshold = rules.figures_for(
        data.kind, charter=ports.charter_parameters(organization, as_of=clock.local_date(now))
    )
    ballot.kind, ballot.title, ballot.description = data.kind, data.title.strip(), data.description.strip()
    ballot.organ, ballot.meeting, ballot.fee_standard = data.organ, data.meeting, data.fee_standard
    ballot.roll_basis = RollBasis.DELEGATES if data.organ.kind == OrganKind.DELEGATE_ASSEMBLY else RollBasis.MEMBERS
    ballot.cutoff_on, ballot.opens_at, ballot.closes_at = data.cutoff_on, data.opens_at, data.closes_at
    ballot.in_meeting = data.in_meeting
    ballot.quorum_rule, ballot.quorum_num, ballot.quorum_den = quorum.rule, quorum.num, quorum.den
    ballot.threshold_rule, ballot.threshold_num = threshold.rule, threshold.num
    ballot.threshold_den, ballot.threshold_strict = threshold.den, threshold.strict
    if not ballot.title:
        raise ApplicationError("请填写表决事项", code="required", field="title")
    _clean(ballot, exclude=["created_by"])  # None for the system (demo data)
    ballot.save()
    questions = _questions(data, organization)
    BallotQuestion.objects.filter(ballot=ballot).delete()
    for position, question in enumerate(questions, start=1):
        row = BallotQuestion(ballot=ballot, position=position, **question)
        _clean(row)
        row.save()


@transaction.atomic
def ballot_create(*, actor: User | None, organization: Organization, data: BallotInput, now: dt.datetime) -> Ballot:
    """Set up a ballot as a draft, with its questions and the quorum and threshold in force (charter, else rule)."""
    require_staff(actor, organization)
    ballot = Ballot(organization=organization, created_at=now, created_by=actor)
    _apply(ballot, data, organization, now)
    audit.record(
        actor=actor, action="voting.ballot.created", obj=ballot, now=now, changes={"kind": {"after": ballot.kind}}
    )
    return ballot


@transaction.atomic
def ballot_update(*, actor: User | None, ballot: Ballot, data: BallotInput, now: dt.datetime) -> Ballot:
    """Change a draft ballot (its questions are rebuilt: leaders and nominees as of now)."""
    ballot = lock(ballot)
    require_staff(actor, ballot.organization)
    if ballot.status != BallotStatus.DRAFT:
        raise ApplicationError(
            f"投票“{ballot.title}”的名册已冻结（BAL-1），不能再修改", code="BAL-1", field="ballot", status=409
        )
    before = {"title": ballot.title, "opens_at": ballot.opens_at, "closes_at": ballot.closes_at}
    _apply(ballot, data, ballot.organization, now)
    after = {"title": ballot.title, "opens_at": ballot.opens_at, "closes_at": ballot.closes_at}
    audit.record(actor=actor, action="voting.ballot.updated", obj=ballot, now=now, changes=audit.diff(before, after))
    return ballot


# -- the roll (BAL-1) ----------------------------------------------------------------------------------------


def roll_lines(entries: list[RollEntry]) -> str:
    """The canonical serialization whose SM3 digest is published: one line per entry, in position order."""
    lines = []
    for entry in entries:
        voter = f"member:{entry.member_id}" if entry.delegate_id is None else f"delegate:{entry.delegate_id}"
        lines.append(f"{entry.position}|{voter}|{entry.label}\n")
    return "".join(lines)


def roll_digest(entries: list[RollEntry]) -> str:
    return hashlib.new("sm3", roll_lines(entries).encode()).hexdigest()


def _roll(ballot: Ballot) -> list[RollEntry]:
    if ballot.roll_basis == RollBasis.DELEGATES:
        delegates = ports.delegates_of(ballot.organization, as_of=ballot.cutoff_on).select_related("member")
        ordered = sorted(delegates, key=lambda d: d.pk)
        return [
            RollEntry(
                ballot=ballot, position=i, member=d.member, delegate=d, label=f"{d.name}（{d.member.name}）"[:100]
            )
            for i, d in enumerate(ordered, start=1)
        ]
    current = ports.members_of(ballot.organization, as_of=ballot.cutoff_on).prefetch_related(None)
    members = list(current.only("pk", "name").order_by("pk"))
    return [RollEntry(ballot=ballot, position=i, member=m, label=m.name[:100]) for i, m in enumerate(members, start=1)]


@transaction.atomic
def ballot_freeze(*, actor: User | None, ballot: Ballot, now: dt.datetime) -> Ballot:
    """BAL-1: take the roll as of the cut-off date, publish its size and SM3 digest; before voting opens."""
    ballot = lock(ballot)
    require_staff(actor, ballot.organization)
    if ballot.status != BallotStatus.DRAFT:
        raise ApplicationError("名册已冻结或投票已结束", code="BAL-1", field="ballot", status=409)
    if now >= ballot.opens_at:
        raise ApplicationError(
            f"BAL-1：名册须在投票开始（{ballot.opens_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}）前冻结并公布，"
            "请修改投票时间",
            code="BAL-1",
            field="opens_at",
        )
    if ballot.cutoff_on > clock.local_date(now):
        raise ApplicationError(
            f"BAL-1：名册截止日期 {ballot.cutoff_on:%Y-%m-%d} 尚未到来，不能冻结", code="BAL-1", field="cutoff_on"
        )
    entries = _roll(ballot)
    if not entries:
        raise ApplicationError("BAL-1：截止日没有在册会员（代表），无法冻结名册", code="BAL-1", field="cutoff_on")
    RollEntry.objects.bulk_create(entries, batch_size=2000)
    ballot.roll_size, ballot.roll_digest = len(entries), roll_digest(entries)
    ballot.status, ballot.frozen_at = BallotStatus.FROZEN, now
    ballot.save(update_fields=["roll_size", "roll_digest", "status", "frozen_at"])
    if ballot.fee_standard is not None:
        ports.fee_standard_balloting(standard=ballot.fee_standard, now=now)
    audit.record(
        actor=actor,
        action="voting.ballot.frozen",
        obj=ballot,
        now=now,
        changes={"roll_size": {"after": ballot.roll_size}, "roll_digest": {"after": ballot.roll_digest}},
    )
    return ballot


# -- in-meeting attendance -----------------------------------------------------------------------------------


def attendance_open(ballot: Ballot, now: dt.datetime) -> bool:
    """Attendance is registered from the start of the meeting day until voting closes."""
    day_start = dt.datetime.combine(clock.local_date(ballot.opens_at), dt.time.min, tzinfo=clock.SHANGHAI)
    return ballot.status == BallotStatus.FROZEN and day_start <= now < ballot.closes_at


@transaction.atomic
def attendance_register(*, actor: User, ballot: Ballot, roll_entry: RollEntry, now: dt.datetime) -> Attendance:
    """In-meeting mode: register a voter on the roll as present (counts towards the quorum)."""
    require_staff(actor, ballot.organization)
    if not ballot.in_meeting:
        raise ApplicationError("该投票不是现场会议投票，无需登记出席", code="not_in_meeting", field="ballot")
    if roll_entry.ballot_id != ballot.pk:
        raise ApplicationError("该投票人不在本次投票名册上（BAL-1）", code="BAL-1", field="roll_entry")
    if not attendance_open(ballot, now):
        raise ApplicationError("只能在会议当天、投票结束前登记出席", code="attendance_closed", field="ballot")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(ballot=ballot, roll_entry=roll_entry, registered_by=actor)
    except IntegrityError:
        raise ApplicationError(
            f"“{roll_entry.label}”已登记出席", code="attendance_exists", field="roll_entry", status=409
        ) from None
    audit.record(
        actor=actor,
        action="voting.attendance.registered",
        obj=ballot,
        now=now,
        changes={"roll_position": {"after": roll_entry.position}},
    )
    return attendance


@transaction.atomic
def ballot_cancel(*, actor: User | None, ballot: Ballot, reason: str, now: dt.datetime) -> Ballot:
    """Cancel a ballot that has not opened yet (a draft, or a frozen roll before the opening time)."""
    ballot = lock(ballot)
    require_staff(actor, ballot.organization)
    if ballot.status not in (BallotStatus.DRAFT, BallotStatus.FROZEN) or (
        ballot.status == BallotStatus.FROZEN and now >= ballot.opens_at
    ):
        raise ApplicationError("投票已开始或已结束，不能取消", code="ballot_started", field="ballot", status=409)
    if len(reason.strip()) < 4:
        raise ApplicationError("请说明取消原因（至少 4 个字）", code="reason_required", field="reason")
    before = ballot.status
    if before == BallotStatus.FROZEN and ballot.fee_standard is not None:
        ports.fee_standard_reopen(standard=ballot.fee_standard, now=now)  # back to a draft
    ballot.status = BallotStatus.CANCELLED
    ballot.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="voting.ballot.cancelled",
        obj=ballot,
        now=now,
        changes={"status": {"before": before, "after": ballot.status}, "reason": {"after": reason.strip()}},
    )
    return ballot
