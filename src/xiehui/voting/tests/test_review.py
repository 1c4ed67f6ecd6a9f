"""Defects found in review, each pinned by a test: eligibility on a frozen roll (BAL-1), delegate rolls,
statements per cast and the receipt-check rate limit (BAL-2), atomic publication, 404 for others' entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, Role
from xiehui.core.services import user_create
from xiehui.disclosure.models import Disclosure
from xiehui.governance import services as governance
from xiehui.governance.models import OrganKind, Resolution
from xiehui.membership import services_fees
from xiehui.membership.models import Delegate, FeeStandardStatus, Member, Representative
from xiehui.voting import services_cast, services_close
from xiehui.voting.models import Ballot, BallotStatus, RollEntry

from .conftest import CLOSES, DURING, assembly, entry_of, live_ballot, make_ballot, represent
from .test_publish import _nominate, _term, vote_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _cast_api(client, ballot, entry, choice="for"):
    return client.post(
        f"/api/v1/ballots/{ballot.pk}/cast",
        {"roll_entry_id": entry.pk, "choices": {"1": choice}},
        content_type="application/json",
    )


# -- BAL-1: the roll is frozen; whoever represents the member today casts its vote ---------------------------


def test_bal_1_member_who_left_after_the_cutoff_still_votes_through_its_current_representative(world, voters, as_user):
    members = voters(3)
    ballot = live_ballot(world.org_a, world.staff_a)
    Member.objects.filter(pk=members[0].pk).update(left_on=clock.today() - dt.timedelta(days=1))  # after cut-off
    client = as_user(world.member)
    assert client.get(reverse("voting:detail", args=[ballot.pk])).status_code == 200
    assert client.get(reverse("voting:vote", args=[ballot.pk, entry_of(ballot, members[0]).pk])).status_code == 200
    assert _cast_api(client, ballot, entry_of(ballot, members[0])).status_code == 201


def test_bal_1_representative_whose_mandate_ended_no_longer_votes_for_the_member(world, voters, as_user):
    members = voters(3)
    ballot = live_ballot(world.org_a, world.staff_a)
    Representative.objects.filter(member=members[0], user=world.member).update(until=clock.today())
    client = as_user(world.member)
    assert _cast_api(client, ballot, entry_of(ballot, members[0])).status_code == 404
    with pytest.raises(PermissionDenied):
        services_cast.ballot_cast(
            voter_user=world.member,
            ballot=ballot,
            roll_entry=entry_of(ballot, members[0]),
            choices={"1": "for"},
            now=clock.now(),
        )


def test_bal_1_delegate_roll_holds_two_delegates_of_one_member_each_with_a_vote(world, voters):
    members = voters(2)
    second = user_create(actor=None, username="delegate_two", password="Delegate-two-2026!", role=Role.MEMBER)
    for user, name in ((world.member, "张代表"), (second, "李代表")):
        Delegate.objects.create(
            organization=world.org_a,
            member=members[0],
            user=user,
            name=name,
            method="elected",
            since=dt.date(2025, 1, 1),
        )
    organ = assembly(world.org_a, OrganKind.DELEGATE_ASSEMBLY)
    ballot = make_ballot(world.org_a, world.staff_a, organ=organ)  # used to fail: roll_unique_member (IntegrityError)
    assert ballot.roll_size == 2
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("position"))
    for user, entry in zip((world.member, second), entries, strict=True):
        services_cast.ballot_cast(voter_user=user, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=DURING)
    with pytest.raises(PermissionDenied):  # a delegate votes only their own entry
        services_cast.ballot_cast(
            voter_user=second, ballot=ballot, roll_entry=entries[0], choices={"1": "for"}, now=DURING
        )


# -- BAL-2: casting -----------------------------------------------------------------------------------------


def test_bal_2_a_cast_runs_five_statements(world, voters):
    members = voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    entry = entry_of(ballot, members[0])
    with CaptureQueriesContext(connection) as ctx:
        services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=DURING
        )
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    # ballot (FOR SHARE on PostgreSQL), representation, questions, participation, cast ballot
    assert len(statements) == 5, statements
    if connection.vendor == "postgresql":
        assert statements[0].endswith("FOR SHARE")


def test_bal_2_duplicate_cast_without_savepoint_leaves_the_transaction_usable(world, voters):
    members = voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    entry = entry_of(ballot, members[0])
    services_cast.ballot_cast(
        voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=DURING
    )
    with pytest.raises(ApplicationError) as exc:
        services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "against"}, now=DURING
        )
    assert exc.value.code == "BAL-2" and exc.value.status == 409
    assert Ballot.objects.filter(pk=ballot.pk).exists()  # the enclosing transaction still runs queries
    closed = services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)
    assert closed.cast == closed.present == 1 and closed.tally["questions"][0]["counts"]["for"] == 1


def test_bal_2_cast_after_the_close_is_refused(world, voters):
    members = voters(3)
    ballot = make_ballot(world.org_a, world.staff_a)
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)
    with pytest.raises(ApplicationError) as exc:
        services_cast.ballot_cast(
            voter_user=world.member,
            ballot=ballot,
            roll_entry=entry_of(ballot, members[0]),
            choices={"1": "for"},
            now=DURING,
        )
    assert exc.value.code == "not_open"


def test_bal_2_api_cast_for_someone_elses_roll_entry_is_not_found(world, voters, as_user):
    members = voters(3)  # the world's member represents members[0] only
    ballot = live_ballot(world.org_a, world.staff_a)
    response = _cast_api(as_user(world.member), ballot, entry_of(ballot, members[1]))
    assert response.status_code == 404
    assert not ballot.participations.exists()


def _published(world, voters):
    members = voters(2)
    for member in members[1:]:
        represent(member, world.member)
    ballot = live_ballot(world.org_a, world.staff_a)
    code = services_cast.ballot_cast(
        voter_user=world.member,
        ballot=ballot,
        roll_entry=entry_of(ballot, members[0]),
        choices={"1": "for"},
        now=clock.now(),
    )
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=clock.now())
    services_close.ballot_publish(actor=world.staff_a, ballot=ballot, now=clock.now())
    return ballot, code


def test_bal_2_receipt_check_is_rate_limited_on_the_api_and_the_web(world, voters, as_user):
    ballot, code = _published(world, voters)
    client = as_user(world.member)
    url = f"/api/v1/ballots/{ballot.pk}/receipt-check"
    limit = int(services_cast.RECEIPT_CHECK_RATE.split("/")[0])
    for _ in range(limit):
        assert client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"}, content_type="application/json").status_code == 200
    refused = client.post(url, {"code": code}, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    web = client.post(reverse("voting:bulletin", args=[ballot.pk]), {"code": code})
    assert web.status_code == 429 and "核对次数过多" in web.content.decode()
    assert client.get(reverse("voting:bulletin", args=[ballot.pk])).status_code == 200  # reading is not limited


def test_bal_2_receipt_page_and_session_carry_no_receipt_or_ballot_link(world, voters, as_user):
    members = voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(world.member)
    url = reverse("voting:vote", args=[ballot.pk, entry_of(ballot, members[0]).pk])
    response = client.post(url, {"q1": "for"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = response.context["code"]
    session = client.session
    stored = " ".join(f"{k}={v}" for k, v in session.items())
    assert code not in stored and code.replace("-", "") not in stored
    assert "_messages" not in session
    assert not AuditEntry.objects.filter(actor_id=world.member.pk, action__startswith="voting.").exists()


# -- publication is one transaction ---------------------------------------------------------------------------


def test_publish_is_atomic_a_failing_disclosure_leaves_nothing_published(world, voters, monkeypatch):
    from xiehui.disclosure import services as disclosure

    members = voters(2)
    represent(members[1], world.member)
    appointment = _nominate(world, _term(world), "王会长", 3, "president")
    governance.appointment_confirm(actor=world.staff_a, appointment=appointment, starts_on=dt.date(2024, 1, 1), now=NOW)
    ballot = make_ballot(world.org_a, world.staff_a, kind="trust_vote", title="2026年度负责人信任投票")
    vote_all(ballot, members, world.member, [{"1": "trust"}, {"1": "trust"}])
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)

    def broken(**kwargs):
        raise RuntimeError("disclosure store unavailable")

    monkeypatch.setattr(disclosure, "version_publish", broken)
    with pytest.raises(RuntimeError):
        services_close.ballot_publish(actor=world.staff_a, ballot=ballot, now=CLOSES + dt.timedelta(hours=1))
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.CLOSED and ballot.resolution_id is None and ballot.published_at is None
    assert not Resolution.objects.filter(ballot_id=ballot.pk).exists()
    assert not Disclosure.objects.filter(organization=world.org_a, item_type="trust_votes").exists()
    assert not AuditEntry.objects.filter(action="voting.ballot.published").exists()


def test_fee_1_publish_is_atomic_a_late_failure_leaves_the_standard_balloting(world, voters, monkeypatch):
    members = voters(3)
    for member in members[1:]:
        represent(member, world.member)
    standard = services_fees.fee_standard_propose(
        actor=world.staff_a,
        organization=world.org_a,
        title="2027年会费标准（草案）",
        services_covered="行业信息服务",
        effective_on=dt.date(2027, 1, 1),
        tiers=[("会员单位", Decimal("1000"))],
        now=NOW,
    )
    ballot = make_ballot(world.org_a, world.staff_a, kind="fee_standard", title=standard.title, fee_standard=standard)
    vote_all(ballot, members, world.member, [{"1": "for"}] * 3)
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)
    real = services_close.audit.record

    def failing(**kwargs):
        if kwargs.get("action") == "voting.ballot.published":
            raise RuntimeError("audit store unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services_close.audit, "record", failing)
    with pytest.raises(RuntimeError):
        services_close.ballot_publish(actor=world.staff_a, ballot=ballot, now=CLOSES + dt.timedelta(hours=1))
    standard.refresh_from_db()
    assert standard.status == FeeStandardStatus.BALLOTING and standard.resolution_id is None
    assert not Resolution.objects.filter(ballot_id=ballot.pk).exists()
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.CLOSED


# -- the attendance desk ---------------------------------------------------------------------------------------


def test_attendance_desk_keeps_the_search_text_encoded_in_its_redirect(world, voters, as_user):
    members = voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    Ballot.objects.filter(pk=ballot.pk).update(in_meeting=True, closes_at=clock.now() + dt.timedelta(minutes=30))
    response = as_user(world.staff_a).post(
        reverse("voting:workspace_attendance", args=[ballot.pk]),
        {"entry": entry_of(ballot, members[0]).pk, "q": "会员&x=1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=%E4%BC%9A%E5%91%98%26x%3D1")


def test_a_200_character_title_sets_up_a_ballot_instead_of_a_500(world, voters, as_user):
    voters(2)
    now = clock.now()
    payload = {
        "kind": "charter_amendment",
        "title": "修" * 200,
        "organ_id": assembly(world.org_a).pk,
        "cutoff_on": (clock.local_date(now) - dt.timedelta(days=1)).isoformat(),
        "opens_at": (now + dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
    }
    response = as_user(world.staff_a).post(
        f"/api/v1/organizations/{world.org_a.uscc}/ballots", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    text = response.json()["questions"][0]["text"]
    assert len(text) == 200 and text.endswith("…")
