"""Supervision rules: ANN-1 … ANN-3, SUP-1, SUP-2, SUP-4 (004 §6, §17; 000 三; 条例 art. 28).

Declarations first (what explanations cite, with configurable parameters), then
the engine's evaluators: functions of one association's facts as of a date
that return the effects that should exist (core/engine.py explains why this
makes `xiehui tick` idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from xiehui.core import params
from xiehui.core.rules import declare

ANN1 = declare(
    "ANN-1",
    title="年度工作报告报送",
    basis="《社会团体登记管理条例》第二十八条；000 三",
    due_month=5,
    due_day=31,
    first_year=2025,
    reminder_days=[30, 7, 1],
)
ANN2 = declare(
    "ANN-2", title="年度检查结论（合格、基本合格、不合格）", basis="《社会团体登记管理条例》第二十八条；年度检查办法"
)
ANN3 = declare(
    "ANN-3", title="逾期未报送年度工作报告列入活动异常名录（见 CR-A1）", basis="民政部令第60号 第十条第（一）项"
)
SUP1 = declare("SUP-1", title="投诉举报受理与答复", basis="000 三；004 第17条", answer_days=60)
SUP2 = declare(
    "SUP-2",
    title="重点检查与约谈",
    basis="000 三；004 第17条；民政部令第60号 第二十条",
    threshold=3,
    window_months=12,
)
SUP4 = declare(
    "SUP-4",
    title="无专职工作人员责令整改",
    basis="004 第6条（未配备专职工作人员的，责令限期整改；逾期未改的列入活动异常名录，见 CR-A3）",
    rectify_days=90,
)


def report_due_on(year: int, *, stored: Mapping[str, Any] | None = None) -> dt.date:
    """ANN-1: the last day to file the annual work report for `year` (31 May of the next year by default)."""
    table = dict(stored) if stored is not None else None
    return dt.date(year + 1, params.value("ANN-1.due_month", stored=table), params.value("ANN-1.due_day", stored=table))


def report_years_due(registered_on: dt.date, as_of: dt.date, *, stored: Mapping[str, Any] | None = None) -> list[int]:
    """The report years whose deadline has passed by `as_of` for an association registered on `registered_on`.

    A report is due for every year the association existed, from ANN-1.first_year
    (the first year whose reports the platform holds) on.
    """
    first = max(registered_on.year, params.value("ANN-1.first_year", stored=dict(stored) if stored else None))
    return [year for year in range(first, as_of.year) if report_due_on(year, stored=stored) < as_of]
