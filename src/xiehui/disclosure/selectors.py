"""Disclosure reads: who may see what (DIS-1 public, DIS-2 members only), versions, and DIS-3 figures as of a date.

Visibility is answered here only. Members-only items are readable by the
representatives of current members, the association's own staff and officers
whose jurisdiction covers it; for everyone else they do not exist (404).
Drafts are seen by the association's staff only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.membership import selectors as membership
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from . import catalogue, sources
from .models import ChangeKind, Disclosure, DisclosureVersion
from .rules import Facts, Timeliness, timeliness


def reads_members_only(actor: Actor, organization: Organization, as_of: dt.date) -> bool:
    """DIS-2: may this actor read the association's members-only items?"""
    if registry.staff_of(actor, organization):
        return True
    prefix = registry.officer_prefix(actor)
    if prefix is not None and organization.authority_region_id.startswith(prefix):
        return True
    return membership.represents_member_of(actor, organization, as_of)


def published_of(
    *,
    actor: Actor,
    organization: Organization,
    as_of: dt.date,
    item_type: str = "",
    q: str = "",
    year: int | None = None,
    members: bool | None = None,
) -> QuerySet[Disclosure]:
    """The association's published items the actor may read, newest first, with their current version.

    `members` passes an answer of `reads_members_only` the caller already has; `year` is the year of the
    latest publication (Shanghai time).
    """
    qs = Disclosure.objects.filter(organization=organization, current__isnull=False).select_related("current")
    if not (reads_members_only(actor, organization, as_of) if members is None else members):
        qs = qs.filter(members_only=False)
    if item_type:
        qs = qs.filter(item_type=item_type)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(period__icontains=q))
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=clock.SHANGHAI)
        qs = qs.filter(published_at__gte=start, published_at__lt=start.replace(year=year + 1))
    return qs.order_by("-published_at", "-pk")


def disclosure_get(*, actor: Actor, organization: Organization, pk: int, as_of: dt.date) -> Disclosure:
    """One item: published and readable by the actor, or (for the association's staff) any of its items."""
    disclosure = (
        Disclosure.objects.select_related("current", "organization").filter(organization=organization, pk=pk).first()
    )
    if disclosure is None:
        raise NotFound("未找到该公开事项")
    if registry.staff_of(actor, organization):
        return disclosure
    if not disclosure.is_published or (disclosure.members_only and not reads_members_only(actor, organization, as_of)):
        raise NotFound("未找到该公开事项")
    return disclosure


def staff_disclosure_get(*, actor: Actor, pk: int) -> Disclosure:
    """An item of the actor's own association (workspace)."""
    org = registry.staff_organization(actor)
    disclosure = Disclosure.objects.select_related("current", "organization").filter(pk=pk).first()
    if org is None or disclosure is None or disclosure.organization_id != org.pk:
        raise NotFound("未找到该公开事项")
    return disclosure


def staff_version_get(*, actor: Actor, pk: int) -> DisclosureVersion:
    """A version of an item of the actor's own association (workspace)."""
    org = registry.staff_organization(actor)
    version = DisclosureVersion.objects.select_related("disclosure__organization").filter(pk=pk).first()
    if org is None or version is None or version.disclosure.organization_id != org.pk:
        raise NotFound("未找到该版本")
    return version


def versions_of(disclosure: Disclosure, *, with_draft: bool = False) -> QuerySet[DisclosureVersion]:
    """Published versions newest first (DIS-4: all stay visible), and the draft for the association's staff."""
    qs = disclosure.versions.select_related("published_by")
    return qs if with_draft else qs.filter(published_at__isnull=False)


def draft_of(disclosure: Disclosure) -> DisclosureVersion | None:
    return disclosure.versions.filter(published_at__isnull=True).first()


def workspace_items(*, organization: Organization, item_type: str = "", q: str = "") -> QuerySet[Disclosure]:
    """All of the association's items with their current version, drafts included (workspace list)."""
    qs = Disclosure.objects.filter(organization=organization).select_related("current")
    if item_type:
        qs = qs.filter(item_type=item_type)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(period__icontains=q))
    return qs.order_by("item_type", "-period", "-pk")


def with_drafts(items: Iterable[Disclosure]) -> list[tuple[Disclosure, DisclosureVersion | None]]:
    """Pair each item with its pending draft (one query for the page)."""
    items = list(items)
    drafts = {
        v.disclosure_id: v for v in DisclosureVersion.objects.filter(disclosure__in=items, published_at__isnull=True)
    }
    return [(item, drafts.get(item.pk)) for item in items]


# --- DIS-3 ------------------------------------------------------------------------------------------


