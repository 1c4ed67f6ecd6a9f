"""API schemas for complaints (SUP-1) and key inspections (SUP-2), one per operation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from xiehui.core import clock
from xiehui.core.api import AttachmentOut, Page, WhyOut

from .models import Complaint, Pledge
from .rules import SUP2
from .services.complaints import DESCRIPTION_MAX, DESCRIPTION_MIN, OPEN_STATUSES

PLEDGE_DESCRIPTION = "投诉事项：" + "；".join(f"{value}={label}" for value, label in Pledge.choices)
OUTCOME_DESCRIPTION = "调查结论：" + "；".join(f"{value}={label}" for value, label in Complaint.Outcome.choices)


# -- filing and public progress ---------------------------------------------------------------------


class ComplaintCreateIn(Schema):
    uscc: str = Field(..., min_length=18, max_length=18, description="被投诉协会的统一社会信用代码")
    pledge: str = Field(..., max_length=24, description=PLEDGE_DESCRIPTION)
    description: str = Field(..., min_length=DESCRIPTION_MIN, max_length=DESCRIPTION_MAX, description="投诉内容")
    anonymous: bool = Field(..., description="匿名投诉：不留姓名和电话")
    name: str = Field("", max_length=50, description="投诉人姓名（实名投诉必填，仅承办人员可见）")
    phone: str = Field("", max_length=20, description="联系电话（实名投诉必填，加密存储，仅承办人员可见）")


class ComplaintFiledOut(Schema):
    code: str = Field(..., description="查询码：凭此查询进度，请妥善保存")
    status: str
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    filed_on: dt.date
    due_on: dt.date = Field(..., description="答复期限（SUP-1）")


class ProgressStepOut(Schema):
    at: dt.datetime
    status: str
    status_label: str
    note: str


class ComplaintProgressOut(Schema):
    code: str
    organization_uscc: str
    organization_name: str
    pledge: str
    pledge_label: str
    status: str
    status_label: str
    filed_on: dt.date
    due_on: dt.date
    steps: list[ProgressStepOut]
    outcome: str
    answer: str
    answered_on: dt.date | None


# -- officers ---------------------------------------------------------------------------------------


class ComplaintOut(Schema):
    id: int
    code: str
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    pledge: str
    status: str
    filed_on: dt.date
    due_on: dt.date
    overdue: bool = Field(..., description="未办结且已过答复期限（SUP-1）")
    assigned_to: str | None = Field(None, alias="assigned_to.username")
    outcome: str
    answered_on: dt.date | None

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return obj.status in OPEN_STATUSES and obj.due_on < clock.today()


class ComplaintPage(Page):
    items: list[ComplaintOut]


class ComplainantOut(Schema):
    anonymous: bool
    name: str
    phone: str
    account: str


class ComplaintEventOut(Schema):
    at: dt.datetime
    status: str
    note: str
    public: bool
    actor: str | None = Field(None, alias="actor.username")


class ComplaintDetailOut(ComplaintOut):
    description: str
    source: str
    findings: str
    answer: str
    complainant: ComplainantOut | None = Field(None, description="仅承办的登记管理机关工作人员可见，其他人为 null")
    attachments: list[AttachmentOut] = Field(..., description="证据材料（仅承办人员可见）")
    events: list[ComplaintEventOut] = Field(..., alias="event_list", description="办理过程，含内部记录")
    why: WhyOut


class AssignIn(Schema):
    assignee: str = Field(..., min_length=1, max_length=150, description="承办人员的用户名（本登记管理机关工作人员）")


class DismissIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="不予受理理由（告知投诉人）")


class InvestigateIn(Schema):
    note: str = Field(..., min_length=1, max_length=5000, description="调查记录（内部，投诉人不可见）")


class AnswerIn(Schema):
    outcome: str = Field(..., max_length=16, description=OUTCOME_DESCRIPTION)
    findings: str = Field(..., min_length=1, max_length=5000)
    answer: str = Field(..., min_length=1, max_length=5000, description="答复意见（告知投诉人）")


# -- key inspections --------------------------------------------------------------------------------


class InspectionOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    key: str
    rule_id: str = Field(..., description="SUP-2：规则触发；空：监管人员立案")
    facts: str
    parameters: dict[str, Any]
    opened_on: dt.date
    opened_by: str | None = Field(None, alias="opened_by.username")
    status: str
    closed_on: dt.date | None
    conclusion: str


class InspectionPage(Page):
    items: list[InspectionOut]


class InterviewOut(Schema):
    id: int
    held_on: dt.date
    attendees: str
    minutes: str
    recorded_by: str = Field(..., alias="recorded_by.username")


class InspectionOrderOut(Schema):
    id: int
    number: str
    ground: str
    basis: str
    facts: str
    requirements: str
    issued_on: dt.date
    deadline: dt.date
    status: str


class InspectionDetailOut(InspectionOut):
    interviews: list[InterviewOut]
    orders: list[InspectionOrderOut]
    why: WhyOut


class InspectionCreateIn(Schema):
    uscc: str = Field(..., min_length=18, max_length=18)
    reason: str = Field(..., min_length=1, max_length=5000, description="列入重点检查的事由")


class InterviewIn(Schema):
    held_on: dt.date = Field(..., description="约谈日期（不晚于今天）")
    attendees: str = Field(..., min_length=1, max_length=2000)
    minutes: str = Field(..., min_length=1, max_length=20000)


class CloseIn(Schema):
    conclusion: str = Field(..., min_length=1, max_length=5000)


class InspectionOrderIn(Schema):
    ground: str = Field(..., min_length=1, max_length=200)
    basis: str = Field(SUP2.basis, min_length=1, max_length=200)
    facts: str = Field(..., min_length=1, max_length=5000)
    requirements: str = Field("", max_length=5000)
    deadline: dt.date = Field(..., description="整改期限（晚于今天）")
