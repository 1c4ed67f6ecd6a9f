"""Data port schemas of the data port itself, one per operation."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


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
