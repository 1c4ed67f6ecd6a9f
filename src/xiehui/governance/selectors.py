"""Reads of governance, scoped by the actor.

Who sees what (decided here): an association's organs, current term and serving leaders' names are public
(the portal); its appointments (with masked identity numbers), audits, meetings, resolutions, charter
versions and cooperation matters reach its own staff and officers whose jurisdiction covers it
(`authority_region__code__startswith=prefix`); everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from xiehui.core import params
from xiehui.core.errors import NotFound
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor
from xiehui.supervision.models import Flag

from . import rules
from .models import (
    ASSEMBLY_KINDS,
    Appointment,
    AppointmentStatus,
    CharterVersion,
    CooperationMatter,
    FinancialAudit,
    Importance,
    Meeting,
    Organ,
    OrganKind,
    Resolution,
    Term,
)

FLAG_RULES = ("GOV-1", "GOV-2", "GOV-3")


# -- shared interfaces -----------------------------------------------------------------------------------


def assembly_organ(org: Organization) -> Organ | None:
    """The member assembly, or the delegate assembly where the charter set one up (it then takes precedence)."""
    organs = {o.kind: o for o in Organ.objects.filter(organization=org, kind__in=list(ASSEMBLY_KINDS))}
    return organs.get(OrganKind.DELEGATE_ASSEMBLY) or organs.get(OrganKind.ASSEMBLY)


def charter_in_force(org: Organization, *, as_of: dt.date) -> CharterVersion | None:
    return (
        CharterVersion.objects.filter(organization=org, effective_on__lte=as_of)
        .order_by("-effective_on", "-version")
        .first()
    )


def charter_parameters(org: Organization, *, as_of: dt.date) -> dict[str, Any]:
    """The in-force charter version's parameters ("RULE-ID.param" -> value); {} when none."""
    charter = charter_in_force(org, as_of=as_of)
    return dict(charter.parameters) if charter is not None else {}


def rule_values(org: Organization, rule_id: str, *, as_of: dt.date) -> dict[str, Any]:
    """A rule's parameters for one association: the charter's value, else the platform's value in force."""
    values = params.values(rule_id)
    prefix = rule_id + "."
    for key, value in charter_parameters(org, as_of=as_of).items():
        if key.startswith(prefix) and key[len(prefix) :] in values:
            values[key[len(prefix) :]] = value
    return values


def route_for(org: Organization, importance: str, *, as_of: dt.date) -> str:
    """GOV-5: the organ kind a cooperation matter of `importance` goes to for this association."""
    has_delegates = Organ.objects.filter(organization=org, kind=OrganKind.DELEGATE_ASSEMBLY).exists()
    values = rule_values(org, "GOV-5", as_of=as_of)
    return rules.gov_5_route(importance, values=values, has_delegate_assembly=has_delegates)


def routes(org: Organization, *, as_of: dt.date) -> list[tuple[str, str]]:
    """(importance label, organ label) for each importance level, as the charter in force sets them."""
    return [(str(Importance(i).label), str(OrganKind(route_for(org, i, as_of=as_of)).label)) for i in Importance.values]


def leaders_of(org: Organization, *, as_of: dt.date) -> QuerySet[Appointment]:
    """The posts held on `as_of` (appointed, not yet ended), president first."""
    return (
        Appointment.objects.filter(
            organization=org,
            status__in=[AppointmentStatus.SERVING, AppointmentStatus.ENDED],
            starts_on__lte=as_of,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=as_of))
        .select_related("person", "term", "member_unit")
        .order_by("post", "pk")
    )


# -- access ----------------------------------------------------------------------------------------------


def visible_to(actor: Actor, org: Organization) -> bool:
    """The association's own staff, and officers whose jurisdiction covers it, see its internal records."""
    if registry.staff_of(actor, org):
        return True
    prefix = registry.officer_prefix(actor)
    return prefix is not None and org.authority_region_id.startswith(prefix)


def organization_for(actor: Actor, uscc: str) -> Organization:
    """An association whose internal governance records the actor may see, or 404."""
    org = registry.organization_get(actor=actor, uscc=uscc)
    if not visible_to(actor, org):
        raise NotFound("未找到该社会团体的法人治理记录")
    return org


def organization_for_staff(actor: Actor, uscc: str) -> Organization:
    org = registry.organization_get(actor=actor, uscc=uscc)
    if not registry.staff_of(actor, org):
        raise NotFound("未找到该社会团体的法人治理记录")
    return org


# -- lists -----------------------------------------------------------------------------------------------


def organs_of(org: Organization) -> list[Organ]:
    order = {kind: i for i, kind in enumerate(OrganKind.values)}
    return sorted(Organ.objects.filter(organization=org), key=lambda o: order[o.kind])


