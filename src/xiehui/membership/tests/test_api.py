"""The members directory on the data port: an association's own staff only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core.services import api_token_create
from xiehui.core.testing import follow_cursor
from xiehui.membership import services

from .test_views import record, uscc

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # type: ignore[no-untyped-def]
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def url(org) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/organizations/{org.uscc}/members"


def test_own_staff_list_current_members(world, django_assert_max_num_queries):
    member = record(world.org_a, "济南甲建筑公司", 1)
    services.representative_add(actor=None, member=member, user=world.member, since=dt.date(2020, 1, 1), now=NOW)
    record(world.org_a, "张工程师", 2, kind="individual")
    record(world.org_a, "已退会公司", 3, left=True)
    for n in range(10):
        extra = record(world.org_a, f"会员公司{n}", 10 + n)
        services.representative_add(actor=None, member=extra, user=world.member, since=dt.date(2020, 1, 1), now=NOW)
    headers = bearer(world.staff_a)
    with django_assert_max_num_queries(12):  # token, association, staff check, count, keys, rows, representatives
        response = Client().get(url(world.org_a), **headers)
    body = response.json()
    assert response.status_code == 200 and body["meta"]["count"] == 12
    first = next(m for m in body["items"] if m["uscc"] == uscc(1))
    assert first["representatives"] == ["member"] and first["kind"] == "enterprise"
    only = Client().get(url(world.org_a), {"kind": "individual"}, **headers).json()
    assert [m["name"] for m in only["items"]] == ["张工程师"]


def test_others_get_404_and_anonymous_401(world):
    record(world.org_a, "济南甲建筑公司", 1)
    assert Client().get(url(world.org_a)).status_code == 401
    for user in (world.staff_b, world.member, world.officer_jinan, world.department):
        response = Client().get(url(world.org_a), **bearer(user))
        assert response.status_code == 404 and "济南甲" not in response.text


def test_members_follow_next_cursor_to_every_member_once(world):
    for n in range(7):
        record(world.org_a, f"会员公司{n % 3}", 10 + n)  # names repeat: the id breaks the tie
    headers = bearer(world.staff_a)
    whole = Client().get(url(world.org_a), {"limit": 100}, **headers).json()
    assert whole["meta"]["count"] == 7 and whole["next_cursor"] is None
    assert follow_cursor(Client(), url(world.org_a), {"limit": 3}, **headers) == whole["items"]
