"""Secret ballots on the data port, with the web's permissions.

Reads: ballots (roll size and SM3 digest, never who voted what), the bulletin board and the receipt check.
Writes: the association's staff set up, freeze, close, publish and cancel ballots and register attendance;
voters cast (`POST /ballots/{id}/cast` returns the receipt code once). The receipt check is a POST so that
a code never lands in an access log beside the caller's address.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from django_ratelimit.core import is_ratelimited
from ninja import Query, Router
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import (
    AUTH,
    CURSOR,
    ERRORS,
    NEXT_CURSOR_HEADER,
    NEXT_CURSOR_HEADER_DOC,
    Problem,
    list_page,
    optional_actor,
)
from xiehui.core.cursor import keyset_page
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.typing import Request
from xiehui.governance.models import Appointment, Meeting, Organ
from xiehui.membership.models import FeeStandard
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import selectors, services, services_cast, services_close
from .models import Ballot, RollEntry
from .schemas import (
    AttendanceIn,
    AttendanceOut,
    BallotCreateIn,
    BallotOut,
    BallotPage,
    BallotPatchIn,
    BulletinOut,
    CancelIn,
    CastIn,
    MyEntryOut,
    ReceiptCheckIn,
    ReceiptCheckOut,
    ReceiptOut,
    RollEntryOut,
)

router = Router(tags=["voting 无记名投票"])
WRITE_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
CHECK_ERRORS: dict[int, type[Problem]] = {**ERRORS, 429: Problem}
MAX_LIMIT = 100


def ballot_out(ballot: Ballot, *, result: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ballot.pk,
        "uscc": ballot.organization.uscc,
        "organization_name": ballot.organization.name,
        "kind": ballot.kind,
        "kind_label": ballot.get_kind_display(),
        "title": ballot.title,
        "description": ballot.description,
        "organ": ballot.organ.get_kind_display(),
        "roll_basis": ballot.roll_basis,
        "cutoff_on": ballot.cutoff_on,
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "in_meeting": ballot.in_meeting,
        "status": ballot.status,
        "roll_size": ballot.roll_size,
        "roll_digest": ballot.roll_digest,
        "quorum": {"rule_id": ballot.quorum_rule, "num": ballot.quorum_num, "den": ballot.quorum_den},
        "threshold": {
            "rule_id": ballot.threshold_rule,
            "num": ballot.threshold_num,
            "den": ballot.threshold_den,
            "strict": ballot.threshold_strict,
        },
        "questions": list(ballot.questions.all()),
    }
    if result:
        out.update(
            present=ballot.present,
            cast=ballot.cast,
            passed=ballot.passed,
            explanation=ballot.explanation,
            resolution_number=ballot.resolution.number if ballot.resolution_id else None,  # type: ignore[union-attr]
        )
    return out


def _readable(request: Request, ballot_id: int) -> tuple[Any, Ballot]:
    actor = optional_actor(request)
    return actor, selectors.ballot_get(actor=actor, pk=ballot_id, on=clock.today())


def _own(model: type[Model], pk: int | None, org: Organization, field: str, label: str) -> Any:
    if pk is None:
        return None
    row = model._default_manager.filter(pk=pk, organization=org).first()  # type: ignore[misc]
    if row is None:
        raise ApplicationError(f"本会没有编号为 {pk} 的{label}", code="not_found", field=field)
    return row


def _input(payload: BallotCreateIn, org: Organization) -> services.BallotInput:
    appointments = None
    if payload.appointment_ids is not None:
        appointments = [_own(Appointment, pk, org, "appointment_ids", "任职") for pk in payload.appointment_ids]
    return services.BallotInput(
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        organ=_own(Organ, payload.organ_id, org, "organ_id", "机构"),
        cutoff_on=payload.cutoff_on,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        in_meeting=payload.in_meeting,
        meeting=_own(Meeting, payload.meeting_id, org, "meeting_id", "会议"),
        fee_standard=_own(FeeStandard, payload.fee_standard_id, org, "fee_standard_id", "会费标准"),
        appointments=appointments,
        seats=payload.seats,
    )


# -- reads -----------------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/ballots", response={200: BallotPage, **ERRORS}, auth=None)
def list_ballots(
    request: Request,
    uscc: str,
    status: str = Query("", max_length=12, description="draft / frozen / closed / published / cancelled"),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """An association's ballots the caller may see (published trust votes are public)."""
    actor = optional_actor(request)
    org = registry.organization_get(actor=actor, uscc=uscc)
    qs = selectors.ballot_list(actor=actor, organization=org, on=clock.today(), status=status)
    page = list_page(
        qs.select_related("organ", "resolution").prefetch_related("questions"),
        ordering=("-opens_at", "-pk"),
        limit=limit,
        offset=offset,
        cursor=cursor,
    )
    page["items"] = [ballot_out(b, result=selectors.bulletin_visible(actor, b)) for b in page["items"]]
    return page


