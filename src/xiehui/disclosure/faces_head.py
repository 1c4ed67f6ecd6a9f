"""The DIS-3 completeness badge beside an association's name on its public page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xiehui.core import clock
from xiehui.registry.models import Organization
from xiehui.web import panels

from . import selectors
from .rules import Timeliness


def request_timeliness(request: HttpRequest, org: Organization) -> Timeliness:
    """DIS-3 as of today, computed once per request (the badge and the disclosure section both show it)."""
    return panels.per_request(request, ("DIS-3", org.pk), lambda: selectors.timeliness_of(org, clock.today()))


@panels.panel("portal_org_head", template="disclosure/_badge_completeness.html", order=10)
def completeness_badge(request: HttpRequest, org: Organization) -> dict[str, Any]:
    return {"status": request_timeliness(request, org)}
