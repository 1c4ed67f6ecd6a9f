"""Reads of orders, penalties, address letters and court entries, scoped by the acting user.

Visibility is decided here:
- officers see the rows of associations within their jurisdiction prefix (deciding
  needs the exact authority, which the services check);
- association staff see their own association's orders;
- penalties and court entries are public credit information (CR-P) per association;
- department users see court entries of associations in their region.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from xiehui.core.errors import NotFound
from xiehui.core.models import Attachment
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor, officer_prefix, staff_organization

from .models import AddressLetter, CourtListEntry, OrderResponse, OrderStatus, Penalty, RectificationOrder
from .services.facts import department_prefix

DUE_SOON_DAYS = 7
ACTIVE = (OrderStatus.OPEN, OrderStatus.ANSWERED)


def _in_reach(qs: QuerySet, prefix: str) -> QuerySet:
    return qs.filter(organization__authority_region__code__startswith=prefix) if prefix else qs


def orders_visible(actor: Actor) -> QuerySet[RectificationOrder]:
    """The orders this actor may see: an officer's jurisdiction, or a staff member's own association."""
    qs = RectificationOrder.objects.select_related("organization")
    prefix = officer_prefix(actor)
    if prefix is not None:
        return _in_reach(qs, prefix)
    org = staff_organization(actor)
    if org is not None:
        return qs.filter(organization=org)
    return qs.none()


@dataclass
class OrderFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    overdue: bool = False
    due_soon: bool = False


def order_list(*, actor: Actor, filters: OrderFilters, as_of: dt.date) -> QuerySet[RectificationOrder]:
    """Orders visible to the actor, filtered; the nearest deadline of active orders first."""
    qs = orders_visible(actor)
    q = filters.q.strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(organization__name__icontains=q)
            | Q(organization__uscc=q.upper())
            | Q(ground__icontains=q)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.overdue:
        qs = qs.filter(status__in=ACTIVE, deadline__lt=as_of)
    if filters.due_soon:
        qs = qs.filter(status=OrderStatus.OPEN, deadline__gte=as_of, deadline__lte=as_of + dt.timedelta(DUE_SOON_DAYS))
    return (
        qs.order_by("deadline", "-pk")
        if filters.status in ACTIVE or filters.overdue
        else qs.order_by("-issued_on", "-pk")
    )


def order_get(*, actor: Actor, pk: int) -> RectificationOrder:
    """One order with its responses, or NotFound if the actor may not see it."""
    responses = OrderResponse.objects.select_related("submitted_by", "decided_by").order_by("submitted_on", "pk")
    order = (
        orders_visible(actor)
        .select_related("organization__authority_region", "issued_by")
        .prefetch_related(Prefetch("responses", queryset=responses))
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound("未找到该整改通知")
    return order


def deadline_state(order: RectificationOrder, as_of: dt.date) -> str:
    """'overdue', 'due_soon' (within 7 days) or '' for the badge of an active order."""
    if order.status not in ACTIVE:
        return ""
    if order.deadline < as_of:
        return "overdue"
    if (order.deadline - as_of).days <= DUE_SOON_DAYS:
        return "due_soon"
    return ""


def orders_of(organization: Organization) -> QuerySet[RectificationOrder]:
    return organization.orders.order_by("-issued_on", "-pk")


# -- penalties ------------------------------------------------------------------------------------------


@dataclass
class PenaltyFilters:
    q: str = ""
    kind: str = ""


def penalty_list(*, actor: Actor, filters: PenaltyFilters) -> QuerySet[Penalty]:
    """Penalties of associations within an officer's jurisdiction (others: nothing)."""
    prefix = officer_prefix(actor)
    if prefix is None:
        return Penalty.objects.none()
    qs = _in_reach(Penalty.objects.select_related("organization"), prefix)
    q = filters.q.strip()
    if q:
        qs = qs.filter(
            Q(decision_number__icontains=q) | Q(organization__name__icontains=q) | Q(organization__uscc=q.upper())
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-decided_on", "-pk")


def penalties_public(organization: Organization) -> QuerySet[Penalty]:
    """An association's penalties: public credit information (CR-P)."""
    return organization.penalties.order_by("-decided_on", "-pk")


# -- letters and court entries -----------------------------------------------------------------------------


def letters_of(organization: Organization) -> QuerySet[AddressLetter]:
    return organization.address_letters.select_related("recorded_by").order_by("sent_on", "pk")


def letter_get(*, actor: Actor, pk: int) -> AddressLetter:
    """A letter, to officers whose jurisdiction reaches the association."""
    prefix = officer_prefix(actor)
    letter = None
    if prefix is not None:
        letter = _in_reach(AddressLetter.objects.select_related("organization"), prefix).filter(pk=pk).first()
    if letter is None:
        raise NotFound("未找到该信函记录")
    return letter


def court_entries_of(organization: Organization) -> QuerySet[CourtListEntry]:
    return organization.court_entries.select_related("organization").order_by("-listed_on", "-pk")


def court_entries_visible(actor: Actor) -> QuerySet[CourtListEntry]:
    """Court entries an officer (jurisdiction) or a department user (its region) works with."""
    qs = CourtListEntry.objects.select_related("organization")
    prefix = officer_prefix(actor)
    if prefix is not None:
        return _in_reach(qs, prefix)
    prefix = department_prefix(actor)
    if prefix is not None:
        return qs.filter(
            Q(organization__region__code__startswith=prefix)
            | Q(organization__authority_region__code__startswith=prefix)
        )
    return qs.none()


def court_entry_get(*, actor: Actor, pk: int) -> CourtListEntry:
    entry = court_entries_visible(actor).filter(pk=pk).first()
    if entry is None:
        raise NotFound("未找到该失信被执行人记录")
    return entry


def response_attachments(order: RectificationOrder) -> dict[int, list[Attachment]]:
    """The evidence of every response of an order, in one query, keyed by response id."""
    ids = [str(r.pk) for r in order.responses.all()]
    found: dict[int, list[Attachment]] = {int(i): [] for i in ids}
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(OrderResponse), object_id__in=ids
    ).order_by("uploaded_at", "pk")
    for attachment in rows:
        found[int(attachment.object_id)].append(attachment)
    return found


def order_attachment_get(*, actor: Actor, order_pk: int, pk: int) -> Attachment:
    """One evidence file of an order the actor may see."""
    order = order_get(actor=actor, pk=order_pk)
    for attachments in response_attachments(order).values():
        for attachment in attachments:
            if attachment.pk == pk:
                return attachment
    raise NotFound("未找到该附件")
