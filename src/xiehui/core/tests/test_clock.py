"""core.clock: calendar-day, calendar-month and working-day deadlines (conventions: "Time is passed in")."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core import clock
from xiehui.core.errors import ApplicationError

D = dt.date


# -- add_days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 3, 1), 30, D(2026, 3, 31)),  # the docstring's own example
        (D(2026, 3, 1), 0, D(2026, 3, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # month end
        (D(2026, 2, 28), 1, D(2026, 3, 1)),  # no 29 Feb in 2026
        (D(2028, 2, 28), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 12, 31), 1, D(2027, 1, 1)),  # year end
        (D(2026, 9, 24), 60, D(2026, 11, 23)),
    ],
)
def test_add_days_counts_calendar_days_across_month_and_year_ends(start, days, expected):
    assert clock.add_days(start, days) == expected


def test_add_days_ignores_weekends_and_holidays():
    # 30 Sep 2026 + 8 calendar days runs straight through National Day.
    assert clock.add_days(D(2026, 9, 30), 8) == D(2026, 10, 8)


# -- add_calendar_months --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 1, 15), 1, D(2026, 2, 15)),  # no clamping needed
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # December wraps into January
        (D(2026, 12, 31), 2, D(2027, 2, 28)),  # wrap and clamp together
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 5, 31), 12, D(2027, 5, 31)),
        (D(2026, 1, 31), 0, D(2026, 1, 31)),
    ],
)
def test_add_calendar_months_clamps_to_month_end_and_wraps_december(start, months, expected):
    assert clock.add_calendar_months(start, months) == expected


# -- add_working_days (chinese-calendar) -----------------------------------------


def test_add_working_days_skips_a_weekend():
    friday = D(2026, 11, 20)
    assert clock.add_working_days(friday, 1) == D(2026, 11, 23)  # Monday
    assert clock.add_working_days(friday, 5) == D(2026, 11, 27)  # the next Friday


def test_add_working_days_does_not_count_the_start_day():
    monday = D(2026, 11, 23)
    assert clock.add_working_days(monday, 0) == monday
    assert clock.add_working_days(monday, 1) == D(2026, 11, 24)


def test_add_working_days_skips_national_day_2026():
    # National Day 2026: 1-7 October are holidays (chinese-calendar 1.11).
    assert all(not clock.is_working_day(D(2026, 10, d)) for d in range(1, 8))
    # Wednesday 30 September + 1 working day = Thursday 8 October.
    assert clock.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_add_working_days_counts_national_day_make_up_days_2026():
    # The make-up working days of National Day 2026 are Sunday 20 September and Saturday 10 October.
    assert clock.is_working_day(D(2026, 9, 20))
    assert clock.is_working_day(D(2026, 10, 10))
    assert not clock.is_working_day(D(2026, 9, 19))  # an ordinary Saturday
    # Friday 18 Sep + 1 = Sunday 20 Sep (make-up day), not Monday 21 Sep.
    assert clock.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    # 30 Sep + 3 = Thu 8, Fri 9, Sat 10 (make-up day) -> 10 October.
    assert clock.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    # 30 Sep + 4 = the make-up Saturday, then Monday 12 October (Sunday 11 is a rest day).
    assert clock.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_add_working_days_mid_autumn_2026_friday_is_a_holiday():
    # Friday 25 September 2026 (Mid-Autumn Festival): Thursday 24 + 1 working day = Monday 28.
    assert clock.add_working_days(D(2026, 9, 24), 1) == D(2026, 9, 28)


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError):
        clock.add_working_days(D(2026, 11, 23), -1)


def test_working_days_in_an_uncovered_year_raise_a_clear_application_error():
    with pytest.raises(ApplicationError) as exc_info:
        clock.is_working_day(D(2027, 1, 4))
    exc = exc_info.value
    assert exc.code == "calendar_year_not_covered"
    assert exc.extra == {"year": 2027}
    assert "2027" in exc.message and "chinese-calendar" in exc.message


def test_add_working_days_running_into_an_uncovered_year_raises_calendar_year_not_covered():
    # 30 Dec 2026 + 1 = 31 Dec (covered); + 2 needs 2027, which chinese-calendar 1.11 does not cover.
    assert clock.add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(ApplicationError) as exc_info:
        clock.add_working_days(D(2026, 12, 30), 2)
    assert exc_info.value.code == "calendar_year_not_covered"


# -- dates in Asia/Shanghai -------------------------------------------------------


def test_local_date_is_the_shanghai_date():
    # 23:30 UTC on 22 Nov is 07:30 on 23 Nov in Shanghai.
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    assert clock.local_date(moment) == D(2026, 11, 23)


def test_days_between_counts_calendar_days():
    assert clock.days_between(D(2026, 1, 1), D(2026, 3, 1)) == 59
