"""Reads of complaints (SUP-1) and key inspections (SUP-2), scoped by the actor.

Who sees what, decided here and nowhere else:
- anyone holding a complaint's code sees its progress (ComplaintProgress): status,
  public steps and the answer, never the complainant nor the internal notes;
- officers whose jurisdiction covers the association's authority see complaints
  and cases; the complainant's identity and attachments only to the handling
  officers (the authority itself, or the officer assigned): `complainant_identity`;
- the association's staff see their complaints' pledge, status and outcome
  (ComplaintSummary, no description, code or identity) and their cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from xiehui.core import clock, engine, params
from xiehui.core.errors import NotFound
from xiehui.core.files import attachments_of
from xiehui.core.models import Attachment, Role, User
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor, as_officer, officer_prefix, staff_of

from .models import Complaint, ComplaintEvent, ComplaintStatus, Interview, KeyInspection, RectificationOrder
from .services.complaints import ATTACHMENT_PURPOSE, OPEN_STATUSES, may_handle, normalize_code

# Complaints that count towards key inspection (SUP-2): substantiated in whole or in part.
SUBSTANTIATED_OUTCOMES = (Complaint.Outcome.SUBSTANTIATED, Complaint.Outcome.PARTLY)
NOT_FOUND = "未找到该投诉"


# -- public progress by code ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressStep:
    at: dt.datetime
    status: str
    status_label: str
    note: str


@dataclass(frozen=True)
class ComplaintProgress:
    """What the holder of the code sees: never the complainant, the description or internal notes."""

    code: str
    organization_name: str
    organization_uscc: str
    pledge: str
    pledge_label: str
    status: str
    status_label: str
    filed_on: dt.date
    due_on: dt.date
    steps: list[ProgressStep]
    outcome: str = ""
    outcome_label: str = ""
    answer: str = ""
    answered_on: dt.date | None = None

    @property
    def closed(self) -> bool:
        return self.status in (ComplaintStatus.ANSWERED, ComplaintStatus.DISMISSED)


def complaint_by_code(code: str) -> ComplaintProgress:
    """Anyone holding the code follows the complaint (two queries)."""
    normalized = normalize_code(code)
    complaint = (
        Complaint.objects.select_related("organization")
        .prefetch_related(Prefetch("events", queryset=ComplaintEvent.objects.filter(public=True).order_by("at", "pk")))
        .filter(code=normalized)
        .first()
        if normalized
        else None
    )
    if complaint is None:
        raise NotFound("未找到该查询码对应的投诉，请核对查询码", code="complaint_not_found")
    closed = complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.DISMISSED)
    return ComplaintProgress(
        code=complaint.code,
        organization_name=complaint.organization.name,
        organization_uscc=complaint.organization.uscc,
        pledge=complaint.pledge,
        pledge_label=complaint.get_pledge_display(),
        status=complaint.status,
        status_label=complaint.get_status_display(),
        filed_on=complaint.filed_on,
        due_on=complaint.due_on,
        steps=[ProgressStep(e.at, e.status, e.get_status_display(), e.note) for e in complaint.events.all()],
        outcome=complaint.outcome if closed else "",
        outcome_label=complaint.get_outcome_display() if closed and complaint.outcome else "",
        answer=complaint.answer if closed else "",
        answered_on=complaint.answered_on if closed else None,
    )


# -- officers ---------------------------------------------------------------------------------------


@dataclass
class ComplaintFilters:
    status: str = ""
    pledge: str = ""
    overdue: bool = False
    mine: bool = False
    q: str = ""
    organization_id: int | None = None


def _in_reach(actor: Actor) -> QuerySet[Complaint]:
    prefix = officer_prefix(actor)
    if prefix is None:
        return Complaint.objects.none()
    qs = Complaint.objects.all()
    return qs.filter(authority_region__code__startswith=prefix) if prefix else qs


def overdue_q(as_of: dt.date) -> Q:
    """Still open after the answer was due (SUP-1)."""
    return Q(status__in=OPEN_STATUSES, due_on__lt=as_of)


def complaint_queue(*, actor: Actor, filters: ComplaintFilters, as_of: dt.date) -> QuerySet[Complaint]:
    """Complaints in the officer's jurisdiction, soonest answer due first."""
    qs = _in_reach(actor).select_related("organization", "assigned_to")
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.pledge:
        qs = qs.filter(pledge=filters.pledge)
    if filters.overdue:
        qs = qs.filter(overdue_q(as_of))
    if filters.mine and actor is not None and actor.is_authenticated:
        qs = qs.filter(assigned_to_id=actor.pk)
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(organization__uscc=q.upper()) | Q(code=normalize_code(q)))
    return qs.order_by("due_on", "id")


