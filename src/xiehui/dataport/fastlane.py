"""The fast lane: `GET /api/v1/organizations/{uscc}` answered in front of Django when nothing can differ.

A lookup by USCC is the data port's hottest call (departments check an association before a decision). Through
Django it costs the whole middleware stack (sessions, authentication, OTP, locale, CSRF, messages, CSP, axes),
URL resolution, an ORM query with two joins and a prefetch, and pydantic serialisation: about 2 ms of CPU.

This WSGI wrapper keeps Django's own answer instead of rebuilding it. For a cookie-less GET of that path with
no query string, it makes the same gate decision the middleware makes (the key, its scope, the rate and the
quota, or the anonymous rate), reads the row's version (`updated_at`, which names the version in the ETag too)
with one indexed query, and, when it holds Django's answer for that version, replays it (or 304 for a
matching If-None-Match), writing the query-audit record exactly as the middleware would. Anything else (a
miss, a refusal, an error, a cookie, another Accept-Language) goes to Django with the decision already made
(`environ["xiehui.gate"]`), so a request is never counted twice and Django stays the only author of answers.

The lane steps aside where Django would answer otherwise: a plain-http request that SECURE_SSL_REDIRECT sends
to https, a Host outside ALLOWED_HOSTS. The answers held are bounded per worker (MAX_ENTRIES, oldest first out)
and keyed by (USCC, Accept-Language, https or not: HSTS headers differ).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http.request import split_domain_port, validate_host

from xiehui.core import clock
from xiehui.core.api import etag_in
from xiehui.registry.models import Organization

from . import journal, keys
from .middleware import GATE, decide

LOOKUP = re.compile(r"/api/v1/organizations/([0-9A-Z]{18})")
MAX_ENTRIES = 20_000

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FastLane:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.answers: dict[tuple[str, str, bool], tuple[Any, str, list[tuple[str, str]], bytes]] = {}
        self.lock = threading.Lock()
        self._sql = ""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = LOOKUP.fullmatch(environ.get("PATH_INFO", ""))
        if (
            match is None
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or "HTTP_COOKIE" in environ
        ):
            return self.app(environ, start_response)
        header = environ.get("HTTP_AUTHORIZATION", "")
        secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
        if header and not secret.startswith(keys.KEY_PREFIX):
            return self.app(environ, start_response)  # a personal token or another scheme: Django's auth
        secure = _secure(environ)
        if (settings.SECURE_SSL_REDIRECT and not secure) or not validate_host(_host(environ), settings.ALLOWED_HOSTS):
            return self.app(environ, start_response)  # Django redirects to https, or refuses the host
        return self._lookup(environ, start_response, match.group(1), secret, secure)

    def _lookup(
        self, environ: dict[str, Any], start_response: StartResponse, uscc: str, secret: str, secure: bool
    ) -> Any:
        started, now = time.perf_counter(), clock.now()
        gate = decide(environ, secret, now)
        environ[GATE] = gate
        if not gate.admitted:
            return self.app(environ, start_response)  # Django answers the refusal (and audits it)
        cache_key = (uscc, environ.get("HTTP_ACCEPT_LANGUAGE", ""), secure)  # https answers carry HSTS
        try:
            version = self._version(uscc)
        except DatabaseError:
            connection.close()
            return self.app(environ, start_response)
        held = self.answers.get(cache_key)
        if version is None or held is None or held[0] != version:
            return self._through_django(environ, start_response, cache_key, version)
        _, etag, headers, body = held
        if etag and etag_in(environ.get("HTTP_IF_NONE_MATCH", ""), etag):
            status, out, body = "304 Not Modified", [("ETag", etag), ("Cache-Control", "no-cache")], b""
        else:
            status, out = "200 OK", [*headers, ("Content-Length", str(len(body)))]
        if gate.key is not None:
            journal.write(gate.record(environ, int(status[:3]), "ok", 1 if body else 0, started))
        start_response(status, out)
        return [body]

    def _version(self, uscc: str) -> Any:
        if not self._sql:
            meta = Organization._meta
            quote = connection.ops.quote_name
            # identifiers from the model's own metadata, quoted; the USCC is a parameter
            self._sql = (
                f"SELECT {quote(meta.get_field('updated_at').column)} FROM {quote(meta.db_table)} "  # noqa: S608
                f"WHERE {quote(meta.get_field('uscc').column)} = %s"
            )
        with connection.cursor() as cursor:
            cursor.execute(self._sql, [uscc])
            row = cursor.fetchone()
        return row[0] if row else None

    def _through_django(
        self, environ: dict[str, Any], start_response: StartResponse, cache_key: tuple[str, str, bool], version: Any
    ) -> Iterable[bytes]:
        """Let Django answer; keep a plain 200 (no cookie set, not streamed) for the version it was read at."""
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if version is None or getattr(result, "streaming", True):
            return result
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()  # Django's request_finished
        headers = seen.get("headers", [])
        names = {name.lower() for name, _ in headers}
        if seen.get("status", "").startswith("200") and "set-cookie" not in names:
            kept = [(n, v) for n, v in headers if n.lower() != "content-length"]
            etag = next((v for n, v in headers if n.lower() == "etag"), "")
            with self.lock:
                if len(self.answers) >= MAX_ENTRIES:
                    self.answers.pop(next(iter(self.answers)))
                self.answers[cache_key] = (version, etag, kept, body)
        return [body]


def _secure(environ: dict[str, Any]) -> bool:
    """As Django's request.is_secure(): the scheme, or the header a trusted proxy sets (SECURE_PROXY_SSL_HEADER)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        forwarded = environ.get(header)
        if forwarded is not None:
            return forwarded.split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def _host(environ: dict[str, Any]) -> str:
    """The host's domain as Django's request.get_host() checks it (no X-Forwarded-Host: it is not trusted)."""
    return split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))[0]


def wrap(app: WSGIApp) -> WSGIApp:
    """The WSGI application with the fast lane in front (`XIEHUI_API_FAST_LANE`, on unless set to 0)."""
    return FastLane(app) if settings.XIEHUI_API_FAST_LANE else app
