"""One clock and the deadline helpers (conventions: "Time is passed in").

Services take `now` / `as_of` from callers; callers get them here. Tests and the
rules engine pass any date. All dates are in Asia/Shanghai.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils import timezone

from .errors import ApplicationError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """The current time, timezone-aware."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai."""
    return local_date(now())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def day_end(day: dt.date) -> dt.datetime:
    """The last moment of a day in Shanghai: "published on or before `day`" is `published_at <= day_end(day)`."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def add_days(start: dt.date, days: int) -> dt.date:
    """`days` calendar days after `start` (a 30-day limit from 1 March ends 31 March)."""
    return start + dt.timedelta(days=days)


def add_calendar_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def is_working_day(day: dt.date) -> bool:
    """A statutory working day in mainland China, make-up working days included."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise ApplicationError(
            f"法定节假日数据不覆盖 {day.year} 年，无法计算工作日期限；请升级 chinese-calendar 后重试",
            code="calendar_year_not_covered",
            extra={"year": day.year},
        ) from exc


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date on which `days` working days after `start` have passed.

    The start day itself does not count (a limit of 5 working days from a
    Friday ends the next Friday, or later across a statutory holiday).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days
