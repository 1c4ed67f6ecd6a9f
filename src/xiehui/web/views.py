"""The portal's home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from xiehui.core.models import Industry, Level
from xiehui.core.selectors import home_province_prefix
from xiehui.registry import selectors as registry
from xiehui.registry.models import OrganizationStatus


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "figures": registry.register_figures(),
        "cities": registry.counts_by_city(home_province_prefix()),
        "sections": Industry.objects.filter(kind=Industry.Kind.SECTION).order_by("code"),
        "levels": Level.choices,
        "statuses": OrganizationStatus.choices,
    }
    return render(request, "web/home.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
