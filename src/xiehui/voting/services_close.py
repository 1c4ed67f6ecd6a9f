"""Closing a ballot (seal and tally) and publishing its result (resolution, fee standard, election, disclosure).

Sealing rewrites the ballot's cast ballots (ordered by receipt digest) and
participations (ordered by roll position) with fresh random ids in one
transaction: afterwards neither row order (SQLite rowid, PostgreSQL ctid) nor
transaction ids (xmin) reflect the order of casting. Audit codes:
voting.ballot.closed (aggregate figures only) and voting.ballot.published.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.governance.models import Appointment, MatterKind, Resolution

from . import ports, rules
from .models import Attendance, Ballot, BallotKind, BallotStatus, CastBallot, Participation, QuestionKind
from .services import lock, require_staff

MATTERS = {
    BallotKind.FEE_STANDARD: MatterKind.FEE_STANDARD,
    BallotKind.TRUST_VOTE: MatterKind.TRUST_VOTE,
    BallotKind.ELECTION: MatterKind.ELECTION,
    BallotKind.CHARTER_AMENDMENT: MatterKind.CHARTER,
    BallotKind.TERM_EXTENSION: MatterKind.TERM_EXTENSION,
}


def _seal(ballot: Ballot) -> list[dict[str, list[str]]]:
    """Rewrite both tables' rows of the ballot in an order that carries no time; return the cast choices."""
    casts = sorted(CastBallot.objects.filter(ballot=ballot).values_list("receipt_digest", "choices"))
    voted = sorted(Participation.objects.filter(ballot=ballot).values_list("roll_entry__position", "roll_entry_id"))
    if len(casts) != len(voted):
        raise ApplicationError(
            f"BAL-2：选票数（{len(casts)}）与投票人数（{len(voted)}）不一致，拒绝计票，请联系平台管理员",
            code="BAL-2",
            field="ballot",
            status=409,
        )
    CastBallot.objects.filter(ballot=ballot).delete()
    Participation.objects.filter(ballot=ballot).delete()
    CastBallot.objects.bulk_create(
        [CastBallot(id=uuid.uuid4(), ballot=ballot, receipt_digest=d, choices=c) for d, c in casts], batch_size=2000
    )
    Participation.objects.bulk_create(
        [Participation(id=uuid.uuid4(), ballot=ballot, roll_entry_id=e) for _p, e in voted], batch_size=2000
    )
    return [c for _d, c in casts]


def questions_spec(ballot: Ballot) -> list[dict[str, Any]]:
    return [
        {"position": q.position, "kind": q.kind, "text": q.text, "seats": q.seats, "candidates": q.candidates}
        for q in ballot.questions.all()
    ]


def ballot_figures(ballot: Ballot) -> tuple[rules.Quorum, rules.Threshold]:
    quorum = rules.Quorum(ballot.quorum_rule, ballot.quorum_num, ballot.quorum_den)
    threshold = rules.Threshold(
        ballot.threshold_rule, ballot.threshold_num, ballot.threshold_den, ballot.threshold_strict
    )
    return quorum, threshold


@transaction.atomic
def ballot_close(*, actor: User | None, ballot: Ballot, now: dt.datetime) -> Ballot:
    """Close at or after the closing time: seal the stored ballots, count them, check quorum and threshold."""
    ballot = lock(ballot)  # FOR UPDATE: waits for casts in flight (they hold FOR SHARE)
    require_staff(actor, ballot.organization)
    if ballot.status != BallotStatus.FROZEN:
        raise ApplicationError("只有投票中的表决可以计票", code="not_open", field="ballot", status=409)
    if now < ballot.closes_at:
        closes = ballot.closes_at.astimezone(clock.SHANGHAI)
        raise ApplicationError(
            f"投票于 {closes:%Y-%m-%d %H:%M} 结束，结束前不能计票", code="not_closed", field="ballot", status=409
        )
    cast = _seal(ballot)
    present = Attendance.objects.filter(ballot=ballot).count() if ballot.in_meeting else len(cast)
    quorum, threshold = ballot_figures(ballot)
    result = rules.tally(
        kind=ballot.kind,
        questions=questions_spec(ballot),
        ballots=cast,
        present=present,
        roll_size=ballot.roll_size or 0,
        quorum=quorum,
        threshold=threshold,
    )
    ballot.present, ballot.cast = present, len(cast)
    ballot.tally = {"questions": result.questions}
    ballot.passed, ballot.explanation = result.passed, result.explanation
    ballot.status, ballot.closed_at = BallotStatus.CLOSED, now
    ballot.save(update_fields=["present", "cast", "tally", "passed", "explanation", "status", "closed_at"])
    audit.record(
        actor=actor,
        action="voting.ballot.closed",
        obj=ballot,
        now=now,
        changes={
            "present": {"after": present},
            "cast": {"after": len(cast)},
            "passed": {"after": result.passed},
        },
    )
    return ballot


