"""Membership reads: who is a member and who represents one, applications, delegates, the MEM-2 figures.

A member is current on day d when joined_on <= d < left_on: `left_on` is the
first day it is no longer a member, so an exit dated in the future takes effect
on that day without any job running.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Role, User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from .models import (
    Delegate,
    ExitKind,
    ExitReason,
    Member,
    MemberClass,
    MemberExit,
    MembershipApplication,
)


def _current(as_of: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}joined_on__lte": as_of}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": as_of})
    )


def _representing(user: Actor, as_of: dt.date) -> Q:
    return Q(representatives__user=user, representatives__since__lte=as_of) & (
        Q(representatives__until__isnull=True) | Q(representatives__until__gt=as_of)
    )


def represented_organization_ids(actor: Actor, as_of: dt.date) -> set[int]:
    """The associations of which the actor represents a current member (empty for everyone else)."""
    if actor is None or not actor.is_authenticated or getattr(actor, "role", None) != Role.MEMBER:
        return set()
    return set(
        Member.objects.filter(_current(as_of), _representing(actor, as_of)).values_list("organization_id", flat=True)
    )


def represents_member_of(actor: Actor, organization: Organization, as_of: dt.date) -> bool:
    return organization.pk in represented_organization_ids(actor, as_of)


def members_of(organization: Organization, *, as_of: dt.date, current_only: bool = True) -> QuerySet[Member]:
    qs = Member.objects.filter(organization=organization).prefetch_related("representatives__user")
    return qs.filter(_current(as_of)) if current_only else qs


def representations_of(user: User) -> QuerySet[Member]:
    return Member.objects.filter(representatives__user=user).select_related("organization").distinct()


def voter_members(user: Actor, *, as_of: dt.date) -> QuerySet[Member]:
    """The current members the user currently represents (the ones it may act, vote and answer for)."""
    if user is None or not user.is_authenticated or getattr(user, "role", None) != Role.MEMBER:
        return Member.objects.none()
    return Member.objects.filter(_current(as_of), _representing(user, as_of)).select_related("organization").distinct()


def member_get_for_staff(*, actor: Actor, pk: int) -> Member:
    org = registry.staff_organization(actor)
    member = Member.objects.select_related("organization").filter(organization=org, pk=pk).first() if org else None
    if member is None:
        raise NotFound("未找到该会员")
    return member


def member_get_for_exit(*, actor: Actor, pk: int, as_of: dt.date) -> Member:
    """A member the actor may file an exit for: its staff, or a current representative (404 for anyone else)."""
    org = registry.staff_organization(actor)
    if org is not None:
        return member_get_for_staff(actor=actor, pk=pk)
    member = voter_members(actor, as_of=as_of).filter(pk=pk).first()
    if member is None:
        raise NotFound("未找到该会员")
    return member


def member_classes(organization: Organization) -> QuerySet[MemberClass]:
    return MemberClass.objects.filter(organization=organization)


def member_class_get(organization: Organization | None, pk: int) -> MemberClass:
    """One of the association's member classes (web and API alike); 404 for another association's."""
    row = MemberClass.objects.filter(organization=organization, pk=pk).select_related("organization").first()
    if row is None:
        raise NotFound("未找到该会员类别")
    return row


def exit_of(member: Member) -> MemberExit | None:
    return MemberExit.objects.filter(member=member).first()


# -- applications -----------------------------------------------------------------------------------------


def applications_of(organization: Organization, *, status: str = "", q: str = "") -> QuerySet[MembershipApplication]:
    qs = MembershipApplication.objects.filter(organization=organization).select_related(
        "organization", "applicant", "member"
    )
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.replace(" ", "").upper()) | Q(contact_name=q))
    return qs


def application_get(*, actor: Actor, pk: int) -> MembershipApplication:
    """One application, for the association's staff or its applicant (404 for everyone else)."""
    app = MembershipApplication.objects.select_related("organization", "applicant", "member").filter(pk=pk).first()
    if app is None or not (
        registry.staff_of(actor, app.organization) or (app.applicant_id is not None and app.applicant_id == actor.pk)  # type: ignore[union-attr]
    ):
        raise NotFound("未找到该入会申请")
    return app


