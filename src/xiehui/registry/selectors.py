"""Reads of the register, scoped by the acting user (conventions: selectors take the actor).

Visibility is decided here and nowhere else:
- the public register (every organisation, every status) is visible to anyone;
- an officer's console reaches bodies whose authority is within the officer's
  region prefix; deciding (approvals, changes) needs the exact authority;
- association staff reach their own association only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr

from xiehui.core.errors import NotFound
from xiehui.core.models import Industry, Level, Region, Role, User
from xiehui.core.selectors import capped_count as capped_count  # re-exported for the faces

from . import rules, search
from .models import (
    ApplicationStatus,
    ChangeFiling,
    FilingStatus,
    Organization,
    OrganizationStatus,
    RegistrationApplication,
)

Actor = User | AnonymousUser | None


def is_officer(actor: Actor) -> bool:
    return actor is not None and actor.is_authenticated and getattr(actor, "role", None) == Role.OFFICER


def as_officer(actor: Actor) -> User | None:
    return cast(User, actor) if is_officer(actor) else None


def officer_prefix(actor: Actor) -> str | None:
    officer = as_officer(actor)
    return officer.jurisdiction_prefix if officer is not None else None


def officer_decides(actor: Actor, *, authority_region_id: str, level: str) -> bool:
    """Only the registering authority itself decides (same region and level)."""
    officer = as_officer(actor)
    return officer is not None and (officer.jurisdiction_region_id, officer.jurisdiction_level) == (
        authority_region_id,
        level,
    )


def staff_organization(actor: Actor) -> Organization | None:
    if actor is None or not actor.is_authenticated or getattr(actor, "role", None) != Role.STAFF:
        return None
    assignment = getattr(actor, "staff_assignment", None)
    return assignment.organization if assignment is not None else None


def staff_of(actor: Actor, organization: Organization) -> bool:
    org = staff_organization(actor)
    return org is not None and org.pk == organization.pk


@dataclass
class OrganizationFilters:
    q: str = ""
    region: str = ""
    industry: str = ""
    level: str = ""
    status: str = ""
    kind: str = ""


def in_jurisdiction(qs: QuerySet[Organization], prefix: str) -> QuerySet[Organization]:
    """Bodies registered by an authority at or below the region-code prefix ('' = everywhere)."""
    return qs.filter(authority_region__code__startswith=prefix) if prefix else qs


def _public_base() -> QuerySet[Organization]:
    return Organization.objects.select_related("region", "authority_region")


def organization_search(*, actor: Actor, filters: OrganizationFilters, scope: str = "public") -> QuerySet[Organization]:
    """The register filtered; `scope="jurisdiction"` limits it to an officer's reach."""
    qs = _public_base()
    if scope == "jurisdiction":
        prefix = officer_prefix(actor)
        if prefix is None:
            return qs.none()
        qs = in_jurisdiction(qs, prefix)
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").upper()
        if len(compact) == 18 and compact[:2].isdigit():
            qs = qs.filter(uscc=compact)
        else:
            qs = search.filter_by_name(qs, q)
    if filters.region:
        # '371000' and '3710' mean 威海 (prefix 3710), not every code starting 371 (rstrip('0') did that).
        code = filters.region
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        qs = qs.filter(region__code__startswith=prefix)
    if filters.industry:
        # A section matches through a subquery: a join would list a body once per division it is in.
        links = Organization.industries.through.objects
        qs = (
            qs.filter(industries__code=filters.industry)
            if len(filters.industry) == 2 and filters.industry.isdigit()
            else qs.filter(pk__in=links.filter(industry__section_id=filters.industry).values("organization_id"))
        )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("id")


def organization_get(*, actor: Actor, uscc: str) -> Organization:
    """One organisation of the public register by USCC (the register is public)."""
    org = (
        _public_base()
        .select_related("legal_representative")
        .prefetch_related(Prefetch("industries", queryset=Industry.objects.order_by("code")))
        .filter(uscc=uscc.strip().upper())
        .first()
    )
    if org is None:
        raise NotFound("未找到该统一社会信用代码对应的社会团体")
    return org


def organizations_by_id(ids: list[int]) -> dict[int, Organization]:
    """Organisations of the public register by id, loaded as `organization_get` loads one (for feeds)."""
    qs = (
        _public_base()
        .select_related("legal_representative")
        .prefetch_related(Prefetch("industries", queryset=Industry.objects.order_by("code")))
    )
    return qs.in_bulk(ids)


def organization_get_for_officer(*, actor: Actor, uscc: str) -> Organization:
    org = organization_get(actor=actor, uscc=uscc)
    prefix = officer_prefix(actor)
    if prefix is None or not org.authority_region_id.startswith(prefix):
        raise NotFound("未找到该统一社会信用代码对应的社会团体")
    return org


def item_history(org: Organization) -> QuerySet:
    return org.item_history.order_by("-effective_on", "-id")


def identical_names(
    *, name: str, authority_region: Region, exclude_org: int | None, exclude_application: int | None
) -> str | None:
    """An identical registered name or pending application at the same authority (REG-2).

    Latin letters compare without case (济南市BIM协会 = 济南市bim协会)."""
    org = (
        Organization.objects.filter(
            authority_region=authority_region, name__iexact=name, status=OrganizationStatus.REGISTERED
        )
        .exclude(pk=exclude_org or 0)
        .first()
    )
    if org is not None:
        return org.name
    app = (
        RegistrationApplication.objects.filter(
            authority_region=authority_region,
            name__iexact=name,
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.INCOMPLETE],
        )
        .exclude(pk=exclude_application or 0)
        .first()
    )
    return app.name if app is not None else None


