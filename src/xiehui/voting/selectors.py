"""Who sees which ballot, the voter's open ballots, the bulletin board.

- The association's staff: every ballot of the association, the bulletin board once closed.
- Members (representatives of current members, delegates): ballots from the frozen roll on (roll
  size and digest before opening, BAL-1), their results and bulletin board once published.
- Voters on a frozen roll: the ballots they hold a roll entry for, even when the member has left (or the
  delegate's term ended) after the cut-off: the roll is frozen (BAL-1), so the entry keeps its vote, cast by
  whoever currently represents the member (or by the delegate).
- Everyone (the public, officers): published trust votes (DIS-1: trust-vote results are public).
Nothing here ever joins participations to cast ballots: the schema has no path between them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from xiehui.core import clock
from xiehui.core.errors import NotFound
from xiehui.core.models import Role, User
from xiehui.membership.models import Member
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from .models import Ballot, BallotKind, BallotStatus, CastBallot, Participation, RollEntry

MEMBER_STATUSES = (BallotStatus.FROZEN, BallotStatus.CLOSED, BallotStatus.PUBLISHED)
BULLETIN_STATUSES = (BallotStatus.CLOSED, BallotStatus.PUBLISHED)


def _current(prefix: str, on: dt.date) -> Q:
    return Q(**{f"{prefix}since__lte": on}) & (Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": on}))


def voter_organization_ids(actor: Actor, on: dt.date) -> set[int]:
    """Associations in which the actor represents a current member or is a serving delegate."""
    if actor is None or not actor.is_authenticated or getattr(actor, "role", None) != Role.MEMBER:
        return set()
    member_current = Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    reps = Member.objects.filter(member_current, _current("representatives__", on), representatives__user=actor)
    delegates = Member.objects.filter(member_current, _current("delegates__", on), delegates__user=actor)
    return set(reps.values_list("organization_id", flat=True)) | set(
        delegates.values_list("organization_id", flat=True)
    )


def voter_q(user: User, on: dt.date) -> Q:
    """Roll entries the user may vote for on `on`: the delegate's own, or a member the user represents then
    (whether or not the member is still a member: the roll is frozen at the cut-off, BAL-1)."""
    represented = Q(delegate__isnull=True, member__representatives__user=user) & _current(
        "member__representatives__", on
    )
    return Q(delegate__user=user) | represented


def visible_to(actor: Actor, on: dt.date) -> Q:
    """The ballots an actor may see (see the module docstring)."""
    visible = Q(kind=BallotKind.TRUST_VOTE, status=BallotStatus.PUBLISHED)
    staff_org = registry.staff_organization(actor)
    if staff_org is not None:
        visible |= Q(organization=staff_org)
    orgs = voter_organization_ids(actor, on)
    if orgs:
        visible |= Q(organization_id__in=orgs, status__in=MEMBER_STATUSES)
    if actor is not None and actor.is_authenticated and getattr(actor, "role", None) == Role.MEMBER:
        on_roll = RollEntry.objects.filter(voter_q(actor, on)).values("ballot_id")  # type: ignore[arg-type]
        visible |= Q(pk__in=on_roll, status__in=MEMBER_STATUSES)
    return visible


def ballot_list(
    *, actor: Actor, organization: Organization, on: dt.date, q: str = "", status: str = ""
) -> QuerySet[Ballot]:
    qs = Ballot.objects.filter(visible_to(actor, on), organization=organization).select_related("organization")
    if q:
        qs = qs.filter(title__icontains=q)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at", "-pk")


def ballot_get(*, actor: Actor, pk: int, on: dt.date) -> Ballot:
    ballot = (
        Ballot.objects.filter(visible_to(actor, on), pk=pk).select_related("organization", "organ", "meeting").first()
    )
    if ballot is None:
        raise NotFound("未找到该投票")
    return ballot


def staff_ballot_get(*, actor: Actor, pk: int) -> Ballot:
    org = registry.staff_organization(actor)
    ballot = (
        Ballot.objects.filter(pk=pk, organization=org).select_related("organization", "organ", "meeting").first()
        if org is not None
        else None
    )
    if ballot is None:
        raise NotFound("未找到该投票")
    return ballot


def bulletin_visible(actor: Actor, ballot: Ballot) -> bool:
    if ballot.status == BallotStatus.PUBLISHED:
        return True  # whoever sees a published ballot sees its board
    return ballot.status == BallotStatus.CLOSED and registry.staff_of(actor, ballot.organization)


def bulletin(ballot: Ballot) -> QuerySet[CastBallot]:
    """Every cast ballot's receipt digest and choices, by digest (the order after sealing)."""
    return CastBallot.objects.filter(ballot=ballot).order_by("receipt_digest").only("receipt_digest", "choices")


@dataclass
class VoterEntry:
    """A roll entry the user may vote for, on a ballot whose window is open or still to come."""

    ballot: Ballot
    entry: RollEntry
    voted: bool
    is_open: bool


def voter_entries(user: User, *, now: dt.datetime, ballot: Ballot | None = None) -> list[VoterEntry]:
    """The user's roll entries on frozen ballots not yet closed (with whether that entry has voted: 已投票)."""
    entries = RollEntry.objects.filter(
        voter_q(user, clock.local_date(now)), ballot__status=BallotStatus.FROZEN, ballot__closes_at__gt=now
    )
    if ballot is not None:
        entries = entries.filter(ballot=ballot)
    voted = Participation.objects.filter(ballot=OuterRef("ballot"), roll_entry=OuterRef("pk"))
    rows = (
        entries.annotate(voted=Exists(voted))
        .select_related("ballot__organization")
        .distinct()
        .order_by("ballot__closes_at", "ballot_id", "position")
    )
    return [
        VoterEntry(
            ballot=row.ballot,
            entry=row,
            voted=row.voted,  # type: ignore[attr-defined]
            is_open=row.ballot.opens_at <= now,
        )
        for row in rows
    ]


def roll_entry_get(ballot: Ballot, pk: int | str) -> RollEntry:
    """One entry of the ballot's frozen roll (web and API alike); 404 for any other id (or a posted non-number)."""
    entry = RollEntry.objects.filter(ballot=ballot, pk=int(pk) if str(pk).isdigit() else 0).first()
    if entry is None:
        raise NotFound("名册上没有该投票人")
    return entry


def roll_search(ballot: Ballot, q: str = "") -> QuerySet[RollEntry]:
    """The frozen roll in position order, narrowed by a name fragment (the attendance desk)."""
    return RollEntry.objects.filter(ballot=ballot, label__icontains=q).order_by("position")
