"""Reads of self-regulation norms and the integrity body, scoped by the acting user.

Visibility is decided here:
- a norm with a published version is public, and so are its published versions
  (repealed norms too, marked as such);
- a version not yet published (draft, or adopted and awaiting publication) and a
  norm never published are seen by the association's own staff and, read-only,
  by officers whose jurisdiction reaches the association; everyone else gets 404;
- the integrity body is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from xiehui.core.errors import NotFound
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor, officer_prefix, staff_of, staff_organization

from .models import IntegrityBody, Norm, NormKind, NormVersion

STATUS_LABELS = {"draft": "草案", "adopted": "已通过待发布", "published": "现行有效", "repealed": "已废止"}
KIND_ORDER = Case(
    *(When(kind=value, then=Value(index)) for index, value in enumerate(NormKind.values)),
    default=Value(99),
    output_field=IntegerField(),
)
REPEALED_LAST = Case(When(repealed_on__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())


def may_see_unpublished(actor: Actor, organization: Organization) -> bool:
    """The association's own staff, and officers whose jurisdiction reaches it (read-only)."""
    if staff_of(actor, organization):
        return True
    prefix = officer_prefix(actor)
    return prefix is not None and organization.authority_region_id.startswith(prefix)


def _unpublished_reach(actor: Actor) -> Q | None:
    """The norms whose unpublished versions the actor may see, as a filter (None: none)."""
    prefix = officer_prefix(actor)
    if prefix is not None:
        return Q(organization__authority_region__code__startswith=prefix) if prefix else Q()
    org = staff_organization(actor)
    return Q(organization=org) if org is not None else None


def _unpublished() -> QuerySet[NormVersion]:
    """The unpublished version of the norm in the outer query (there is at most one)."""
    return NormVersion.objects.filter(norm=OuterRef("pk"), published_at__isnull=True)


def _with_pending(qs: QuerySet[Norm]) -> QuerySet[Norm]:
    """Annotate `pending_state`: 'draft' or 'adopted' for the unpublished version, if any."""
    pending = _unpublished().annotate(
        s=Case(When(adopted_at__isnull=False, then=Value("adopted")), default=Value("draft"))
    )
    return qs.annotate(pending_state=Subquery(pending.values("s")[:1]))


def norms_visible(actor: Actor) -> QuerySet[Norm]:
    """The norms this actor may see: every published norm, plus the drafts within the actor's reach."""
    qs = _with_pending(Norm.objects.select_related("organization", "current"))
    reach = _unpublished_reach(actor)
    return qs.filter(Q(current__isnull=False) | reach) if reach is not None else qs.filter(current__isnull=False)


def norm_state(norm: Norm) -> str:
    """'repealed', 'published' (has a current version), or the state of its only version: 'adopted', 'draft'."""
    if norm.repealed_on is not None:
        return "repealed"
    if norm.current_id is not None:
        return "published"
    return getattr(norm, "pending_state", None) or "draft"


def norm_state_label(norm: Norm) -> str:
    return STATUS_LABELS[norm_state(norm)]


@dataclass
class NormFilters:
    q: str = ""
    kind: str = ""
    status: str = ""


def _filtered(qs: QuerySet[Norm], filters: NormFilters) -> QuerySet[Norm]:
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    status = filters.status
    if status == "repealed":
        qs = qs.filter(repealed_on__isnull=False)
    elif status == "published":
        qs = qs.filter(current__isnull=False, repealed_on__isnull=True)
    elif status in ("draft", "adopted"):
        qs = qs.filter(Exists(_unpublished().filter(adopted_at__isnull=status == "draft")), current__isnull=True)
    elif status == "pending":  # anything awaiting a meeting or publication, amendments included
        qs = qs.filter(Exists(_unpublished()))
    return qs


UNPUBLISHED_STATUSES = ("draft", "adopted", "pending")
NORM_ORDERING = ("repealed_last", "kind_order", "title", "pk")


def norm_list(*, actor: Actor, organization: Organization, filters: NormFilters) -> QuerySet[Norm]:
    """One association's norms visible to the actor, filtered; in force first, by kind, then title."""
    qs = norms_visible(actor).filter(organization=organization)
    if filters.status in UNPUBLISHED_STATUSES and not may_see_unpublished(actor, organization):
        # asking for what awaits a meeting or publication must not reveal that an amendment is under way
        qs = qs.none()
    # Annotated, not ordered by the expressions, so that the API's keyset cursor can carry them (core/cursor.py).
    qs = _filtered(qs, filters).annotate(repealed_last=REPEALED_LAST, kind_order=KIND_ORDER)
    return qs.order_by(*NORM_ORDERING)


def norm_get(*, actor: Actor, pk: int, organization: Organization | None = None) -> Norm:
    """One norm the actor may see (of `organization` when given), or NotFound."""
    qs = norms_visible(actor).select_related("organization__authority_region")
    if organization is not None:
        qs = qs.filter(organization=organization)
    norm = qs.filter(pk=pk).first()
    if norm is None:
        raise NotFound("未找到该自律规范")
    return norm


def norm_get_for_staff(*, actor: Actor, pk: int) -> Norm:
    """One norm of the staff member's own association (the workspace never reaches another's)."""
    org = staff_organization(actor)
    if org is None:
        raise NotFound("未找到该自律规范")
    return norm_get(actor=actor, pk=pk, organization=org)


def version_get(*, actor: Actor, pk: int) -> NormVersion:
    """One version: published ones to anyone, unpublished ones to those who may see them; else NotFound."""
    version = NormVersion.objects.select_related("norm__organization", "norm__current").filter(pk=pk).first()
    if version is None or (version.published_at is None and not may_see_unpublished(actor, version.norm.organization)):
        raise NotFound("未找到该版本")
    return version


def version_get_for_staff(*, actor: Actor, pk: int) -> NormVersion:
    version = version_get(actor=actor, pk=pk)
    if not staff_of(actor, version.norm.organization):
        raise NotFound("未找到该版本")
    return version


def norm_versions(*, actor: Actor, norm: Norm) -> list[NormVersion]:
    """A norm's versions, newest first: the published ones, and the unpublished one for those who may see it."""
    qs = norm.versions.select_related("published_by").order_by("-number")
    if not may_see_unpublished(actor, norm.organization):
        qs = qs.filter(published_at__isnull=False)
    return list(qs)


def published_versions(norm: Norm) -> list[NormVersion]:
    return list(norm.versions.filter(published_at__isnull=False).order_by("-number"))


def pending_version(norm: Norm) -> NormVersion | None:
    return norm.versions.filter(published_at__isnull=True).first()


def public_norms_by_kind(organization: Organization, *, limit: int = 200) -> list[dict[str, Any]]:
    """The association's published norms grouped by kind in catalogue order; repealed ones last in each group."""
    qs = (
        Norm.objects.filter(organization=organization, current__isnull=False)
        .select_related("current")
        .order_by(KIND_ORDER, REPEALED_LAST, "title", "pk")[:limit]
    )
    groups: dict[str, dict[str, Any]] = {}
    for norm in qs:
        group = groups.setdefault(norm.kind, {"kind": norm.kind, "label": norm.get_kind_display(), "norms": []})
        group["norms"].append(norm)
    return list(groups.values())


def integrity_body_of(organization: Organization) -> IntegrityBody | None:
    return IntegrityBody.objects.filter(organization=organization).first()
