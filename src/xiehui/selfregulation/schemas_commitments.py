"""API schemas for pledges and social evaluation (BL-2), one per operation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from .pledges import STANDARD
from .rules import BL2
from .schemas_norms import IsoDate

PLEDGE_CODES = "承诺事项代码：" + "；".join(f"{p.code}={p.text}" for p in STANDARD)


def _json_integer(value: Any) -> Any:
    """A JSON integer only: lax parsing would take true as 1 star and "5" or 5.0 as 5."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("评分应为整数（JSON 数字，如 4）")
    return value


Score = Annotated[int, BeforeValidator(_json_integer)]


# -- pledges ----------------------------------------------------------------------------------------------


class StandardPledgeOut(Schema):
    code: str
    text: str
    basis: str
    ground: str = Field(..., description="违反该承诺时投诉所选的投诉事项（supervision Pledge）")
    ground_label: str


class PledgeSignatureOut(Schema):
    id: int
    pledges: list[StandardPledgeOut] = Field(..., description="签署的承诺事项，按目录顺序")
    text: str = Field(..., description="承诺书全文，按签署时原文保存")
    signatory: str
    signatory_title: str
    signed_on: dt.date
    published_at: dt.datetime


class PledgeOverviewOut(Schema):
    uscc: str
    name: str
    in_force: PledgeSignatureOut | None = Field(None, description="现行承诺书（最新公开的一份）")
    history: list[PledgeSignatureOut] = Field(..., description="此前的承诺书，新的在前")


class PledgeSignIn(Schema):
    pledges: list[str] = Field(..., min_length=1, description=PLEDGE_CODES)
    signatory: str = Field(..., max_length=50, description="签署人姓名")
    signatory_title: str = Field(..., max_length=50, description="签署人职务")
    # "YYYY-MM-DD" only: a lax date would take the number 0 as 1970-01-01, and a signed letter is never changed
    signed_on: IsoDate = Field(..., description="签署日期（YYYY-MM-DD），不晚于今天")


# -- ratings ----------------------------------------------------------------------------------------------


class RatingBucketOut(Schema):
    score: int
    count: int


class RatingSummaryOut(Schema):
    as_of: dt.date
    year: int | None = Field(None, description="统计年度；为空表示全部年度")
    count: int
    average: float | None = Field(None, description="平均分，保留一位小数")
    distribution: list[RatingBucketOut]
    members: int = Field(..., description="会员作出的评价数")
    public: int = Field(..., description="社会公众作出的评价数")


class RatingOut(Schema):
    id: int
    year: int
    score: int
    comment: str
    as_member: bool = Field(..., description="评价时是否为该协会现有会员的代表")
    rater: str = Field(..., description="评价人（仅显示姓名首字）")
    created_at: dt.datetime


class RatingPage(Schema):
    uscc: str
    name: str
    summary: RatingSummaryOut
    items: list[RatingOut]
    limit: int
    next_cursor: str | None = Field(None, description="下一页的游标（不透明）；为空表示没有更多")


class RatingCreateIn(Schema):
    score: Score = Field(..., description=f"评分 {BL2.parameters['min_score']}–{BL2.parameters['max_score']}")
    comment: str = Field(
        "",
        max_length=5000,
        description=f"评价内容（选填，不超过 BL-2.comment_max 字，默认 {BL2.parameters['comment_max']}）",
    )


class RatingReportIn(Schema):
    reason: str = Field(..., max_length=200, description="举报理由")


class RatingReportedOut(Schema):
    rating_id: int
    reports: int = Field(..., description="该评价被举报的次数")
    created_at: dt.datetime


class RatingModerateIn(Schema):
    action: str = Field(..., description="hide（屏蔽）或 restore（保留 / 恢复显示）")
    reason: str = Field("", max_length=2000, description="处理理由（屏蔽时必填）")


class RatingModeratedOut(Schema):
    id: int
    status: str
    reports: int
    moderated_at: dt.datetime | None
    moderation_reason: str