def _facts_many(registered: dict[int, dt.date], as_of: dt.date) -> dict[int, Facts]:
    """Load DIS-3 facts for many associations in a fixed number of queries.

    The queries clear the models' default ordering: it would join the register and sort by USCC for nothing
    (docs/benchmarks.md, "Disclosure timeliness").
    """
    ids = list(registered)
    facts = {org_id: Facts(registered_on=day) for org_id, day in registered.items()}
    end = clock.day_end(as_of)
    rows = (
        Disclosure.objects.filter(organization_id__in=ids, slot__isnull=False, first_published_at__lte=end)
        .order_by()
        .values_list("organization_id", "item_type", "period", "first_published_at")
    )
    for org_id, code, period, first in rows:
        if first is not None:  # filtered by the query; the column is nullable
            facts[org_id].first_published[(code, period)] = clock.local_date(first)
    changes = (
        DisclosureVersion.objects.filter(
            Q(disclosure__slot__isnull=True, number=1) | Q(change_kind=ChangeKind.UPDATE),
            disclosure__organization_id__in=ids,
            published_at__lte=end,
            effective_on__isnull=False,
        )
        .order_by()
        .values_list(
            "disclosure__organization_id", "disclosure__item_type", "disclosure__title", "effective_on", "published_at"
        )
    )
    for org_id, code, title, happened_on, published_at in changes:
        if happened_on is not None and published_at is not None:  # filtered by the query
            facts[org_id].events.append((code, title, happened_on, clock.local_date(published_at)))
    for item in catalogue.TYPES:
        if item.source:
            for org_id, periods in sources.published_days(item.source, ids, as_of).items():
                for period, day in periods.items():
                    facts[org_id].first_published[(item.code, period)] = day
    return facts


BATCH = 2000


def timeliness_of(organization: Organization, as_of: dt.date) -> Timeliness:
    """DIS-3 for one association as of a day (what the association, officers and the public page show)."""
    return timeliness_many([organization], as_of)[organization.pk]


def timeliness_many(organizations: Sequence[Organization], as_of: dt.date) -> dict[int, Timeliness]:
    """DIS-3 for many associations as of a day; later domains (grade evaluation) read the figures from here."""
    values = params.values("DIS-3")
    memo: dict[Any, Any] = {}
    out: dict[int, Timeliness] = {}
    for start in range(0, len(organizations), BATCH):  # bounded IN lists (SQLite allows 32,766 parameters)
        chunk = organizations[start : start + BATCH]
        facts = _facts_many({org.pk: org.registered_on for org in chunk}, as_of)
        out.update((org_id, timeliness(f, as_of, values, memo)) for org_id, f in facts.items())
    return out


@dataclass
class OrgTimeliness:
    organization: Organization
    timeliness: Timeliness


SORTS = {
    "completeness": lambda r: (r.timeliness.completeness, r.organization.uscc),
    "-completeness": lambda r: (-r.timeliness.completeness, r.organization.uscc),
    "missing": lambda r: (-r.timeliness.missing, r.organization.uscc),
    "late": lambda r: (-r.timeliness.late, r.organization.uscc),
    "name": lambda r: (r.organization.name, r.organization.uscc),
}


# DIS-3 is computed live for the date asked (about 0.2 ms an association, docs/benchmarks.md): beyond this
# many associations an officer narrows the table by region or name first.
JURISDICTION_LIMIT = 20_000


def jurisdiction_timeliness(
    *, actor: Actor, as_of: dt.date, q: str = "", region: str = "", sort: str = "completeness"
) -> list[OrgTimeliness]:
    """DIS-3 across an officer's jurisdiction (registered associations), sortable; empty for non-officers.

    `region` narrows to authorities under a region-code prefix (within the jurisdiction, never beyond it).
    """
    prefix = registry.officer_prefix(actor)
    if prefix is None:
        return []
    orgs = registry.in_jurisdiction(Organization.objects.filter(status="registered"), prefix)
    if region:
        orgs = orgs.filter(authority_region__code__startswith=region)
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    count = orgs.count()
    if count > JURISDICTION_LIMIT:
        raise ApplicationError(
            f"所选范围内有 {count:,} 个社会团体，超过一次统计的上限 {JURISDICTION_LIMIT:,} 个；"
            "请选择地区或输入名称缩小范围",
            code="too_many_organizations",
            field="region",
        )
    orgs_list = list(orgs.only("id", "uscc", "name", "registered_on", "authority_region_id"))
    figures = timeliness_many(orgs_list, as_of)
    rows = [OrgTimeliness(org, figures[org.pk]) for org in orgs_list]
    return sorted(rows, key=SORTS.get(sort, SORTS["completeness"]))
