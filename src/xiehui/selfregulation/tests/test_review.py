"""Defects found in review: each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from xiehui.conftest import NOW, PASSWORD
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Role
from xiehui.core.services import user_create
from xiehui.registry.models import Organization
from xiehui.selfregulation import selectors_commitments, services_norms
from xiehui.selfregulation import services_commitments as commitments
from xiehui.selfregulation.models import NormVersion, PledgeSignature, Rating, RatingStatus

from .test_commitments_api import bearer
from .test_commitments_services import ALL
from .test_norms_services import adopt, amend, draft, make_member, published, standard, today
from .test_ratings_services import public, rate

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post_json(client: Client, path: str, body: object, **extra):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json", **extra)


# -- visibility: an amendment under way is not revealed by the list's status filter ------------------------


@pytest.mark.parametrize("status", ["pending", "draft", "adopted"])
def test_the_status_filter_reveals_no_unpublished_amendment_to_those_who_may_not_see_it(world, as_user, status):
    norm = published(world)
    pending = amend(norm, world.staff_a)
    if status == "adopted":
        adopt(pending, world.staff_a)
    url = f"{API}/organizations/{world.org_a.uscc}/norms?status={status}"
    make_member(world)
    for who in (None, world.member, world.staff_b, world.officer_qingdao):
        body = as_user(who).get(url).json()
        assert body["count"] == 0 and body["items"] == [], (who, status)
    # the association's staff and officers in jurisdiction still find it (as "pending": it has a current version)
    expected = 1 if status == "pending" else 0
    for who in (world.staff_a, world.officer_jinan):
        assert as_user(who).get(url).json()["count"] == expected, who


# -- SR-1 adoption: vote counts beyond any meeting are refused with a message, not a server error -------------


def test_a_vote_count_beyond_the_bound_is_refused_on_the_adoption_form(world, as_user):
    version = draft(world)
    url = reverse("selfregulation:norm_version_adopt", args=[version.pk])
    data = {
        "organ": "assembly",
        "meeting": "第三届会员代表大会第二次会议",
        "meeting_on": (today() - dt.timedelta(days=1)).isoformat(),
        "resolution": "济建协〔2026〕5号",
        "attendance": "99999999999999999999",
        "votes_for": "99999999999999999998",
        "votes_against": "0",
        "votes_abstain": "0",
    }
    response = as_user(world.staff_a).post(url, data)
    assert response.status_code == 200
    assert f"出席人数 99999999999999999999 超过上限 {services_norms.MAX_VOTES}" in response.text
    assert 'value="第三届会员代表大会第二次会议"' in response.text  # what was typed stays
    version.refresh_from_db()
    assert version.adopted_at is None


def test_the_service_bounds_every_vote_count(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, attendance=60, votes_for=services_norms.MAX_VOTES + 1)
    assert exc.value.field == "votes_for" and exc.value.code == "too_large"
    top = services_norms.MAX_VOTES
    adopt(version, world.staff_a, attendance=top, votes_for=top, votes_against=0, votes_abstain=0)


# -- group standard numbers: full-width forms are the same number -------------------------------------------


def test_a_full_width_standard_number_is_normalised_and_counts_as_a_duplicate(world):
    version = standard(world, code="Ｔ／ＪＮＪＺ　００１－２０２６")
    assert version.norm.code == "T/JNJZ 001—2026"
    with pytest.raises(ApplicationError) as exc:
        standard(world, code="T/JNJZ ００１—2026", title="另一项标准")
    assert exc.value.code == "duplicate_code"


def test_digits_of_other_scripts_are_not_a_standard_number(world):
    with pytest.raises(ApplicationError) as exc:
        standard(world, code="T/JNJZ ٠٠١—2026")  # Arabic-Indic digits
    assert exc.value.code == "invalid_standard_code"


# -- the data port takes JSON types strictly where a lax reading would write something else ------------------


@pytest.fixture
def _fixed_clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.mark.parametrize("score", [True, "5", 5.0])
def test_bl_2_a_score_must_be_a_json_integer(world, _fixed_clock, score):
    response = post_json(Client(), f"/organizations/{world.org_a.uscc}/ratings", {"score": score}, **bearer(public()))
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Rating.objects.exists()


@pytest.mark.parametrize("signed_on", [0, "0", 1735689600, "1735689600"])
def test_a_pledge_letter_date_must_be_iso_text(world, _fixed_clock, signed_on):
    body = {"pledges": ALL, "signatory": "张会长", "signatory_title": "会长", "signed_on": signed_on}
    response = post_json(Client(), f"/organizations/{world.org_a.uscc}/pledges", body, **bearer(world.staff_a))
    assert response.status_code == 422, response.content
    assert "YYYY-MM-DD" in response.json()["detail"]
    assert not PledgeSignature.objects.exists()


def test_a_norm_date_given_as_a_numeric_string_is_refused(world):
    version = draft(world)
    client = Client()
    response = client.patch(
        f"{API}/norms/versions/{version.pk}",
        json.dumps({"issued_on": "0"}),
        content_type="application/json",
        **bearer(world.staff_a),
    )
    assert response.status_code == 422, response.content
    assert NormVersion.objects.get(pk=version.pk).issued_on is None


# -- BL-2 moderation: the jurisdiction's officers only ------------------------------------------------------


def test_bl_2_a_system_administrator_does_not_moderate(world, _fixed_clock):
    admin = user_create(actor=None, username="sysadmin", password=PASSWORD, role=Role.ADMIN, display_name="管理员")
    rating = rate(public(), world.org_a)
    with pytest.raises(NotFound):
        commitments.rating_moderate(actor=admin, rating=rating, action="hide", reason="辱骂", now=NOW)
    with pytest.raises(NotFound):
        selectors_commitments.rating_get_for_moderator(actor=admin, pk=rating.pk)
    filters = selectors_commitments.ModerationFilters()
    assert not selectors_commitments.moderation_queue(actor=admin, filters=filters).exists()
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VISIBLE


def test_the_moderation_queue_finds_an_association_by_an_18_character_name(world, _fixed_clock):
    name = "济南市历城区建筑装饰装修工程行业协会"
    assert len(name) == 18
    Organization.objects.filter(pk=world.org_a.pk).update(name=name)
    rating = rate(public(), world.org_a)
    filters = selectors_commitments.ModerationFilters(q=name)
    assert list(selectors_commitments.moderation_queue(actor=world.officer_jinan, filters=filters)) == [rating]
    by_code = selectors_commitments.ModerationFilters(q=world.org_a.uscc)
    assert list(selectors_commitments.moderation_queue(actor=world.officer_jinan, filters=by_code)) == [rating]
