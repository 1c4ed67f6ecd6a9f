"""Reads of fee standards (FEE-1), scoped by the acting user.

Who sees what (decided here only):
- the association's own staff: all its standards (drafts, ballots, results);
- officers whose jurisdiction reaches the association: all, read-only;
- representatives of a current member: the standards the assembly adopted (in force, past
  or future), of the associations they are members of — FEE-1 publishes fees to members;
- everyone else (the public, other associations' staff and members): nothing (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from xiehui.core import params
from xiehui.core.errors import NotFound
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor, officer_prefix, staff_of, staff_organization

from .models import FeeStandard, FeeStandardStatus, FeeTier
from .rules_fees import publication_deadline
from .selectors import represented_organization_ids, voter_members

ADOPTED_STATUSES = (FeeStandardStatus.ADOPTED, FeeStandardStatus.SUPERSEDED)
TIERS = Prefetch("tiers", queryset=FeeTier.objects.order_by("position"))


def _base() -> QuerySet[FeeStandard]:
    return FeeStandard.objects.select_related("organization", "resolution").prefetch_related(TIERS)


def fee_standards_visible(actor: Actor, *, as_of: dt.date) -> QuerySet[FeeStandard]:
    """The standards this actor may see (see the module docstring)."""
    qs = _base()
    prefix = officer_prefix(actor)
    if prefix is not None:
        return qs.filter(organization__authority_region__code__startswith=prefix) if prefix else qs
    org = staff_organization(actor)
    if org is not None:
        return qs.filter(organization=org)
    orgs = represented_organization_ids(actor, as_of)
    if orgs:
        return qs.filter(organization_id__in=orgs, status__in=ADOPTED_STATUSES)
    return qs.none()


def may_see_fees_of(actor: Actor, organization: Organization, *, as_of: dt.date) -> bool:
    """Whether the actor may look at an association's fee standards at all (else: 404)."""
    if staff_of(actor, organization):
        return True
    prefix = officer_prefix(actor)
    if prefix is not None:
        return organization.authority_region_id.startswith(prefix)
    return organization.pk in represented_organization_ids(actor, as_of)


def may_see_drafts(actor: Actor, organization: Organization) -> bool:
    if staff_of(actor, organization):
        return True
    prefix = officer_prefix(actor)
    return prefix is not None and organization.authority_region_id.startswith(prefix)


def fee_standards_of(organization: Organization) -> QuerySet[FeeStandard]:
    """All standards of an association (staff's view), newest effective date first."""
    return _base().filter(organization=organization).order_by("-effective_on", "-pk")


@dataclass
class FeeFilters:
    q: str = ""
    status: str = ""


def fee_standard_list(
    *, actor: Actor, organization: Organization, filters: FeeFilters, as_of: dt.date
) -> QuerySet[FeeStandard]:
    """One association's standards the actor may see, filtered, newest effective date first."""
    if not may_see_fees_of(actor, organization, as_of=as_of):
        raise NotFound("未找到该协会的会费标准")
    qs = fee_standards_visible(actor, as_of=as_of).filter(organization=organization)
    if filters.q.strip():
        qs = qs.filter(title__icontains=filters.q.strip())
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-effective_on", "-pk")


def fee_standard_get(*, actor: Actor, pk: int, as_of: dt.date) -> FeeStandard:
    """One standard the actor may see, or NotFound."""
    standard = fee_standards_visible(actor, as_of=as_of).filter(pk=pk).first()
    if standard is None:
        raise NotFound("未找到该会费标准")
    return standard


def fee_standard_get_for_staff(*, actor: Actor, pk: int) -> FeeStandard:
    """One standard of the staff member's own association (the workspace never reaches another's)."""
    org = staff_organization(actor)
    standard = _base().filter(pk=pk, organization=org).first() if org is not None else None
    if standard is None:
        raise NotFound("未找到该会费标准")
    return standard


def _in_force(as_of: dt.date) -> Q:
    return Q(status__in=ADOPTED_STATUSES, effective_on__lte=as_of) & (
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=as_of)
    )


def fee_standard_in_force(organization: Organization, *, as_of: dt.date) -> FeeStandard | None:
    """The adopted standard with the latest effective date on or before `as_of`, not superseded by then."""
    return _base().filter(_in_force(as_of), organization=organization).order_by("-effective_on", "-pk").first()


def ballots_of(standard: FeeStandard) -> list[Any]:
    """The fee ballots held on this standard (voting.Ballot.fee_standard), newest first."""
    return list(standard.ballots.select_related("resolution").order_by("-opens_at", "-pk"))  # type: ignore[attr-defined]


# -- FEE-1 publication of the resolution to members ----------------------------------------------------------

ON_TIME, LATE, MISSING, DUE = "on_time", "late", "missing", "due"
PUBLICATION_LABELS = {
    ON_TIME: "已按时向会员公布",
    LATE: "逾期后向会员公布",
    MISSING: "逾期未向会员公布",
    DUE: "待向会员公布",
}


@dataclass(frozen=True)
class Publication:
    deadline: dt.date
    published_on: dt.date | None
    state: str

    @property
    def label(self) -> str:
        return PUBLICATION_LABELS[self.state]

    @property
    def reason(self) -> str:
        text = f"FEE-1：决议应于 {self.deadline:%Y-%m-%d} 前向全体会员公布"
        if self.published_on is not None:
            return f"{text}，已于 {self.published_on:%Y-%m-%d} 公布"
        return f"{text}，{'已逾期' if self.state == MISSING else '尚未公布'}"


def publication(standard: FeeStandard, *, as_of: dt.date, days: int | None = None) -> Publication | None:
    """Where FEE-1's publication of the adopting resolution stands (None: no passed resolution)."""
    resolution = standard.resolution
    if resolution is None or not resolution.passed:
        return None
    days = params.value("FEE-1.publication_days") if days is None else days
    deadline = publication_deadline(resolution.adopted_on, days)
    published = resolution.published_to_members_on
    if published is not None and published <= as_of:
        return Publication(deadline, published, ON_TIME if published <= deadline else LATE)
    return Publication(deadline, None, MISSING if as_of > deadline else DUE)


# -- the member's page -----------------------------------------------------------------------------------------


def member_fee_overview(user: Actor, *, as_of: dt.date) -> list[dict[str, Any]]:
    """For each association the user represents a current member of: the standard in force and the member's tier."""
    members = list(voter_members(user, as_of=as_of).order_by("organization_id", "pk"))
    if not members:
        return []
    org_ids = {m.organization_id for m in members}
    in_force: dict[int, FeeStandard] = {}
    for standard in _base().filter(_in_force(as_of), organization_id__in=org_ids).order_by("-effective_on", "-pk"):
        in_force.setdefault(standard.organization_id, standard)
    out = []
    for member in members:
        current = in_force.get(member.organization_id)
        tier = None
        if current is not None:
            tier = next((t for t in current.tiers.all() if t.member_class == member.member_class), None)
        out.append({"member": member, "organization": member.organization, "standard": current, "tier": tier})
    return out
