"""Defects found in review, each pinned by a test that fails without its fix."""

from __future__ import annotations

import pytest
from django.test import Client

from .test_api import bearer, url
from .test_views import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("offset", [str(2**63), str(10**30), "100001"])
def test_the_members_api_refuses_an_offset_beyond_its_bound_not_a_crash(world, offset):
    record(world.org_a, "济南甲建筑公司", 1)
    response = Client().get(url(world.org_a), {"offset": offset}, **bearer(world.staff_a))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert "offset" in response.text


def test_the_members_api_still_pages_within_its_bound(world):
    record(world.org_a, "济南甲建筑公司", 1)
    response = Client().get(url(world.org_a), {"offset": "100000"}, **bearer(world.staff_a))
    assert response.status_code == 200 and response.json()["items"] == []
