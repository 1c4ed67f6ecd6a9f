"""The credit lists on the data port: the published lists, an association's listings, the events feed
for joint punishment (CR-E), and the officers' and associations' operations."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, cursor_field, optional_actor
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry

from . import documents, selectors, services
from .models import ListKind
from .schemas import (
    DecisionReasonIn,
    EventPage,
    ListingDecideIn,
    ListingOut,
    ListingPage,
    ObjectionIn,
    ObjectionOut,
    OrganizationCreditOut,
    RemovalApplyIn,
    RemovalOut,
    VerifyIn,
)

DATE_LABELS = {"since": "列入日期自", "until": "列入日期至"}

router = Router(tags=["credit 信用"])
MAX_LIMIT = 100


class ListQuery(Schema):
    region: str = Field("", description="住所所在区划代码或前缀，如 370200 或 3702")
    ground: str = Field("", description="列入事由，如 A1、S4")
    since: str = Field("", description="列入日期自（YYYY-MM-DD）")
    until: str = Field("", description="列入日期至（YYYY-MM-DD）")
    q: str = Field("", description="名称关键词或统一社会信用代码")
    cursor: str = cursor_field()
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(
            f"{DATE_LABELS.get(field, field)}应为 YYYY-MM-DD 格式的日期", code="invalid_date", field=field
        ) from None


@router.get("/organizations/{uscc}/credit", response={200: OrganizationCreditOut, **ERRORS}, auth=None)
def get_organization_credit(request: Request, uscc: str) -> dict:
    """An association's current listings; with their history for its authority, departments and itself."""
    actor = optional_actor(request)
    org = registry.organization_get(actor=actor, uscc=uscc)
    today = clock.today()
    found = selectors.organization_listings(actor=actor, organization=org, as_of=today)
    return {
        "uscc": org.uscc,
        "name": org.name,
        "as_of": today,
        "listed": bool(found["current"]),
        "current": found["current"],
        "history": found["history"],
    }


@router.get("/credit/lists/{list_kind}", response={200: ListingPage, **ERRORS}, auth=None)
def list_listings(request: Request, list_kind: str, query: Query[ListQuery]) -> dict:
    """One published list (abnormal | serious), newest first, filtered, with an opaque cursor."""
    if list_kind not in ListKind.values:
        raise NotFound("名录应为 abnormal（活动异常名录）或 serious（严重违法失信名单）")
    filters = selectors.ListingFilters(
        list_kind=list_kind,
        region=query.region,
        ground=query.ground,
        since=_date(query.since, "since"),
        until=_date(query.until, "until"),
        q=query.q,
    )
    qs = selectors.public_listings(filters=filters, as_of=clock.today())
    items, next_cursor = selectors.list_page(qs, cursor=query.cursor, limit=query.limit)
    return {"items": items, "limit": query.limit, "next_cursor": next_cursor}


