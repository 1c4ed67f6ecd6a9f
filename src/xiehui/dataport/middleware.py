"""The data port's gate: department keys (scope, personal data, rate, quota), the anonymous rate, the query audit.

Entered once for every request under /api/v1/, before django-ninja routes it, so public operations
(auth=None) are counted and audited for keyed callers exactly like protected ones.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from xiehui.core import clock
from xiehui.core.api import problem
from xiehui.core.clientip import client_ip_of

from . import journal, keys, limits
from .scopes import OPEN_SCOPES, Operation, operation_for, scope_label

API_PREFIX = "/api/v1/"
GATE = "xiehui.gate"  # environ key: the decision the fast lane (dataport/fastlane.py) made for this request
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


@dataclass
class Gate:
    """The gate's decision for one request: a key's (checked, scoped, counted) or the anonymous rate's."""

    key: keys.KeySnapshot | None
    outcome: str  # "ok" or a refusal's code (REFUSALS)
    context: dict[str, Any]
    operation: Operation | None
    presented: str  # the key as presented ('' for anonymous calls)
    started: float

    @property
    def admitted(self) -> bool:
        return self.outcome == "ok"

    def record(
        self, meta: Mapping[str, Any], status: int, outcome: str, result_count: int, started: float | None = None
    ) -> dict[str, Any]:
        """The query-audit record of a keyed request (journal.write)."""
        key, operation = self.key, self.operation
        return {
            "at": clock.now(),
            "key_id": key.id if key else None,
            "key_prefix": key.prefix if key else keys.prefix_of(self.presented),
            "department_id": key.department_id if key else None,
            "method": meta.get("REQUEST_METHOD", "")[:8],
            "endpoint": operation.id if operation else "",
            "path": meta.get("PATH_INFO", "")[:300],
            "params": meta.get("QUERY_STRING", "")[:1000],
            "status": status,
            "outcome": outcome,
            "result_count": result_count,
            "duration_ms": int((time.perf_counter() - (self.started if started is None else started)) * 1000),
            "personal": bool(operation and operation.personal),
            "client_ip": client_ip_of(meta)[:45],
        }


def decide(meta: Mapping[str, Any], presented: str, now: dt.datetime) -> Gate:
    """A key's decision (`presented` starts with xhk_): valid, in scope, within rate and quota; else, for an
    anonymous caller, the anonymous rate per client address (XIEHUI_API_ANON_RATE; 0 admits everyone)."""
    started = time.perf_counter()
    if presented:
        key, outcome = keys.check(presented, now=now)
        operation = operation_for(meta.get("REQUEST_METHOD") or "GET", meta.get("PATH_INFO", ""))
        context: dict[str, Any] = {}
        if outcome == "ok" and key is not None:
            outcome, context = _admit(key, operation, now)
        return Gate(key, outcome, context, operation, presented, started)
    if settings.XIEHUI_API_ANON_RATE:
        verdict = limits.hit(
            f"anon:{client_ip_of(meta)}", limit=settings.XIEHUI_API_ANON_RATE, window="minute", now=now
        )
        if not verdict.allowed:
            context = {"limit": verdict.limit, "retry": verdict.retry_after}
            return Gate(None, "anonymous_rate_limited", context, None, "", started)
    return Gate(None, "ok", {}, None, "", started)


class DataPortGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        gate = request.META.get(GATE)  # decided by the fast lane (dataport/fastlane.py) for this request
        if gate is None:
            header = request.headers.get("Authorization", "")
            bearer = header[:7].lower() == "bearer "
            presented = header[7:].strip() if bearer else ""
            if presented.startswith(keys.KEY_PREFIX):
                gate = decide(request.META, presented, clock.now())
            # Anonymous: no bearer credential (an invalid one gets 401 from the API) and no logged-in session; a
            # made-up session cookie or another Authorization scheme does not escape the limit.
            elif settings.XIEHUI_API_ANON_RATE and not bearer and not request.user.is_authenticated:
                gate = decide(request.META, "", clock.now())
            else:
                return self.get_response(request)
        if not gate.presented:
            if gate.admitted:
                return self.get_response(request)
            return _refuse(request, gate.outcome, **gate.context)
        return self._keyed(request, gate)

    def _keyed(self, request: HttpRequest, gate: Gate) -> HttpResponse:
        key = gate.key
        if gate.admitted and key is not None:
            key.account.is_verified = _verified  # type: ignore[attr-defined]
            request.user = key.account
            request.dataport_account = key.account  # type: ignore[attr-defined]
            request.dataport_scopes = key.scopes  # type: ignore[attr-defined]
            response = self.get_response(request)
        else:
            response = _refuse(request, gate.outcome, **gate.context)
        outcome = gate.outcome if not gate.admitted or response.status_code < 400 else f"http_{response.status_code}"
        record = gate.record(request.META, response.status_code, outcome, _result_count(response))
        record["path"] = request.path[:300]
        record["personal"] = record["personal"] or getattr(request, "dataport_personal", False)
        journal.write(record)
        return response


def _admit(key: keys.KeySnapshot, operation: Any, now: Any) -> tuple[str, dict[str, Any]]:
    """Scope, personal data, then revocation, the rate and the daily quota, read and counted in one round trip
    (limits.count); a request the rate refuses does not spend the quota."""
    refusal = ""
    if operation is not None and operation.scope not in key.scopes and operation.scope not in OPEN_SCOPES:
        refusal = "scope_missing"
    elif operation is not None and operation.personal and not key.personal_data:
        refusal = "personal_data_scope_missing"
    if refusal:
        if cache.get(keys.revoked_flag(key.prefix)) is not None:
            return "key_revoked", {}
        return refusal, {"scope": scope_label(operation.scope)} if refusal == "scope_missing" else {}
    minute, day = limits.window_of(key.prefix, "minute", now), limits.window_of(key.prefix, "day", now)
    revoked, (per_minute, today) = limits.count([minute, day], flag=keys.revoked_flag(key.prefix))
    if revoked:
        return "key_revoked", {}
    if per_minute > key.rate_per_minute:
        limits.uncount(day)
        return "rate_limited", {"limit": key.rate_per_minute, "retry": minute.left}
    if today > key.daily_quota:
        return "quota_exceeded", {"limit": key.daily_quota, "retry": day.left}
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
