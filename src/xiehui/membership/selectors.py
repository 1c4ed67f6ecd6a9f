"""Membership reads: is this user a representative of a current member of that association?"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from xiehui.core.models import Role, User
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from .models import Member


def _current(as_of: dt.date) -> Q:
    return Q(joined_on__lte=as_of) & (Q(left_on__isnull=True) | Q(left_on__gt=as_of))


def represented_organization_ids(actor: Actor, as_of: dt.date) -> set[int]:
    """The associations of which the actor represents a current member (empty for everyone else)."""
    if actor is None or not actor.is_authenticated or getattr(actor, "role", None) != Role.MEMBER:
        return set()
    rep = Q(representatives__user=actor, representatives__since__lte=as_of) & (
        Q(representatives__until__isnull=True) | Q(representatives__until__gt=as_of)
    )
    return set(Member.objects.filter(_current(as_of), rep).values_list("organization_id", flat=True))


def represents_member_of(actor: Actor, organization: Organization, as_of: dt.date) -> bool:
    return organization.pk in represented_organization_ids(actor, as_of)


def members_of(organization: Organization, *, as_of: dt.date, current_only: bool = True) -> QuerySet[Member]:
    qs = Member.objects.filter(organization=organization).prefetch_related("representatives__user")
    return qs.filter(_current(as_of)) if current_only else qs


def representations_of(user: User) -> QuerySet[Member]:
    return Member.objects.filter(representatives__user=user).select_related("organization")
