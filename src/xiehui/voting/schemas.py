"""Data port schemas of voting, one per operation. No schema ever carries both a voter and a choice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from xiehui.core.api import Count, CursorOut, Flag, IsoDate, Page


class QuestionOut(Schema):
    """A question on the ballot: approve, trust (one per leader) or elect (candidates and seats)."""

    position: int
    kind: str
    text: str
    seats: int
    candidates: list[dict[str, Any]]


class BallotOut(Schema):
    """A ballot as its readers see it: roll size and SM3 digest (BAL-1), window, figures, result once public."""

    id: int
    uscc: str
    organization_name: str
    kind: str
    kind_label: str
    title: str
    description: str
    organ: str
    roll_basis: str
    cutoff_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    in_meeting: bool
    status: str
    roll_size: int | None
    roll_digest: str
    quorum: dict[str, Any]
    threshold: dict[str, Any]
    questions: list[QuestionOut]
    present: int | None = None
    cast: int | None = None
    passed: bool | None = None
    explanation: dict[str, Any] | None = None
    resolution_number: str | None = None


class BallotPage(Page):
    """A page of ballots (offset or cursor pagination; the count is exact)."""

    items: list[BallotOut]


class BallotCreateIn(Schema):
    """A new draft ballot (staff): kind, organ, roll cut-off, window and, per kind, the subject."""

    kind: str = Field(description="fee_standard / trust_vote / election / charter_amendment / term_extension")
    title: str = Field(max_length=200)
    description: str = ""
    organ_id: Count = Field(description="会员大会或会员代表大会的机构编号")
    cutoff_on: IsoDate
    opens_at: dt.datetime
    closes_at: dt.datetime
    in_meeting: Flag = False
    meeting_id: Count | None = None
    fee_standard_id: Count | None = None
    appointment_ids: list[Count] | None = Field(None, description="信任投票：被表决的在任负责人（不填：全部）")
    seats: dict[str, int] = Field(default_factory=dict, description='选举：各职务应选人数，如 {"vice_president": 2}')


class BallotPatchIn(BallotCreateIn):
    """The whole draft again (a draft is small; partial edits would leave questions half rebuilt)."""


class CancelIn(Schema):
    """Why a ballot that has not opened is cancelled."""

    reason: str = Field(min_length=1, max_length=200)


class AttendanceIn(Schema):
    """In-meeting mode: the roll entry to register present."""

    roll_entry_id: Count


class AttendanceOut(Schema):
    """The registered entry and the number now present."""

    roll_entry_id: int
    label: str
    present: int


class RollEntryOut(Schema):
    """One entry of the frozen roll (position and label; never whether or what it voted)."""

    id: int
    position: int
    label: str


class CastIn(Schema):
    """A secret ballot: the caller's roll entry and the choices per question."""

    roll_entry_id: Count
    choices: dict[str, list[str] | str] = Field(
        description="按题号：approve 题 for/against/abstain；trust 题 trust/distrust/abstain；elect 题候选人 key 列表"
    )


class ReceiptOut(Schema):
    """The receipt code: shown once, never stored; keep it to check the bulletin board."""

    ballot_id: int
    receipt: str


class MyEntryOut(Schema):
    """One of the caller's roll entries on a ballot not yet closed, and whether it has voted."""

    ballot_id: int
    title: str
    uscc: str
    roll_entry_id: int
    label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    voted: bool


class BulletinRowOut(Schema):
    """One cast ballot on the bulletin board: its receipt digest and choices, no voter."""

    receipt_digest: str
    choices: dict[str, list[str]]


class BulletinOut(CursorOut):
    """The bulletin board page: the ballot with its result and the cast ballots by digest."""

    ballot: BallotOut
    items: list[BulletinRowOut]
    count: int
    limit: int
    offset: int


class ReceiptCheckIn(Schema):
    """The receipt code to look up (sent in the body, never in a URL)."""

    code: str = Field(max_length=40)


class ReceiptCheckOut(Schema):
    """Whether the code's ballot is on the board, with its digest and choices when it is."""

    found: bool
    receipt_digest: str | None = None
    choices: dict[str, list[str]] | None = None
