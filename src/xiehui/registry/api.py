"""The register on the data port: public reads, and registration and change operations."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, CURSOR, ERRORS, cursor_field, etag_matches, list_page, optional_actor
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Industry, Region
from xiehui.core.typing import Request

from . import selectors, services
from .models import RegisteredItemChange
from .schemas import (
    ApplicationCreateIn,
    ApplicationOut,
    ApplicationPage,
    ChangeFilingCreateIn,
    ChangeFilingOut,
    ChangeFilingPage,
    IndustryOut,
    ItemChangeOut,
    OrganizationOut,
    OrganizationPage,
    ReasonIn,
    RegionOut,
)

router = Router(tags=["register 登记"])
MAX_LIMIT = 100
# Deeper pages: narrow the filters (the bounds are in the OpenAPI document; out of range answers 422).
MAX_OFFSET = 100_000


class OrganizationQuery(Schema):
    q: str = ""
    region: str = ""
    industry: str = ""
    level: str = ""
    status: str = ""
    kind: str = ""
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    cursor: str = cursor_field()


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApplicationError(f"limit 应在 1 到 {MAX_LIMIT} 之间", code="invalid_limit", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise ApplicationError(
            "offset 应在 0 到 100000 之间；翻阅更深请缩小筛选范围", code="invalid_offset", field="offset"
        )
    return limit, offset


@router.get("/organizations", response={200: OrganizationPage, **ERRORS}, auth=None)
def list_organizations(request: Request, query: Query[OrganizationQuery]) -> dict:
    """Search the public register by name (2+ characters) or USCC, with filters."""
    limit, offset = _page_bounds(query.limit, query.offset)
    filters = selectors.OrganizationFilters(
        q=query.q, region=query.region, industry=query.industry, level=query.level, status=query.status, kind=query.kind
    )
    qs = selectors.organization_search(actor=optional_actor(request), filters=filters)
    # Searches can match most rows (协会): the total is capped at 10,000 and the page found keys-first.
    return list_page(
        qs, ordering=("id",), limit=limit, offset=offset, cursor=query.cursor, capped=True, keys_first=True
    )


@router.get("/organizations/{uscc}", response={200: OrganizationOut, 304: None, **ERRORS}, auth=None)
def get_organization(request: Request, response: HttpResponse, uscc: str) -> object:
    """One association's registered items by USCC; ETag and If-None-Match give 304."""
    org = selectors.organization_get(actor=optional_actor(request), uscc=uscc)
    # Every write of the record saves the row (auto_now) or bulk-writes updated_at: the time names the version.
    etag = f'W/"organization-{org.pk}-{org.updated_at.timestamp():.6f}"'
    if etag_matches(request, etag):
        return HttpResponse(status=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    response["ETag"], response["Cache-Control"] = etag, "no-cache"
    return org


@router.get("/organizations/{uscc}/history", response={200: list[ItemChangeOut], **ERRORS}, auth=None)
def get_organization_history(request: Request, uscc: str) -> list[RegisteredItemChange]:
    """The history of every registered item, newest first."""
    org = selectors.organization_get(actor=optional_actor(request), uscc=uscc)
    return list(selectors.item_history(org)[:500])


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, auth=None)
def list_regions(request: Request, parent: str = "") -> list[Region]:
    """GB/T 2260 divisions: provinces, or the children of `parent`."""
    qs = Region.objects.filter(parent_id=parent) if parent else Region.objects.filter(kind="province")
    return list(qs.order_by("code"))


@router.get("/industries", response={200: list[IndustryOut], **ERRORS}, auth=None)
def list_industries(request: Request) -> list[Industry]:
    """GB/T 4754-2017 sections and divisions."""
    return list(Industry.objects.order_by("code"))


def _application_input(payload: ApplicationCreateIn) -> services.ApplicationInput:
    def region(code: str, field: str) -> Region:
        found = Region.objects.filter(code=code).first()
        if found is None:
            raise ApplicationError(f"行政区划代码 {code} 不存在", code="unknown_region", field=field)
        return found

    industries = list(Industry.objects.filter(code__in=payload.industries, kind=Industry.Kind.DIVISION))
    unknown = sorted(set(payload.industries) - {i.code for i in industries})
    if unknown:
        raise ApplicationError(f"行业代码不存在：{'、'.join(unknown)}", code="unknown_industry", field="industries")
    return services.ApplicationInput(
        name=payload.name,
        kind=payload.kind,
        level=payload.level,
        authority_region=region(payload.authority_region, "authority_region"),
        region=region(payload.region, "region"),
        domicile=payload.domicile,
        industries=industries,
        business_scope=payload.business_scope,
        legal_representative=services.PersonInput(**payload.legal_representative.dict()),
        activity_funds=Decimal(payload.activity_funds),
        individual_members=payload.individual_members,
        unit_members=payload.unit_members,
        fulltime_staff=payload.fulltime_staff,
        premises=payload.premises,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )


@router.post("/registration-applications", response={201: ApplicationOut, **ERRORS}, auth=AUTH)
def create_application(request: Request, payload: ApplicationCreateIn) -> Status[object]:
    """File an application for direct registration (REG-1, REG-2, REG-4 checked on filing)."""
    app = services.application_submit(actor=request.auth, data=_application_input(payload), now=clock.now())
    return Status(201, app)