def similar_names(
    *, name: str, authority_region: Region, exclude_application: int | None = None, limit: int = 10
) -> list[tuple[Organization, float]]:
    """Registered names in the same area with the same business words: shown to the officer, not refused."""
    region_names = rules.region_name_forms(
        [r.name for r in Region.objects.filter(code__in=_ancestor_codes(authority_region.code))]
    )
    core = rules.name_core(name, region_names)
    if not core:
        return []
    candidates = Organization.objects.filter(
        authority_region=authority_region, status=OrganizationStatus.REGISTERED
    ).only("id", "name", "uscc")
    core_grams = search.bigrams(core)
    if core_grams:
        q = Q()
        for gram in core_grams[:6]:
            q |= Q(name__contains=gram)
        candidates = candidates.filter(q)
    scored = [(o, rules.name_similarity(core, rules.name_core(o.name, region_names))) for o in candidates[:2000]]
    return sorted([s for s in scored if s[1] >= 0.5], key=lambda s: -s[1])[:limit]


def _ancestor_codes(code: str) -> list[str]:
    return [code[:2] + "0000", code[:4] + "00", code]


def application_queue(*, actor: Actor, status: str = "", as_of: dt.date) -> QuerySet[RegistrationApplication]:
    """Applications the officer's authority decides, oldest deadline first."""
    officer = as_officer(actor)
    if officer is None:
        return RegistrationApplication.objects.none()
    qs = RegistrationApplication.objects.filter(
        authority_region_id=officer.jurisdiction_region_id, level=officer.jurisdiction_level
    ).select_related("region", "authority_region")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def application_get(*, actor: Actor, pk: int) -> RegistrationApplication:
    """An application visible to its authority's officers and to the user who filed it."""
    app = (
        RegistrationApplication.objects.select_related(
            "region", "authority_region", "legal_representative", "organization", "decided_by"
        )
        .prefetch_related("industries", "documents")
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise NotFound("未找到该申请")
    if officer_decides(actor, authority_region_id=app.authority_region_id, level=app.level):
        return app
    if actor is not None and actor.is_authenticated and app.applicant_id == actor.pk:
        return app
    raise NotFound("未找到该申请")


def application_by_code(code: str) -> RegistrationApplication:
    """Anyone holding the tracking code may follow the application."""
    app = (
        RegistrationApplication.objects.select_related("authority_region", "organization")
        .filter(tracking_code=code.strip().upper())
        .first()
    )
    if app is None:
        raise NotFound("未找到该受理编号对应的申请，请核对编号")
    return app


def applications_of(actor: Actor) -> QuerySet[RegistrationApplication]:
    if actor is None or not actor.is_authenticated:
        return RegistrationApplication.objects.none()
    return RegistrationApplication.objects.filter(applicant=actor).select_related("authority_region")


def change_filing_queue(*, actor: Actor, status: str = "") -> QuerySet[ChangeFiling]:
    officer = as_officer(actor)
    if officer is None:
        return ChangeFiling.objects.none()
    qs = ChangeFiling.objects.filter(
        organization__authority_region_id=officer.jurisdiction_region_id,
        organization__level=officer.jurisdiction_level,
    ).select_related("organization", "new_legal_representative", "filed_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "filed_at", "id")


def change_filings_of(*, actor: Actor, organization: Organization) -> QuerySet[ChangeFiling]:
    if not staff_of(actor, organization):
        return ChangeFiling.objects.none()
    return organization.change_filings.select_related("new_legal_representative").order_by("-filed_at")


def change_filing_get(*, actor: Actor, pk: int) -> ChangeFiling:
    filing = (
        ChangeFiling.objects.select_related(
            "organization", "organization__legal_representative", "new_legal_representative", "filed_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if filing is None:
        raise NotFound("未找到该变更申请")
    org = filing.organization
    if staff_of(actor, org) or officer_decides(actor, authority_region_id=org.authority_region_id, level=org.level):
        return filing
    raise NotFound("未找到该变更申请")


def register_figures() -> dict[str, int]:
    """Key figures for the portal's home page."""
    agg = Organization.objects.aggregate(
        total=Count("id"),
        registered=Count("id", filter=Q(status=OrganizationStatus.REGISTERED)),
        provincial=Count("id", filter=Q(level=Level.PROVINCIAL, status=OrganizationStatus.REGISTERED)),
        chambers=Count("id", filter=Q(kind="chamber", status=OrganizationStatus.REGISTERED)),
    )
    agg["pending"] = RegistrationApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count()
    return agg


def counts_by_city(prefix: str) -> list[tuple[str, str, int]]:
    """Registered bodies per prefecture-level city of a province (the home page chart): two queries."""
    per_city = dict(
        Organization.objects.filter(region__code__startswith=prefix, status=OrganizationStatus.REGISTERED)
        .annotate(city=Substr("region_id", 1, 4))
        .values_list("city")
        .annotate(n=Count("id"))
        .values_list("city", "n")
    )
    cities = Region.objects.filter(code__startswith=prefix, kind=Region.Kind.CITY).order_by("code")
    return [(c.code, c.name, per_city.get(c.code[:4], 0)) for c in cities]


def pending_filings_count(actor: Actor) -> int:
    return change_filing_queue(actor=actor, status=FilingStatus.SUBMITTED).count()
