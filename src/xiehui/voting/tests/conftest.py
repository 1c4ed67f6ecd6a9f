"""The voting test world: the `world` of src/xiehui/conftest.py plus an assembly, members and a voter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from xiehui.conftest import NOW
from xiehui.core.models import User
from xiehui.governance.models import Organ, OrganKind
from xiehui.membership.models import Member, MemberKind, Representative
from xiehui.registry.models import Organization
from xiehui.voting import services
from xiehui.voting.models import Ballot, RollEntry

CUTOFF = dt.date(2026, 11, 20)
OPENS = NOW + dt.timedelta(hours=1)
CLOSES = NOW + dt.timedelta(days=1)
DURING = NOW + dt.timedelta(hours=2)
AFTER = CLOSES + dt.timedelta(minutes=1)


def assembly(org: Organization, kind: str = OrganKind.ASSEMBLY) -> Organ:
    organ, _ = Organ.objects.get_or_create(organization=org, kind=kind)
    return organ


def add_members(
    org: Organization, count: int, *, joined_on: dt.date = dt.date(2020, 1, 1), start: int = 0
) -> list[Member]:
    rows = [
        Member(
            organization=org,
            kind=MemberKind.ENTERPRISE,
            name=f"会员单位{start + i:05d}",
            joined_on=joined_on,
            created_at=NOW,
        )
        for i in range(count)
    ]
    return Member.objects.bulk_create(rows)


def represent(member: Member, user: User, since: dt.date = dt.date(2020, 1, 1)) -> Representative:
    return Representative.objects.create(member=member, user=user, since=since)


def make_ballot(
    org: Organization,
    actor: User,
    *,
    kind: str = "charter_amendment",
    now: dt.datetime = NOW,
    freeze: bool = True,
    **overrides: Any,
) -> Ballot:
    fields: dict[str, Any] = dict(
        kind=kind,
        title="修改章程第十条",
        organ=assembly(org),
        cutoff_on=CUTOFF,
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    fields.update(overrides)
    ballot = services.ballot_create(actor=actor, organization=org, data=services.BallotInput(**fields), now=now)
    if freeze:
        ballot = services.ballot_freeze(actor=actor, ballot=ballot, now=now)
    return ballot


def entry_of(ballot: Ballot, member: Member) -> RollEntry:
    return RollEntry.objects.get(ballot=ballot, member=member)


@pytest.fixture
def voters(world) -> Callable[..., list[Member]]:  # type: ignore[no-untyped-def]
    """`voters(n)`: n members of org_a; the first is represented by the world's member user."""

    def make(count: int = 3) -> list[Member]:
        members = add_members(world.org_a, count)
        represent(members[0], world.member)
        return members

    return make


def live_ballot(org: Organization, actor: User, **overrides: Any) -> Ballot:
    """A frozen ballot open now by the real clock (tests through views and the API use the real clock)."""
    from xiehui.core import clock

    now = clock.now()
    fields: dict[str, Any] = dict(
        cutoff_on=clock.local_date(now) - dt.timedelta(days=3),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
        now=now - dt.timedelta(hours=2),
    )
    fields.update(overrides)
    return make_ballot(org, actor, **fields)
