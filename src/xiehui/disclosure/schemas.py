"""API schemas of disclosure (DIS-1 … DIS-4), one per operation (conventions: schemas per operation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt

from xiehui.core.api import DATE_PATTERN, cursor_field

from . import catalogue

# A structured value as typed: text, a date "2026-03-01", money as "12800.00" (a number is accepted too).
FieldValue = str | StrictInt | StrictFloat | None
ITEM_TYPE_PATTERN = "^(" + "|".join(t.code for t in catalogue.TYPES) + ")?$"
PERIOD_PATTERN = r"^([0-9]{4}(H[12])?)?$"


# -- the catalogue -----------------------------------------------------------------------------------------


class DisclosureFieldOut(Schema):
    name: str
    label: str
    kind: str = Field(..., description="text, textarea, date（YYYY-MM-DD）, money（元，字符串）, integer, url")
    required: bool
    help: str


class DisclosureTypeOut(Schema):
    """An item type of the catalogue (DIS-1 public, DIS-2 members only) with its structured fields."""

    code: str
    title: str
    audience: str = Field(..., description="public（向社会公开）或 members（仅向会员公开）")
    audience_label: str
    cadence: str = Field(..., description="standing（发生变化时更新）, event（逐项）, yearly, halfyearly")
    cadence_label: str
    basis: str
    required: bool = Field(..., description="是否计入 DIS-3 完整性")
    source: str = Field(..., description="由其他业务自动公开时为其来源（registry, annual_report, pledges），否则为空")
    description: str
    fields: list[DisclosureFieldOut]
    rows_label: str
    rows: list[DisclosureFieldOut] = Field(..., description="明细表的列；为空表示没有明细表")


# -- published items ---------------------------------------------------------------------------------------


class DisclosureListQuery(Schema):
    item_type: str = Field("", pattern=ITEM_TYPE_PATTERN, description="公开事项类型，见 /disclosure/catalogue")
    period: str = Field("", pattern=PERIOD_PATTERN, description="期间，如 2025、2025H1")
    audience: str = Field("", pattern="^(public|members)?$", description="public 或 members")
    cursor: str = cursor_field()
    limit: int = Field(20, ge=1, le=100)


class DisclosureAttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    mime: str
    sha256: str
    url: str = Field(..., description="下载地址")


class DisclosureVersionOut(Schema):
    """One published version (DIS-4: never changed; a correction is a new version with its reason)."""

    id: int
    number: int
    change_kind: str = Field(..., description="first（首次公开）, update（事项变更）, correction（更正）")
    change_kind_label: str
    fields: dict[str, Any]
    rows: list[dict[str, Any]]
    body: str
    effective_on: dt.date | None
    published_at: dt.datetime
    reason: str = Field(..., description="更正或变更的原因（首次公开为空）")
    attachments: list[DisclosureAttachmentOut]


class DisclosureItemOut(Schema):
    """A published item with its current version."""

    id: int
    uscc: str
    organization_name: str
    item_type: str
    item_title: str
    audience: str
    period: str
    title: str
    first_published_at: dt.datetime
    published_at: dt.datetime = Field(..., description="现行版本的公开时间")
    versions_count: int
    url: str
    current: DisclosureVersionOut


class DisclosurePage(Schema):
    items: list[DisclosureItemOut]
    limit: int
    next_cursor: str | None = Field(None, description="下一页的游标；为空表示没有更多")


class DisclosureDetailOut(Schema):
    """An item with every published version, newest first (DIS-4); the pending draft's id for its staff."""

    id: int
    uscc: str
    organization_name: str
    item_type: str
    item_title: str
    audience: str
    period: str
    title: str
    first_published_at: dt.datetime | None
    published_at: dt.datetime | None
    versions_count: int
    url: str
    current: DisclosureVersionOut | None
    versions: list[DisclosureVersionOut]
    draft_id: int | None = Field(None, description="未公开草稿的版本 id；仅本协会工作人员可见")


# -- DIS-3 -----------------------------------------------------------------------------------------------------