def _counts(ballot: Ballot) -> tuple[int, int, int]:
    """For, against, abstain of a single-question ballot (0s for trust votes and elections: see the explanation)."""
    questions = ballot.tally.get("questions") or []
    if len(questions) != 1 or questions[0]["kind"] != QuestionKind.APPROVE:
        return 0, 0, 0
    c = questions[0]["counts"]
    return c["for"], c["against"], c["abstain"]


def _decision(ballot: Ballot) -> str:
    return "；".join(ballot.explanation.get("sentences") or []) or ballot.title


def _record_resolution(actor: User | None, ballot: Ballot, today: dt.date, now: dt.datetime) -> Resolution:
    votes_for, votes_against, votes_abstain = _counts(ballot)
    return ports.resolution_record(
        actor=actor,
        organization=ballot.organization,
        organ=ballot.organ,
        meeting=ballot.meeting,
        matter=MATTERS[BallotKind(ballot.kind)],
        title=ballot.title,
        decision=_decision(ballot),
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        present=ballot.present or 0,
        entitled=ballot.roll_size or 0,
        passed=bool(ballot.passed),
        adopted_on=clock.local_date(ballot.closed_at or now),
        explanation=ballot.explanation,
        ballot_id=ballot.pk,
        published_to_members_on=today,
        importance="major",
        now=now,
    )


def _elect(ballot: Ballot, resolution: Resolution, today: dt.date, now: dt.datetime) -> None:
    if not ballot.explanation.get("valid"):
        return  # GOV-1: no attendance of 2/3, nobody is elected
    ids = [
        cand["appointment_id"]
        for q in ballot.tally.get("questions") or []
        if q["kind"] == QuestionKind.ELECT
        for cand in q["candidates"]
        if cand.get("elected")
    ]
    if ids:
        elected = list(Appointment.objects.filter(pk__in=ids).order_by("pk"))
        ports.appointments_elect(resolution=resolution, appointments=elected, on=today, now=now)


def _trust_disclosure(actor: User | None, ballot: Ballot, now: dt.datetime) -> None:
    from xiehui.disclosure import services as disclosure

    rows = []
    appointments = {q.position: q.appointment for q in ballot.questions.select_related("appointment__person")}
    for q in ballot.tally.get("questions") or []:
        appointment = appointments.get(q["position"])
        c = q["counts"]
        rows.append(
            {
                "leader": appointment.person.name if appointment else q["text"],
                "post": appointment.get_post_display() if appointment else "",
                "trust": c["trust"],
                "distrust": c["distrust"],
                "abstain": c["abstain"],
            }
        )
    held_on = clock.local_date(ballot.closes_at)
    summary = "；".join(ballot.explanation.get("sentences") or [])
    meeting = ballot.meeting.title if ballot.meeting is not None else ballot.organ.get_kind_display()
    version = disclosure.disclosure_draft(
        actor=actor,
        organization=ballot.organization,
        item_type="trust_votes",
        title=ballot.title,
        data={"fields": {"held_on": held_on.isoformat(), "meeting": meeting, "summary": summary}, "rows": rows},
        effective_on=min(held_on, clock.local_date(now)),
        now=now,
    )
    disclosure.version_publish(actor=actor, version=version, now=now)


@transaction.atomic
def ballot_publish(*, actor: User | None, ballot: Ballot, now: dt.datetime) -> Ballot:
    """Publish the result: the bulletin board opens, a resolution is recorded, and the result takes effect."""
    ballot = lock(ballot)
    require_staff(actor, ballot.organization)
    if ballot.status != BallotStatus.CLOSED:
        raise ApplicationError("只有已计票的投票可以公布结果", code="not_closed", field="ballot", status=409)
    today = clock.local_date(now)
    resolution = _record_resolution(actor, ballot, today, now)
    if ballot.kind == BallotKind.FEE_STANDARD and ballot.fee_standard is not None:
        ports.fee_standard_decide(
            standard=ballot.fee_standard, passed=bool(ballot.passed), resolution=resolution, now=now
        )
    elif ballot.kind == BallotKind.ELECTION:
        _elect(ballot, resolution, today, now)
    elif ballot.kind == BallotKind.TRUST_VOTE:
        _trust_disclosure(actor, ballot, now)
    ballot.status, ballot.published_at, ballot.resolution = BallotStatus.PUBLISHED, now, resolution
    ballot.save(update_fields=["status", "published_at", "resolution"])
    audit.record(
        actor=actor,
        action="voting.ballot.published",
        obj=ballot,
        now=now,
        changes={"resolution": {"after": resolution.number}, "passed": {"after": ballot.passed}},
    )
    return ballot