@router.get("/registration-applications", response={200: ApplicationPage, **ERRORS}, auth=AUTH)
def list_applications(
    request: Request,
    status: str = "",
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str = CURSOR,
) -> dict:
    """Officers: the authority's queue (deadline first). Others: their own applications."""
    limit, offset = _page_bounds(limit, offset)
    actor = request.auth
    if selectors.is_officer(actor):
        qs = selectors.application_queue(actor=actor, status=status, as_of=clock.today())
        ordering: tuple[str, ...] = ("status", "due_on", "id")
    else:
        qs = selectors.applications_of(actor)
        qs = qs.filter(status=status) if status else qs
        ordering = ("due_on", "id")
    qs = qs.select_related("organization")
    return list_page(qs, ordering=ordering, limit=limit, offset=offset, cursor=cursor)


@router.get("/registration-applications/{app_id}", response={200: ApplicationOut, **ERRORS}, auth=AUTH)
def get_application(request: Request, app_id: int) -> object:
    """One application, to its authority's officers and to its applicant."""
    return selectors.application_get(actor=request.auth, pk=app_id)


@router.post("/registration-applications/{app_id}/approve", response={200: ApplicationOut, **ERRORS}, auth=AUTH)
def approve_application(request: Request, app_id: int) -> object:
    """Approve (the deciding authority only); the association enters the register with a USCC."""
    app = selectors.application_get(actor=request.auth, pk=app_id)
    services.application_approve(actor=request.auth, application=app, now=clock.now())
    return selectors.application_get(actor=request.auth, pk=app_id)


@router.post("/registration-applications/{app_id}/refuse", response={200: ApplicationOut, **ERRORS}, auth=AUTH)
def refuse_application(request: Request, app_id: int, payload: ReasonIn) -> object:
    """Refuse with reasons (REG-3)."""
    app = selectors.application_get(actor=request.auth, pk=app_id)
    return services.application_refuse(actor=request.auth, application=app, reason=payload.reason, now=clock.now())


@router.post(
    "/registration-applications/{app_id}/request-completion", response={200: ApplicationOut, **ERRORS}, auth=AUTH
)
def request_completion(request: Request, app_id: int, payload: ReasonIn) -> object:
    """Ask for missing materials; REG-3's 60 days restart when the founders complete them."""
    app = selectors.application_get(actor=request.auth, pk=app_id)
    return services.application_request_completion(
        actor=request.auth, application=app, reason=payload.reason, now=clock.now()
    )


@router.post("/organizations/{uscc}/change-filings", response={201: ChangeFilingOut, **ERRORS}, auth=AUTH)
def create_change_filing(request: Request, uscc: str, payload: ChangeFilingCreateIn) -> Status[object]:
    """Association staff file a change of registered items (REG-5)."""
    org = selectors.organization_get(actor=request.auth, uscc=uscc)
    rep = payload.legal_representative
    data = services.ChangeInput(
        reason=payload.reason,
        decided_on=payload.decided_on,
        name=payload.name,
        domicile=payload.domicile,
        business_scope=payload.business_scope,
        activity_funds=Decimal(payload.activity_funds) if payload.activity_funds is not None else None,
        legal_representative=services.PersonInput(**rep.dict()) if rep else None,
    )
    filing = services.change_filing_submit(actor=request.auth, organization=org, data=data, now=clock.now())
    return Status(201, selectors.change_filing_get(actor=request.auth, pk=filing.pk))


@router.get("/change-filings", response={200: ChangeFilingPage, **ERRORS}, auth=AUTH)
def list_change_filings(
    request: Request,
    status: str = "",
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    cursor: str = CURSOR,
) -> dict:
    """Officers: filings their authority decides. Staff: their association's filings."""
    limit, offset = _page_bounds(limit, offset)
    actor = request.auth
    org = selectors.staff_organization(actor)
    if org is not None:
        qs = selectors.change_filings_of(actor=actor, organization=org)
        qs = qs.filter(status=status) if status else qs
        ordering: tuple[str, ...] = ("-filed_at", "-id")
    else:
        qs = selectors.change_filing_queue(actor=actor, status=status)
        ordering = ("status", "filed_at", "id")
    return list_page(qs, ordering=ordering, limit=limit, offset=offset, cursor=cursor)


@router.get("/change-filings/{filing_id}", response={200: ChangeFilingOut, **ERRORS}, auth=AUTH)
def get_change_filing(request: Request, filing_id: int) -> object:
    """One change filing, to its association's staff and its authority's officers."""
    return selectors.change_filing_get(actor=request.auth, pk=filing_id)


@router.post("/change-filings/{filing_id}/approve", response={200: ChangeFilingOut, **ERRORS}, auth=AUTH)
def approve_change_filing(request: Request, filing_id: int) -> object:
    """Approve: the registered items change and the history records the old and new values."""
    filing = selectors.change_filing_get(actor=request.auth, pk=filing_id)
    services.change_filing_approve(actor=request.auth, filing=filing, now=clock.now())
    return selectors.change_filing_get(actor=request.auth, pk=filing_id)


@router.post("/change-filings/{filing_id}/reject", response={200: ChangeFilingOut, **ERRORS}, auth=AUTH)
def reject_change_filing(request: Request, filing_id: int, payload: ReasonIn) -> object:
    """Reject with reasons."""
    filing = selectors.change_filing_get(actor=request.auth, pk=filing_id)
    services.change_filing_reject(actor=request.auth, filing=filing, reason=payload.reason, now=clock.now())
    return selectors.change_filing_get(actor=request.auth, pk=filing_id)
