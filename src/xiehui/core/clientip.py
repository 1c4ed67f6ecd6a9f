"""The client's address for per-client limits, behind a reverse proxy that says who the client is.

`REMOTE_ADDR` is the proxy's address when xiehui runs behind nginx (docs/operations.md):
every visitor would share one rate-limit bucket. A forwarded address is believed only
when the request comes from one of XIEHUI_TRUSTED_PROXIES, and then the rightmost
address in X-Forwarded-For that is not itself a trusted proxy is the client (the
left part of the header is whatever the client chose to send).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return client_ip_of(request.META)


def client_ip_of(meta: Mapping[str, Any]) -> str:
    """The same, from a WSGI environ (request.META is one)."""
    remote = meta.get("REMOTE_ADDR", "")
    trusted = set(settings.XIEHUI_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
