"""API schemas of the credit lists, one per operation (conventions: schemas per operation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ListingPublicOut(Schema):
    """A listing as published (CR-P): what the portal shows, with the rule, basis and facts."""

    id: int
    uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    region_code: str = Field(..., alias="organization.region_id")
    authority_region_code: str = Field(..., alias="authority_region_id")
    list_kind: str
    ground: str
    ground_label: str
    rule_id: str
    basis: str
    facts: str
    parameters: dict[str, Any]
    start_on: dt.date
    earliest_removal_on: dt.date | None
    auto_removal_on: dt.date | None

    @staticmethod
    def resolve_ground_label(obj: Any) -> str:
        return str(obj.get_ground_display())


class DecisionOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date


class ListingOut(ListingPublicOut):
    """A listing with its end and decisions: for officers, departments and the association itself."""

    source: str
    rectifiable: bool
    ended_on: dt.date | None
    end_reason: str
    end_note: str
    decisions: list[DecisionOut]


class OrganizationCreditOut(Schema):
    uscc: str
    name: str
    as_of: dt.date
    listed: bool
    current: list[ListingPublicOut]
    history: list[ListingOut] | None = Field(None, description="含已移出记录；仅登记管理机关、业务部门和本会可见")


class ListingPage(Schema):
    items: list[ListingPublicOut]
    limit: int
    next_cursor: str | None = Field(None, description="下一页的游标（不透明）；为空表示没有更多")


class EventOut(Schema):
    event: str = Field(..., description="opened（列入）或 ended（移出）")
    at: dt.datetime
    listing_id: int
    uscc: str
    organization_name: str
    list_kind: str
    ground: str
    rule_id: str
    basis: str
    start_on: dt.date
    ended_on: dt.date | None
    end_reason: str


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None = Field(None, description="下次查询作为 since 传入")


class ListingDecideIn(Schema):
    ground: str = Field(..., min_length=2, max_length=2, description="列入事由，如 A2、A6、S2、S8")
    basis: str = Field(..., min_length=1, max_length=300, description="引用的法律、行政法规条款")
    facts: str = Field(..., min_length=1, description="认定事实")
    rectifiable: bool = Field(True, description="活动异常名录：是否需要整改（否：满 6 个月自动移出）")


class RemovalApplyIn(Schema):
    statement: str = Field(..., min_length=1, description="申请理由及整改情况")
    obligation_met: bool = Field(False, description="CR-S1：已履行相关义务")


class RemovalOut(Schema):
    id: int
    listing_id: int
    statement: str
    filed_on: dt.date
    status: str
    verified_on: dt.date | None
    verification_note: str
    decision_due_on: dt.date | None
    decided_on: dt.date | None
    reason: str


class VerifyIn(Schema):
    note: str = Field(..., min_length=1, description="核实情况")


class DecisionReasonIn(Schema):
    reason: str = Field("", description="决定理由（不予移出、异议决定时必填）")


class ObjectionIn(Schema):
    statement: str = Field(..., min_length=1, description="陈述")
    defence: str = Field("", description="申辩")


class ObjectionOut(Schema):
    id: int
    listing_id: int
    statement: str
    defence: str
    filed_on: dt.date
    due_on: dt.date
    status: str
    decided_on: dt.date | None
    reason: str
