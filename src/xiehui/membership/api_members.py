"""Joining, exits, classes, delegates and the MEM-2 figures on the data port (mounted by membership/api.py)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, Problem, cursor_field, meta_page, optional_actor, query_date
from xiehui.core.errors import NotFound
from xiehui.core.models import Role, User
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import selectors
from . import services_members as services
from .models import Delegate, MemberClass, MemberExit, MembershipApplication
from .schemas import (
    ApplicationApproveIn,
    ApplicationRefuseIn,
    CessationCreateIn,
    DelegateCreateIn,
    DelegateOut,
    ExitCreateIn,
    ExitOut,
    ExpulsionCreateIn,
    FiguresOut,
    FiguresQuery,
    MemberClassCreateIn,
    MemberClassOut,
    MembershipApplicationCreateIn,
    MembershipApplicationOut,
    MembershipApplicationPage,
)

router = Router(tags=["membership 会员"])
CONFLICT_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
MAX_LIMIT = 100


def _staff_org(request: Request, uscc: str) -> Organization:
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    if not registry.staff_of(request.auth, org):
        raise NotFound("未找到该协会")
    return org


def _application(a: MembershipApplication) -> dict[str, Any]:
    return {
        **{f: getattr(a, f) for f in ("id", "kind", "name", "uscc", "member_class", "contact_name", "statement")},
        "organization_uscc": a.organization.uscc,
        "organization_name": a.organization.name,
        "contact_phone_masked": a.contact_phone_masked,
        "status": a.status,
        "submitted_at": a.submitted_at,
        "decided_at": a.decided_at,
        "decision_organ": a.decision_organ,
        "decision_clause": a.decision_clause,
        "decision_reason": a.decision_reason,
        "member_id": a.member_id,
    }


def _exit(e: MemberExit) -> dict[str, Any]:
    return {
        "member_id": e.member_id,
        "member_name": e.member.name,
        **{f: getattr(e, f) for f in ("kind", "reason", "note", "effective_on", "organ", "charter_clause")},
        "decision_number": e.decision_number,
    }


def _delegate(d: Delegate) -> dict[str, Any]:
    return {
        **{f: getattr(d, f) for f in ("id", "member_id", "name", "method", "since", "until", "basis")},
        "member_name": d.member.name,
        "username": d.user.username if d.user else "",
    }


# -- classes --------------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/member-classes", response={200: list[MemberClassOut], **ERRORS}, auth=None)
def list_member_classes(request: Request, uscc: str) -> list[MemberClass]:
    """The member classes the association's charter defines (public: applicants choose one)."""
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    return list(selectors.member_classes(org))


@router.post("/organizations/{uscc}/member-classes", response={201: MemberClassOut, **ERRORS}, auth=AUTH)
def create_member_class(request: Request, uscc: str, payload: MemberClassCreateIn) -> Status[MemberClass]:
    """Add a member class (the association's staff)."""
    org = _staff_org(request, uscc)
    row = services.member_class_add(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, row)


@router.delete("/member-classes/{class_id}", response={204: None, **ERRORS}, auth=AUTH)
def delete_member_class(request: Request, class_id: int) -> Status[None]:
    """Remove a member class no current member is in (the association's staff)."""
    org = registry.staff_organization(request.auth)
    row = selectors.member_class_get(org, class_id)
    services.member_class_remove(actor=request.auth, member_class=row, now=clock.now())
    return Status(204, None)


# -- applications ---------------------------------------------------------------------------------------


@router.post(
    "/organizations/{uscc}/membership-applications",
    response={201: MembershipApplicationOut, **CONFLICT_ERRORS},
    auth=AUTH,
)
def create_application(request: Request, uscc: str, payload: MembershipApplicationCreateIn) -> Status[dict[str, Any]]:
    """Apply to join (member representatives and the public for themselves; staff enter paper applications)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    app = services.application_submit(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    return Status(201, _application(app))


class ApplicationQuery(Schema):
    status: str = Field("", description="submitted / approved / refused / withdrawn")
    q: str = Field("", max_length=60, description="申请人名称、统一社会信用代码或联系人")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)
    cursor: str = cursor_field()


@router.get(
    "/organizations/{uscc}/membership-applications", response={200: MembershipApplicationPage, **ERRORS}, auth=AUTH
)
def list_applications(request: Request, uscc: str, query: Query[ApplicationQuery]) -> dict[str, Any]:
    """The association's applications to join, newest first (its staff only)."""
    org = _staff_org(request, uscc)
    qs = selectors.applications_of(org, status=query.status, q=query.q)
    return meta_page(qs, query, ordering=("-submitted_at", "-pk"), present=lambda rows: [_application(a) for a in rows])


@router.get("/my/membership-applications", response={200: list[MembershipApplicationOut], **ERRORS}, auth=AUTH)
def list_my_applications(request: Request) -> list[dict[str, Any]]:
    """The applications the caller submitted, newest first."""
    return [_application(a) for a in selectors.my_applications(request.auth)[:200]]


@router.get("/membership-applications/{app_id}", response={200: MembershipApplicationOut, **ERRORS}, auth=AUTH)
def get_application(request: Request, app_id: int) -> dict[str, Any]:
    """One application (its association's staff or its applicant)."""
    return _application(selectors.application_get(actor=request.auth, pk=app_id))


def _for_staff(request: Request, app_id: int) -> MembershipApplication:
    app = selectors.application_get(actor=request.auth, pk=app_id)
    if not registry.staff_of(request.auth, app.organization):
        raise NotFound("未找到该入会申请")
    return app


