"""Request types for annotations: what middleware and authentication add to HttpRequest."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class Request(HttpRequest):
    """A request after our middleware. `user` is a User in views behind a role guard and
    `auth` is the authenticated User in API operations with `auth=AUTH`."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
    auth: User
