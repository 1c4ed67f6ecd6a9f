"""Data port routes for supervision: orders, penalties, address letters, court entries (mounted by api.py)."""

from __future__ import annotations

from decimal import Decimal

from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, CURSOR, ERRORS, list_page, optional_actor
from xiehui.core.errors import PermissionDenied
from xiehui.core.files import attachments_of
from xiehui.core.models import Role
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization

from . import selectors_orders as selectors
from .models import AddressLetter, CourtListEntry, Penalty, RectificationOrder
from .schemas_orders import (
    CourtEntryCreateIn,
    CourtEntryOut,
    CourtEntryRemoveIn,
    LetterCreateIn,
    LetterListOut,
    LetterOut,
    LetterPatchIn,
    OrderCreateIn,
    OrderOut,
    OrderPage,
    OrderReasonIn,
    OrderResponseOut,
    PenaltyCreateIn,
    PenaltyOut,
)
from .services import facts as facts_services
from .services import orders as order_services
from .services import penalties as penalty_services

router = Router(tags=["supervision 监管"])
MAX_LIMIT = 100


def _order_out(actor: object, pk: int) -> RectificationOrder:
    """The order as the API shows it: its responses with their evidence, and whether it is overdue."""
    order = selectors.order_get(actor=actor, pk=pk)  # type: ignore[arg-type]
    evidence = selectors.response_attachments(order)
    for response in order.responses.all():
        response.evidence = evidence.get(response.pk, [])  # type: ignore[attr-defined]
    order.overdue = selectors.deadline_state(order, clock.today()) == "overdue"  # type: ignore[attr-defined]
    return order


def _officer_org(request: Request, uscc: str) -> Organization:
    """An association within the officer's jurisdiction; other roles are refused outright (403)."""
    if not registry_selectors.is_officer(request.auth):
        raise PermissionDenied("只有登记管理机关工作人员可以执行此操作")
    return registry_selectors.organization_get_for_officer(actor=request.auth, uscc=uscc)


# -- orders ---------------------------------------------------------------------------------------------


@router.get("/orders", response={200: OrderPage, **ERRORS}, auth=AUTH)
def list_orders(
    request: Request,
    q: str = "",
    status: str = "",
    source: str = "",
    overdue: bool = False,
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict:
    """Officers: orders within their jurisdiction. Staff: their association's orders."""
    if request.auth.role not in (Role.OFFICER, Role.STAFF):
        raise PermissionDenied("只有登记管理机关和协会工作人员可以查看整改通知")
    today = clock.today()
    filters = selectors.OrderFilters(q=q, status=status, source=source, overdue=overdue)
    qs = selectors.order_list(actor=request.auth, filters=filters, as_of=today)
    # The selector orders by deadline or by issue date as the filters ask: its ordering is the key.
    page = list_page(qs, ordering=None, limit=limit, offset=offset, cursor=cursor)
    for order in page["items"]:
        order.overdue = selectors.deadline_state(order, today) == "overdue"
    return page


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS}, auth=AUTH)
def get_order(request: Request, order_id: int) -> object:
    """One order with its responses and evidence, to its officers and its association's staff."""
    return _order_out(request.auth, order_id)


@router.post("/organizations/{uscc}/orders", response={201: OrderOut, **ERRORS}, auth=AUTH)
def create_order(request: Request, uscc: str, payload: OrderCreateIn) -> Status[object]:
    """Issue an order to rectify by a deadline (the association's authority; unmet → CR-A3)."""
    org = _officer_org(request, uscc)
    order = order_services.order_issue(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, _order_out(request.auth, order.pk))