def complaint_get(*, actor: Actor, pk: int) -> Complaint:
    """One complaint for an officer whose jurisdiction covers the association's authority (else 404)."""
    complaint = (
        _in_reach(actor)
        .select_related("organization", "organization__authority_region", "assigned_to", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise NotFound(NOT_FOUND, code="complaint_not_found")
    return complaint


@dataclass(frozen=True)
class Identity:
    anonymous: bool
    name: str
    phone: str
    account: str


def complainant_identity(actor: Actor, complaint: Complaint) -> Identity | None:
    """The complainant, for the handling officers only; None for everyone else."""
    if not may_handle(as_officer(actor), complaint):
        return None
    account = complaint.filed_by.get_username() if complaint.filed_by_id and complaint.filed_by else ""
    # masked on screen; a handling officer reveals the full number through an audited action
    return Identity(complaint.anonymous, complaint.complainant_name, complaint.complainant_phone_masked, account)


def complaint_attachments(actor: Actor, complaint: Complaint) -> list[Attachment]:
    """The complainant's evidence, for the handling officers only (it may identify them)."""
    if not may_handle(as_officer(actor), complaint):
        return []
    return attachments_of(complaint, purpose=ATTACHMENT_PURPOSE)


def complaint_attachment(*, actor: Actor, complaint: Complaint, attachment_id: int) -> Attachment:
    for attachment in complaint_attachments(actor, complaint):
        if attachment.pk == attachment_id:
            return attachment
    raise NotFound("未找到该附件", code="attachment_not_found")


def complaint_events(complaint: Complaint) -> list[ComplaintEvent]:
    """Every step, internal notes included (officers who see the complaint)."""
    return list(complaint.events.select_related("actor").order_by("at", "pk"))


def assignable_officers(complaint: Complaint) -> QuerySet[User]:
    """Officers of the association's authority (who may be assigned the complaint)."""
    org = complaint.organization
    return User.objects.filter(
        role=Role.OFFICER,
        is_active=True,
        jurisdiction_region_id=org.authority_region_id,
        jurisdiction_level=org.level,
    ).order_by("username")


def complaint_why(complaint: Complaint) -> dict[str, Any]:
    """SUP-1's answer limit as applied to this complaint."""
    days = params.value("SUP-1.answer_days")
    facts = f"{complaint.filed_on:%Y-%m-%d} 受理，{days} 日内答复，期限 {complaint.due_on:%Y-%m-%d}"
    if complaint.answered_on:
        late = complaint.answered_on > complaint.due_on
        facts += f"；{complaint.answered_on:%Y-%m-%d} 答复" + ("，已超期" if late else "，未超期")
    return engine.explain(rule_id="SUP-1", facts=facts, parameters={"answer_days": days})


def is_overdue(complaint: Complaint, as_of: dt.date) -> bool:
    return complaint.status in OPEN_STATUSES and complaint.due_on < as_of


def complaint_figures(*, actor: Actor, as_of: dt.date) -> dict[str, int]:
    """Counts for the console home: open and overdue complaints, open cases (two queries)."""
    figures = _in_reach(actor).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q(as_of)),
        mine=Count("id", filter=Q(status__in=OPEN_STATUSES, assigned_to_id=getattr(actor, "pk", None))),
    )
    figures["open_inspections"] = _inspections_in_reach(actor).filter(status=KeyInspection.Status.OPEN).count()
    return figures


