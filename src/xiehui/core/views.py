"""Login, two-factor, password and token pages."""

from __future__ import annotations

import base64
from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .errors import ApplicationError
from .forms import ApiTokenForm, TokenForm
from .models import ApiToken, User
from .typing import Request


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def _safe_next(request: Request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def two_factor(request: Request) -> HttpResponse:
    """Verify a TOTP token; enrol a device first if the user has none."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_enroll(
            user=user  # type: ignore[arg-type]
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        try:
            if enrolling:
                services.totp_device_confirm(user=user, device=device, token=token)
            elif not device.verify_token(token):
                raise ApplicationError("动态口令不正确或已过期", code="totp_invalid", field="token")
            otp_login(request, device)
            return redirect(_safe_next(request))
        except ApplicationError as exc:
            form.add_error("token", exc.message)
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        qr = segno.make(device.config_url, error="m")
        context["qr_data_uri"] = qr.svg_data_uri(scale=4)
        context["secret_b32"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)


@login_required
def profile(request: Request) -> HttpResponse:
    user = cast(User, request.user)
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = services.api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],  # type: ignore[arg-type]
            )
        except ApplicationError as exc:
            form.add_error(exc.field, exc.message)
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")[:50]
    return render(request, "core/profile.html", {"form": form, "tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request: Request, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, "令牌已吊销")
    return redirect("core:profile")
