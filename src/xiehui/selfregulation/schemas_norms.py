"""API schemas for self-regulation norms and the integrity body, one per operation."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import model_validator

from xiehui.core.api import Count, IsoDate, Page

from . import selectors_norms as selectors
from .services_norms import MAX_VOTES

NormKindIn = Literal["convention", "quality", "service", "ethics", "group_standard", "initiative", "warning"]
OrganIn = Literal["assembly", "council", "standing_council", "president_office"]
KIND_DESCRIPTION = (
    "convention 行规行约 / quality 质量规范 / service 服务标准 / ethics 职业道德准则 / "
    "group_standard 团体标准 / initiative 公开倡议 / warning 警示通告"
)
ORGAN_DESCRIPTION = (
    "assembly 会员（代表）大会 / council 理事会 / standing_council 常务理事会 / president_office 会长办公会；"
    "行规行约须由 assembly 审议（SR-1）"
)


class NormVersionOut(Schema):
    """One version with the meeting and resolution that adopted it."""

    id: int
    number: int
    state: str = Field(..., description="draft 草案 / adopted 已通过待发布 / published 已发布")
    text: str
    scope: str
    issued_on: dt.date | None
    effective_on: dt.date | None
    reason: str = Field(..., description="修订理由（第 1 版为空）")
    organ: str
    organ_label: str = Field(..., alias="get_organ_display")
    meeting: str
    meeting_on: dt.date | None
    resolution: str
    attendance: int | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    adopted_at: dt.datetime | None
    published_at: dt.datetime | None


class NormSummaryOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    title: str
    code: str = Field(..., description="团体标准编号（T/…），其他类别为空")
    status: str = Field(..., description="draft 草案 / adopted 已通过待发布 / published 现行有效 / repealed 已废止")
    status_label: str
    version: int | None = Field(None, description="现行版本号；未发布为空")
    scope: str = ""
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    published_at: dt.datetime | None
    repealed_on: dt.date | None

    @staticmethod
    def resolve_status(obj: object) -> str:
        return selectors.norm_state(obj)  # type: ignore[arg-type]

    @staticmethod
    def resolve_status_label(obj: object) -> str:
        return selectors.norm_state_label(obj)  # type: ignore[arg-type]

    @staticmethod
    def resolve_version(obj: object) -> int | None:
        current = getattr(obj, "current", None)
        return current.number if current is not None else None

    @staticmethod
    def resolve_scope(obj: object) -> str:
        current = getattr(obj, "current", None)
        return current.scope if current is not None else ""

    @staticmethod
    def resolve_issued_on(obj: object) -> dt.date | None:
        current = getattr(obj, "current", None)
        return current.issued_on if current is not None else None

    @staticmethod
    def resolve_effective_on(obj: object) -> dt.date | None:
        current = getattr(obj, "current", None)
        return current.effective_on if current is not None else None


class NormOut(NormSummaryOut):
    repeal_organ: str
    repeal_resolution: str
    repeal_reason: str
    versions: list[NormVersionOut] = Field([], description="已发布的全部版本，新版在前")
    pending: NormVersionOut | None = Field(
        None, description="未发布的版本（草案或已通过待发布），仅本会工作人员和辖区登记管理机关可见"
    )

    # the API handler sets these on the norm (selectors decide which versions the actor sees)
    @staticmethod
    def resolve_versions(obj: object) -> list:
        return list(getattr(obj, "published_list", []))

    @staticmethod
    def resolve_pending(obj: object) -> object:
        return getattr(obj, "pending_shown", None)


class NormPage(Page):
    items: list[NormSummaryOut]


class NormDraftIn(Schema):
    kind: NormKindIn = Field(..., description=KIND_DESCRIPTION)
    title: str = Field(..., min_length=1, max_length=200)
    code: str = Field("", max_length=40, description="团体标准编号，如 T/JNJZ 001—2026；其他类别留空")
    text: str = Field(..., min_length=1, max_length=200_000)
    scope: str = Field("", max_length=5_000, description="适用范围（团体标准发布前必填）")
    issued_on: IsoDate | None = Field(None, description="发布日期；留空则为实际发布之日")
    effective_on: IsoDate | None = Field(None, description="实施日期（团体标准发布前必填）")


class NormDraftPatchIn(Schema):
    """Only the fields sent are changed; a version already adopted or published answers 409."""

    kind: NormKindIn | None = Field(None, description=KIND_DESCRIPTION)
    title: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=40)
    text: str | None = Field(None, min_length=1, max_length=200_000)
    scope: str | None = Field(None, max_length=5_000)
    issued_on: IsoDate | None = None
    effective_on: IsoDate | None = None
    reason: str | None = Field(None, max_length=5_000, description="修订理由（修订草案必填）")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # every field is optional: without this a JSON array would pass as "nothing to change"
        if not isinstance(getattr(value, "_obj", value), dict):
            raise ValueError("请求体应为 JSON 对象")
        return value


class NormAdoptIn(Schema):
    organ: OrganIn = Field(..., description=ORGAN_DESCRIPTION)
    meeting: str = Field(..., min_length=1, max_length=100, description="会议名称")
    meeting_on: IsoDate = Field(..., description="会议日期（不晚于今天）")
    resolution: str = Field(..., min_length=1, max_length=100, description="决议文号")
    attendance: Count = Field(..., ge=0, le=MAX_VOTES, description="出席人数")
    votes_for: Count = Field(..., ge=0, le=MAX_VOTES, description="赞成票数，须超过表决票数合计的半数（SR-1）")
    votes_against: Count = Field(..., ge=0, le=MAX_VOTES)
    votes_abstain: Count = Field(..., ge=0, le=MAX_VOTES)


class NormAmendIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5_000, description="修订理由")
    text: str = Field(..., min_length=1, max_length=200_000, description="修订后正文")
    scope: str | None = Field(None, max_length=5_000, description="适用范围；不传则沿用现行版本")
    issued_on: IsoDate | None = None
    effective_on: IsoDate | None = Field(None, description="实施日期；不传则沿用现行版本")


class NormRepealIn(Schema):
    repealed_on: IsoDate = Field(..., description="废止日期（不晚于今天）")
    organ: OrganIn = Field(..., description=ORGAN_DESCRIPTION)
    resolution: str = Field(..., min_length=1, max_length=100, description="废止决议文号")
    reason: str = Field(..., min_length=1, max_length=5_000, description="废止理由")


class IntegrityBodyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="机构名称")
    established_on: IsoDate
    head: str = Field(..., min_length=1, max_length=50, description="负责人")
    members: str = Field("", max_length=5_000, description="组成人员")
    duties: str = Field(..., min_length=1, max_length=5_000, description="工作职责")
    contact: str = Field("", max_length=100, description="公开的办公电话或邮箱（不填个人手机号）")


class IntegrityBodyOut(Schema):
    organization_uscc: str = Field(..., alias="organization.uscc")
    name: str
    established_on: dt.date
    head: str
    members: str
    duties: str
    contact: str
    updated_at: dt.datetime
