"""The data port's part of `xiehui demo` (order 90): two keys of 山东省工业和信息化厅, one revoked.

The live key's secret is printed once in the demo's summary, as the console shows it once.
"""

from __future__ import annotations

import datetime as dt

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import User

from . import services


@extension(order=90)
def load(users: dict[str, User], now: dt.datetime) -> str:
    officer, department = users["officer_sd"], users["dept"].department
    assert department is not None
    today = clock.local_date(now)
    key, secret = services.key_issue(
        actor=officer,
        department=department,
        system_name="工业和信息化产业数据平台",
        scopes=["registry", "credit", "disclosure", "supervision"],
        personal_data=False,
        rate_per_minute=600,
        daily_quota=100_000,
        expires_on=today + dt.timedelta(days=365),
        now=now,
    )
    issued = now - dt.timedelta(days=200)
    old, _ = services.key_issue(
        actor=officer,
        department=department,
        system_name="原行业统计直报系统",
        scopes=["registry"],
        personal_data=False,
        rate_per_minute=60,
        daily_quota=10_000,
        expires_on=clock.local_date(issued) + dt.timedelta(days=365),
        now=issued,
    )
    services.key_revoke(
        actor=officer, key=old, reason="系统已停用，改由产业数据平台对接", now=now - dt.timedelta(days=30)
    )
    return f"数据端口密钥（{department.name}·{key.system_name}，只显示这一次）：{secret}"