@dataclass
class TermState:
    term: Term
    end: dt.date
    check: rules.Check
    current: bool

    @property
    def overdue(self) -> bool:
        return not self.check.ok


def terms_of(org: Organization, *, as_of: dt.date) -> list[TermState]:
    """Each term, newest first, with its re-election status (GOV-3) as of the day."""
    terms = list(Term.objects.filter(organization=org).prefetch_related("extensions").order_by("-number"))
    current = next((t for t in terms if t.starts_on <= as_of), None)
    out = []
    for i, term in enumerate(terms):
        newer = terms[i - 1].starts_on if i > 0 else None
        end = rules.effective_end(term.ends_on, term.extended_to)
        check = rules.gov_3_overdue(term.number, end, newer, as_of)
        out.append(TermState(term, end, check, term is current))
    return out


def term_get(org: Organization, pk: int) -> Term:
    term = Term.objects.filter(organization=org, pk=pk).first()
    if term is None:
        raise NotFound("未找到该届次")
    return term


def appointments_of(org: Organization, *, q: str = "", status: str = "", term: str = "") -> QuerySet[Appointment]:
    qs = Appointment.objects.filter(organization=org).select_related("person", "term", "member_unit")
    if q:
        qs = qs.filter(person__name__contains=q)
    if status:
        qs = qs.filter(status=status)
    if term.isdigit():
        qs = qs.filter(term__number=int(term))
    return qs.order_by("-term__number", "post", "pk")


def appointment_get(org: Organization, pk: int) -> Appointment:
    found = appointments_of(org).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该任职记录")
    return found


def audits_of(org: Organization) -> QuerySet[FinancialAudit]:
    return FinancialAudit.objects.filter(organization=org).order_by("-reported_on", "-pk")


def meetings_of(org: Organization, *, q: str = "") -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(organization=org).select_related("organ")
    if q:
        qs = qs.filter(title__contains=q)
    return qs.prefetch_related(
        Prefetch("resolutions", queryset=Resolution.objects.select_related("organ").order_by("pk"))
    ).order_by("-held_on", "-pk")


def meeting_get(org: Organization, pk: int) -> Meeting:
    found = meetings_of(org).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该会议")
    return found


def resolutions_of(org: Organization, *, q: str = "", matter: str = "") -> QuerySet[Resolution]:
    qs = Resolution.objects.filter(organization=org).select_related("organ", "meeting")
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__contains=q))
    if matter:
        qs = qs.filter(matter=matter)
    return qs.order_by("-adopted_on", "-pk")


def resolution_get(org: Organization, pk: int) -> Resolution:
    found = resolutions_of(org).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该决议")
    return found


def organ_get(org: Organization, pk: int) -> Organ:
    found = Organ.objects.filter(organization=org, pk=pk).first()
    if found is None:
        raise NotFound("未找到该组织机构")
    return found


def charter_versions_of(org: Organization) -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(organization=org).select_related("resolution").order_by("-version")


def cooperation_of(org: Organization) -> QuerySet[CooperationMatter]:
    return (
        CooperationMatter.objects.filter(organization=org)
        .select_related("resolution", "resolution__organ")
        .order_by("-recorded_at", "-pk")
    )


# -- the console -----------------------------------------------------------------------------------------


def governance_flags_in(prefix: str, *, q: str = "", region: str = "", rule_id: str = "") -> QuerySet[Flag]:
    """Open GOV-1/2/3 flags of associations registered within the jurisdiction prefix."""
    qs = Flag.objects.filter(
        organization__authority_region__code__startswith=prefix, rule_id__in=FLAG_RULES, cleared_on__isnull=True
    ).select_related("organization", "organization__authority_region")
    if rule_id in FLAG_RULES:
        qs = qs.filter(rule_id=rule_id)
    if region:
        code = region.strip()
        code = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        qs = qs.filter(organization__authority_region__code__startswith=code)
    if q:
        qs = qs.filter(Q(organization__name__contains=q) | Q(subject__contains=q) | Q(organization__uscc=q.upper()))
    return qs.order_by("-raised_on", "-pk")


def governance_flags_for(actor: Actor, **filters: Any) -> QuerySet[Flag]:
    prefix = registry.officer_prefix(actor)
    return governance_flags_in(prefix, **filters) if prefix is not None else Flag.objects.none()


def open_flags_of(org: Organization) -> QuerySet[Flag]:
    return Flag.objects.filter(organization=org, rule_id__in=FLAG_RULES, cleared_on__isnull=True).order_by(
        "-raised_on", "-pk"
    )