@router.get("/ballots/{ballot_id}", response={200: BallotOut, **ERRORS}, auth=None, url_name="ballot_get")
def get_ballot(request: Request, ballot_id: int) -> dict[str, Any]:
    """One ballot: roll size and digest (BAL-1), window, quorum and threshold, and the result once public."""
    actor, ballot = _readable(request, ballot_id)
    return ballot_out(ballot, result=selectors.bulletin_visible(actor, ballot))


@router.get("/ballots/{ballot_id}/bulletin", response={200: BulletinOut, **ERRORS}, auth=None)
def get_bulletin(
    request: Request,
    ballot_id: int,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """The bulletin board: every cast ballot's receipt digest with its choices, by digest, and the tally."""
    actor, ballot = _readable(request, ballot_id)
    if not selectors.bulletin_visible(actor, ballot):
        raise NotFound("计票结果尚未公布")
    # Digests are unique within a ballot; the random key (a UUID) only completes the ordering.
    qs = selectors.bulletin(ballot)
    items, next_cursor = keyset_page(qs, ordering=("receipt_digest", "pk"), cursor=cursor, limit=limit, offset=offset)
    return {
        "ballot": ballot_out(ballot, result=True),
        "items": items,
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "next_cursor": next_cursor,
    }


@router.post("/ballots/{ballot_id}/receipt-check", response={200: ReceiptCheckOut, **CHECK_ERRORS}, auth=None)
def check_receipt(request: Request, ballot_id: int, payload: ReceiptCheckIn) -> dict[str, Any]:
    """Whether a receipt code's ballot is on the bulletin board, and its choices (rate-limited: 429)."""
    actor, ballot = _readable(request, ballot_id)
    if not selectors.bulletin_visible(actor, ballot):
        raise NotFound("计票结果尚未公布")
    if is_ratelimited(
        request,
        group=services_cast.RECEIPT_CHECK_GROUP,
        key="user_or_ip",
        rate=services_cast.RECEIPT_CHECK_RATE,
        method="POST",
        increment=True,
    ):
        raise ApplicationError("核对次数过多，请一小时后再试", code="rate_limited", status=429)
    row = services_cast.receipt_check(ballot=ballot, code=payload.code)
    if row is None:
        return {"found": False}
    return {"found": True, "receipt_digest": row.receipt_digest, "choices": row.choices}


# -- voters ------------------------------------------------------------------------------------------------


@router.get("/my/ballots", response={200: list[MyEntryOut], **ERRORS}, auth=AUTH)
def list_my_ballots(request: Request) -> list[dict[str, Any]]:
    """The caller's roll entries on ballots not yet closed, with whether each has voted."""
    return [
        {
            "ballot_id": e.ballot.pk,
            "title": e.ballot.title,
            "uscc": e.ballot.organization.uscc,
            "roll_entry_id": e.entry.pk,
            "label": e.entry.label,
            "opens_at": e.ballot.opens_at,
            "closes_at": e.ballot.closes_at,
            "is_open": e.is_open,
            "voted": e.voted,
        }
        for e in selectors.voter_entries(request.auth, now=clock.now())
    ]


@router.post("/ballots/{ballot_id}/cast", response={201: ReceiptOut, **WRITE_ERRORS}, auth=AUTH)
def cast_ballot(request: Request, ballot_id: int, payload: CastIn) -> Status[object]:
    """Cast a secret ballot for one of the caller's roll entries; the receipt code is returned once (BAL-2)."""
    ballot = selectors.ballot_get(actor=request.auth, pk=ballot_id, on=clock.today())
    entry = selectors.roll_entry_get(ballot, payload.roll_entry_id)
    try:
        code = services_cast.ballot_cast(
            voter_user=request.auth, ballot=ballot, roll_entry=entry, choices=payload.choices, now=clock.now()
        )
    except PermissionDenied:  # someone else's roll entry: as if it were not there (like the web's 404)
        raise NotFound("名册上没有该投票人") from None
    return Status(201, {"ballot_id": ballot.pk, "receipt": code})


# -- staff -------------------------------------------------------------------------------------------------


def _staff_ballot(request: Request, ballot_id: int) -> Ballot:
    return selectors.staff_ballot_get(actor=request.auth, pk=ballot_id)


@router.post("/organizations/{uscc}/ballots", response={201: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def create_ballot(request: Request, uscc: str, payload: BallotCreateIn) -> Status[object]:
    """Set up a ballot as a draft (the association's staff)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    services.require_staff(request.auth, org)
    ballot = services.ballot_create(actor=request.auth, organization=org, data=_input(payload, org), now=clock.now())
    return Status(201, ballot_out(ballot, result=False))


@router.put("/ballots/{ballot_id}", response={200: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def update_ballot(request: Request, ballot_id: int, payload: BallotPatchIn) -> dict[str, Any]:
    """Replace a draft ballot's settings (refused once the roll is frozen: BAL-1)."""
    ballot = _staff_ballot(request, ballot_id)
    ballot = services.ballot_update(
        actor=request.auth, ballot=ballot, data=_input(payload, ballot.organization), now=clock.now()
    )
    return ballot_out(ballot, result=False)


def _transition(request: Request, ballot_id: int, action: str) -> dict[str, Any]:
    ballot = _staff_ballot(request, ballot_id)
    service = {
        "freeze": services.ballot_freeze,
        "close": services_close.ballot_close,
        "publish": services_close.ballot_publish,
    }[action]
    ballot = service(actor=request.auth, ballot=ballot, now=clock.now())
    return ballot_out(ballot, result=True)


@router.post("/ballots/{ballot_id}/freeze", response={200: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def freeze_ballot(request: Request, ballot_id: int) -> dict[str, Any]:
    """Freeze the roll at the cut-off date and publish its size and SM3 digest, before voting opens (BAL-1)."""
    return _transition(request, ballot_id, "freeze")


@router.post("/ballots/{ballot_id}/close", response={200: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def close_ballot(request: Request, ballot_id: int) -> dict[str, Any]:
    """Close at or after the closing time: seal, count, check quorum and threshold."""
    return _transition(request, ballot_id, "close")


@router.post("/ballots/{ballot_id}/publish", response={200: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def publish_ballot(request: Request, ballot_id: int) -> dict[str, Any]:
    """Publish the result: resolution, fee standard, election or trust-vote disclosure, bulletin board."""
    return _transition(request, ballot_id, "publish")


@router.post("/ballots/{ballot_id}/cancel", response={200: BallotOut, **WRITE_ERRORS}, auth=AUTH)
def cancel_ballot(request: Request, ballot_id: int, payload: CancelIn) -> dict[str, Any]:
    """Cancel a ballot that has not opened yet."""
    ballot = services.ballot_cancel(
        actor=request.auth, ballot=_staff_ballot(request, ballot_id), reason=payload.reason, now=clock.now()
    )
    return ballot_out(ballot, result=False)


@router.get(
    "/ballots/{ballot_id}/roll",
    response={200: list[RollEntryOut], **ERRORS},
    auth=AUTH,
    openapi_extra=NEXT_CURSOR_HEADER_DOC,
)
def list_roll(
    request: Request,
    response: HttpResponse,
    ballot_id: int,
    q: str = Query("", max_length=60),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    cursor: str = CURSOR,
) -> list[RollEntry]:
    """The frozen roll (staff: the attendance desk searches it); the next page's cursor is the Next-Cursor header."""
    ballot = _staff_ballot(request, ballot_id)
    qs = selectors.roll_search(ballot, q)
    rows, next_cursor = keyset_page(qs, ordering=("position", "pk"), cursor=cursor, limit=limit, offset=offset)
    if next_cursor:
        response[NEXT_CURSOR_HEADER] = next_cursor
    return rows


@router.post("/ballots/{ballot_id}/attendance", response={201: AttendanceOut, **WRITE_ERRORS}, auth=AUTH)
def register_attendance(request: Request, ballot_id: int, payload: AttendanceIn) -> Status[object]:
    """In-meeting mode: register a voter on the roll as present."""
    ballot = _staff_ballot(request, ballot_id)
    entry = selectors.roll_entry_get(ballot, payload.roll_entry_id)
    services.attendance_register(actor=request.auth, ballot=ballot, roll_entry=entry, now=clock.now())
    present = ballot.attendance.count()
    return Status(201, {"roll_entry_id": entry.pk, "label": entry.label, "present": present})
