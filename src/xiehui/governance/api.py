"""Governance on the data port (/api/v1): organs, terms and extensions, leaders and appointments, audits,
meetings, resolutions, charter versions, cooperation matters, and the console's governance flags.

The same permissions as the web: organs, terms and serving leaders (names only) are public; the other reads
reach the association's staff and officers in jurisdiction (others: 404); writes are the staff's (officers
who can see the association: 403). Identity numbers are only ever returned masked.
"""

from __future__ import annotations

from typing import Any

from ninja import Query, Router
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, CURSOR, ERRORS, Problem, list_page, optional_actor
from xiehui.core.errors import NotFound, PermissionDenied
from xiehui.core.typing import Request
from xiehui.membership.models import Member
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import selectors, services
from .models import Appointment, OrganKind
from .schemas import (
    AppointmentOut,
    AppointmentPage,
    AuditIn,
    AuditOut,
    AuditPage,
    CharterIn,
    CharterOut,
    ConfirmIn,
    CooperationIn,
    CooperationOut,
    CooperationPage,
    EndIn,
    GovernanceFlagPage,
    LeaderOut,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    NominateIn,
    OrganIn,
    OrganKindIn,
    OrganOut,
    ResolutionIn,
    ResolutionOut,
    ResolutionPage,
    TermExtensionIn,
    TermExtensionOut,
    TermIn,
    TermOut,
)

router = Router(tags=["governance 法人治理"])
WRITE_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}
LIMIT = Query(20, ge=1, le=100)
OFFSET = Query(0, ge=0, le=100_000)


def _writable(actor: Any, uscc: str) -> Organization:
    """The association the actor is staff of; officers who can see it get 403, everyone else 404."""
    org = registry.organization_get(actor=actor, uscc=uscc)
    if registry.staff_of(actor, org):
        return org
    if selectors.visible_to(actor, org):
        raise PermissionDenied("只有本协会工作人员可以办理法人治理事项")
    raise NotFound("未找到该社会团体的法人治理记录")


def _appointment_out(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "post": a.post,
        "post_label": a.get_post_display(),
        "name": a.person.name,
        "id_number_masked": a.person.id_number_masked,
        "term_number": a.term.number,
        "status": a.status,
        "member_unit_id": a.member_unit_id,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "end_reason": a.end_reason,
        "paid": a.paid,
        "approval_document": a.approval_document,
        "approved_on": a.approved_on,
        "elected_by_id": a.elected_by_id,
        "checks": a.checks,
    }


# -- public ----------------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/organs", response={200: list[OrganOut], **ERRORS}, auth=None)
def list_organs(request: Request, uscc: str) -> list[Any]:
    """The association's organs (assembly, council, supervisors …) with their sizes."""
    return selectors.organs_of(registry.organization_get(actor=optional_actor(request), uscc=uscc))


@router.get("/organizations/{uscc}/terms", response={200: list[TermOut], **ERRORS}, auth=None)
def list_terms(request: Request, uscc: str) -> list[dict[str, Any]]:
    """The terms, newest first, with the re-election status as of today (GOV-3)."""
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    return [
        {
            "id": s.term.pk,
            "number": s.term.number,
            "starts_on": s.term.starts_on,
            "ends_on": s.term.ends_on,
            "extended_to": s.term.extended_to,
            "current": s.current,
            "overdue": s.overdue,
            "status_facts": s.check.facts,
        }
        for s in selectors.terms_of(org, as_of=clock.today())
    ]


@router.get("/organizations/{uscc}/leaders", response={200: list[LeaderOut], **ERRORS}, auth=None)
def list_leaders(request: Request, uscc: str) -> list[dict[str, Any]]:
    """The posts held today: names and posts only (no identity numbers)."""
    org = registry.organization_get(actor=optional_actor(request), uscc=uscc)
    return [
        {
            "post": a.post,
            "post_label": a.get_post_display(),
            "name": a.person.name,
            "term_number": a.term.number,
            "starts_on": a.starts_on,
        }
        for a in selectors.leaders_of(org, as_of=clock.today())
    ]