def my_applications(user: User) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(applicant=user).select_related("organization", "member")


# -- delegates --------------------------------------------------------------------------------------------


def delegates_of(organization: Organization, *, as_of: dt.date) -> QuerySet[Delegate]:
    """Delegates whose term covers as_of (since <= as_of <= until) and whose member is current on as_of."""
    term = Q(since__lte=as_of) & (Q(until__isnull=True) | Q(until__gte=as_of))
    return Delegate.objects.filter(term, _current(as_of, "member__"), organization=organization).select_related(
        "member", "user"
    )


def delegates_all(organization: Organization) -> QuerySet[Delegate]:
    return Delegate.objects.filter(organization=organization).select_related("member", "user").order_by("-since", "pk")


# -- MEM-2 figures ----------------------------------------------------------------------------------------

FIRST_YEAR = 1949  # no association on the platform has records before; an earlier year (or 0001) is a typo
UNRECORDED = "unrecorded"  # left_on set without an exit record (imported history)


def exit_reason_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in ExitReason.choices}
    labels[ExitKind.EXPELLED] = str(ExitKind.EXPELLED.label)
    labels[ExitKind.CEASED] = str(ExitKind.CEASED.label)
    labels[UNRECORDED] = "未记录原因"
    return labels


def member_figures(organization: Organization, *, year: int, as_of: dt.date) -> dict[str, Any]:
    """MEM-2 for one year as recorded on as_of (see docs: start + joins − exits = end).

    start: members on the eve of the year (current on 31 Dec of the year before);
    end: current on 31 Dec, or on as_of when earlier; joins: joined_on within
    1 Jan … end day; exits: left_on within 1 Jan … end day; exit_ratio = exits / start.
    """
    if not FIRST_YEAR <= year <= dt.MAXYEAR:
        raise ApplicationError(f"统计年度应不早于 {FIRST_YEAR} 年（收到 {year}）", code="figures_year", field="year")
    first = dt.date(year, 1, 1)
    eve = first - dt.timedelta(days=1)
    until = min(dt.date(year, 12, 31), as_of)
    if until < first:
        raise NotFound(f"{year} 年尚未开始，无法统计会员数据（统计日 {as_of:%Y-%m-%d}）")
    base = Member.objects.filter(organization=organization).order_by()
    counts = base.aggregate(
        start=Count("pk", filter=_current(eve)),
        end=Count("pk", filter=_current(until)),
        joins=Count("pk", filter=Q(joined_on__gte=first, joined_on__lte=until)),
        exits=Count("pk", filter=Q(left_on__gte=first, left_on__lte=until)),
    )
    by_reason = _exits_by_reason(base.filter(left_on__gte=first, left_on__lte=until))
    start = counts["start"]
    return {
        "year": year,
        "as_of": as_of,
        "until": until,
        **counts,
        "exits_by_reason": by_reason,
        "exit_ratio": round(counts["exits"] / start, 4) if start else None,
    }


def _exits_by_reason(left: QuerySet[Member]) -> dict[str, int]:
    rows = left.values("exit__kind", "exit__reason").annotate(n=Count("pk"))
    result: dict[str, int] = {}
    for row in rows:
        kind = row["exit__kind"]
        key = UNRECORDED if kind is None else row["exit__reason"] if kind == ExitKind.VOLUNTARY else kind
        result[key] = result.get(key, 0) + row["n"]
    return dict(sorted(result.items(), key=lambda item: (-item[1], item[0])))


def figures_years(organization: Organization, *, as_of: dt.date, years: int = 5) -> list[dict[str, Any]]:
    return [member_figures(organization, year=y, as_of=as_of) for y in range(as_of.year, as_of.year - years, -1)]
