"""Public self-registration: anyone creates a 社会公众 account to rate associations and follow complaints."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.decorators import ratelimit

from . import services
from .errors import ApplicationError
from .forms_signup import SignupForm
from .models import Role
from .typing import Request

SIGNUP_RATE = "5/h"
SIGNUP_RATE_GROUP = "core.signup"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: Request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else "/"


@ratelimit(group=SIGNUP_RATE_GROUP, key="ip", rate=SIGNUP_RATE, method="POST", block=False)
def signup(request: Request) -> HttpResponse:
    if getattr(request, "limited", False):
        context = {"title": "提交过于频繁", "message": "您所在网络在一小时内的注册次数已达上限，请稍后再试。"}
        return render(request, "core/message_page.html", context, status=429)
    if request.user.is_authenticated:
        return redirect(_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=None,
                username=data["username"],
                password=data["password1"],
                role=Role.PUBLIC,
                display_name=data["display_name"],
                email=data["email"],
            )
            login(request, user, backend=BACKEND)
            return redirect(_next(request))
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "core/signup.html", {"form": form, "next": _next(request)})