@router.post(
    "/membership-applications/{app_id}/approve", response={200: MembershipApplicationOut, **CONFLICT_ERRORS}, auth=AUTH
)
def approve_application(request: Request, app_id: int, payload: ApplicationApproveIn) -> dict[str, Any]:
    """Approve as the charter says (organ, clause): the member and the applicant's representation are created."""
    app = _for_staff(request, app_id)
    services.application_approve(actor=request.auth, application=app, now=clock.now(), **payload.dict())
    return _application(selectors.application_get(actor=request.auth, pk=app_id))


@router.post(
    "/membership-applications/{app_id}/refuse", response={200: MembershipApplicationOut, **CONFLICT_ERRORS}, auth=AUTH
)
def refuse_application(request: Request, app_id: int, payload: ApplicationRefuseIn) -> dict[str, Any]:
    """Refuse with the charter's ground (MEM-1: never for belonging to another association)."""
    app = _for_staff(request, app_id)
    return _application(
        services.application_refuse(actor=request.auth, application=app, now=clock.now(), **payload.dict())
    )


@router.post(
    "/membership-applications/{app_id}/withdraw", response={200: MembershipApplicationOut, **CONFLICT_ERRORS}, auth=AUTH
)
def withdraw_application(request: Request, app_id: int) -> dict[str, Any]:
    """The applicant withdraws its pending application."""
    app = selectors.application_get(actor=request.auth, pk=app_id)
    return _application(services.application_withdraw(actor=request.auth, application=app, now=clock.now()))


# -- exits ----------------------------------------------------------------------------------------------


@router.post("/members/{member_id}/exit", response={201: ExitOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_exit(request: Request, member_id: int, payload: ExitCreateIn) -> Status[dict[str, Any]]:
    """Leave on the member's own request from the date asked (MEM-1: no approval; representatives or staff)."""
    member = selectors.member_get_for_exit(actor=request.auth, pk=member_id, as_of=clock.today())
    row = services.member_exit(actor=request.auth, member=member, now=clock.now(), **payload.dict())
    return Status(201, _exit(row))


@router.post("/members/{member_id}/expulsion", response={201: ExitOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_expulsion(request: Request, member_id: int, payload: ExpulsionCreateIn) -> Status[dict[str, Any]]:
    """Expel by the decision of the organ the charter names, citing clause and decision number (staff)."""
    member = selectors.member_get_for_staff(actor=request.auth, pk=member_id)
    row = services.member_expel(actor=request.auth, member=member, now=clock.now(), **payload.dict())
    return Status(201, _exit(row))


@router.post("/members/{member_id}/cessation", response={201: ExitOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_cessation(request: Request, member_id: int, payload: CessationCreateIn) -> Status[dict[str, Any]]:
    """Record that the member ceased to exist (enterprise deregistered, individual deceased; staff)."""
    member = selectors.member_get_for_staff(actor=request.auth, pk=member_id)
    row = services.member_cease(actor=request.auth, member=member, now=clock.now(), **payload.dict())
    return Status(201, _exit(row))


# -- delegates ------------------------------------------------------------------------------------------


class DelegateQuery(Schema):
    current: bool = Field(False, description="true：只列今天任期内、所属会员在册的代表")


@router.get("/organizations/{uscc}/delegates", response={200: list[DelegateOut], **ERRORS}, auth=AUTH)
def list_delegates(request: Request, uscc: str, query: Query[DelegateQuery]) -> list[dict[str, Any]]:
    """The association's member delegates (its staff)."""
    org = _staff_org(request, uscc)
    qs = selectors.delegates_of(org, as_of=clock.today()) if query.current else selectors.delegates_all(org)
    return [_delegate(d) for d in qs[:2000]]


@router.post("/organizations/{uscc}/delegates", response={201: DelegateOut, **ERRORS}, auth=AUTH)
def create_delegate(request: Request, uscc: str, payload: DelegateCreateIn) -> Status[dict[str, Any]]:
    """Record a delegate elected or appointed per the charter (staff)."""
    org = _staff_org(request, uscc)
    data = payload.dict()
    member = selectors.members_of(org, as_of=clock.today(), current_only=False).filter(pk=data.pop("member_id"))
    if not member.exists():
        raise NotFound("未找到该会员")
    username = data.pop("username")
    user = User.objects.filter(username=username, role=Role.MEMBER, is_active=True).first() if username else None
    if username and user is None:
        raise NotFound("未找到该用户名的“会员企业代表”账户")
    row = services.delegate_record(actor=request.auth, member=member.get(), user=user, now=clock.now(), **data)
    return Status(201, _delegate(row))


# -- figures (MEM-2) -------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/member-figures", response={200: FiguresOut, **ERRORS}, auth=AUTH)
def get_member_figures(request: Request, uscc: str, query: Query[FiguresQuery]) -> dict[str, Any]:
    """MEM-2 figures of one year as recorded on as_of (staff of the association, officers of its jurisdiction)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    prefix = registry.officer_prefix(request.auth)
    in_reach = prefix is not None and org.authority_region_id.startswith(prefix)
    if not (registry.staff_of(request.auth, org) or in_reach):
        raise NotFound("未找到该协会")
    as_of = query_date(query.as_of)
    figures = selectors.member_figures(org, year=query.year or as_of.year, as_of=as_of)
    labels = selectors.exit_reason_labels()
    reasons = [{"reason": k, "label": labels.get(k, k), "count": n} for k, n in figures["exits_by_reason"].items()]
    return {**figures, "uscc": org.uscc, "exits_by_reason": reasons}
