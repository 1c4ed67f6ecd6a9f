"""The data port's gate: department keys (scope, personal data, rate, quota), the anonymous rate, the query audit.

Entered once for every request under /api/v1/, before django-ninja routes it, so public operations
(auth=None) are counted and audited for keyed callers exactly like protected ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from xiehui.core import clock
from xiehui.core.api import problem
from xiehui.core.clientip import client_ip

from . import journal, keys, limits
from .scopes import OPEN_SCOPES, operation_for, scope_label

API_PREFIX = "/api/v1/"
REFUSALS = {
    "key_invalid": (401, "数据端口密钥无效"),
    "key_revoked": (401, "该数据端口密钥已被吊销"),
    "key_expired": (401, "该数据端口密钥已过期"),
    "scope_missing": (403, "该密钥的数据范围不包括此接口（{scope}）"),
    "personal_data_scope_missing": (403, "该接口涉及个人信息，密钥未获准访问个人信息"),
    "rate_limited": (429, "请求过于频繁：每分钟最多 {limit} 次，请 {retry} 秒后重试"),
    "quota_exceeded": (429, "今日配额已用完（{limit} 次），请 {retry} 秒后（北京时间零点）重试"),
    "anonymous_rate_limited": (429, "匿名访问过于频繁：每分钟最多 {limit} 次，请 {retry} 秒后重试，或申请数据端口密钥"),
}


def _verified() -> bool:
    return True  # a key is a machine credential issued by a two-factor officer; there is no TOTP to pass


class DataPortGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        header = request.headers.get("Authorization", "")
        bearer = header[:7].lower() == "bearer "
        if bearer and header[7:].strip().startswith(keys.KEY_PREFIX):
            return self._keyed(request, header[7:].strip())
        # Anonymous: no bearer credential (an invalid one gets 401 from the API) and no logged-in session; a made-up
        # session cookie or another Authorization scheme does not escape the limit.
        if settings.XIEHUI_API_ANON_RATE and not bearer and not request.user.is_authenticated:
            verdict = limits.hit(
                f"anon:{client_ip(request)}", limit=settings.XIEHUI_API_ANON_RATE, window="minute", now=clock.now()
            )
            if not verdict.allowed:
                return _refuse(request, "anonymous_rate_limited", limit=verdict.limit, retry=verdict.retry_after)
        return self.get_response(request)

    def _keyed(self, request: HttpRequest, secret: str) -> HttpResponse:
        started, now = time.perf_counter(), clock.now()
        key, outcome = keys.check(secret, now=now)
        operation = operation_for(request.method or "GET", request.path_info)
        context: dict[str, Any] = {}
        if outcome == "ok" and key is not None:
            outcome, context = _admit(key, operation, now)
        if outcome == "ok" and key is not None:
            key.account.is_verified = _verified  # type: ignore[attr-defined]
            request.user = key.account
            request.dataport_account = key.account  # type: ignore[attr-defined]
            request.dataport_scopes = key.scopes  # type: ignore[attr-defined]
            response = self.get_response(request)
        else:
            response = _refuse(request, outcome, **context)
        journal.write(
            {
                "at": now,
                "key_id": key.id if key else None,
                "key_prefix": key.prefix if key else keys.prefix_of(secret),
                "department_id": key.department_id if key else None,
                "method": (request.method or "")[:8],
                "endpoint": operation.id if operation else "",
                "path": request.path[:300],
                "params": request.META.get("QUERY_STRING", "")[:1000],
                "status": response.status_code,
                "outcome": outcome if outcome != "ok" or response.status_code < 400 else f"http_{response.status_code}",
                "result_count": _result_count(response),
                "duration_ms": int((time.perf_counter() - started) * 1000),
                "personal": bool(operation and operation.personal) or getattr(request, "dataport_personal", False),
                "client_ip": client_ip(request)[:45],
            }
        )
        return response


def _admit(key: keys.KeySnapshot, operation: Any, now: Any) -> tuple[str, dict[str, Any]]:
    """Scope, personal data, then the rate and the daily quota (a refused rate does not spend the quota)."""
    if operation is not None and operation.scope not in key.scopes and operation.scope not in OPEN_SCOPES:
        return "scope_missing", {"scope": scope_label(operation.scope)}
    if operation is not None and operation.personal and not key.personal_data:
        return "personal_data_scope_missing", {}
    for window, limit, code in (
        ("minute", key.rate_per_minute, "rate_limited"),
        ("day", key.daily_quota, "quota_exceeded"),
    ):
        verdict = limits.hit(key.prefix, limit=limit, window=window, now=now)
        if not verdict.allowed:
            return code, {"limit": verdict.limit, "retry": verdict.retry_after}
    return "ok", {}


def _refuse(request: HttpRequest, code: str, **context: Any) -> HttpResponse:
    status, template = REFUSALS[code]
    response = problem(request, status=status, detail=template.format(**context), code=code)
    if status == 429:
        response["Retry-After"] = str(context["retry"])
    return response


def _result_count(response: HttpResponse) -> int:
    """Rows answered: a page's items, a list's length, 1 for one resource, 0 for errors and files."""
    if response.status_code >= 400 or response.streaming or "json" not in response.get("Content-Type", ""):
        return 0
    try:
        body = json.loads(response.content)
    except ValueError:
        return 0
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return len(body["items"])
    return 1
