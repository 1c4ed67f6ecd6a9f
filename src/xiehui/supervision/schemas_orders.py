"""API schemas for orders, penalties, address letters and court entries, one per operation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from xiehui.core.api import Page
from xiehui.registry.schemas import MONEY_DESCRIPTION, MONEY_PATTERN

PenaltyKindIn = Literal["warning", "fine", "confiscation", "suspension", "revocation"]


class EvidenceOut(Schema):
    id: int
    name: str = Field(..., alias="original_name")
    mime: str
    size: int


class OrderResponseOut(Schema):
    id: int
    statement: str
    submitted_on: dt.date
    submitted_by: str = Field(..., alias="submitted_by.username")
    verdict: str
    verdict_reason: str
    decided_on: dt.date | None
    evidence: list[EvidenceOut] = []


class OrderSummaryOut(Schema):
    id: int
    number: str
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    source: str
    rule_id: str
    ground: str
    issued_on: dt.date
    deadline: dt.date
    status: str
    completed_on: dt.date | None
    overdue: bool = False


class OrderOut(OrderSummaryOut):
    basis: str
    facts: str
    requirements: str
    parameters: dict
    responses: list[OrderResponseOut] = []


class OrderPage(Page):
    items: list[OrderSummaryOut]


class OrderCreateIn(Schema):
    ground: str = Field(..., max_length=200, description="整改事由")
    basis: str = Field(..., max_length=200, description="依据，如“004 第6条”")
    facts: str = Field(..., description="事实")
    requirements: str = Field("", description="整改要求")
    deadline: dt.date = Field(..., description="整改期限（晚于今天）")


class OrderReasonIn(Schema):
    reason: str = Field("", description="理由（不通过、撤回时必填）")


class PenaltyCreateIn(Schema):
    kind: PenaltyKindIn = Field(
        ..., description="warning 警告 / fine 罚款 / confiscation 没收 / suspension 责令停止活动 / revocation 撤销登记"
    )
    decision_number: str = Field(..., max_length=60, description="处罚决定书文号（唯一）")
    decided_on: dt.date
    amount: str | None = Field(None, pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION + "；仅罚款、没收填写")
    suspension_from: dt.date | None = Field(None, description="仅责令停止活动填写")
    suspension_until: dt.date | None = None
    legal_basis: str = Field(..., max_length=200)
    facts: str


class PenaltyOut(Schema):
    """Public credit information (CR-P): kind, decision number, date, amount, period, basis."""

    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    decision_number: str
    decided_on: dt.date
    amount: str | None
    suspension_from: dt.date | None
    suspension_until: dt.date | None
    legal_basis: str

    @staticmethod
    def resolve_amount(obj: object) -> str | None:
        amount = getattr(obj, "amount", None)
        return None if amount is None else f"{amount:.2f}"


class LetterCreateIn(Schema):
    sent_on: dt.date
    tracking_number: str = Field("", max_length=40)
    note: str = Field("", max_length=200)


class LetterPatchIn(Schema):
    returned_on: dt.date = Field(..., description="退回（或签收）日期，不早于寄送日期")
    signed: bool = Field(False, description="true：已签收；false：退回未签收（CR-A5 计数）")
    note: str | None = Field(None, max_length=200)


class LetterOut(Schema):
    id: int
    sent_on: dt.date
    tracking_number: str
    returned_on: dt.date | None
    signed: bool
    note: str


class LetterListOut(Schema):
    items: list[LetterOut]
    hint: str = Field(..., description="CR-A5 条件提示（仅供参考，列入由规则引擎判断）")


class CourtEntryCreateIn(Schema):
    case_number: str = Field(..., max_length=60, description="案号")
    court: str = Field(..., max_length=100, description="执行法院")
    listed_on: dt.date


class CourtEntryRemoveIn(Schema):
    removed_on: dt.date


class CourtEntryOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    case_number: str
    court: str
    listed_on: dt.date
    removed_on: dt.date | None
