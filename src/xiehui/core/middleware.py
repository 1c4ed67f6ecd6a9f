"""Two-factor enforcement: officer roles reach nothing but the login flow until verified."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Only the login flow itself: the profile page mints API tokens, so reaching it unverified would bypass TOTP.
ALLOWED_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/password/reset/",
    "/static/",
    "/favicon.ico",
)


class OfficerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "requires_two_factor", False)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "需要双因素认证",
                        "status": 401,
                        "code": "two_factor_required",
                        "detail": "该角色须先完成动态口令（TOTP）验证",
                    },
                    status=401,
                    content_type="application/problem+json",
                )
            return redirect(f"{reverse('core:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class ApiProblemMiddleware:
    """Answers under /api/ are problem details even where the API router never ran.

    An unknown path (Django's 404) or a method the operation does not allow
    (django-ninja's 405) would otherwise be HTML.
    """

    TITLES = {
        404: ("未找到", "not_found", "该接口路径不存在"),
        405: ("方法不允许", "method_not_allowed", "该接口不支持此 HTTP 方法"),
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in self.TITLES
            and "json" not in response.get("Content-Type", "")
        ):
            title, code, detail = self.TITLES[response.status_code]
            problem = JsonResponse(
                {"type": "about:blank", "title": title, "status": response.status_code, "detail": detail, "code": code},
                status=response.status_code,
                content_type="application/problem+json",
            )
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class NulCharacterMiddleware:
    """Refuse NUL (U+0000) in the path, the query string or a JSON body with a 400.

    PostgreSQL cannot store or even compare text containing NUL: such input reached
    the database and answered 500 (found by schemathesis on PostgreSQL). Django's
    form fields already refuse NUL; this covers URLs and the data port's JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            detail = "请求中的文本不得包含 NUL（U+0000）字符"
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "请求无效",
                        "status": 400,
                        "detail": detail,
                        "code": "nul_character",
                    },
                    status=400,
                    content_type="application/problem+json",
                )
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(_has_nul(k) or _has_nul(request.GET.getlist(k)) for k in request.GET):
            return True
        if request.path.startswith("/api/") and request.content_type == "application/json" and request.body:
            try:
                return _has_nul(json.loads(request.body))
            except ValueError:
                return False  # not JSON: the API answers 400 itself
        return False
