"""API schemas of annual work reports, one per operation. Amounts of money are decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from xiehui.core.api import (
    AttachmentOut,
    Page,
)
from xiehui.registry.schemas import MONEY_DESCRIPTION, MONEY_PATTERN

SIGNED_MONEY_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"


class ReportSectionsIn(Schema):
    """The sections of the report (ANN-1); every field is replaced on update."""

    compliance: str = Field("", max_length=20_000, description="遵守法律法规和国家政策情况")
    registration_changes: str = Field("", max_length=20_000, description="登记事项变更情况")
    activities: str = Field("", max_length=20_000, description="开展业务活动情况")
    organs: str = Field("", max_length=20_000, description="机构和人员变动情况")
    staff_total: int = Field(0, ge=0, le=10_000_000, description="工作人员总数")
    full_time_staff: int = Field(0, ge=0, le=10_000_000, description="专职工作人员数（0 将被责令整改，SUP-4）")
    income: str = Field("0", pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    expenditure: str = Field("0", pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    net_assets: str = Field("0", pattern=SIGNED_MONEY_PATTERN, description="年末净资产（元），可为负数")
    fee_income: str = Field("0", pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    donations_received: str = Field("0", pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    trips_abroad: int = Field(0, ge=0, le=10_000_000, description="出国（境）团组数")
    party_organization: str = Field("none", description="standalone / joint / instructor / none")
    party_members: int = Field(0, ge=0, le=10_000_000, description="党员人数")


class ReportCreateIn(ReportSectionsIn):
    year: int = Field(..., ge=1949, le=2999, description="报告年度（已结束的年度）")


class ReportUpdateIn(ReportSectionsIn):
    pass


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="退回补正理由")


class ReviewIn(Schema):
    result: str = Field(..., description="pass（合格）/ basic（基本合格）/ fail（不合格）")
    reasons: str = Field("", max_length=5000, description="结论理由；基本合格、不合格必填")


class CriterionOut(Schema):
    code: str
    description: str
    check_name: str
    leads_to: str
    leads_to_label: str
    met: bool | None = Field(..., description="true 存在；false 不存在；null 平台暂无数据，需人工核实")
    facts: str


class ReportOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    year: int
    status: str
    compliance: str
    registration_changes: str
    activities: str
    organs: str
    staff_total: int
    full_time_staff: int
    income: Decimal
    expenditure: Decimal
    net_assets: Decimal
    fee_income: Decimal
    donations_received: Decimal
    trips_abroad: int
    party_organization: str
    party_members: int
    due_on: dt.date = Field(..., description="报送截止日期（ANN-1）")
    first_submitted_on: dt.date | None = Field(..., description="首次报送日期（ANN-1 按此判断是否逾期）")
    submitted_on: dt.date | None
    on_time: bool
    days_late: int
    return_reason: str
    result: str
    result_reasons: str
    reviewed_on: dt.date | None
    criteria: list[CriterionOut] = Field(..., description="出具结论时核查的年检标准")
    updated_at: dt.datetime


class ReportDetailOut(ReportOut):
    attachments: list[AttachmentOut]


class ReportPage(Page):
    items: list[ReportOut]


class ReportEntryOut(Schema):
    """A year of one association: the public result, and the full report for its staff and officers."""

    year: int
    result: str = Field(..., description="pass / basic / fail；尚无结论为空字符串")
    result_label: str
    reviewed_on: dt.date | None
    report: ReportOut | None = Field(None, description="仅本协会工作人员和辖区登记管理机关可见")


class CriteriaEvaluationOut(Schema):
    suggested_result: str
    criteria: list[CriterionOut]
