"""Reads of the credit lists, scoped by the actor, and the effect function other domains call (CR-E).

Visibility is decided here and nowhere else:
- the public (portal, public API) sees current listings only: a removed listing
  is no longer published (CR-R);
- officers see every listing, current or ended, whose authority is within
  their region prefix;
- an association's staff see their own association's listings, ended ones too;
- department users (joint punishment) see an association's history and the feed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiehui.core import engine
from xiehui.core.cursor import keyset_page
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import AuditEntry, Role
from xiehui.registry import search
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from .models import Decision, EndReason, Listing, ListKind, Objection, RemovalApplication, RequestStatus

Actor = registry.Actor
PENDING = (RequestStatus.SUBMITTED, RequestStatus.VERIFIED)


# -- the effect function (CR-E) ------------------------------------------------------------------------


def _in_force(as_of: dt.date) -> Q:
    """Listed on `as_of`: the start day is included, the end day is not."""
    return Q(start_on__lte=as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))


CORRECTED = EndReason.OBJECTION_UPHELD


def listings_as_of(organization_id: int, as_of: dt.date, list_kind: str | None = None) -> list[Listing]:
    """The association's listings in force on a date (other domains call this for CR-E effects).

    A listing corrected on objection (CR-O) never had effect, so it is never in force.
    """
    qs = Listing.objects.filter(_in_force(as_of), organization_id=organization_id).exclude(end_reason=CORRECTED)
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    return list(qs.order_by("start_on", "pk"))


def is_listed(organization_id: int, as_of: dt.date, list_kind: str | None = None) -> bool:
    """Whether the association is on a list (either, or the one given) on a date."""
    qs = Listing.objects.filter(_in_force(as_of), organization_id=organization_id).exclude(end_reason=CORRECTED)
    return (qs.filter(list_kind=list_kind) if list_kind else qs).exists()


def why(listing: Listing) -> dict[str, Any]:
    """Why the association is listed: the rule, its basis as cited, parameters, facts and the dates."""
    answer = engine.explain(rule_id=listing.rule_id, facts=listing.facts, parameters=listing.parameters)
    answer["basis"] = listing.basis or answer["basis"]
    answer.update(
        list_kind=listing.list_kind,
        ground=listing.ground,
        ground_label=listing.get_ground_display(),
        start_on=listing.start_on,
        earliest_removal_on=listing.earliest_removal_on,
        auto_removal_on=listing.auto_removal_on,
        ended_on=listing.ended_on,
        end_reason=listing.end_reason,
    )
    return answer


# -- lists ---------------------------------------------------------------------------------------------


@dataclass
class ListingFilters:
    list_kind: str = ""
    region: str = ""  # region code or prefix of the association's domicile
    ground: str = ""
    since: dt.date | None = None  # start date from
    until: dt.date | None = None  # start date to (inclusive)
    q: str = ""  # name or USCC
    state: str = ""  # officers only: "current", "ended" or "" (all)


def region_prefix(code: str) -> str:
    """'370200' and '3702' mean 青岛 (prefix 3702); a province code means the province."""
    code = code.strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def _base() -> QuerySet[Listing]:
    return Listing.objects.select_related("organization", "organization__region")


def _filter(qs: QuerySet[Listing], filters: ListingFilters) -> QuerySet[Listing]:
    if filters.list_kind:
        qs = qs.filter(list_kind=filters.list_kind)
    if filters.ground:
        qs = qs.filter(ground=filters.ground)
    if filters.region:
        qs = qs.filter(organization__region__code__startswith=region_prefix(filters.region))
    if filters.since:
        qs = qs.filter(start_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(start_on__lte=filters.until)
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").upper()
        if len(compact) == 18 and compact[:2].isdigit():
            qs = qs.filter(organization__uscc=compact)
        else:
            # The lists are small beside the register: a substring match per term is enough.
            for term in search.terms(q):
                qs = qs.filter(organization__name__icontains=term)
    return qs


def public_listings(*, filters: ListingFilters, as_of: dt.date) -> QuerySet[Listing]:
    """The published lists: listings in force only (CR-P; removed ones are not shown, CR-R)."""
    return _filter(_base().filter(_in_force(as_of)), filters).order_by("-start_on", "-id")


def officer_listings(*, actor: Actor, filters: ListingFilters, as_of: dt.date) -> QuerySet[Listing]:
    """Listings of associations within the officer's jurisdiction, ended ones included."""
    prefix = registry.officer_prefix(actor)
    if prefix is None:
        return Listing.objects.none()
    qs = _base().filter(authority_region__code__startswith=prefix)
    if filters.state == "current":
        qs = qs.filter(_in_force(as_of))
    elif filters.state == "ended":
        qs = qs.filter(ended_on__lte=as_of)
    return _filter(qs, filters).order_by("-start_on", "-id")


