"""Publishing a result: a governance resolution, the fee standard decided (FEE-1), the elected serving, and
the trust-vote disclosure (DIS-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiehui.conftest import ID_NUMBERS, NOW
from xiehui.disclosure.models import Disclosure
from xiehui.governance import services as governance
from xiehui.governance.models import Appointment, AppointmentStatus, Resolution
from xiehui.membership import services_fees
from xiehui.membership.models import FeeStandardStatus
from xiehui.voting import services_cast, services_close
from xiehui.voting.models import BallotStatus

from .conftest import CLOSES, DURING, entry_of, make_ballot, represent

pytestmark = pytest.mark.django_db


def vote_all(ballot, members, user, choices):
    for member, choice in zip(members, choices, strict=True):
        services_cast.ballot_cast(
            voter_user=user, ballot=ballot, roll_entry=entry_of(ballot, member), choices=choice, now=DURING
        )


def close_and_publish(ballot, staff):
    services_close.ballot_close(actor=staff, ballot=ballot, now=CLOSES)
    return services_close.ballot_publish(actor=staff, ballot=ballot, now=CLOSES + dt.timedelta(hours=1))


@pytest.fixture
def represented(world, voters):
    members = voters(4)
    for member in members[1:]:
        represent(member, world.member)
    return members


def test_fee_1_passed_ballot_adopts_the_standard_with_its_resolution(world, represented):
    standard = services_fees.fee_standard_propose(
        actor=world.staff_a,
        organization=world.org_a,
        title="2027年会费标准（草案）",
        services_covered="行业信息、培训、维权服务",
        effective_on=dt.date(2027, 1, 1),
        tiers=[("会员单位", Decimal("1000"))],
        now=NOW,
    )
    ballot = make_ballot(world.org_a, world.staff_a, kind="fee_standard", title=standard.title, fee_standard=standard)
    standard.refresh_from_db()
    assert standard.status == FeeStandardStatus.BALLOTING
    assert (ballot.quorum_rule, ballot.threshold_rule) == ("FEE-1", "FEE-1")
    vote_all(ballot, represented[:3], world.member, [{"1": "for"}, {"1": "for"}, {"1": "against"}])
    published = close_and_publish(ballot, world.staff_a)
    assert published.status == BallotStatus.PUBLISHED and published.passed is True
    resolution = Resolution.objects.get(ballot_id=ballot.pk)
    assert (resolution.votes_for, resolution.votes_against, resolution.present, resolution.entitled) == (2, 1, 3, 4)
    assert resolution.matter == "fee_standard" and resolution.published_to_members_on is not None
    standard.refresh_from_db()
    assert standard.status == FeeStandardStatus.ADOPTED and standard.resolution_id == resolution.pk


def test_fee_1_ballot_without_quorum_rejects_the_standard(world, represented):
    standard = services_fees.fee_standard_propose(
        actor=world.staff_a,
        organization=world.org_a,
        title="2027年会费标准（草案）",
        services_covered="行业信息服务",
        effective_on=dt.date(2027, 1, 1),
        tiers=[("会员单位", Decimal("800"))],
        now=NOW,
    )
    ballot = make_ballot(world.org_a, world.staff_a, kind="fee_standard", title=standard.title, fee_standard=standard)
    vote_all(ballot, represented[:2], world.member, [{"1": "for"}, {"1": "for"}])  # 2 of 4 < 2/3
    published = close_and_publish(ballot, world.staff_a)
    assert published.passed is False
    assert "FEE-1 法定人数：应到 4，实到 2，未达到 2/3（需 3）" in published.explanation["sentences"]
    standard.refresh_from_db()
    assert standard.status == FeeStandardStatus.REJECTED


def _term(world):
    return governance.term_open(
        actor=world.staff_a,
        organization=world.org_a,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        now=NOW,
    )


def _nominate(world, term, name, index, post):
    return governance.leader_nominate(
        actor=world.staff_a,
        organization=world.org_a,
        term=term,
        name=name,
        id_number=ID_NUMBERS[index],
        post=post,
        on=dt.date(2026, 11, 1),
        now=NOW,
    )


def test_trust_vote_publishes_a_public_disclosure_per_leader(world, represented):
    term = _term(world)
    for name, index, post in (("王会长", 3, "president"), ("赵秘书长", 4, "secretary_general")):
        appointment = _nominate(world, term, name, index, post)
        governance.appointment_confirm(
            actor=world.staff_a, appointment=appointment, starts_on=dt.date(2024, 1, 1), now=NOW
        )
    ballot = make_ballot(world.org_a, world.staff_a, kind="trust_vote", title="2026年度负责人信任投票")
    assert [q.text for q in ballot.questions.all()] == ["对王会长（会长）是否信任", "对赵秘书长（秘书长）是否信任"]
    vote_all(
        ballot,
        represented,
        world.member,
        [
            {"1": "trust", "2": "trust"},
            {"1": "trust", "2": "distrust"},
            {"1": "trust", "2": "abstain"},
            {"1": "distrust", "2": "trust"},
        ],
    )
    close_and_publish(ballot, world.staff_a)
    item = Disclosure.objects.get(organization=world.org_a, item_type="trust_votes")
    assert item.current is not None and not item.members_only
    rows = item.current.data["rows"]
    assert [(r["leader"], r["trust"], r["distrust"], r["abstain"]) for r in rows] == [
        ("王会长", 3, 1, 0),
        ("赵秘书长", 2, 1, 1),
    ]


def test_election_makes_the_elected_nominees_serve(world, represented):
    term = _term(world)
    first = _nominate(world, term, "钱候选", 5, "vice_president")
    second = _nominate(world, term, "孙候选", 6, "vice_president")
    ballot = make_ballot(world.org_a, world.staff_a, kind="election", title="选举副会长", seats={"vice_president": 1})
    assert (ballot.quorum_rule, ballot.threshold_rule) == ("GOV-1", "BAL-4")
    q = ballot.questions.get()
    keys = [c["key"] for c in q.candidates]
    vote_all(ballot, represented[:3], world.member, [{"1": [keys[0]]}, {"1": [keys[0]]}, {"1": [keys[1]]}])
    published = close_and_publish(ballot, world.staff_a)
    assert published.passed is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AppointmentStatus.SERVING and first.elected_by_id == published.resolution_id
    assert second.status == AppointmentStatus.NOMINATED
    assert Appointment.objects.filter(status=AppointmentStatus.SERVING).count() == 1
