"""Fee standards (FEE-1) on the data port, with the web's permissions.

Reads: the association's staff (everything), officers whose jurisdiction reaches it
(everything, read-only) and representatives of its current members (adopted standards
only); everyone else gets 404 (401 without credentials). Writes: drafts by the
association's staff; a standard past DRAFT answers 409. Adoption is not an endpoint:
a fee standard takes effect only through a passed assembly ballot (voting).
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock, params
from xiehui.core.api import AUTH, ERRORS, Problem, cursor_field, meta_page
from xiehui.core.errors import NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import selectors_fees as selectors
from . import services_fees as services
from .models import FeeStandard
from .schemas_fees import FeePublishIn, FeeStandardIn, FeeStandardOut, FeeStandardPage, FeeStandardPatchIn

router = Router(tags=["membership 会费标准"])
WRITE_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
MAX_LIMIT = 100


class FeeQuery(Schema):
    q: str = Field("", max_length=60, description="标准名称关键词")
    status: str = Field("", max_length=12, description="draft / balloting / adopted / rejected / superseded")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)
    cursor: str = cursor_field()


def _with_publication(standards: list[FeeStandard]) -> list[FeeStandard]:
    days = params.value("FEE-1.publication_days")
    for s in standards:
        s.publication = selectors.publication(s, as_of=clock.today(), days=days)  # type: ignore[attr-defined]
    return standards


def _out(actor: Any, pk: int) -> FeeStandard:
    return _with_publication([selectors.fee_standard_get(actor=actor, pk=pk, as_of=clock.today())])[0]


def _staff_org(actor: Any, uscc: str) -> Organization:
    org = registry.organization_get(actor=actor, uscc=uscc)
    if not registry.staff_of(actor, org):
        raise NotFound("未找到该协会的会费标准")
    return org


@router.get("/organizations/{uscc}/fee-standards", response={200: FeeStandardPage, **ERRORS}, auth=AUTH)
def list_fee_standards(request: Request, uscc: str, query: Query[FeeQuery]) -> dict[str, Any]:
    """An association's fee standards: all to its staff and officers in jurisdiction, adopted ones to its members."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    filters = selectors.FeeFilters(q=query.q, status=query.status)
    qs = selectors.fee_standard_list(actor=request.auth, organization=org, filters=filters, as_of=clock.today())
    return meta_page(qs, query, ordering=("-effective_on", "-pk"), present=_with_publication)


@router.get("/organizations/{uscc}/fee-standard", response={200: FeeStandardOut, **ERRORS}, auth=AUTH)
def get_fee_standard_in_force(request: Request, uscc: str) -> FeeStandard:
    """The fee standard in force today (404 when none), for the association's members, staff and officers."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    today = clock.today()
    if not selectors.may_see_fees_of(request.auth, org, as_of=today):
        raise NotFound("未找到该协会的会费标准")
    standard = selectors.fee_standard_in_force(org, as_of=today)
    if standard is None:
        raise NotFound("该协会目前没有生效的会费标准")
    return _with_publication([standard])[0]


@router.get("/fee-standards/{standard_id}", response={200: FeeStandardOut, **ERRORS}, auth=AUTH)
def get_fee_standard(request: Request, standard_id: int) -> FeeStandard:
    """One fee standard with its tiers, resolution and FEE-1 publication status."""
    return _out(request.auth, standard_id)


@router.post("/organizations/{uscc}/fee-standards", response={201: FeeStandardOut, **WRITE_ERRORS}, auth=AUTH)
def create_fee_standard(request: Request, uscc: str, payload: FeeStandardIn) -> Status[FeeStandard]:
    """Draft a fee standard for the assembly's ballot (FEE-1: at most 4 fixed-amount tiers; no branch fees)."""
    org = _staff_org(request.auth, uscc)
    data = payload.dict()
    tiers = [(t["member_class"], t["amount"]) for t in data.pop("tiers")]
    standard = services.fee_standard_propose(actor=request.auth, organization=org, tiers=tiers, now=clock.now(), **data)
    return Status(201, _out(request.auth, standard.pk))


@router.patch("/fee-standards/{standard_id}", response={200: FeeStandardOut, **WRITE_ERRORS}, auth=AUTH)
def update_fee_standard(request: Request, standard_id: int, payload: FeeStandardPatchIn) -> FeeStandard:
    """Edit a draft (409 once its ballot has started)."""
    standard = selectors.fee_standard_get_for_staff(actor=request.auth, pk=standard_id)
    sent = payload.dict(exclude_unset=True)
    current: dict[str, Any] = {
        "title": standard.title,
        "services_covered": standard.services_covered,
        "effective_on": standard.effective_on,
        "tiers": services.tiers_of(standard),
        "branch": "",
    }
    for key, value in sent.items():
        if value is not None:
            current[key] = [(t["member_class"], t["amount"]) for t in value] if key == "tiers" else value
    services.fee_standard_update(actor=request.auth, standard=standard, now=clock.now(), **current)
    return _out(request.auth, standard.pk)


@router.delete("/fee-standards/{standard_id}", response={204: None, **WRITE_ERRORS}, auth=AUTH)
def delete_fee_standard(request: Request, standard_id: int) -> Status[None]:
    """Delete a draft that never went to a ballot."""
    standard = selectors.fee_standard_get_for_staff(actor=request.auth, pk=standard_id)
    services.fee_standard_discard(actor=request.auth, standard=standard, now=clock.now())
    return Status(204, None)


@router.post(
    "/fee-standards/{standard_id}/resolution/publish", response={200: FeeStandardOut, **WRITE_ERRORS}, auth=AUTH
)
def publish_fee_resolution(request: Request, standard_id: int, payload: FeePublishIn) -> FeeStandard:
    """Record the day the adopting resolution was published to all members (FEE-1: within 30 days)."""
    standard = selectors.fee_standard_get_for_staff(actor=request.auth, pk=standard_id)
    if standard.resolution is None or not standard.resolution.passed:
        raise NotFound("该会费标准尚无通过的表决决议")
    services.fee_resolution_publish(
        actor=request.auth, resolution=standard.resolution, on=payload.published_on, now=clock.now()
    )
    return _out(request.auth, standard.pk)