def substantiated_counts(*, organization_ids: list[int], as_of: dt.date) -> dict[int, int]:
    """Substantiated complaints per association answered within SUP-2's window up to `as_of`."""
    window = params.value("SUP-2.window_months")
    since = clock.add_calendar_months(as_of, -window)
    rows = (
        Complaint.objects.filter(
            organization_id__in=organization_ids,
            outcome__in=SUBSTANTIATED_OUTCOMES,
            answered_on__gt=since,
            answered_on__lte=as_of,
        )
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    return dict(rows)


# -- the association's own view ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintSummary:
    """What the association learns of a complaint about it: what and how it ended, never who."""

    filed_on: dt.date
    pledge_label: str
    status_label: str
    outcome_label: str
    due_on: dt.date
    answered_on: dt.date | None


def complaints_of_organization(*, actor: Actor, organization: Organization, limit: int = 50) -> list[ComplaintSummary]:
    if not staff_of(actor, organization):
        return []
    rows = (
        Complaint.objects.filter(organization=organization)
        .only("filed_on", "pledge", "status", "outcome", "due_on", "answered_on")
        .order_by("-filed_on", "-pk")[:limit]
    )
    return [
        ComplaintSummary(
            c.filed_on,
            c.get_pledge_display(),
            c.get_status_display(),
            c.get_outcome_display() if c.status == ComplaintStatus.ANSWERED else "",
            c.due_on,
            c.answered_on,
        )
        for c in rows
    ]


def inspections_of_organization(*, actor: Actor, organization: Organization) -> list[KeyInspection]:
    """The association's own cases with their interviews (staff)."""
    if not staff_of(actor, organization):
        return []
    return list(
        KeyInspection.objects.filter(organization=organization)
        .prefetch_related(Prefetch("interviews", queryset=Interview.objects.order_by("held_on", "pk")))
        .order_by("-opened_on", "-pk")[:20]
    )


# -- key inspections (officers) ---------------------------------------------------------------------


@dataclass
class InspectionFilters:
    status: str = ""
    origin: str = ""  # "rule" or "manual"
    q: str = ""
    organization_id: int | None = None


def _inspections_in_reach(actor: Actor) -> QuerySet[KeyInspection]:
    prefix = officer_prefix(actor)
    if prefix is None:
        return KeyInspection.objects.none()
    qs = KeyInspection.objects.all()
    return qs.filter(organization__authority_region__code__startswith=prefix) if prefix else qs


def inspection_list(*, actor: Actor, filters: InspectionFilters) -> QuerySet[KeyInspection]:
    """Cases in the officer's jurisdiction, open first, newest first."""
    qs = _inspections_in_reach(actor).select_related("organization", "opened_by")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.origin == "rule":
        qs = qs.exclude(rule_id="")
    elif filters.origin == "manual":
        qs = qs.filter(rule_id="")
    if filters.organization_id is not None:
        qs = qs.filter(organization_id=filters.organization_id)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(organization__uscc=q.upper()))
    return qs.annotate(interview_count=Count("interviews")).order_by("status", "-opened_on", "-pk")


def inspection_get(*, actor: Actor, pk: int) -> KeyInspection:
    inspection = (
        _inspections_in_reach(actor)
        .select_related("organization", "organization__authority_region", "opened_by")
        .prefetch_related(
            Prefetch("interviews", queryset=Interview.objects.select_related("recorded_by").order_by("held_on", "pk")),
            Prefetch("orders", queryset=RectificationOrder.objects.order_by("issued_on", "pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise NotFound("未找到该重点检查", code="inspection_not_found")
    return inspection


def inspection_why(inspection: KeyInspection) -> dict[str, Any]:
    """The rule's facts and parameters for rule-opened cases; the officer's reason otherwise."""
    if inspection.rule_id:
        return engine.explain(rule_id=inspection.rule_id, facts=inspection.facts, parameters=inspection.parameters)
    opener = inspection.opened_by.get_username() if inspection.opened_by else ""
    return engine.explain(
        rule_id="SUP-2", facts=f"监管人员 {opener} 于 {inspection.opened_on:%Y-%m-%d} 立案：{inspection.facts}"
    )
