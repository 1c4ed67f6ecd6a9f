"""API schemas of governance, one per operation. Identity numbers are never returned in clear: leaders carry
`id_number_masked`, and only to the association's staff and officers in jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from xiehui.core.api import Count, EntitledIn, Flag, HeadcountIn, IsoDate, Page, TermNumberIn

OrganKindIn = Literal[
    "assembly", "delegate_assembly", "council", "standing_council", "supervisors", "supervisor", "president_office"
]
PostIn = Literal[
    "president",
    "vice_president",
    "secretary_general",
    "legal_representative",
    "chief_supervisor",
    "supervisor",
    "council_member",
    "standing_council_member",
]
OfficialStatusIn = Literal["none", "serving", "on_leave", "retired"]
ImportanceIn = Literal["major", "important", "ordinary"]
MatterIn = Literal[
    "ordinary",
    "cooperation",
    "fee_standard",
    "charter",
    "election",
    "trust_vote",
    "term_extension",
    "expulsion",
    "norm",
]


class OrganOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    size: int
    charter_clause: str


class OrganIn(Schema):
    size: Count = Field(..., ge=0, le=1_000_000, description="组成人数（会员大会为 0：全体会员）")
    charter_clause: str = Field("", max_length=100)


class TermOut(Schema):
    id: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    extended_to: dt.date | None
    current: bool
    overdue: bool = Field(..., description="GOV-3：届满未换届")
    status_facts: str


class TermIn(Schema):
    number: TermNumberIn | None = Field(None, description="留空：上一届加一（1—999）")
    starts_on: IsoDate
    ends_on: IsoDate = Field(..., description="每届不超过 5 年（GOV-1）；换届前 12 个月内须有换届审计（GOV-4）")


class TermExtensionIn(Schema):
    extended_to: IsoDate
    reason: str = Field(..., min_length=1, max_length=2000)
    resolution_id: Count = Field(..., description="会员（代表）大会延期换届决议，须 2/3 以上赞成（GOV-3）")
    approval_document: str = Field("", max_length=60, description="登记管理机关批复文号")
    approved_on: IsoDate | None = None


class TermExtensionOut(Schema):
    id: int
    term_id: int
    extended_to: dt.date
    reason: str
    approval_document: str
    approved_on: dt.date


class LeaderOut(Schema):
    """A serving leader as the public sees them: name and post, no identity number."""

    post: str
    post_label: str
    name: str
    term_number: int
    starts_on: dt.date | None


class CheckOut(Schema):
    stage: str
    on: str
    rule_id: str
    name: str
    ok: bool
    facts: str


class AppointmentOut(Schema):
    id: int
    post: str
    post_label: str
    name: str
    id_number_masked: str = Field(..., description="脱敏的身份证号码；明文从不返回")
    term_number: int
    status: str
    member_unit_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    end_reason: str
    paid: bool
    approval_document: str
    approved_on: dt.date | None
    elected_by_id: int | None
    checks: list[CheckOut]


class AppointmentPage(Page):
    items: list[AppointmentOut]


class NominateIn(Schema):
    term_id: Count
    post: PostIn
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field(..., min_length=15, max_length=20, description="居民身份证号码，加密保存")
    birth_date: IsoDate | None = Field(None, description="可不填；填写时须与身份证号码一致")
    official_status: OfficialStatusIn = "none"
    retired_on: IsoDate | None = None
    member_unit_id: Count | None = None
    paid: Flag = False
    approval_document: str = Field("", max_length=60)
    approved_on: IsoDate | None = None
    on: IsoDate = Field(..., description="提名日期：按此日期检查 GOV-1、GOV-2")


class ConfirmIn(Schema):
    starts_on: IsoDate
    elected_by_id: Count | None = Field(None, description="选举决议（出席须达 2/3，GOV-1）")


class EndIn(Schema):
    ends_on: IsoDate
    reason: str = Field(..., min_length=1, max_length=200)


class AuditOut(Schema):
    id: int
    occasion: str
    auditor: str
    report_number: str
    period_start: dt.date
    period_end: dt.date
    reported_on: dt.date


class AuditIn(Schema):
    occasion: Literal["reelection", "legal_representative", "annual"]
    auditor: str = Field(..., min_length=1, max_length=100)
    report_number: str = Field(..., min_length=1, max_length=60)
    period_start: IsoDate
    period_end: IsoDate
    reported_on: IsoDate


class AuditPage(Page):
    items: list[AuditOut]


class ResolutionOut(Schema):
    id: int
    number: str
    organ_kind: str = Field(..., alias="organ.kind")
    meeting_id: int | None
    matter: str
    importance: str
    title: str
    decision: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    present: int
    entitled: int
    passed: bool
    adopted_on: dt.date
    published_to_members_on: dt.date | None


class ResolutionIn(Schema):
    organ_id: Count
    meeting_id: Count | None = None
    number: str = Field("", max_length=60, description="留空自动编号（年度-序号）")
    matter: MatterIn = "ordinary"
    importance: ImportanceIn | Literal[""] = ""
    title: str = Field(..., min_length=1, max_length=200)
    decision: str = Field(..., min_length=1, max_length=20000)
    votes_for: Count = Field(..., ge=0, le=1_000_000)
    votes_against: Count = Field(0, ge=0, le=1_000_000)
    votes_abstain: Count = Field(0, ge=0, le=1_000_000)
    present: Count = Field(..., ge=0, le=1_000_000)
    entitled: Count = Field(..., ge=0, le=1_000_000)
    passed: Flag
    adopted_on: IsoDate
    distributes_income: Flag = Field(False, description="GOV-6：涉及向会员分配收入或营利性投资会员企业即拒绝")


class ResolutionPage(Page):
    items: list[ResolutionOut]


class MeetingOut(Schema):
    id: int
    organ_kind: str = Field(..., alias="organ.kind")
    title: str
    held_on: dt.date
    place: str
    entitled: int
    attended: int | None
    minutes: str
    resolutions: list[ResolutionOut]

    @staticmethod
    def resolve_resolutions(obj: Any) -> list[Any]:
        return list(obj.resolutions.all())


class MeetingIn(Schema):
    organ_id: Count
    title: str = Field(..., min_length=1, max_length=100)
    held_on: IsoDate
    place: str = Field("", max_length=200)
    entitled: EntitledIn | None = Field(None, description="留空：机构组成人数")
    attended: HeadcountIn | None = None
    minutes: str = Field("", max_length=20000)


class MeetingPage(Page):
    items: list[MeetingOut]


class CharterOut(Schema):
    id: int
    version: int
    text: str
    resolution_id: int
    effective_on: dt.date
    parameters: dict[str, Any]


class CharterIn(Schema):
    text: str = Field(..., min_length=1, max_length=200_000)
    resolution_id: Count = Field(..., description="会员（代表）大会通过的章程修改决议")
    effective_on: IsoDate
    parameters: dict[str, Any] = Field(default_factory=dict, description='如 {"GOV-5.important": "standing_council"}')


class CooperationOut(Schema):
    id: int
    title: str
    partner: str
    importance: str
    routed_to: str
    resolution_id: int | None


class CooperationIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    partner: str = Field(..., min_length=1, max_length=100)
    importance: ImportanceIn
    on: IsoDate
    routed_to: OrganKindIn | Literal[""] = Field("", description="所提交的机构；与章程规定不符即拒绝（GOV-5）")
    resolution_id: Count | None = None


class CooperationPage(Page):
    items: list[CooperationOut]


class GovernanceFlagOut(Schema):
    id: int
    uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    rule_id: str
    subject: str
    facts: str
    raised_on: dt.date


class GovernanceFlagPage(Page):
    items: list[GovernanceFlagOut]