@router.post("/orders/{order_id}/responses", response={201: OrderResponseOut, **ERRORS}, auth=AUTH)
def respond_to_order(
    request: Request,
    order_id: int,
    statement: Form[str],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[object]:
    """The association reports its rectification (multipart: statement, evidence files PDF/PNG/JPEG)."""
    order = selectors.order_get(actor=request.auth, pk=order_id)
    response = order_services.order_respond(
        actor=request.auth, order=order, statement=statement, evidence=evidence or [], now=clock.now()
    )
    response.evidence = attachments_of(response, purpose=order_services.EVIDENCE_PURPOSE)  # type: ignore[attr-defined]
    return Status(201, response)


@router.post("/orders/{order_id}/accept", response={200: OrderOut, **ERRORS}, auth=AUTH)
def accept_order_response(request: Request, order_id: int, payload: OrderReasonIn) -> object:
    """Accept the pending response: the order is completed as of the response's submission date."""
    order = selectors.order_get(actor=request.auth, pk=order_id)
    order_services.order_accept(actor=request.auth, order=order, reason=payload.reason, now=clock.now())
    return _order_out(request.auth, order_id)


@router.post("/orders/{order_id}/reject", response={200: OrderOut, **ERRORS}, auth=AUTH)
def reject_order_response(request: Request, order_id: int, payload: OrderReasonIn) -> object:
    """Reject the pending response with reasons; the order is open again, the deadline unchanged."""
    order = selectors.order_get(actor=request.auth, pk=order_id)
    order_services.order_reject(actor=request.auth, order=order, reason=payload.reason, now=clock.now())
    return _order_out(request.auth, order_id)


@router.post("/orders/{order_id}/withdraw", response={200: OrderOut, **ERRORS}, auth=AUTH)
def withdraw_order(request: Request, order_id: int, payload: OrderReasonIn) -> object:
    """Withdraw an order with reasons (the association's authority)."""
    order = selectors.order_get(actor=request.auth, pk=order_id)
    order_services.order_withdraw(actor=request.auth, order=order, reason=payload.reason, now=clock.now())
    return _order_out(request.auth, order_id)


# -- penalties ------------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/penalties", response={200: list[PenaltyOut], **ERRORS}, auth=None)
def list_penalties(request: Request, uscc: str) -> list[Penalty]:
    """An association's administrative penalties: public credit information (CR-P)."""
    org = registry_selectors.organization_get(actor=optional_actor(request), uscc=uscc)
    return list(selectors.penalties_public(org)[:500])


@router.post("/organizations/{uscc}/penalties", response={201: PenaltyOut, **ERRORS}, auth=AUTH)
def create_penalty(request: Request, uscc: str, payload: PenaltyCreateIn) -> Status[object]:
    """Record a penalty decision (the association's authority); feeds CR-A4, CR-S3, CR-S4, CR-S5, CR-S7."""
    org = _officer_org(request, uscc)
    data = payload.dict()
    amount = data.pop("amount")
    penalty = penalty_services.penalty_record(
        actor=request.auth,
        organization=org,
        amount=Decimal(amount) if amount is not None else None,
        now=clock.now(),
        **data,
    )
    return Status(201, penalty)


# -- address letters (CR-A5) -----------------------------------------------------------------------------


@router.get("/organizations/{uscc}/address-letters", response={200: LetterListOut, **ERRORS}, auth=AUTH)
def list_address_letters(request: Request, uscc: str) -> dict:
    """Letters sent to the registered address, with the CR-A5 hint (officers within jurisdiction)."""
    letters = list(selectors.letters_of(_officer_org(request, uscc)))
    return {"items": letters, "hint": facts_services.unreachable_evidence(letters)}


@router.post("/organizations/{uscc}/address-letters", response={201: LetterOut, **ERRORS}, auth=AUTH)
def create_address_letter(request: Request, uscc: str, payload: LetterCreateIn) -> Status[AddressLetter]:
    """Record a letter sent to the registered address (the association's authority)."""
    org = _officer_org(request, uscc)
    letter = facts_services.letter_record(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, letter)


@router.patch("/address-letters/{letter_id}", response={200: LetterOut, **ERRORS}, auth=AUTH)
def update_address_letter(request: Request, letter_id: int, payload: LetterPatchIn) -> AddressLetter:
    """Record the letter's return: signed for, or returned unsigned (CR-A5 counts the latter)."""
    letter = selectors.letter_get(actor=request.auth, pk=letter_id)
    return facts_services.letter_update_return(actor=request.auth, letter=letter, now=clock.now(), **payload.dict())


# -- court list (CR-S6) ----------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/court-entries", response={200: list[CourtEntryOut], **ERRORS}, auth=None)
def list_court_entries(request: Request, uscc: str) -> list[CourtListEntry]:
    """An association's entries on the courts' list of dishonest judgment debtors (public)."""
    org = registry_selectors.organization_get(actor=optional_actor(request), uscc=uscc)
    return list(selectors.court_entries_of(org)[:500])


@router.post("/organizations/{uscc}/court-entries", response={201: CourtEntryOut, **ERRORS}, auth=AUTH)
def create_court_entry(request: Request, uscc: str, payload: CourtEntryCreateIn) -> Status[CourtListEntry]:
    """Record a listing as dishonest judgment debtor (the authority's officers or a department in the region)."""
    org = registry_selectors.organization_get(actor=request.auth, uscc=uscc)
    if not facts_services.may_record_court_entry(request.auth, org):
        raise PermissionDenied("只有该社会团体的登记管理机关或本地区政府部门的工作人员可以记录失信被执行人信息")
    entry = facts_services.court_entry_record(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, entry)


@router.post("/court-entries/{entry_id}/remove", response={200: CourtEntryOut, **ERRORS}, auth=AUTH)
def remove_court_entry(request: Request, entry_id: int, payload: CourtEntryRemoveIn) -> CourtListEntry:
    """Record the removal from the courts' list."""
    entry = selectors.court_entry_get(actor=request.auth, pk=entry_id)
    return facts_services.court_entry_remove(
        actor=request.auth, entry=entry, removed_on=payload.removed_on, now=clock.now()
    )
