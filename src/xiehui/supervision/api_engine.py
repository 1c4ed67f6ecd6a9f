"""The rules engine on the data port: the rule catalogue with parameters, overdue flags, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema

from xiehui.core import clock, params, rules
from xiehui.core.api import (
    AUTH,
    CURSOR,
    ERRORS,
    CursorOut,
    WhyOut,
    list_page,
)
from xiehui.core.errors import PermissionDenied
from xiehui.core.typing import Request
from xiehui.registry.selectors import staff_organization

from . import selectors_engine as selectors
from .services.engine import reminder_mark_read
from .views_engine import may_set_parameters

router = Router(tags=["rules engine 规则引擎"])


class ParameterOut(Schema):
    key: str
    name: str
    default: Any
    value: Any
    overridden: bool


class RuleOut(Schema):
    id: str
    title: str
    basis: str
    parameters: list[ParameterOut]


class ParameterSetIn(Schema):
    value: Any = Field(..., description="the new value, of the default's type (a number, or a list of numbers)")
    note: str = Field(..., min_length=1, max_length=200, description="why it changes (调整理由)")


class FlagOut(Schema):
    id: int
    uscc: str = Field(..., alias="organization.uscc")
    organization: str = Field(..., alias="organization.name")
    key: str
    subject: str
    raised_on: dt.date
    cleared_on: dt.date | None
    why: WhyOut

    @staticmethod
    def resolve_why(obj: Any) -> dict[str, Any]:
        return selectors.why(obj)


class FlagPage(CursorOut):
    count: int
    items: list[FlagOut]


class ReminderOut(Schema):
    id: int
    key: str
    rule_id: str
    subject: str
    facts: str
    remind_on: dt.date
    due_on: dt.date
    read_at: dt.datetime | None


@router.get("/rules", response={200: list[RuleOut], **ERRORS}, auth=None)
def list_rules(request: Request) -> list[dict[str, Any]]:
    """Every rule the platform enforces, with its basis and the configurable parameters in force."""
    table = params.catalogue()
    return [
        {
            "id": spec.id,
            "title": spec.title,
            "basis": spec.basis,
            "parameters": [row for row in table if row["rule_id"] == spec.id],
        }
        for spec in sorted(rules.REGISTRY.values(), key=lambda s: s.id)
    ]


@router.put("/rules/parameters/{key}", response={200: ParameterOut, **ERRORS}, auth=AUTH)
def set_parameter(request: Request, key: str, payload: ParameterSetIn) -> dict[str, Any]:
    """Provincial officers and administrators: change a configurable parameter, with the reason."""
    if not may_set_parameters(request.auth):
        raise PermissionDenied("只有省级登记管理机关工作人员或系统管理员可以调整规则参数")
    params.parameter_set(actor=request.auth, key=key, value=payload.value, note=payload.note, now=clock.now())
    return next(row for row in params.catalogue() if row["key"] == key)


@router.get("/flags", response={200: FlagPage, **ERRORS}, auth=AUTH)
def list_flags(
    request: Request,
    rule_id: str = "",
    open_only: bool = True,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=100_000),
    cursor: str = CURSOR,
) -> dict[str, Any]:
    """Overdue flags: an officer's jurisdiction, or the staff's own association."""
    qs = selectors.flag_list(actor=request.auth, rule_id=rule_id, open_only=open_only)
    page = list_page(qs, ordering=("-raised_on", "-pk"), limit=limit, offset=offset, cursor=cursor)
    return {"count": page["count"], "items": page["items"], "next_cursor": page["next_cursor"]}


@router.get("/reminders", response={200: list[ReminderOut], **ERRORS}, auth=AUTH)
def list_reminders(request: Request, unread_only: bool = False) -> list[Any]:
    """Association staff: the reminders sent to their association, newest first."""
    org = staff_organization(request.auth)
    if org is None:
        raise PermissionDenied("只有协会工作人员可以查看本会的提醒")
    return list(selectors.reminders_of(org, unread_only=unread_only)[:200])


@router.post("/reminders/{reminder_id}/read", response={200: ReminderOut, **ERRORS}, auth=AUTH)
def read_reminder(request: Request, reminder_id: int) -> Any:
    """Association staff: mark a reminder as read."""
    reminder = selectors.reminder_get(actor=request.auth, pk=reminder_id)
    return reminder_mark_read(reminder=reminder, now=clock.now())
