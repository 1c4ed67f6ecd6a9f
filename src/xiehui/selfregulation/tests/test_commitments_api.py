"""Pledges on the data port: the catalogue, an association's letters (in force and history), signing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.services import api_token_create
from xiehui.selfregulation import pledges as catalogue
from xiehui.selfregulation.models import PledgeSignature

from .test_commitments_services import ALL, TODAY, sign

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(path: str, body: dict, **extra):  # type: ignore[no-untyped-def]
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", **extra)


def letter(**overrides) -> dict:  # type: ignore[no-untyped-def]
    return {
        "pledges": ALL,
        "signatory": "张会长",
        "signatory_title": "会长",
        "signed_on": TODAY.isoformat(),
        **overrides,
    }


def test_catalogue_lists_every_standard_pledge_with_its_ground(db):
    body = Client().get(f"{API}/pledges/standard").json()
    assert [p["code"] for p in body] == ALL
    assert body[0]["ground"] == "forced_membership" and body[0]["ground_label"] == "强制入会"


def test_it_lists_the_letter_in_force_and_history(world, django_assert_max_num_queries):
    first = sign(world, signatory="张会长")
    second = sign(world, signatory="李会长", pledges=ALL[:2], now=NOW + dt.timedelta(minutes=1))
    with django_assert_max_num_queries(4):
        response = Client().get(f"{API}/organizations/{world.org_a.uscc}/pledges")
    body = response.json()
    assert response.status_code == 200 and body["uscc"] == world.org_a.uscc
    assert body["in_force"]["id"] == second.pk and [p["code"] for p in body["in_force"]["pledges"]] == ALL[:2]
    assert [h["id"] for h in body["history"]] == [first.pk] and body["history"][0]["text"] == first.text


def test_an_association_without_letters_has_none_in_force(world):
    body = Client().get(f"{API}/organizations/{world.org_b.uscc}/pledges").json()
    assert body["in_force"] is None and body["history"] == []


def test_unknown_association_is_404(db):
    assert Client().get(f"{API}/organizations/51370100MJ0000099X/pledges").status_code == 404


def test_staff_sign_through_the_api(world):
    response = post(f"/organizations/{world.org_a.uscc}/pledges", letter(), **bearer(world.staff_a))
    assert response.status_code == 201, response.content
    body = response.json()
    sig = PledgeSignature.objects.get()
    assert body["id"] == sig.pk and body["text"] == catalogue.text_of(ALL) and sig.published_at == NOW


def test_signing_refuses_a_future_date_and_unknown_codes(world):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = post(f"/organizations/{world.org_a.uscc}/pledges", letter(signed_on=tomorrow), **bearer(world.staff_a))
    assert response.status_code == 400 and response.json()["field"] == "signed_on"
    response = post(f"/organizations/{world.org_a.uscc}/pledges", letter(pledges=["x"]), **bearer(world.staff_a))
    assert response.status_code == 400 and response.json()["code"] == "pledge_unknown"
    assert not PledgeSignature.objects.exists()


def test_only_own_staff_sign(world):
    assert post(f"/organizations/{world.org_a.uscc}/pledges", letter()).status_code == 401
    for user in (world.staff_b, world.member, world.department):
        response = post(f"/organizations/{world.org_a.uscc}/pledges", letter(), **bearer(user))
        assert response.status_code == 403
    assert not PledgeSignature.objects.exists()
