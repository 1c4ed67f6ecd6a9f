"""API schemas for fee standards (FEE-1), one per operation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, model_validator

from xiehui.core.api import CursorOut, IsoDate, PageMeta

STATUS_DESCRIPTION = "draft 草案 / balloting 表决中 / adopted 已通过 / rejected 未通过 / superseded 已废止"
AMOUNT_DESCRIPTION = '一个固定金额（元），如 "2000.00" 或 2000；比例（1%）、区间（1000-2000）按 FEE-1 拒绝'


def _amount_text(value: Any) -> Any:
    """An amount as text or a JSON number; the service parses it and refuses rates and ranges (FEE-1)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError('会费金额应为一个数字或数字字符串，如 "2000.00"')
    return value if isinstance(value, str) else (repr(value) if isinstance(value, float) else str(value))


AmountIn = Annotated[str, BeforeValidator(_amount_text)]


class FeeTierIn(Schema):
    member_class: str = Field(..., max_length=30, description="会员类别（本会设有会员类别的，须为其中之一）")
    amount: AmountIn = Field(..., max_length=40, description=AMOUNT_DESCRIPTION)


class FeeTierOut(Schema):
    position: int
    member_class: str
    amount: Decimal


class FeeStandardIn(Schema):
    title: str = Field(..., max_length=100)
    services_covered: str = Field(..., max_length=10_000, description="会费对应的服务（FEE-1 必填）")
    effective_on: IsoDate = Field(..., description="生效日期")
    tiers: list[FeeTierIn] = Field(..., max_length=20, description="按会员类别的档次，最多 4 档（FEE-1）")
    branch: str = Field(
        "", max_length=100, description="分支机构名称；非空即按 FEE-1 拒绝（分支机构不得单独制定会费标准）"
    )


class FeeStandardPatchIn(Schema):
    """Only the fields sent are changed; tiers, when sent, replace all tiers. Drafts only (409 otherwise)."""

    title: str | None = Field(None, max_length=100)
    services_covered: str | None = Field(None, max_length=10_000)
    effective_on: IsoDate | None = None
    tiers: list[FeeTierIn] | None = Field(None, max_length=20)
    branch: str = Field("", max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        if not isinstance(getattr(value, "_obj", value), dict):
            raise ValueError("请求体应为 JSON 对象")
        return value


class FeeResolutionOut(Schema):
    number: str
    adopted_on: dt.date
    passed: bool
    votes_for: int
    votes_against: int
    votes_abstain: int
    present: int
    entitled: int
    published_to_members_on: dt.date | None


class FeePublicationOut(Schema):
    deadline: dt.date = Field(..., description="FEE-1：决议通过后 30 日内向全体会员公布的截止日")
    published_on: dt.date | None
    state: str = Field(..., description="on_time 按时 / late 逾期后公布 / missing 逾期未公布 / due 待公布")
    label: str


class FeeStandardOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    title: str
    status: str = Field(..., description=STATUS_DESCRIPTION)
    status_label: str = Field(..., alias="get_status_display")
    services_covered: str
    effective_on: dt.date
    adopted_on: dt.date | None
    superseded_on: dt.date | None
    tiers: list[FeeTierOut]
    resolution: FeeResolutionOut | None
    publication: FeePublicationOut | None = Field(None, description="FEE-1 决议向会员公布的情况")

    @staticmethod
    def resolve_tiers(obj: Any) -> list[Any]:
        return list(obj.tiers.all())

    @staticmethod
    def resolve_publication(obj: Any) -> Any:
        return getattr(obj, "publication", None)


class FeeStandardPage(CursorOut):
    items: list[FeeStandardOut]
    meta: PageMeta


class FeePublishIn(Schema):
    published_on: IsoDate = Field(..., description="决议向全体会员公布的日期（不早于决议日期，不晚于今天）")