@router.get("/credit/events", response={200: EventPage, **ERRORS}, auth=AUTH)
def list_events(request: Request, since: str = "", limit: int = Query(100, ge=1, le=1000)) -> dict:
    """Listings opened or ended since a cursor, for departments doing joint punishment (CR-E)."""
    if not selectors.may_read_feed(request.auth):
        raise PermissionDenied("信用变动订阅仅向业务部门和登记管理机关开放")
    rows, next_cursor = selectors.events_page(actor=request.auth, since=since, limit=limit)
    items = [
        {
            "event": event,
            "at": at,
            "listing_id": lst.pk,
            "uscc": lst.organization.uscc,
            "organization_name": lst.organization.name,
            "list_kind": lst.list_kind,
            "ground": lst.ground,
            "rule_id": lst.rule_id,
            "basis": lst.basis,
            "start_on": lst.start_on,
            "ended_on": lst.ended_on,
            "end_reason": lst.end_reason,
        }
        for event, at, lst in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get("/credit/listings/{listing_id}", response={200: ListingOut, **ERRORS}, auth=AUTH)
def get_listing(request: Request, listing_id: int) -> object:
    """One listing with its end and decisions, to the jurisdiction's officers and the association."""
    return selectors.listing_get(actor=request.auth, pk=listing_id)


@router.post("/organizations/{uscc}/listings", response={201: ListingOut, **ERRORS}, auth=AUTH)
def decide_listing(request: Request, uscc: str, payload: ListingDecideIn) -> Status[object]:
    """The authority lists the association on a ground the platform cannot see (A2, A6, S2, S8…)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    listing = services.listing_decide(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, selectors.listing_get(actor=request.auth, pk=listing.pk))


@router.post("/credit/listings/{listing_id}/removal-applications", response={201: RemovalOut, **ERRORS}, auth=AUTH)
def apply_removal(request: Request, listing_id: int, payload: RemovalApplyIn) -> Status[object]:
    """The association applies to be removed (CR-A, CR-S, CR-X); evidence is uploaded on the web."""
    listing = selectors.listing_get(actor=request.auth, pk=listing_id)
    app = services.removal_apply(actor=request.auth, listing=listing, now=clock.now(), **payload.dict())
    return Status(201, app)


@router.post("/removal-applications/{app_id}/verify", response={200: RemovalOut, **ERRORS}, auth=AUTH)
def verify_removal(request: Request, app_id: int, payload: VerifyIn) -> object:
    """Record the verification; the decision is due within CR-A.removal_working_days working days."""
    app = selectors.removal_get(actor=request.auth, pk=app_id)
    return services.removal_verify(actor=request.auth, application=app, note=payload.note, now=clock.now())


@router.post("/removal-applications/{app_id}/approve", response={200: RemovalOut, **ERRORS}, auth=AUTH)
def approve_removal(request: Request, app_id: int, payload: DecisionReasonIn) -> object:
    """Remove the listing; a numbered removal decision is issued."""
    app = selectors.removal_get(actor=request.auth, pk=app_id)
    return services.removal_approve(actor=request.auth, application=app, reason=payload.reason, now=clock.now())


@router.post("/removal-applications/{app_id}/reject", response={200: RemovalOut, **ERRORS}, auth=AUTH)
def reject_removal(request: Request, app_id: int, payload: DecisionReasonIn) -> object:
    """Refuse the removal, with reasons."""
    app = selectors.removal_get(actor=request.auth, pk=app_id)
    return services.removal_reject(actor=request.auth, application=app, reason=payload.reason, now=clock.now())


@router.post("/credit/listings/{listing_id}/objections", response={201: ObjectionOut, **ERRORS}, auth=AUTH)
def file_objection(request: Request, listing_id: int, payload: ObjectionIn) -> Status[object]:
    """The association objects with a statement and defence (CR-O); evidence is uploaded on the web."""
    listing = selectors.listing_get(actor=request.auth, pk=listing_id)
    objection = services.objection_file(actor=request.auth, listing=listing, now=clock.now(), **payload.dict())
    return Status(201, objection)


@router.post("/objections/{objection_id}/uphold", response={200: ObjectionOut, **ERRORS}, auth=AUTH)
def uphold_objection(request: Request, objection_id: int, payload: DecisionReasonIn) -> object:
    """The objection is well founded: the listing is corrected with a removal decision."""
    objection = selectors.objection_get(actor=request.auth, pk=objection_id)
    return services.objection_uphold(actor=request.auth, objection=objection, reason=payload.reason, now=clock.now())


@router.post("/objections/{objection_id}/dismiss", response={200: ObjectionOut, **ERRORS}, auth=AUTH)
def dismiss_objection(request: Request, objection_id: int, payload: DecisionReasonIn) -> object:
    """The objection is not well founded: the listing stands."""
    objection = selectors.objection_get(actor=request.auth, pk=objection_id)
    return services.objection_dismiss(actor=request.auth, objection=objection, reason=payload.reason, now=clock.now())


@router.get(
    "/credit/decisions/{decision_id}.pdf",
    response={200: None, **ERRORS},
    auth=AUTH,
    openapi_extra={"responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def get_decision_pdf(request: Request, decision_id: int) -> HttpResponse:
    """A decision document (列入/移出决定书) as PDF, to the association and the jurisdiction's officers."""
    decision = selectors.decision_get(actor=request.auth, ref=str(decision_id))
    response = HttpResponse(documents.decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(documents.filename(decision))}"
    return response
