"""Pledges and social evaluation (BL-2) on the data port (mounted by selfregulation/api.py under /api/v1/)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, Problem, cursor_field, optional_actor
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.supervision.models import Pledge as Ground

from . import pledges as catalogue
from . import selectors_commitments as selectors
from . import services_commitments as services
from .models import PledgeSignature, Rating
from .schemas_commitments import (
    PledgeOverviewOut,
    PledgeSignatureOut,
    PledgeSignIn,
    RatingCreateIn,
    RatingModeratedOut,
    RatingModerateIn,
    RatingOut,
    RatingPage,
    RatingReportedOut,
    RatingReportIn,
    StandardPledgeOut,
)

router = Router(tags=["selfregulation 诚信承诺与社会评价"])
MAX_LIMIT = 100
CONFLICT_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}


def _standard(p: catalogue.StandardPledge) -> dict[str, Any]:
    return {
        "code": p.code,
        "text": p.text,
        "basis": p.basis,
        "ground": p.ground,
        "ground_label": str(Ground(p.ground).label),
    }


def _signature(sig: PledgeSignature) -> dict[str, Any]:
    return {
        "id": sig.pk,
        "pledges": [_standard(p) for p in selectors.pledge_items(sig)],
        "text": sig.text,
        "signatory": sig.signatory,
        "signatory_title": sig.signatory_title,
        "signed_on": sig.signed_on,
        "published_at": sig.published_at,
    }


def _rating(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "year": r.year,
        "score": r.score,
        "comment": r.comment,
        "as_member": r.as_member,
        "rater": selectors.rater_label(r),
        "created_at": r.created_at,
    }


@router.get("/pledges/standard", response={200: list[StandardPledgeOut], **ERRORS}, auth=None)
def list_standard_pledges(request: Request) -> list[dict[str, Any]]:
    """The catalogue of standard integrity pledges (000 二(三); 004 §14, §17) with their complaint grounds."""
    return [_standard(p) for p in catalogue.STANDARD]


@router.get("/organizations/{uscc}/pledges", response={200: PledgeOverviewOut, **ERRORS}, auth=None)
def get_pledges(request: Request, uscc: str) -> dict[str, Any]:
    """An association's pledge letter in force and the earlier letters it superseded."""
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    overview = selectors.pledge_overview(org)
    return {
        "uscc": org.uscc,
        "name": org.name,
        "in_force": _signature(overview.in_force) if overview.in_force else None,
        "history": [_signature(s) for s in overview.history],
    }


@router.post("/organizations/{uscc}/pledges", response={201: PledgeSignatureOut, **ERRORS}, auth=AUTH)
def sign_pledges(request: Request, uscc: str, payload: PledgeSignIn) -> Status[dict[str, Any]]:
    """The association's staff sign and publish the pledges; the new letter supersedes the one in force."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    sig = services.pledge_sign(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, _signature(sig))


class RatingQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="只看某一年度的评价和统计")
    cursor: str = cursor_field()
    limit: int = Field(20, ge=1, le=MAX_LIMIT)


@router.get("/organizations/{uscc}/ratings", response={200: RatingPage, **ERRORS}, auth=None)
def list_ratings(request: Request, uscc: str, query: Query[RatingQuery]) -> dict[str, Any]:
    """The visible ratings of an association with their summary (BL-2), newest first, with an opaque cursor."""
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    summary = selectors.rating_summary(org, year=query.year, as_of=clock.today())
    rows, next_cursor = selectors.rating_page(
        selectors.ratings_visible(org, year=query.year), cursor=query.cursor, limit=query.limit
    )
    return {
        "uscc": org.uscc,
        "name": org.name,
        "summary": {
            "as_of": summary.as_of,
            "year": summary.year,
            "count": summary.count,
            "average": summary.average,
            "distribution": [{"score": s, "count": n} for s, n in summary.distribution.items()],
            "members": summary.members,
            "public": summary.public,
        },
        "items": [_rating(r) for r in rows],
        "limit": query.limit,
        "next_cursor": next_cursor,
    }


@router.post("/organizations/{uscc}/ratings", response={201: RatingOut, **CONFLICT_ERRORS}, auth=AUTH)
def rate_organization(request: Request, uscc: str, payload: RatingCreateIn) -> Status[dict[str, Any]]:
    """Rate an association 1–5 with an optional comment, once per calendar year (BL-2)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    rating = services.rating_submit(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, _rating(rating))


@router.post("/ratings/{rating_id}/report", response={201: RatingReportedOut, **CONFLICT_ERRORS}, auth=AUTH)
def report_rating(request: Request, rating_id: int, payload: RatingReportIn) -> Status[dict[str, Any]]:
    """Report a visible rating as abusive (once per person); the jurisdiction's officers decide."""
    rating = selectors.rating_get(pk=rating_id)
    report = services.rating_report(actor=request.auth, rating=rating, reason=payload.reason, now=clock.now())
    return Status(201, {"rating_id": rating.pk, "reports": rating.reports, "created_at": report.created_at})


@router.post("/ratings/{rating_id}/moderate", response={200: RatingModeratedOut, **ERRORS}, auth=AUTH)
def moderate_rating(request: Request, rating_id: int, payload: RatingModerateIn) -> Rating:
    """Hide a rating (with the reason) or restore it: officers of the association's jurisdiction only."""
    rating = selectors.rating_get_for_moderator(actor=request.auth, pk=rating_id)
    return services.rating_moderate(actor=request.auth, rating=rating, now=clock.now(), **payload.dict())