def in_jurisdiction(actor: Actor, authority_region_id: str) -> bool:
    prefix = registry.officer_prefix(actor)
    return prefix is not None and authority_region_id.startswith(prefix)


def sees_history(actor: Actor, organization: Organization) -> bool:
    """Ended listings: the authority's officers, the association itself, and departments (joint punishment)."""
    if in_jurisdiction(actor, organization.authority_region_id) or registry.staff_of(actor, organization):
        return True
    return actor is not None and actor.is_authenticated and getattr(actor, "role", None) == Role.DEPARTMENT


def organization_listings(*, actor: Actor, organization: Organization, as_of: dt.date) -> dict[str, Any]:
    """An association's current listings, and its history for those who may see it."""
    qs = Listing.objects.filter(organization=organization).select_related("organization").prefetch_related("decisions")
    current = [lst for lst in qs if lst.start_on <= as_of and (lst.ended_on is None or lst.ended_on > as_of)]
    history = list(qs) if sees_history(actor, organization) else None
    return {"current": current, "history": history}


def listing_get(*, actor: Actor, pk: int) -> Listing:
    """One listing, for its association's staff and the officers of the jurisdiction."""
    listing = (
        Listing.objects.select_related("organization", "organization__region", "authority_region", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if listing is None or not (
        in_jurisdiction(actor, listing.authority_region_id) or registry.staff_of(actor, listing.organization)
    ):
        raise NotFound("未找到该名录记录")
    return listing


def decision_get(*, actor: Actor, ref: str) -> Decision:
    """A decision by its number or id, for the association's staff and the officers of the jurisdiction."""
    qs = Decision.objects.select_related("listing", "listing__organization")
    decision = qs.filter(pk=int(ref)).first() if ref.isascii() and ref.isdigit() else qs.filter(number=ref).first()
    if decision is None or not (
        in_jurisdiction(actor, decision.authority_region_id) or registry.staff_of(actor, decision.listing.organization)
    ):
        raise NotFound("未找到该决定书")
    return decision


def decisions_of(listing: Listing) -> list[Decision]:
    return list(listing.decisions.order_by("issued_on", "pk"))


# -- queues --------------------------------------------------------------------------------------------


def removal_queue(*, actor: Actor, status: str = "") -> QuerySet[RemovalApplication]:
    """Removal applications of the jurisdiction, pending first, by decision due date."""
    prefix = registry.officer_prefix(actor)
    if prefix is None:
        return RemovalApplication.objects.none()
    qs = RemovalApplication.objects.filter(listing__authority_region__code__startswith=prefix).select_related(
        "listing", "listing__organization", "filed_by"
    )
    if status == "pending":
        qs = qs.filter(status__in=PENDING)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "decision_due_on", "filed_on", "id")


def removal_get(*, actor: Actor, pk: int) -> RemovalApplication:
    app = RemovalApplication.objects.select_related("listing", "listing__organization").filter(pk=pk).first()
    if app is None or not (
        in_jurisdiction(actor, app.listing.authority_region_id) or registry.staff_of(actor, app.listing.organization)
    ):
        raise NotFound("未找到该移出申请")
    return app


def objection_queue(*, actor: Actor, status: str = "") -> QuerySet[Objection]:
    """Objections of the jurisdiction, pending first, by due date (CR-O)."""
    prefix = registry.officer_prefix(actor)
    if prefix is None:
        return Objection.objects.none()
    qs = Objection.objects.filter(listing__authority_region__code__startswith=prefix).select_related(
        "listing", "listing__organization", "filed_by"
    )
    if status == "pending":
        qs = qs.filter(status__in=PENDING)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def objection_get(*, actor: Actor, pk: int) -> Objection:
    objection = Objection.objects.select_related("listing", "listing__organization").filter(pk=pk).first()
    if objection is None or not (
        in_jurisdiction(actor, objection.listing.authority_region_id)
        or registry.staff_of(actor, objection.listing.organization)
    ):
        raise NotFound("未找到该异议")
    return objection


def console_figures(*, actor: Actor, as_of: dt.date) -> dict[str, int]:
    """Counts for the console's home page, within the jurisdiction: three queries."""
    prefix = registry.officer_prefix(actor) or ""
    listed = Listing.objects.filter(_in_force(as_of), authority_region__code__startswith=prefix).aggregate(
        abnormal=Count("id", filter=Q(list_kind=ListKind.ABNORMAL)),
        serious=Count("id", filter=Q(list_kind=ListKind.SERIOUS)),
    )
    removals = removal_queue(actor=actor, status="pending").aggregate(
        pending=Count("id"), overdue=Count("id", filter=Q(decision_due_on__lt=as_of))
    )
    objections = objection_queue(actor=actor, status="pending").aggregate(
        pending=Count("id"), overdue=Count("id", filter=Q(due_on__lt=as_of))
    )
    return {
        "abnormal": listed["abnormal"],
        "serious": listed["serious"],
        "removals_pending": removals["pending"],
        "removals_overdue": removals["overdue"],
        "objections_pending": objections["pending"],
        "objections_overdue": objections["overdue"],
    }


# -- the published lists' pages and the events feed ------------------------------------------------------


# The events feed keeps its own cursor (an audit sequence number): departments save it between runs.


def encode_cursor(*parts: Any) -> str:
    raw = json.dumps([p.isoformat() if isinstance(p, dt.date) else p for p in parts], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "cursor") -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(parts, list) or len(parts) != 2 or not isinstance(parts[1], int):
            raise ValueError(cursor)
        return parts
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApplicationError("游标无效，请使用上一页返回的 next_cursor", code="invalid_cursor", field=field) from exc


def list_page(qs: QuerySet[Listing], *, cursor: str, limit: int) -> tuple[list[Listing], str | None]:
    """Keyset page over (start_on desc, id desc) (core/cursor.py): inserts never shift or repeat rows already paged."""
    return keyset_page(qs, ordering=("-start_on", "-id"), cursor=cursor, limit=limit)


EVENT_ACTIONS = {"credit.listing.opened": "opened", "credit.listing.ended": "ended"}


def events_page(*, actor: Actor, since: str, limit: int) -> tuple[list[tuple[str, dt.datetime, Listing]], str | None]:
    """Listings opened or ended after the cursor, in the order they were committed.

    The feed reads the audit chain: its sequence is assigned under a lock held to
    commit, so an event can never appear behind a cursor already handed out (a
    timestamp could: a long run stamps rows before it commits them). Officers see
    their jurisdiction, departments the whole register. A page may hold fewer
    than `limit` items; go on while `next_cursor` changes.
    """
    after = int(decode_cursor(since, field="since")[1]) if since else 0
    entries = list(
        AuditEntry.objects.filter(seq__gt=after, action__in=list(EVENT_ACTIONS), object_type="credit.listing")
        .order_by("seq")
        .values_list("seq", "action", "at", "object_id")[:limit]
    )
    listings = Listing.objects.select_related("organization").in_bulk([int(e[3]) for e in entries])
    prefix = registry.officer_prefix(actor)
    rows = [
        (EVENT_ACTIONS[action], at, listings[int(object_id)])
        for _seq, action, at, object_id in entries
        if int(object_id) in listings
        and (prefix is None or listings[int(object_id)].authority_region_id.startswith(prefix))
    ]
    return rows, (encode_cursor("seq", entries[-1][0]) if entries else since or None)


def may_read_feed(actor: Actor) -> bool:
    return (
        actor is not None and actor.is_authenticated and getattr(actor, "role", None) in (Role.DEPARTMENT, Role.OFFICER)
    )
