"""API schemas of membership (joining, exits, classes, delegates, figures, survey), one per operation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from xiehui.core.api import DATE_PATTERN, Count, CursorOut, IsoDate, PageMeta
from xiehui.selfregulation.schemas_commitments import Score

from .models import ApplicationStatus, DelegateMethod, ExitReason

KINDS = "enterprise（单位会员）或 individual（个人会员）"
REASONS = "；".join(f"{v}={label}" for v, label in ExitReason.choices)
STATUSES = "；".join(f"{v}={label}" for v, label in ApplicationStatus.choices)
METHODS = "；".join(f"{v}={label}" for v, label in DelegateMethod.choices)
KindIn = Literal["enterprise", "individual"]  # MemberKind


# -- classes --------------------------------------------------------------------------------------------


class MemberClassOut(Schema):
    id: int
    name: str
    position: int
    description: str


class MemberClassCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=30, description="章程规定的会员类别，如 理事单位")
    position: Count = Field(0, ge=0, le=1000)
    description: str = Field("", max_length=200)


# -- applications ---------------------------------------------------------------------------------------


class MembershipApplicationCreateIn(Schema):
    """No field asks about other memberships (MEM-1)."""

    kind: KindIn = Field(..., description=KINDS)
    name: str = Field(..., min_length=1, max_length=100)
    uscc: str = Field("", max_length=18, description="单位会员必填")
    member_class: str = Field("", max_length=30, description="申请的会员类别；协会定义了类别时须为其中之一")
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=1, max_length=20, description="加密保存，输出时脱敏")
    statement: str = Field("", max_length=5_000)


class MembershipApplicationOut(Schema):
    id: int
    organization_uscc: str
    organization_name: str
    kind: str
    name: str
    uscc: str
    member_class: str
    contact_name: str
    contact_phone_masked: str
    statement: str
    status: str = Field(..., description=STATUSES)
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_organ: str
    decision_clause: str
    decision_reason: str
    member_id: int | None


class MembershipApplicationPage(CursorOut):
    items: list[MembershipApplicationOut]
    meta: PageMeta


class ApplicationApproveIn(Schema):
    organ: str = Field(..., min_length=1, max_length=30, description="作出决定的机构，如 理事会")
    clause: str = Field(..., min_length=1, max_length=100, description="章程条款，如 第十条")
    member_class: str = Field("", max_length=30, description="留空则按申请的类别")
    joined_on: IsoDate | None = Field(None, description="入会日期（YYYY-MM-DD），留空为今天")
    note: str = Field("", max_length=2_000)


class ApplicationRefuseIn(Schema):
    organ: str = Field(..., min_length=1, max_length=30)
    clause: str = Field(..., min_length=1, max_length=100)
    reason: str = Field(..., min_length=1, max_length=2_000, description="不得以加入其他协会为由（MEM-1）")


# -- exits ----------------------------------------------------------------------------------------------


class ExitCreateIn(Schema):
    reason: str = Field(..., description=REASONS)
    note: str = Field("", max_length=2_000)
    effective_on: IsoDate = Field(..., description="退会日期（YYYY-MM-DD），今天或以后，不早于入会日期")


class ExpulsionCreateIn(Schema):
    organ: str = Field(..., min_length=1, max_length=30, description="作出除名决定的机构，如 理事会")
    charter_clause: str = Field(..., min_length=1, max_length=100)
    decision_number: str = Field(..., min_length=1, max_length=60)
    note: str = Field(..., min_length=1, max_length=2_000, description="除名事由")
    effective_on: IsoDate = Field(..., description="决定生效日期，不晚于今天")


class CessationCreateIn(Schema):
    note: str = Field(..., min_length=1, max_length=2_000, description="如：注销登记日期及文号")
    effective_on: IsoDate


class ExitOut(Schema):
    member_id: int
    member_name: str
    kind: str = Field(..., description="voluntary 自愿退会 / expelled 除名 / ceased 会员主体终止")
    reason: str
    note: str
    effective_on: dt.date
    organ: str
    charter_clause: str
    decision_number: str


# -- delegates -------------------------------------------------------------------------------------------


class DelegateCreateIn(Schema):
    member_id: Count
    name: str = Field(..., min_length=1, max_length=50)
    method: str = Field(..., description=METHODS)
    since: IsoDate
    until: IsoDate | None = None
    basis: str = Field(..., min_length=1, max_length=200, description="章程条款或选举会议")
    username: str = Field("", max_length=150, description="代表的平台账户（会员企业代表角色），可留空")


class DelegateOut(Schema):
    id: int
    member_id: int
    member_name: str
    name: str
    username: str
    method: str
    since: dt.date
    until: dt.date | None
    basis: str


# -- figures (MEM-2) -------------------------------------------------------------------------------------


class ReasonCountOut(Schema):
    reason: str
    label: str
    count: int


class FiguresOut(Schema):
    uscc: str
    year: int
    as_of: dt.date
    until: dt.date = Field(..., description="年末统计日：12月31日，或统计日早于年末时为统计日")
    start: int = Field(..., description="年初会员数（上年12月31日在册）")
    end: int = Field(..., description="年末会员数（until 日在册）")
    joins: int
    exits: int
    exits_by_reason: list[ReasonCountOut]
    exit_ratio: float | None = Field(None, description="退会率 = exits / start；年初为 0 时为空")


class FiguresQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="默认为统计日所在年度")
    # Documented only: the operation parses it with query_date and answers a 400 naming `as_of`.
    as_of: str = Field(
        "", description="统计日（YYYY-MM-DD，2000—2099 年），默认今天", json_schema_extra={"pattern": DATE_PATTERN}
    )


# -- survey ----------------------------------------------------------------------------------------------


class SurveyCreateIn(Schema):
    year: Count = Field(..., ge=2000, le=2100)
    opens_on: IsoDate
    closes_on: IsoDate


class SurveyOut(Schema):
    id: int
    year: int
    opens_on: dt.date
    closes_on: dt.date
    published_at: dt.datetime | None


class SurveyAnswerIn(Schema):
    member_id: Count = Field(..., description="代表的会员")
    scores: dict[str, Score] = Field(
        ..., description="各评价项目 1–5 分：services, rights, transparency, fees, overall"
    )


class SurveyAnsweredOut(Schema):
    survey_id: int
    member_id: int
    answered: bool


class AspectOut(Schema):
    code: str
    label: str
    count: int
    average: float | None
    distribution: dict[str, int]


class SurveyResultsOut(Schema):
    year: int
    opens_on: dt.date
    closes_on: dt.date
    members: int
    respondents: int
    response_rate: float | None
    closed: bool = Field(..., description="调查已截止（截止前不给出分项结果，以免前后比对识别会员的答卷）")
    shown: bool = Field(..., description="调查未截止或作答会员少于 min_respondents 时为 false，不给出分项结果")
    min_respondents: int
    aspects: list[AspectOut]
    published_at: dt.datetime | None


class SurveyPublishedOut(Schema):
    survey_id: int
    disclosure_id: int
