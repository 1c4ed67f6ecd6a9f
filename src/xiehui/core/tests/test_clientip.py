"""The client address used by rate limits, behind and without a trusted proxy."""

from __future__ import annotations

from django.test import RequestFactory

from xiehui.core.clientip import client_ip


def request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_trusted_proxy_the_connecting_address_counts(settings):
    settings.XIEHUI_TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"  # a forged header is ignored


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    settings.XIEHUI_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    # the client may prepend anything; the proxy appends the address it saw, which is what counts
    assert client_ip(request("127.0.0.1", "10.9.9.9, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("127.0.0.1")) == "127.0.0.1"
