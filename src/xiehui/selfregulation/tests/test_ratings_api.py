"""Social evaluation on the data port (BL-2): summary and cursor page, rating, reporting, moderation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.selfregulation import services_commitments as services
from xiehui.selfregulation.models import Rating, RatingStatus

from .test_commitments_api import bearer
from .test_ratings_services import make_member, public, rate

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def post(path: str, body: dict, **extra):  # type: ignore[no-untyped-def]
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", **extra)


def ratings_url(org) -> str:  # type: ignore[no-untyped-def]
    return f"{API}/organizations/{org.uscc}/ratings"


# -- reading --------------------------------------------------------------------------------------------


def test_it_gives_summary_and_pages_with_a_cursor(world, django_assert_max_num_queries):
    make_member(world)
    rate(world.member, world.org_a, score=5, now=NOW - dt.timedelta(minutes=30))
    for n in range(4):
        rate(public(f"p{n}"), world.org_a, score=2, now=NOW - dt.timedelta(minutes=n))
    with django_assert_max_num_queries(4):
        first = Client().get(ratings_url(world.org_a), {"limit": 3}).json()
    summary = first["summary"]
    assert summary["count"] == 5 and summary["average"] == 2.6 and (summary["members"], summary["public"]) == (1, 4)
    assert summary["distribution"] == [{"score": s, "count": {2: 4, 5: 1}.get(s, 0)} for s in range(1, 6)]
    assert len(first["items"]) == 3 and first["next_cursor"]
    assert {r["rater"] for r in first["items"]} == {"王**"}  # the display name 王公众, masked
    second = Client().get(ratings_url(world.org_a), {"limit": 3, "cursor": first["next_cursor"]}).json()
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 5 and second["next_cursor"] is None
    assert second["items"][-1]["as_member"] is True


def test_a_bad_cursor_is_refused(world):
    response = Client().get(ratings_url(world.org_a), {"cursor": "nonsense"})
    assert response.status_code == 400 and (response.json()["code"], response.json()["field"]) == (
        "invalid_cursor",
        "cursor",
    )


def test_hidden_ratings_are_not_listed_or_counted(world):
    rate(public("a"), world.org_a, score=5)
    hidden = rate(public("b"), world.org_a, score=1)
    services.rating_moderate(actor=world.officer_jinan, rating=hidden, action="hide", reason="辱骂", now=NOW)
    body = Client().get(ratings_url(world.org_a)).json()
    assert body["summary"]["count"] == 1 and [r["score"] for r in body["items"]] == [5]


def test_year_filter(world):
    user = public()
    rate(user, world.org_a, score=2, now=NOW - dt.timedelta(days=365))
    rate(user, world.org_a, score=4)
    body = Client().get(ratings_url(world.org_a), {"year": 2026}).json()
    assert body["summary"]["year"] == 2026 and body["summary"]["count"] == 1 and len(body["items"]) == 1


# -- rating ---------------------------------------------------------------------------------------------


def test_it_rates_through_the_api(world):
    response = post(f"/organizations/{world.org_a.uscc}/ratings", {"score": 4, "comment": "好"}, **bearer(public()))
    assert response.status_code == 201, response.content
    assert response.json()["score"] == 4 and Rating.objects.get().comment == "好"


@pytest.mark.parametrize(("score", "status"), [(0, 400), (1, 201), (5, 201), (6, 400)])
def test_bl_2_score_bounds_through_the_api(world, score, status):
    response = post(f"/organizations/{world.org_a.uscc}/ratings", {"score": score}, **bearer(public()))
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "rating_score" and "BL-2" in response.json()["detail"]


def test_bl_2_second_rating_same_year_is_409(world):
    user = public()
    rate(user, world.org_a)
    response = post(f"/organizations/{world.org_a.uscc}/ratings", {"score": 3}, **bearer(user))
    assert response.status_code == 409 and "您已对该协会作出 2026 年度评价" in response.json()["detail"]


@pytest.mark.parametrize("who", ["staff_a", "officer_jinan", "department"])
def test_bl_2_refused_raters_get_403(world, who):
    response = post(f"/organizations/{world.org_a.uscc}/ratings", {"score": 3}, **bearer(getattr(world, who)))
    assert response.status_code == 403 and "BL-2" in response.json()["detail"]


def test_rating_needs_credentials(world):
    assert post(f"/organizations/{world.org_a.uscc}/ratings", {"score": 3}).status_code == 401


# -- reporting and moderation ---------------------------------------------------------------------------


def test_report_once_through_the_api(world):
    rating = rate(public(), world.org_a)
    first = post(f"/ratings/{rating.pk}/report", {"reason": "广告"}, **bearer(world.staff_b))
    assert first.status_code == 201 and first.json()["reports"] == 1
    again = post(f"/ratings/{rating.pk}/report", {"reason": "广告"}, **bearer(world.staff_b))
    assert again.status_code == 409 and again.json()["code"] == "report_exists"
    assert post(f"/ratings/{rating.pk}/report", {"reason": "x"}).status_code == 401
    assert post("/ratings/999999/report", {"reason": "x"}, **bearer(world.staff_b)).status_code == 404


def test_moderation_by_in_jurisdiction_officer_only(world):
    rating = rate(public(), world.org_a)
    url = f"/ratings/{rating.pk}/moderate"
    assert post(url, {"action": "hide", "reason": "辱骂"}, **bearer(world.officer_qingdao)).status_code == 404
    for user in (world.staff_a, world.member, world.department):
        assert post(url, {"action": "hide", "reason": "辱骂"}, **bearer(user)).status_code == 404
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VISIBLE
    response = post(url, {"action": "hide", "reason": "辱骂"}, **bearer(world.officer_jinan))
    assert response.status_code == 200 and response.json()["status"] == "hidden"
    assert post(url, {"action": "delete"}, **bearer(world.officer_jinan)).json()["field"] == "action"
    response = post(url, {"action": "restore"}, **bearer(world.officer_province))
    assert response.status_code == 200 and response.json()["status"] == "visible"
