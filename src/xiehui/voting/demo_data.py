"""Voting's part of `xiehui demo` for 山东省物流与采购联合会 (after members 15, governance 16, fees 17):

- the member representatives' assembly's fee-standard ballot on "2027年会费标准（草案）", passed and
  published (the standard is adopted from 2027-01-01 by the resolution it records);
- a trust vote on the serving leaders, published (its result is a public disclosure);
- a charter amendment ballot open now and for 7 more days, in which the demo user `member` can vote.

Every step goes through the services with times before `now`; the other members' representatives are
demo accounts `wuliu_daibiao2` … (no login password anyone knows).
"""

from __future__ import annotations

import datetime as dt
import secrets

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import Role, User
from xiehui.core.services import user_create
from xiehui.governance.models import Organ
from xiehui.membership import services as membership
from xiehui.membership.models import FeeStandard, FeeStandardStatus, Member
from xiehui.registry.models import Organization

from . import ports, services, services_cast, services_close
from .models import Ballot, RollEntry

FEATURED = "山东省物流与采购联合会"
FEE_DRAFT = "2027年会费标准（草案）"
DAY = dt.timedelta(days=1)


def _voters(org: Organization, users: dict[str, User], now: dt.datetime) -> dict[int, User]:
    """member id → a user who represents it (the demo `member` for the first; demo accounts for the rest)."""
    found: dict[int, User] = {}
    for i, member in enumerate(Member.objects.filter(organization=org, left_on__isnull=True).order_by("pk"), 1):
        rep = member.representatives.select_related("user").first()
        if rep is None:
            user = user_create(
                actor=None,
                username=f"wuliu_daibiao{i}",
                password=secrets.token_urlsafe(24),
                role=Role.MEMBER,
                display_name=f"{member.name}会员代表",
            )
            rep = membership.representative_add(actor=None, member=member, user=user, since=member.joined_on, now=now)
        found[member.pk] = rep.user
    return found


def _ballot(org: Organization, organ: Organ, start: dt.datetime, **fields: object) -> Ballot:
    data = services.BallotInput(
        organ=organ,
        cutoff_on=clock.local_date(start) - DAY,
        opens_at=start + DAY,
        closes_at=start + 2 * DAY,
        **fields,  # type: ignore[arg-type]
    )
    ballot = services.ballot_create(actor=None, organization=org, data=data, now=start)
    return services.ballot_freeze(actor=None, ballot=ballot, now=start)


def _vote(ballot: Ballot, voters: dict[int, User], choices: list[dict[str, str]]) -> None:
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("position"))
    moment = ballot.opens_at + dt.timedelta(hours=1)
    for entry, choice in zip(entries, choices, strict=False):
        services_cast.ballot_cast(
            voter_user=voters[entry.member_id or 0], ballot=ballot, roll_entry=entry, choices=choice, now=moment
        )


def _finish(ballot: Ballot) -> Ballot:
    ballot = services_close.ballot_close(actor=None, ballot=ballot, now=ballot.closes_at)
    return services_close.ballot_publish(actor=None, ballot=ballot, now=ballot.closes_at + dt.timedelta(hours=2))


@extension(order=40)
def load(users: dict[str, User], now: dt.datetime) -> str:
    org = Organization.objects.get(name=FEATURED)
    organ = ports.assembly_organ(org)
    if organ is None:
        return "无记名投票：未找到会员（代表）大会，未生成演示投票"
    voters = _voters(org, users, now)
    standard = FeeStandard.objects.get(organization=org, title=FEE_DRAFT, status=FeeStandardStatus.DRAFT)
    fee = _ballot(org, organ, now - 12 * DAY, kind="fee_standard", title=f"表决《{FEE_DRAFT}》", fee_standard=standard)
    size = fee.roll_size or 0  # all but one vote; all but two of them for
    _vote(fee, voters, [{"1": "for"}] * (size - 3) + [{"1": "against"}, {"1": "abstain"}])
    fee = _finish(fee)
    trust = _ballot(org, organ, now - 20 * DAY, kind="trust_vote", title="2026年度负责人信任投票")
    questions = trust.questions.count()
    trusted = dict.fromkeys(map(str, range(1, questions + 1)), "trust")
    _vote(trust, voters, [trusted] * (size - 2) + [{**trusted, "1": "distrust"}])
    trust = _finish(trust)
    open_ballot = services.ballot_create(
        actor=None,
        organization=org,
        data=services.BallotInput(
            kind="charter_amendment",
            title="修改章程第十四条（会员代表大会每届任期改为五年）",
            description="按章程示范文本修改，须经到会会员代表 2/3 以上同意（BAL-5）。",
            organ=organ,
            cutoff_on=clock.local_date(now) - 2 * DAY,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + 7 * DAY,
        ),
        now=now - DAY,
    )
    services.ballot_freeze(actor=None, ballot=open_ballot, now=now - DAY)
    return (
        f"无记名投票：{FEATURED} 会费标准表决（{'通过' if fee.passed else '未通过'}）、信任投票（已公布）、"
        f"章程修改表决（投票中，演示账户 member 可投票）"
    )
