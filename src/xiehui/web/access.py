"""Face-level guards: who may open a face at all. Row visibility stays in selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from xiehui.core.errors import ApplicationError
from xiehui.core.models import Role


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Anonymous users go to login; logged-in users of another role get a 403 page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(user, "role", None) not in roles:
                return render(request, "web/forbidden.html", status=403)
            return guarded(request, *args, **kwargs)

        guarded = not_found_page(view)
        return wrapped

    return decorator


def not_found_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A row the visitor may not see (a service's or selector's 404) becomes the 404 page: never reveal it exists."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            if exc.status == 404:
                return render(request, "web/not_found.html", {"message": exc.message}, status=404)
            raise

    return wrapped


officer_required = role_required(Role.OFFICER)
staff_required = role_required(Role.STAFF)
