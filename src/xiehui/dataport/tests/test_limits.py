"""Rate per minute and daily quota at their boundaries, Retry-After, the anonymous rate."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from xiehui.core import clock
from xiehui.dataport import keys, limits, services
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


@pytest.fixture
def redis_cache(settings):  # type: ignore[no-untyped-def]
    """The production cache: Django's RedisCache on the local Redis, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "KEY_PREFIX": f"xiehui-test-{uuid.uuid4().hex}",
        }
    }
    yield
    cache.clear()


def test_on_redis_one_script_call_counts_every_window_and_reads_the_flag(redis_cache):
    minute, day = limits.window_of("p", "minute", T), limits.window_of("p", "day", T)
    assert limits.count([minute, day], flag="f") == (False, [1, 1])
    cache.set("f", 1, None)
    assert limits.count([minute, day], flag="f") == (True, [2, 2])
    limits.uncount(day)
    assert cache.get(day.key) == 1 and cache.get(minute.key) == 2  # Django's own reads see the counters
    assert limits.used_today("p", now=T) == 1
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    assert 0 < client.ttl(cache.make_and_validate_key(minute.key)) <= minute.left + 5  # EXPIRE on the first count only
    assert [limits.hit("q", limit=2, window="minute", now=T).allowed for _ in range(3)] == [True, True, False]


def test_on_redis_a_key_held_by_another_worker_is_refused_from_the_revocation_on(
    world, issue, redis_cache, django_capture_on_commit_callbacks
):
    key, secret = issue(rate_per_minute=2)
    client = keyed(secret)
    assert client.get("/api/v1/regions").status_code == 200
    assert keys._memo[key.prefix][1].revoked is False  # this worker holds the key now
    held = keys._memo[key.prefix]
    with django_capture_on_commit_callbacks(execute=True):
        services.key_revoke(actor=world.officer_jinan, key=key, reason="泄露", now=clock.now())
    keys._memo[key.prefix] = held  # as another worker still holding the snapshot read before the revocation
    response = client.get("/api/v1/regions")
    assert response.status_code == 401 and response.json()["code"] == "key_revoked"
    keys._memo[key.prefix] = held
    assert client.get("/api/v1/organizations/x/credit").json()["code"] == "key_revoked"  # before a scope refusal
    _, other = issue(rate_per_minute=2, daily_quota=5, system_name="另一系统")
    statuses = _within_one_minute(lambda: [keyed(other).get("/api/v1/regions").status_code for _ in range(3)])
    assert statuses in ([200, 200, 429], [429, 429, 429])
    other_key = keys._memo[other[4:].split("_")[0]][1]
    assert limits.used_today(other_key.prefix, now=clock.now()) <= 2  # the refused request spent no quota
