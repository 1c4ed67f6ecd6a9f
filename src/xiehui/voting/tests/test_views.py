"""Ballot pages: staff workspace, the voter's phone page and receipt, the bulletin board, and who reaches what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from xiehui.core import clock
from xiehui.voting import services_close
from xiehui.voting.models import Ballot, BallotStatus, CastBallot

from .conftest import assembly, entry_of, live_ballot

pytestmark = pytest.mark.django_db


def _closed(ballot: Ballot, staff, *, publish: bool = False) -> Ballot:
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=clock.now() - dt.timedelta(seconds=1))
    ballot = services_close.ballot_close(actor=staff, ballot=ballot, now=clock.now())
    if publish:
        ballot = services_close.ballot_publish(actor=staff, ballot=ballot, now=clock.now())
    return ballot


def test_staff_create_freeze_and_see_roll_digest(world, voters, as_user):
    voters(3)
    organ = assembly(world.org_a)
    client = as_user(world.staff_a)
    now = clock.now().astimezone(clock.SHANGHAI)
    response = client.post(
        reverse("voting:workspace_new"),
        {
            "kind": "charter_amendment",
            "title": "修改章程第十条",
            "organ": organ.pk,
            "cutoff_on": (now.date() - dt.timedelta(days=1)).isoformat(),
            "opens_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    ballot = Ballot.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("voting:workspace_action", args=[ballot.pk, "freeze"]))
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.FROZEN and ballot.roll_size == 3
    page = client.get(reverse("voting:workspace_detail", args=[ballot.pk])).content.decode()
    assert ballot.roll_digest in page
    member_page = as_user(world.member).get(reverse("voting:detail", args=[ballot.pk])).content.decode()
    assert ballot.roll_digest in member_page and 'data-testid="roll-size">3<' in member_page


def test_form_shows_the_rule_refusal_on_the_field(world, as_user):
    council = assembly(world.org_a, "council")
    now = clock.now().astimezone(clock.SHANGHAI)
    response = as_user(world.staff_a).post(
        reverse("voting:workspace_new"),
        {
            "kind": "charter_amendment",
            "title": "x",
            "organ": council.pk,
            "cutoff_on": now.date().isoformat(),
            "opens_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()  # not an assembly organ


def test_member_votes_on_the_phone_page_and_sees_the_receipt_once(world, voters, as_user):
    members = voters(3)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(world.member)
    home = client.get(reverse("membership:my_home")).content.decode()
    assert "待投票事项" in home and ballot.title in home
    entry = entry_of(ballot, members[0])
    url = reverse("voting:vote", args=[ballot.pk, entry.pk])
    page = client.get(url).content.decode()
    assert 'type="radio"' in page and "<script>" not in page.split("</head>")[1]
    response = client.post(url, {"q1": "for"})
    code = re.search(r'data-testid="receipt-code">([^<]+)<', response.content.decode()).group(1)
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert CastBallot.objects.filter(ballot=ballot).count() == 1
    again = client.post(url, {"q1": "against"})
    assert "BAL-2：您已投过票" in again.content.decode()  # refused on the form
    detail = client.get(reverse("voting:detail", args=[ballot.pk])).content.decode()
    assert "已投票" in detail
    _closed(ballot, world.staff_a, publish=True)
    board = client.post(reverse("voting:bulletin", args=[ballot.pk]), {"code": code})
    assert 'data-testid="receipt-found"' in board.content.decode()
    assert "赞成" in board.content.decode()


def test_bulletin_is_hidden_until_closed_and_from_members_until_published(world, voters, as_user):
    voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    url = reverse("voting:bulletin", args=[ballot.pk])
    assert as_user(world.staff_a).get(url).status_code == 404
    _closed(ballot, world.staff_a)
    assert as_user(world.staff_a).get(url).status_code == 200
    assert as_user(world.member).get(url).status_code == 404


@pytest.mark.parametrize(
    "who,status",
    [
        (None, 302),
        ("member", 403),
        ("officer_jinan", 403),
        ("department", 403),
        ("staff_b", 404),
        ("staff_a", 200),
    ],
)
def test_workspace_ballot_access_matrix(world, voters, as_user, who, status):
    voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(getattr(world, who) if who else None)
    assert client.get(reverse("voting:workspace_detail", args=[ballot.pk])).status_code == status
    if status != 200:
        client.post(reverse("voting:workspace_action", args=[ballot.pk, "cancel"]), {"reason": "测试取消原因"})
        ballot.refresh_from_db()
        assert ballot.status == BallotStatus.FROZEN


@pytest.mark.parametrize("who", [None, "staff_b", "officer_jinan", "department"])
def test_frozen_ballot_is_not_found_for_outsiders(world, voters, as_user, who):
    members = voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    client = as_user(getattr(world, who) if who else None)
    assert client.get(reverse("voting:detail", args=[ballot.pk])).status_code == 404
    vote = client.get(reverse("voting:vote", args=[ballot.pk, entry_of(ballot, members[0]).pk]))
    assert vote.status_code in (302, 403, 404)


def test_published_trust_vote_is_public_on_the_portal(world, voters, as_user, monkeypatch):
    from xiehui.voting import selectors

    voters(2)
    ballot = live_ballot(world.org_a, world.staff_a)
    Ballot.objects.filter(pk=ballot.pk).update(kind="trust_vote", status=BallotStatus.PUBLISHED)
    page = as_user(None).get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert 'data-testid="portal-ballots-panel"' in page and ballot.title in page
    assert selectors.ballot_get(actor=None, pk=ballot.pk, on=clock.today())


def test_workspace_list_query_count_and_csv(world, voters, as_user, django_assert_max_num_queries):
    voters(2)
    for _ in range(3):
        live_ballot(world.org_a, world.staff_a)
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("voting:workspace_list"))
    assert response.status_code == 200 and response.content.decode().count("修改章程第十条") == 3
    csv = client.get(reverse("voting:workspace_list") + "?format=csv")
    assert b"".join(csv.streaming_content).decode("utf-8-sig").count("修改章程第十条") == 3
