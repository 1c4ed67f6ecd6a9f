"""Membership on the data port: the members directory here; joining, exits, classes, delegates and figures in
api_members.py; the satisfaction survey in api_survey.py (mounted below)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, CursorOut, PageMeta, cursor_field, meta_page
from xiehui.core.errors import NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry

from . import selectors
from .api_members import router as members_router
from .api_survey import router as survey_router
from .models import Member

router = Router(tags=["membership 会员"])
router.add_router("/", members_router)
router.add_router("/", survey_router)
MAX_LIMIT = 100
MAX_OFFSET = 100_000  # as the register's lists: beyond it the database cannot even hold the number (500)


class MemberOut(Schema):
    id: int
    kind: str = Field(..., description="enterprise（单位会员）或 individual（个人会员）")
    name: str
    uscc: str
    member_class: str
    joined_on: dt.date
    representatives: list[str] = Field(..., description="现任会员代表的用户名")


class MemberPage(CursorOut):
    items: list[MemberOut]
    meta: PageMeta


class MemberQuery(Schema):
    kind: str = Field("", description="enterprise 或 individual")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    cursor: str = cursor_field()


def _member(m: Member) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "name": m.name,
        "uscc": m.uscc,
        "member_class": m.member_class,
        "joined_on": m.joined_on,
        "representatives": [r.user.username for r in m.representatives.all() if r.until is None],
    }


@router.get("/organizations/{uscc}/members", response={200: MemberPage, **ERRORS}, auth=AUTH)
def list_members(request: Request, uscc: str, query: Query[MemberQuery]) -> dict[str, Any]:
    """The current members of an association, to its own staff only (404 for everyone else)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    if not registry.staff_of(request.auth, org):
        raise NotFound("未找到该协会的会员名录")
    qs = selectors.members_of(org, as_of=clock.today())
    if query.kind:
        qs = qs.filter(kind=query.kind)
    return meta_page(qs, query, ordering=("name", "pk"), present=lambda rows: [_member(m) for m in rows])
