"""Two-factor enforcement: officer roles reach nothing but the login flow until verified."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/favicon.ico")


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
