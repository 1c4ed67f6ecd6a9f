"""The data port's own operations: a department key reads its scopes, limits and use."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, optional_actor
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request

from . import events, selectors
from .schemas import FeedPage, FeedQuery, KeySelfOut

router = Router(tags=["数据端口"])


@router.get("/dataport/key", response={200: KeySelfOut, **ERRORS}, auth=AUTH)
def get_own_key(request: Request) -> dict[str, Any]:
    """The calling department key: scopes, personal-data grant, limits, today's use and expiry."""
    key = selectors.key_of_account(request.auth)
    if key is None:
        raise ApplicationError("该接口仅供数据端口密钥调用", code="not_a_key", status=403)
    usage = selectors.key_usage(key, now=clock.now())
    return {
        "prefix": key.prefix,
        "department": key.department.name,
        "system_name": key.system_name,
        "scopes": key.scopes,
        "personal_data": key.personal_data,
        "rate_per_minute": key.rate_per_minute,
        "daily_quota": key.daily_quota,
        "expires_at": key.expires_at,
        **usage,
    }


@router.get("/events", response={200: FeedPage, **ERRORS}, auth=None)
def list_events(request: Request, query: Query[FeedQuery]) -> dict[str, Any]:
    """Every public change in commit order (register, credit lists, publications): mirror without re-downloading."""
    actor = optional_actor(request)
    scopes = getattr(request, "dataport_scopes", None)
    found, next_cursor = events.events_page(actor=actor, scopes=scopes, since=query.since, limit=query.limit)
    return {"items": [_event(e) for e in found], "next_cursor": next_cursor}


def _event(e: events.Event) -> dict[str, Any]:
    org = e.payload if e.kind == "organization" else e.payload.organization
    return {
        "cursor": e.cursor,
        "at": e.at,
        "kind": e.kind,
        "event": e.event,
        "uscc": org.uscc,
        "organization_name": org.name,
        "organization": e.payload if e.kind == "organization" else None,
        "listing": e.payload if e.kind == "listing" else None,
        "publication": e.payload if e.kind == "publication" else None,
    }
