"""Casting a secret ballot (BAL-2) and checking a receipt on the bulletin board.

A cast writes two unrelated rows in one transaction: a `Participation` (this roll
entry has voted; unique per ballot, so a second vote is refused by the database)
and a `CastBallot` (the choices and the SM3 digest of a receipt code the voter
keeps). Nothing else is written: no audit entry, no log line, no timestamp, so
that nothing stored names the voter together with the moment of casting. The
receipt code itself is returned once and never stored.

On PostgreSQL a cast reads the ballot with `FOR SHARE` (one statement: the lock and the
read), so closing (which takes `FOR UPDATE`) waits for casts in flight, and a cast that
waited for a close re-reads the closed row and is refused: no cast lands after the seal.

Eligibility (BAL-1): the roll is frozen at the cut-off, so an entry keeps its vote when
the member leaves (or the delegate's term ends) afterwards; the person casting it must
represent the member on the day of the cast (or be the delegate).

Statements per cast: the ballot (locked), the voter's representation, the questions, the
participation, the cast ballot (5, plus BEGIN/COMMIT; no savepoint: a duplicate aborts the
whole cast, which is rolled back as a unit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import User
from xiehui.membership.models import Delegate, Representative

from .models import Attendance, Ballot, BallotQuestion, BallotStatus, CastBallot, Participation, QuestionKind, RollEntry
from .rules import CHOICES

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a phone
RECEIPT_LENGTH = 16  # 16 symbols of 32: 80 bits, far beyond guessing; checks are rate-limited all the same
RECEIPT_CHECK_RATE = "30/h"  # per signed-in user, else per address (web and API share the count)
RECEIPT_CHECK_GROUP = "voting.receipt_check"


def receipt_new() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_normalize(code: str) -> str | None:
    """The canonical form XXXX-XXXX-XXXX-XXXX of what a voter typed (spaces, dashes, case ignored); None if invalid."""
    raw = re.sub(r"[\s\-]", "", code or "").upper()
    if len(raw) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_digest(ballot_id: int, code: str) -> str:
    return hashlib.new("sm3", f"{ballot_id}:{code}".encode()).hexdigest()


def may_vote_for(user: User, entry: RollEntry, on: dt.date) -> bool:
    """The user is the delegate on the roll, or currently represents the member on the roll."""
    if entry.delegate_id is not None:
        return Delegate.objects.filter(pk=entry.delegate_id, user_id=user.pk).exists()
    return (
        Representative.objects.filter(member_id=entry.member_id or 0, user=user, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .exists()
    )


def clean_choices(questions: list[BallotQuestion], choices: Mapping[str, Any]) -> dict[str, list[str]]:
    """One answer per approve/trust question; up to `seats` distinct candidates (none: a blank vote) per election."""
    if not isinstance(choices, Mapping):
        raise ApplicationError("选票格式无效", code="choices", field="choices")
    known = {str(q.position) for q in questions}
    stray = sorted(set(map(str, choices)) - known)
    if stray:
        raise ApplicationError(f"选票中没有第 {stray[0]} 题", code="choices", field=f"choices.{stray[0]}")
    cleaned: dict[str, list[str]] = {}
    for q in questions:
        value = choices.get(str(q.position), choices.get(q.position))  # type: ignore[call-overload]
        picks = [value] if isinstance(value, str) else list(value or [])
        if any(not isinstance(p, str) for p in picks):
            raise ApplicationError(f"第 {q.position} 题的选择无效", code="choices", field=f"choices.{q.position}")
        if q.kind == QuestionKind.ELECT:
            keys = {c["key"] for c in q.candidates}
            if len(set(picks)) != len(picks) or any(p not in keys for p in picks) or len(picks) > q.seats:
                raise ApplicationError(
                    f"“{q.text}”：最多选 {q.seats} 名候选人，不能重复", code="choices", field=f"choices.{q.position}"
                )
        elif len(picks) != 1 or picks[0] not in CHOICES[q.kind]:
            options = "、".join(CHOICES[q.kind].values())
            raise ApplicationError(
                f"“{q.text}”：请在{options}中选择一项", code="choices", field=f"choices.{q.position}"
            )
        cleaned[str(q.position)] = sorted(picks)
    return cleaned


SHARE_LOCKED = "SELECT * FROM voting_ballot WHERE id = %s FOR SHARE"


def _share_lock(ballot: Ballot) -> Ballot:
    """The ballot as committed now, read under FOR SHARE on PostgreSQL (SQLite serialises writers itself)."""
    if connection.vendor == "postgresql":
        locked = list(Ballot.objects.raw(SHARE_LOCKED, [ballot.pk]))
        if not locked:
            raise Ballot.DoesNotExist
        return locked[0]
    return Ballot.objects.get(pk=ballot.pk)


def _check_open(ballot: Ballot, now: dt.datetime) -> None:
    if ballot.status != BallotStatus.FROZEN:
        raise ApplicationError("该投票不在投票期内", code="not_open", field="ballot", status=409)
    if now < ballot.opens_at or now >= ballot.closes_at:
        opens = ballot.opens_at.astimezone(clock.SHANGHAI)
        closes = ballot.closes_at.astimezone(clock.SHANGHAI)
        raise ApplicationError(
            f"投票时间为 {opens:%Y-%m-%d %H:%M} 至 {closes:%Y-%m-%d %H:%M}，现在不在投票时间内",
            code="not_open",
            field="ballot",
            status=409,
        )


@transaction.atomic
def ballot_cast(
    *, voter_user: User, ballot: Ballot, roll_entry: RollEntry, choices: Mapping[str, Any], now: dt.datetime
) -> str:
    """Cast one secret ballot for a roll entry; returns the receipt code (shown once, never stored)."""
    ballot = _share_lock(ballot)
    if roll_entry.ballot_id != ballot.pk:
        raise ApplicationError("该投票人不在本次投票名册上（BAL-1）", code="BAL-1", field="roll_entry")
    if not may_vote_for(voter_user, roll_entry, clock.local_date(now)):
        raise PermissionDenied("您不是该会员（代表）的授权投票人")
    _check_open(ballot, now)
    if ballot.in_meeting and not Attendance.objects.filter(ballot=ballot, roll_entry=roll_entry).exists():
        raise ApplicationError(
            "现场会议投票须先在会场登记出席", code="attendance_required", field="roll_entry", status=409
        )
    cleaned = clean_choices(list(BallotQuestion.objects.filter(ballot_id=ballot.pk)), choices)
    try:  # no savepoint: on a duplicate nothing more is run here, and this whole transaction is rolled back
        Participation.objects.create(id=uuid.uuid4(), ballot_id=ballot.pk, roll_entry_id=roll_entry.pk)
    except IntegrityError:
        raise ApplicationError(
            f"BAL-2：您已投过票（“{roll_entry.label}”在本次投票中只有一票）",
            code="BAL-2",
            field="roll_entry",
            status=409,
        ) from None
    code = receipt_new()
    CastBallot.objects.create(
        id=uuid.uuid4(), ballot_id=ballot.pk, receipt_digest=receipt_digest(ballot.pk, code), choices=cleaned
    )
    return code


def receipt_check(*, ballot: Ballot, code: str) -> CastBallot | None:
    """The bulletin-board row of a receipt code (its digest and choices), or None when no cast ballot has it."""
    normalized = receipt_normalize(code)
    if normalized is None:
        raise ApplicationError(
            "回执码应为 16 位字母和数字（如 ABCD-EFGH-JKLM-NPQR）", code="receipt_invalid", field="code"
        )
    return CastBallot.objects.filter(ballot=ballot, receipt_digest=receipt_digest(ballot.pk, normalized)).first()
