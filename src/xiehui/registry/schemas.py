"""API schemas of the register, one per operation (conventions: schemas per operation)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from xiehui.core.api import Page

# Amounts of money are decimal strings ("50000.00"): exact, and fully described by the
# schema (a JSON number or an unconstrained string would let clients send values the
# server must refuse).
MONEY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
MONEY_DESCRIPTION = '金额（元），十进制字符串，最多两位小数，如 "50000.00"'


class IndustryOut(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    kind: str


class OrganizationSummaryOut(Schema):
    uscc: str
    name: str
    short_name: str
    kind: str
    level: str
    region_code: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    authority_region_code: str = Field(..., alias="authority_region_id")
    status: str
    registered_on: dt.date


class OrganizationOut(OrganizationSummaryOut):
    domicile: str
    business_scope: str
    legal_representative: str = Field(..., alias="legal_representative.name")
    activity_funds: Decimal
    industries: list[IndustryOut]
    fulltime_staff: int
    premises: str
    website: str
    contact_phone: str
    status_changed_on: dt.date | None
    updated_at: dt.datetime


class OrganizationPage(Page):
    items: list[OrganizationSummaryOut]


class ItemChangeOut(Schema):
    field: str
    label: str
    old_value: str
    new_value: str
    effective_on: dt.date
    source: str


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50, description="姓名")
    id_number: str = Field(..., min_length=15, max_length=18, description="居民身份证号码（加密存储）")
    phone: str = Field("", max_length=20)


class ApplicationCreateIn(Schema):
    name: str = Field(..., min_length=2, max_length=100)
    kind: str
    level: str
    authority_region: str = Field(..., pattern=r"^\d{6}$", description="登记管理机关所在区划代码")
    region: str = Field(..., pattern=r"^\d{6}$", description="住所所在区划代码")
    domicile: str = Field(..., min_length=1, max_length=200)
    industries: list[str] = Field(..., min_length=1, max_length=10, description="GB/T 4754 大类代码")
    business_scope: str = Field(..., min_length=1, max_length=2000)
    legal_representative: PersonIn
    activity_funds: str = Field(..., pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    individual_members: int = Field(0, ge=0, le=10_000_000)
    unit_members: int = Field(0, ge=0, le=10_000_000)
    fulltime_staff: int = Field(..., ge=0, le=100_000)
    premises: str = Field(..., min_length=1, max_length=200)
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=5, max_length=20)


class ApplicationOut(Schema):
    id: int
    tracking_code: str
    status: str
    name: str
    kind: str
    level: str
    authority_region_code: str = Field(..., alias="authority_region_id")
    region_code: str = Field(..., alias="region_id")
    submitted_at: dt.datetime
    complete_on: dt.date
    due_on: dt.date
    decided_at: dt.datetime | None
    decision_reason: str
    organization_uscc: str | None = Field(None, alias="organization.uscc")


class ApplicationPage(Page):
    items: list[ApplicationOut]


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class ChangeFilingCreateIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    decided_on: dt.date = Field(..., description="内部决议日期（REG-5：30 日内申请变更）")
    name: str | None = Field(None, max_length=100)
    domicile: str | None = Field(None, max_length=200)
    business_scope: str | None = Field(None, max_length=2000)
    activity_funds: str | None = Field(None, pattern=MONEY_PATTERN, description=MONEY_DESCRIPTION)
    legal_representative: PersonIn | None = None


class ChangeFilingOut(Schema):
    id: int
    organization_uscc: str = Field(..., alias="organization.uscc")
    organization_name: str = Field(..., alias="organization.name")
    status: str
    changes: dict[str, str]
    new_legal_representative: str | None = Field(None, alias="new_legal_representative.name")
    reason: str
    decided_on: dt.date
    filing_due_on: dt.date
    filed_late: bool
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str


class ChangeFilingPage(Page):
    items: list[ChangeFilingOut]
