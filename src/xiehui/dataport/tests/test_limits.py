"""Rate per minute and daily quota at their boundaries, Retry-After, the anonymous rate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from xiehui.core import clock
from xiehui.dataport import limits
from xiehui.dataport.models import QueryRecord

from .conftest import keyed

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 12, 7, 10, 0, 0, tzinfo=clock.SHANGHAI)


def test_the_minute_allows_exactly_the_limit_and_names_the_seconds_left():
    name = "t-minute"
    assert [limits.hit(name, limit=3, window="minute", now=T + dt.timedelta(seconds=s)).allowed for s in (0, 1, 2)] == [
        True,
        True,
        True,
    ]
    fourth = limits.hit(name, limit=3, window="minute", now=T + dt.timedelta(seconds=45))
    assert (fourth.allowed, fourth.used, fourth.retry_after) == (False, 4, 15)
    assert limits.hit(name, limit=3, window="minute", now=T + dt.timedelta(seconds=60)).allowed  # next minute


def test_the_day_is_the_shanghai_day_and_retry_after_reaches_midnight():
    name = "t-day"
    late = dt.datetime(2026, 12, 7, 23, 59, 0, tzinfo=clock.SHANGHAI)
    assert limits.hit(name, limit=1, window="day", now=late).allowed
    refused = limits.hit(name, limit=1, window="day", now=late)
    assert not refused.allowed and refused.retry_after == 60
    assert limits.hit(name, limit=1, window="day", now=late + dt.timedelta(minutes=1)).allowed  # 00:00 in Shanghai
    assert limits.used_today(name, now=late) == 2


def _within_one_minute(calls):  # type: ignore[no-untyped-def]
    """Run `calls()` again if the wall-clock minute turned meanwhile (the window restarted)."""
    for _ in range(2):
        start = clock.now().replace(second=0, microsecond=0)
        result = calls()
        if clock.now().replace(second=0, microsecond=0) == start:
            return result
    raise AssertionError("the minute turned twice")


def test_a_key_over_its_rate_gets_429_with_retry_after_and_it_is_audited(world, issue):
    _, secret = issue(rate_per_minute=3)
    client = keyed(secret)
    statuses = _within_one_minute(lambda: [client.get("/api/v1/regions").status_code for _ in range(4)])
    assert statuses in ([200, 200, 200, 429], [429, 429, 429, 429])  # a retry finds the window used up
    response = client.get("/api/v1/regions")
    assert response.json()["code"] == "rate_limited" and 1 <= int(response["Retry-After"]) <= 60
    assert QueryRecord.objects.filter(outcome="rate_limited", status=429).exists()


def test_a_key_over_its_daily_quota_gets_429_until_midnight(world, issue):
    _, secret = issue(daily_quota=2)
    client = keyed(secret)
    assert [client.get("/api/v1/regions").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/regions")
    assert response.status_code == 429 and response.json()["code"] == "quota_exceeded"
    local = clock.now().astimezone(clock.SHANGHAI)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI)
    assert abs(int(response["Retry-After"]) - (midnight - local).total_seconds()) <= 5


def test_anonymous_calls_are_limited_per_client_when_configured(world, settings, as_user):
    settings.XIEHUI_API_ANON_RATE = 2
    client = Client(REMOTE_ADDR="127.0.0.9")
    statuses = _within_one_minute(lambda: [client.get("/api/v1/regions").status_code for _ in range(3)])
    assert statuses in ([200, 200, 429], [429, 429, 429])
    response = client.get("/api/v1/regions")
    assert response.json()["code"] == "anonymous_rate_limited" and response["Retry-After"]
    assert Client(REMOTE_ADDR="127.0.0.10").get("/api/v1/regions").status_code == 200  # another client
    disguised = Client(REMOTE_ADDR="127.0.0.9", HTTP_AUTHORIZATION="Basic eDp4")
    disguised.cookies["sessionid"] = "made-up"
    assert disguised.get("/api/v1/regions").status_code == 429  # neither a fake cookie nor another scheme escapes
    logged_in = as_user(world.staff_a)
    assert all(logged_in.get("/api/v1/regions").status_code == 200 for _ in range(4))  # sessions are not anonymous


def test_no_anonymous_limit_by_default_outside_production(world):
    client = Client(REMOTE_ADDR="127.0.0.11")
    assert all(client.get("/api/v1/regions").status_code == 200 for _ in range(5))
