"""Setting up, freezing (BAL-1), casting (BAL-2), closing and tallying ballots through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, Role
from xiehui.core.services import user_create
from xiehui.governance.models import OrganKind
from xiehui.voting import ports, selectors, services, services_cast, services_close
from xiehui.voting.models import BallotStatus, CastBallot, Participation, RollEntry

from .conftest import AFTER, CLOSES, DURING, OPENS, add_members, assembly, entry_of, make_ballot, represent

pytestmark = pytest.mark.django_db


def cast(ballot, member, user, choice="for", now=DURING):
    return services_cast.ballot_cast(
        voter_user=user, ballot=ballot, roll_entry=entry_of(ballot, member), choices={"1": choice}, now=now
    )


def test_bal_3_refuses_a_ballot_of_the_council(world):
    council = assembly(world.org_a, OrganKind.COUNCIL)
    with pytest.raises(ApplicationError) as exc:
        make_ballot(world.org_a, world.staff_a, organ=council, freeze=False)
    assert exc.value.code == "BAL-3" and "理事会" in exc.value.message


def test_fee_1_refuses_a_fee_ballot_without_a_draft_standard(world):
    with pytest.raises(ApplicationError) as exc:
        make_ballot(world.org_a, world.staff_a, kind="fee_standard", freeze=False)
    assert exc.value.code == "FEE-1"


def test_only_the_associations_staff_set_up_ballots(world):
    with pytest.raises(PermissionDenied):
        make_ballot(world.org_a, world.staff_b, freeze=False)


def test_ballot_copies_the_figures_in_force_and_the_charter_overrides_them(world, monkeypatch):
    ballot = make_ballot(world.org_a, world.staff_a, freeze=False)
    assert (ballot.quorum_rule, ballot.quorum_num, ballot.quorum_den) == ("BAL-3", 2, 3)
    assert (ballot.threshold_rule, ballot.threshold_num, ballot.threshold_den, ballot.threshold_strict) == (
        "BAL-5",
        2,
        3,
        False,
    )
    monkeypatch.setattr(
        ports, "charter_parameters", lambda org, as_of: {"BAL-5.threshold_num": 3, "BAL-5.threshold_den": 4}
    )
    other = make_ballot(world.org_a, world.staff_a, freeze=False)
    assert (other.threshold_num, other.threshold_den) == (3, 4)


def test_bal_1_freeze_publishes_roll_size_and_sm3_digest(world, voters):
    members = voters(5)
    ballot = make_ballot(world.org_a, world.staff_a)
    assert ballot.status == BallotStatus.FROZEN and ballot.roll_size == 5
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("position"))
    assert [e.member_id for e in entries] == sorted(m.pk for m in members)
    expected = "".join(f"{e.position}|member:{e.member_id}|{e.label}\n" for e in entries)
    import hashlib

    assert ballot.roll_digest == hashlib.new("sm3", expected.encode()).hexdigest()


def test_bal_1_roll_is_taken_at_the_cutoff_date(world, voters):
    voters(3)
    add_members(world.org_a, 2, joined_on=dt.date(2026, 11, 21), start=100)  # joined after the cut-off
    ballot = make_ballot(world.org_a, world.staff_a)
    assert ballot.roll_size == 3


def test_bal_1_a_member_added_after_freezing_is_not_on_the_roll_and_cannot_vote(world, voters):
    voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    digest = ballot.roll_digest
    late = add_members(world.org_a, 1, joined_on=dt.date(2026, 11, 1), start=200)[0]
    latecomer = user_create(actor=None, username="latecomer", password="x" * 12, role=Role.MEMBER, display_name="l")
    represent(late, latecomer)
    ballot.refresh_from_db()
    assert ballot.roll_size == 3 and ballot.roll_digest == digest
    assert RollEntry.objects.filter(ballot=ballot).count() == 3
    assert selectors.voter_entries(latecomer, now=DURING) == []
    with pytest.raises(ApplicationError):
        services.ballot_update(
            actor=world.staff_a,
            ballot=ballot,
            data=services.BallotInput(
                kind="charter_amendment",
                title="x",
                organ=ballot.organ,
                cutoff_on=ballot.cutoff_on,
                opens_at=OPENS,
                closes_at=CLOSES,
            ),
            now=NOW,
        )


def test_bal_1_refuses_to_freeze_at_or_after_opening(world, voters):
    voters(3)
    ballot = make_ballot(world.org_a, world.staff_a, freeze=False)
    with pytest.raises(ApplicationError) as exc:
        services.ballot_freeze(actor=world.staff_a, ballot=ballot, now=OPENS)
    assert exc.value.code == "BAL-1"


def test_cast_returns_a_receipt_and_stores_no_link_to_the_voter(world, voters):
    members = voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    audit_before = AuditEntry.objects.count()
    code = cast(ballot, members[0], world.member)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code)
    assert Participation.objects.filter(ballot=ballot).count() == 1
    stored = CastBallot.objects.get(ballot=ballot)
    assert stored.receipt_digest == services_cast.receipt_digest(ballot.pk, code)
    assert code not in str(stored.choices) and stored.choices == {"1": ["for"]}
    assert AuditEntry.objects.count() == audit_before  # nothing recorded per cast


def test_bal_2_second_cast_by_the_same_voter_is_refused(world, voters):
    members = voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    cast(ballot, members[0], world.member)
    with pytest.raises(ApplicationError) as exc:
        cast(ballot, members[0], world.member, choice="against")
    assert exc.value.code == "BAL-2" and "您已投过票" in exc.value.message
    assert CastBallot.objects.filter(ballot=ballot).count() == 1


def test_bal_2_one_vote_is_a_database_constraint(world, voters):
    import uuid

    members = voters(2)
    ballot = make_ballot(world.org_a, world.staff_a)
    entry = entry_of(ballot, members[0])
    Participation.objects.create(id=uuid.uuid4(), ballot=ballot, roll_entry=entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(id=uuid.uuid4(), ballot=ballot, roll_entry=entry)


def test_window_opens_at_opens_at_exactly_and_closes_at_closes_at_exactly(world, voters):
    members = voters(2)
    represent(members[1], world.member)
    ballot = make_ballot(world.org_a, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        cast(ballot, members[0], world.member, now=OPENS - dt.timedelta(microseconds=1))
    assert exc.value.code == "not_open"
    assert cast(ballot, members[0], world.member, now=OPENS)
    with pytest.raises(ApplicationError) as exc:
        cast(ballot, members[1], world.member, now=CLOSES)
    assert exc.value.code == "not_open"


def test_only_a_current_representative_votes_for_a_member(world, voters):
    members = voters(2)
    ballot = make_ballot(world.org_a, world.staff_a)
    with pytest.raises(PermissionDenied):
        cast(ballot, members[1], world.member)


def test_choices_are_validated_per_question(world, voters):
    members = voters(2)
    ballot = make_ballot(world.org_a, world.staff_a)
    for bad in ({"1": "trust"}, {"1": ["for", "against"]}, {"2": "for"}, {}):
        with pytest.raises(ApplicationError) as exc:
            services_cast.ballot_cast(
                voter_user=world.member, ballot=ballot, roll_entry=entry_of(ballot, members[0]), choices=bad, now=DURING
            )
        assert exc.value.code == "choices"
    assert not Participation.objects.exists()


def test_in_meeting_mode_requires_attendance_and_counts_it_as_present(world, voters):
    members = voters(3)
    meeting_day = dict(opens_at=OPENS, closes_at=OPENS + dt.timedelta(hours=3), in_meeting=True)
    ballot = make_ballot(world.org_a, world.staff_a, **meeting_day)
    with pytest.raises(ApplicationError) as exc:
        cast(ballot, members[0], world.member)
    assert exc.value.code == "attendance_required"
    for member in members[:2]:
        services.attendance_register(
            actor=world.staff_a, ballot=ballot, roll_entry=entry_of(ballot, member), now=DURING
        )
    with pytest.raises(ApplicationError) as exc:
        services.attendance_register(
            actor=world.staff_a, ballot=ballot, roll_entry=entry_of(ballot, members[0]), now=DURING
        )
    assert exc.value.code == "attendance_exists"
    cast(ballot, members[0], world.member)
    closed = services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=OPENS + dt.timedelta(hours=3))
    assert (closed.present, closed.cast) == (2, 1)
    assert closed.explanation["quorum"]["met"] is True  # 2 of 3 present
    assert closed.passed is False  # 1 of 2 present is not 2/3


def test_close_is_refused_before_closing_time(world, voters):
    voters(2)
    ballot = make_ballot(world.org_a, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES - dt.timedelta(seconds=1))
    assert exc.value.code == "not_closed"


def test_close_tallies_and_receipt_check_finds_the_ballot(world, voters):
    members = voters(3)
    for member in members[1:]:
        represent(member, world.member)
    ballot = make_ballot(world.org_a, world.staff_a)
    codes = [cast(ballot, m, world.member, choice=c) for m, c in zip(members, ["for", "for", "against"], strict=True)]
    closed = services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)
    assert closed.status == BallotStatus.CLOSED and (closed.present, closed.cast) == (3, 3)
    assert closed.tally["questions"][0]["counts"] == {"for": 2, "against": 1, "abstain": 0}
    assert closed.passed is True  # 2 of 3 is 2/3: BAL-5 at least 2/3
    row = services_cast.receipt_check(ballot=closed, code=codes[2].lower().replace("-", " "))
    assert row is not None and row.choices == {"1": ["against"]}
    assert services_cast.receipt_check(ballot=closed, code="2222-2222-2222-2222") is None
    with pytest.raises(ApplicationError):
        services_cast.receipt_check(ballot=closed, code="not a code")
    with pytest.raises(ApplicationError):
        cast(ballot, members[0], world.member, now=AFTER)


def test_cancel_before_opening_only(world, voters):
    voters(2)
    ballot = make_ballot(world.org_a, world.staff_a)
    with pytest.raises(ApplicationError):
        services.ballot_cancel(actor=world.staff_a, ballot=ballot, reason="会议改期举行", now=OPENS)
    cancelled = services.ballot_cancel(actor=world.staff_a, ballot=ballot, reason="会议改期举行", now=NOW)
    assert cancelled.status == BallotStatus.CANCELLED
