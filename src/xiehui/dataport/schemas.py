"""Data port schemas of the data port itself, one per operation."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from xiehui.registry.schemas import OrganizationOut

from .events import CURSOR_PATTERN


class KeySelfOut(Schema):
    """The calling key: whose it is, what it reaches, its limits and today's use."""

    prefix: str
    department: str
    system_name: str
    scopes: list[str] = Field(..., description="数据范围（领域代码）：registry, supervision, credit, disclosure, …")
    personal_data: bool = Field(..., description="是否可访问涉及个人信息的接口")
    rate_per_minute: int
    daily_quota: int
    used_today: int = Field(..., description="今日（北京时间）已计入配额的请求数，含本次")
    remaining_today: int
    expires_at: dt.datetime


class FeedQuery(Schema):
    since: str = Field(
        "", description="上次返回的 next_cursor；首次留空（从头开始）", json_schema_extra={"pattern": CURSOR_PATTERN}
    )
    limit: int = Field(100, ge=1, le=1000)


class FeedListingOut(Schema):
    listing_id: int = Field(..., alias="pk")
    list_kind: str = Field(..., description="abnormal 活动异常名录 / serious 严重违法失信名单")
    ground: str
    rule_id: str
    basis: str
    start_on: dt.date
    ended_on: dt.date | None
    end_reason: str


class FeedPublicationOut(Schema):
    kind: str = Field(..., description="disclosure 信息公开 / norm 行规行约等 / pledge 诚信承诺")
    item_id: int
    item_type: str
    title: str
    version: int | None
    change_kind: str


class FeedEventOut(Schema):
    """One public change. An organization event carries the record as it is when read: apply events in order."""

    cursor: str = Field(..., description="该事件的位置；作为 since 传入即从其后继续")
    at: dt.datetime
    kind: str = Field(..., description="organization 登记名录 / listing 信用名单 / publication 信息公开")
    event: str = Field(
        ..., description="registered, recorded, changed, loaded / opened, ended / published, repealed, signed"
    )
    uscc: str
    organization_name: str
    organization: OrganizationOut | None = None
    listing: FeedListingOut | None = None
    publication: FeedPublicationOut | None = None


class FeedPage(Schema):
    items: list[FeedEventOut]
    next_cursor: str = Field(..., description="下次作为 since 传入；没有新事件时与 since 相同")


class DatasetOut(Schema):
    name: str = Field(..., description="数据集代码：registry, registry_personal, credit, disclosure")
    title: str
    scope: str = Field(..., description="密钥需要的数据范围")
    personal: bool = Field(..., description="是否含个人信息（需个人信息授权）")
    description: str
    columns: list[str] = Field(..., description="CSV/XLSX 列名（JSON Lines 使用对应的英文字段名）")


class ExportIn(Schema):
    dataset: str = Field(..., min_length=1, max_length=32, description="数据集代码（GET /dataport/datasets）")
    format: Literal["csv", "xlsx", "jsonl"] = Field(..., description="csv、xlsx 或 jsonl（JSON Lines）")


class ExportFileOut(Schema):
    name: str
    rows: int
    bytes: int
    sm3: str = Field(..., description="文件的 SM3 摘要（十六进制）")
    url: str


class ExportOut(Schema):
    id: uuid.UUID
    dataset: str
    format: str
    status: str = Field(..., description="pending 排队 / running 导出中 / succeeded 完成 / failed 失败 / expired 已删")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expires_at: dt.datetime = Field(..., description="此后文件被删除")
    total_rows: int
    processed_rows: int
    percent: int
    as_of: str | None = Field(..., description="数据截至时间（导出开始时）")
    feed_cursor: str | None = Field(..., description="导出开始时变更订阅的游标：从此处调用 GET /events 追平")
    row_count: int | None
    files: list[ExportFileOut]
    manifest_url: str | None
    error: str


class ExportPage(Schema):
    items: list[ExportOut]
