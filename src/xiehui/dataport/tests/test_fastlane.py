"""The fast lane in front of Django: the same answers, the same gate, the same audit, never a stale record."""

from __future__ import annotations

import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client

from xiehui.core import clock
from xiehui.dataport import services
from xiehui.dataport.fastlane import FastLane
from xiehui.dataport.models import QueryRecord
from xiehui.registry.models import Organization

pytestmark = pytest.mark.django_db


class Counting:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django, self.calls = WSGIHandler(), 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture
def lane() -> tuple[FastLane, Counting]:
    cache.clear()
    django = Counting()
    return FastLane(django), django


def call(app: Any, path: str, query: str = "", **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update({"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": query, "HTTP_HOST": "testserver"})
    environ.update(headers)
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    # as Django's test client does: a request must not close the connection that holds the test's transaction
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        body = b"".join(result)
        getattr(result, "close", lambda: None)()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return int(seen["status"][:3]), seen["headers"], body


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_replays_djangos_own_answer_until_the_record_changes(world, lane):
    app, django = lane
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    expected = Client().get(path)
    first = call(app, path)
    second = call(app, path)
    assert first[0] == second[0] == 200 and first[2] == second[2] == expected.content
    assert django.calls == 1  # the second answer came from the lane
    assert second[1]["ETag"] == expected["ETag"] and second[1]["Content-Type"] == expected["Content-Type"]
    assert second[1]["X-Content-Type-Options"] == "nosniff"  # Django's security headers travel with the answer
    assert int(second[1]["Content-Length"]) == len(second[2])
    org = Organization.objects.get(pk=world.org_a.pk)
    org.domicile = "历下区新址 8 号"
    org.save()  # a new version (updated_at)
    third = call(app, path)
    assert django.calls == 2 and json.loads(third[2])["domicile"] == "历下区新址 8 号"
    assert third[1]["ETag"] != first[1]["ETag"]


def test_a_matching_if_none_match_gets_304_from_the_lane(world, lane):
    app, django = lane
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    etag = call(app, path)[1]["ETag"]
    status, headers, body = call(app, path, HTTP_IF_NONE_MATCH=etag)
    assert (status, headers["ETag"], body, django.calls) == (304, etag, b"", 1)
    assert call(app, path, HTTP_IF_NONE_MATCH="*")[0] == 304  # as Django answers (core.api.etag_matches)
    other = etag.replace("organization-", "organization-9")
    assert call(app, path, HTTP_IF_NONE_MATCH=f'W/"x", {other}')[0] == 200 and django.calls == 1


def test_keyed_lookups_are_counted_once_and_audited_whichever_way_they_go(world, issue, lane, monkeypatch):
    app, django = lane
    key, secret = issue(scopes=["registry"], rate_per_minute=3)
    fixed = clock.now().replace(second=5)
    monkeypatch.setattr(clock, "now", lambda: fixed)  # every request in the same minute
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    assert [call(app, path, **bearer(secret))[0] for _ in range(3)] == [200, 200, 200]
    status, headers, body = call(app, path, **bearer(secret))  # the 4th in the minute: refused, by Django
    assert status == 429 and b"rate_limited" in body and int(headers["Retry-After"]) > 0
    assert django.calls == 2  # the first (a miss) and the refusal
    records = list(QueryRecord.objects.order_by("at"))
    assert [(r.status, r.outcome, r.result_count) for r in records] == [
        (200, "ok", 1), (200, "ok", 1), (200, "ok", 1), (429, "rate_limited", 0)
    ]  # fmt: skip
    assert {r.endpoint for r in records} == {"xiehui_registry_api_get_organization"}
    assert {(r.key_id, r.department_id, r.path) for r in records} == {(key.pk, key.department_id, path)}


def test_revoked_and_out_of_scope_keys_never_get_a_held_answer(world, issue, lane, django_capture_on_commit_callbacks):
    app, django = lane
    key, secret = issue(scopes=["registry"])
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    assert call(app, path, **bearer(secret))[0] == 200  # now held
    with django_capture_on_commit_callbacks(execute=True):
        services.key_revoke(actor=world.officer_jinan, key=key, reason="系统下线", now=clock.now())
    status, _, body = call(app, path, **bearer(secret))
    assert status == 401 and b"key_revoked" in body
    _, credit_only = issue(scopes=["credit"], system_name="信用系统")
    status, _, body = call(app, path, **bearer(credit_only))
    assert status == 403 and b"scope_missing" in body
    assert call(app, path, **bearer("xhk_nonsense_x"))[0] == 401
    assert django.calls == 4


def test_the_anonymous_rate_holds_in_the_lane(world, lane, settings, monkeypatch):
    settings.XIEHUI_API_ANON_RATE = 2
    fixed = clock.now().replace(second=5)
    monkeypatch.setattr(clock, "now", lambda: fixed)  # every request in the same minute
    app, _ = lane
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    statuses = [call(app, path)[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert call(app, path, REMOTE_ADDR="10.0.0.9")[0] == 200  # another client, another bucket


def test_everything_else_goes_to_django(world, lane):
    app, django = lane
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    call(app, path)
    calls = django.calls
    call(app, path, "fields=x")
    call(app, path, HTTP_COOKIE="sessionid=abc")
    call(app, path, HTTP_AUTHORIZATION="Bearer xh_personal_token")
    call(app, path, HTTP_ACCEPT_LANGUAGE="en")  # another language: its own answer, read through Django once
    call(app, "/api/v1/organizations")
    assert django.calls == calls + 5
    missing = "/api/v1/organizations/" + "9" * 18
    assert [call(app, missing)[0] for _ in range(2)] == [404, 404] and django.calls == calls + 7


def test_it_steps_aside_where_django_redirects_to_https_or_refuses_the_host(world, settings):
    path = f"/api/v1/organizations/{world.org_a.uscc}"
    settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER = True, ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    django = Counting()  # after the settings: SecurityMiddleware reads them when it is built
    app = FastLane(django)
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    assert call(app, path, **https)[0] == 200
    status, headers, _ = call(app, path, **https)
    assert status == 200 and "max-age=3600" in headers["Strict-Transport-Security"] and django.calls == 1
    assert [call(app, path)[0] for _ in range(2)] == [301, 301] and django.calls == 3  # plain http: redirected
    assert call(app, path, HTTP_HOST="evil.example", **https)[0] == 400 and django.calls == 4