# -- organs and terms (staff) ----------------------------------------------------------------------------


@router.put("/organizations/{uscc}/organs/{kind}", response={200: OrganOut, **WRITE_ERRORS}, auth=AUTH)
def set_organ(request: Request, uscc: str, kind: OrganKindIn, payload: OrganIn) -> Any:
    """Set up or resize an organ the charter provides for."""
    org = _writable(request.auth, uscc)
    return services.organ_set(
        actor=request.auth, organization=org, kind=OrganKind(kind), now=clock.now(), **payload.dict()
    )


@router.post("/organizations/{uscc}/terms", response={201: TermOut, **WRITE_ERRORS}, auth=AUTH)
def open_term(request: Request, uscc: str, payload: TermIn) -> Status[dict[str, Any]]:
    """Record a term (re-election): at most 5 years (GOV-1), an audit before it (GOV-4)."""
    org = _writable(request.auth, uscc)
    term = services.term_open(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    state = next(s for s in selectors.terms_of(org, as_of=clock.today()) if s.term.pk == term.pk)
    out = {**{k: getattr(term, k) for k in ("number", "starts_on", "ends_on", "extended_to")}, "id": term.pk}
    return Status(201, {**out, "current": state.current, "overdue": state.overdue, "status_facts": state.check.facts})


@router.post(
    "/organizations/{uscc}/terms/{term_id}/extension", response={201: TermExtensionOut, **WRITE_ERRORS}, auth=AUTH
)
def extend_term(request: Request, uscc: str, term_id: int, payload: TermExtensionIn) -> Status[Any]:
    """Extend the term: an assembly resolution of 2/3 and the authority's approval (GOV-3)."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    resolution = selectors.resolution_get(org, data.pop("resolution_id"))
    term = selectors.term_get(org, term_id)
    return Status(
        201, services.term_extend(actor=request.auth, term=term, resolution=resolution, now=clock.now(), **data)
    )


# -- appointments ----------------------------------------------------------------------------------------


@router.get("/organizations/{uscc}/appointments", response={200: AppointmentPage, **ERRORS}, auth=AUTH)
def list_appointments(
    request: Request,
    uscc: str,
    q: str = Query("", max_length=50),
    status: str = "",
    limit: int = LIMIT,
    offset: int = OFFSET,
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """Every appointment with its evaluated checks; identity numbers masked (staff, officers in jurisdiction)."""
    org = selectors.organization_for(request.auth, uscc)
    qs = selectors.appointments_of(org, q=q.strip(), status=status)
    page = list_page(qs, ordering=("-term__number", "post", "pk"), limit=limit, offset=offset, cursor=cursor)
    page["items"] = [_appointment_out(a) for a in page["items"]]
    return page


@router.post("/organizations/{uscc}/appointments", response={201: AppointmentOut, **WRITE_ERRORS}, auth=AUTH)
def nominate(request: Request, uscc: str, payload: NominateIn) -> Status[dict[str, Any]]:
    """Nominate a person for a post; refused with the rule id and the fact (GOV-1, GOV-2)."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    term = selectors.term_get(org, data.pop("term_id"))
    unit_id = data.pop("member_unit_id")
    unit = Member.objects.filter(organization=org, pk=unit_id).first() if unit_id else None
    if unit_id and unit is None:
        raise NotFound("未找到该会员单位")
    a = services.leader_nominate(
        actor=request.auth, organization=org, term=term, member_unit=unit, now=clock.now(), **data
    )
    return Status(201, _appointment_out(selectors.appointment_get(org, a.pk)))


@router.post(
    "/organizations/{uscc}/appointments/{appointment_id}/confirm",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=AUTH,
)
def confirm_appointment(request: Request, uscc: str, appointment_id: int, payload: ConfirmIn) -> dict[str, Any]:
    """Appoint a nominee (the checks re-run; a new legal representative needs an audit, GOV-4)."""
    org = _writable(request.auth, uscc)
    a = selectors.appointment_get(org, appointment_id)
    elected = selectors.resolution_get(org, payload.elected_by_id) if payload.elected_by_id else None
    services.appointment_confirm(
        actor=request.auth, appointment=a, starts_on=payload.starts_on, elected_by=elected, now=clock.now()
    )
    return _appointment_out(selectors.appointment_get(org, a.pk))


@router.post(
    "/organizations/{uscc}/appointments/{appointment_id}/end", response={200: AppointmentOut, **WRITE_ERRORS}, auth=AUTH
)
def end_appointment(request: Request, uscc: str, appointment_id: int, payload: EndIn) -> dict[str, Any]:
    """End a post (a nomination is withdrawn)."""
    org = _writable(request.auth, uscc)
    a = selectors.appointment_get(org, appointment_id)
    services.appointment_end(actor=request.auth, appointment=a, now=clock.now(), **payload.dict())
    return _appointment_out(selectors.appointment_get(org, a.pk))


# -- audits, meetings, resolutions, charter, cooperation -------------------------------------------------


@router.get("/organizations/{uscc}/audits", response={200: AuditPage, **ERRORS}, auth=AUTH)
def list_audits(
    request: Request, uscc: str, limit: int = LIMIT, offset: int = OFFSET, cursor: str = CURSOR
) -> dict[str, Any]:
    """Financial audits, newest report first (staff, officers in jurisdiction)."""
    qs = selectors.audits_of(selectors.organization_for(request.auth, uscc))
    return list_page(qs, ordering=("-reported_on", "-pk"), limit=limit, offset=offset, cursor=cursor)


@router.post("/organizations/{uscc}/audits", response={201: AuditOut, **WRITE_ERRORS}, auth=AUTH)
def record_audit(request: Request, uscc: str, payload: AuditIn) -> Status[Any]:
    """Record a financial audit report (GOV-4)."""
    org = _writable(request.auth, uscc)
    return Status(
        201, services.financial_audit_record(actor=request.auth, organization=org, now=clock.now(), **payload.dict())
    )


@router.get("/organizations/{uscc}/meetings", response={200: MeetingPage, **ERRORS}, auth=AUTH)
def list_meetings(
    request: Request, uscc: str, limit: int = LIMIT, offset: int = OFFSET, cursor: str = CURSOR
) -> dict[str, Any]:
    """Meetings with attendance and their resolutions (staff, officers in jurisdiction)."""
    qs = selectors.meetings_of(selectors.organization_for(request.auth, uscc))
    return list_page(qs, ordering=("-held_on", "-pk"), limit=limit, offset=offset, cursor=cursor)


@router.post("/organizations/{uscc}/meetings", response={201: MeetingOut, **WRITE_ERRORS}, auth=AUTH)
def record_meeting(request: Request, uscc: str, payload: MeetingIn) -> Status[Any]:
    """Record a meeting of an organ (attendance against the entitled number)."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    organ = selectors.organ_get(org, data.pop("organ_id"))
    meeting = services.meeting_record(actor=request.auth, organization=org, organ=organ, now=clock.now(), **data)
    return Status(201, selectors.meeting_get(org, meeting.pk))


@router.get("/organizations/{uscc}/resolutions", response={200: ResolutionPage, **ERRORS}, auth=AUTH)
def list_resolutions(
    request: Request,
    uscc: str,
    q: str = Query("", max_length=60),
    matter: str = "",
    limit: int = LIMIT,
    offset: int = OFFSET,
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """Resolutions with their vote counts, newest first (staff, officers in jurisdiction)."""
    org = selectors.organization_for(request.auth, uscc)
    qs = selectors.resolutions_of(org, q=q.strip(), matter=matter)
    return list_page(qs, ordering=("-adopted_on", "-pk"), limit=limit, offset=offset, cursor=cursor)


@router.post("/organizations/{uscc}/resolutions", response={201: ResolutionOut, **WRITE_ERRORS}, auth=AUTH)
def record_resolution(request: Request, uscc: str, payload: ResolutionIn) -> Status[Any]:
    """Record a resolution (number allocated when empty); GOV-6 and GOV-5 refuse with the fact."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    organ = selectors.organ_get(org, data.pop("organ_id"))
    meeting_id = data.pop("meeting_id")
    meeting = selectors.meeting_get(org, meeting_id) if meeting_id else None
    data["number"] = data["number"] or None
    resolution = services.resolution_record(
        actor=request.auth, organization=org, organ=organ, meeting=meeting, now=clock.now(), **data
    )
    return Status(201, resolution)


@router.get("/organizations/{uscc}/charter-versions", response={200: list[CharterOut], **ERRORS}, auth=AUTH)
def list_charter_versions(request: Request, uscc: str) -> list[Any]:
    """Charter versions, newest first, with their parameters (staff, officers in jurisdiction)."""
    return list(selectors.charter_versions_of(selectors.organization_for(request.auth, uscc)))


@router.post("/organizations/{uscc}/charter-versions", response={201: CharterOut, **WRITE_ERRORS}, auth=AUTH)
def record_charter_version(request: Request, uscc: str, payload: CharterIn) -> Status[Any]:
    """Record a charter version adopted by an assembly charter resolution."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    resolution = selectors.resolution_get(org, data.pop("resolution_id"))
    return Status(
        201,
        services.charter_version_record(
            actor=request.auth, organization=org, resolution=resolution, now=clock.now(), **data
        ),
    )


@router.get("/organizations/{uscc}/cooperation-matters", response={200: CooperationPage, **ERRORS}, auth=AUTH)
def list_cooperation(
    request: Request, uscc: str, limit: int = LIMIT, offset: int = OFFSET, cursor: str = CURSOR
) -> dict[str, Any]:
    """Cooperation matters with the organ that decided (staff, officers in jurisdiction)."""
    qs = selectors.cooperation_of(selectors.organization_for(request.auth, uscc))
    return list_page(qs, ordering=("-recorded_at", "-pk"), limit=limit, offset=offset, cursor=cursor)


@router.post("/organizations/{uscc}/cooperation-matters", response={201: CooperationOut, **WRITE_ERRORS}, auth=AUTH)
def record_cooperation(request: Request, uscc: str, payload: CooperationIn) -> Status[Any]:
    """Record a cooperation matter; routed by importance as the charter sets (GOV-5)."""
    org = _writable(request.auth, uscc)
    data = payload.dict()
    resolution_id = data.pop("resolution_id")
    resolution = selectors.resolution_get(org, resolution_id) if resolution_id else None
    matter = services.cooperation_matter_record(
        actor=request.auth, organization=org, resolution=resolution, now=clock.now(), **data
    )
    return Status(201, matter)


# -- console ---------------------------------------------------------------------------------------------


@router.get("/console/governance/flags", response={200: GovernanceFlagPage, **ERRORS}, auth=AUTH)
def list_governance_flags(
    request: Request,
    q: str = Query("", max_length=60),
    region: str = Query("", max_length=6, pattern=r"^\d{0,6}$"),
    rule_id: str = Query("", max_length=8),
    limit: int = LIMIT,
    offset: int = OFFSET,
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """Officers: open GOV-1/2/3 flags within the jurisdiction (overdue re-elections, leaders, officials)."""
    if registry.officer_prefix(request.auth) is None:
        raise PermissionDenied("只有登记管理机关工作人员可以查看")
    qs = selectors.governance_flags_for(request.auth, q=q.strip(), region=region, rule_id=rule_id)
    return list_page(qs, ordering=("-raised_on", "-pk"), limit=limit, offset=offset, cursor=cursor)
