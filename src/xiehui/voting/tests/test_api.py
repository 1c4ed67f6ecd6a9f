"""The data port: same permissions as the web; voters cast and get a receipt; the bulletin and receipt check."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core import clock
from xiehui.core.testing import follow_cursor
from xiehui.voting.models import Ballot, BallotStatus

from .conftest import assembly, entry_of, live_ballot, represent

pytestmark = pytest.mark.django_db


def test_voter_lists_casts_and_checks_receipt(world, voters, as_user):
    from xiehui.voting import services_close

    members = voters(3)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(world.member)
    mine = client.get("/api/v1/my/ballots").json()
    assert [(m["ballot_id"], m["voted"]) for m in mine] == [(ballot.pk, False)]
    entry = entry_of(ballot, members[0])
    response = client.post(
        f"/api/v1/ballots/{ballot.pk}/cast",
        {"roll_entry_id": entry.pk, "choices": {"1": "for"}},
        content_type="application/json",
    )
    assert response.status_code == 201
    code = response.json()["receipt"]
    again = client.post(
        f"/api/v1/ballots/{ballot.pk}/cast",
        {"roll_entry_id": entry.pk, "choices": {"1": "for"}},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "BAL-2"
    detail = client.get(f"/api/v1/ballots/{ballot.pk}").json()
    assert detail["roll_size"] == 3 and len(detail["roll_digest"]) == 64 and detail["passed"] is None
    assert client.get(f"/api/v1/ballots/{ballot.pk}/bulletin").status_code == 404
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=clock.now())
    services_close.ballot_publish(actor=world.staff_a, ballot=ballot, now=clock.now())
    board = client.get(f"/api/v1/ballots/{ballot.pk}/bulletin").json()
    assert board["count"] == 1 and board["items"][0]["choices"] == {"1": ["for"]}
    check = client.post(f"/api/v1/ballots/{ballot.pk}/receipt-check", {"code": code}, content_type="application/json")
    assert check.json()["found"] is True


def test_staff_set_up_and_freeze_through_the_api(world, voters, as_user):
    voters(2)
    organ = assembly(world.org_a)
    now = clock.now()
    body = {
        "kind": "charter_amendment",
        "title": "修改章程",
        "organ_id": organ.pk,
        "cutoff_on": (clock.today() - dt.timedelta(days=1)).isoformat(),
        "opens_at": (now + dt.timedelta(days=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
    }
    client = as_user(world.staff_a)
    created = client.post(f"/api/v1/organizations/{world.org_a.uscc}/ballots", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    frozen = client.post(f"/api/v1/ballots/{pk}/freeze")
    assert frozen.status_code == 200 and frozen.json()["roll_size"] == 2
    refused = client.put(f"/api/v1/ballots/{pk}", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "BAL-1"
    for who in ("staff_b", "member", "officer_jinan", "department"):
        other = as_user(getattr(world, who))
        assert (
            other.post(
                f"/api/v1/organizations/{world.org_a.uscc}/ballots", body, content_type="application/json"
            ).status_code
            == 403
        )
        assert other.post(f"/api/v1/ballots/{pk}/close").status_code == 404
        assert other.get(f"/api/v1/ballots/{pk}/roll").status_code == 404
    assert as_user(None).post(f"/api/v1/ballots/{pk}/freeze").status_code == 401


@pytest.mark.parametrize("who", [None, "staff_b", "officer_jinan", "department"])
def test_outsiders_neither_see_nor_cast(world, voters, as_user, who):
    members = voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(getattr(world, who) if who else None)
    assert client.get(f"/api/v1/ballots/{ballot.pk}").status_code == 404
    cast = client.post(
        f"/api/v1/ballots/{ballot.pk}/cast",
        {"roll_entry_id": entry_of(ballot, members[0]).pk, "choices": {"1": "for"}},
        content_type="application/json",
    )
    assert cast.status_code in (401, 404)


def test_list_query_count(world, voters, as_user, django_assert_max_num_queries):
    voters(2)
    for _ in range(3):
        live_ballot(world.org_a, world.staff_a)
    Ballot.objects.update(kind="trust_vote", status=BallotStatus.PUBLISHED)
    with django_assert_max_num_queries(8):
        response = as_user(None).get(f"/api/v1/organizations/{world.org_a.uscc}/ballots")
    assert response.json()["count"] == 3


def test_ballots_bulletin_and_roll_follow_their_cursors_to_every_row_once(world, voters, as_user):
    from xiehui.voting import services_cast, services_close

    members = voters(5)
    for member in members[1:]:
        represent(member, world.member)
    ballot = live_ballot(world.org_a, world.staff_a)
    for member in members:
        entry = entry_of(ballot, member)
        services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=clock.now()
        )
    staff = as_user(world.staff_a)
    roll, response = [], staff.get(f"/api/v1/ballots/{ballot.pk}/roll", {"limit": 2})
    while True:  # the roll is a bare array: its next cursor is a header
        assert response.status_code == 200
        roll += response.json()
        if "Next-Cursor" not in response:
            break
        response = staff.get(f"/api/v1/ballots/{ballot.pk}/roll", {"limit": 2, "cursor": response["Next-Cursor"]})
    assert roll == staff.get(f"/api/v1/ballots/{ballot.pk}/roll", {"limit": 100}).json() and len(roll) == 5
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=clock.now())
    services_close.ballot_publish(actor=world.staff_a, ballot=ballot, now=clock.now())
    for _ in range(2):
        live_ballot(world.org_a, world.staff_a)
    Ballot.objects.update(kind="trust_vote", status=BallotStatus.PUBLISHED)
    client = as_user(world.member)
    board = client.get(f"/api/v1/ballots/{ballot.pk}/bulletin", {"limit": 100}).json()
    assert board["count"] == 5 and board["next_cursor"] is None
    assert follow_cursor(client, f"/api/v1/ballots/{ballot.pk}/bulletin", {"limit": 2}) == board["items"]
    ballots = as_user(None).get(f"/api/v1/organizations/{world.org_a.uscc}/ballots", {"limit": 100}).json()
    assert ballots["count"] == 3 and ballots["next_cursor"] is None
    assert (
        follow_cursor(as_user(None), f"/api/v1/organizations/{world.org_a.uscc}/ballots", {"limit": 2})
        == ballots["items"]
    )