class DisclosureStatusQuery(Schema):
    # The pattern is only documented: the operation checks it itself and answers a 400 naming `as_of`.
    as_of: str = Field(
        "",
        description="评估日期 YYYY-MM-DD（2000—2099 年），默认今天",
        json_schema_extra={"pattern": DATE_PATTERN},
    )


class DisclosureStatusItemOut(Schema):
    label: str
    item_type: str
    period: str
    due_on: dt.date
    published_on: dt.date | None
    state: str = Field(..., description="on_time（按时公开）, late（逾期公开）, missing（逾期未公开）, due（待公开）")
    state_label: str
    reason: str


class DisclosureStatusOut(Schema):
    """DIS-3 timeliness and completeness of one association as of a day."""

    uscc: str
    name: str
    as_of: dt.date
    completeness: int = Field(..., description="已公开占应公开的百分比")
    on_time_rate: int = Field(..., description="按时公开占应公开的百分比")
    required: int
    published: int
    late: int
    missing: int
    items: list[DisclosureStatusItemOut]


# -- the association's staff -------------------------------------------------------------------------------


class DisclosureCreateIn(Schema):
    item_type: str = Field(..., max_length=32, description="公开事项类型，见 /disclosure/catalogue")
    period: str = Field("", max_length=8, description="按年度填 2025，按半年填 2025H1；其他事项留空")
    title: str = Field("", max_length=200, description="逐项公开的事项（如出国考察）须填写标题")
    effective_on: dt.date | None = Field(None, description="事项发生或变更日期（DIS-3 时限由此起算）")
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    rows: list[dict[str, FieldValue]] = Field(default_factory=list)
    body: str = Field("", max_length=20000)


class DisclosureVersionCreateIn(Schema):
    change_kind: str = Field(
        ..., pattern="^(correction|update)$", description="correction（更正）或 update（事项变更）"
    )
    reason: str = Field(..., max_length=2000, description="更正或变更原因，随新版本公开")
    effective_on: dt.date | None = Field(None, description="事项变更日期（仅 update）")
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    rows: list[dict[str, FieldValue]] = Field(default_factory=list)
    body: str = Field("", max_length=20000)


class DisclosureDraftPatchIn(Schema):
    """Only the members sent are changed; `fields` and `rows` replace the draft's whole fields or table."""

    title: str | None = Field(None, max_length=200)
    effective_on: dt.date | None = None
    reason: str | None = Field(None, max_length=2000)
    fields: dict[str, FieldValue] | None = None
    rows: list[dict[str, FieldValue]] | None = None
    body: str | None = Field(None, max_length=20000)
    remove_attachments: list[int] = Field(default_factory=list, description="要删除的附件 id")


class DisclosureDraftOut(Schema):
    """A version as its association's staff see it: a draft, or a published version."""

    id: int
    disclosure_id: int
    uscc: str
    item_type: str
    item_title: str
    period: str
    title: str
    number: int
    change_kind: str
    change_kind_label: str
    state: str = Field(..., description="draft（草稿）或 published（已公开）")
    fields: dict[str, Any]
    rows: list[dict[str, Any]]
    body: str
    effective_on: dt.date | None
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    attachments: list[DisclosureAttachmentOut]
    item_url: str


# -- the feed ----------------------------------------------------------------------------------------------


class DisclosureEventOut(Schema):
    seq: int = Field(..., description="在审计链中的序号，即提交顺序")
    at: dt.datetime
    kind: str = Field(..., description="disclosure（公开事项）, norm（行规行约与标准）, pledge（诚信承诺）")
    event: str = Field(..., description="published, repealed, signed")
    uscc: str
    organization_name: str
    item_id: int
    item_type: str
    title: str
    version: int | None
    change_kind: str
    url: str | None = Field(None, description="该事项的数据端口地址")


class DisclosureEventPage(Schema):
    items: list[DisclosureEventOut]
    next_cursor: int | None = Field(None, description="下次查询作为 since 传入")
