"""MEM-2 figures: start, end, joins, exits by reason, exit ratio; definitions tested at the year's edges."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core.errors import ApplicationError
from xiehui.membership import selectors, services_members
from xiehui.membership.models import Member

from .factories_members import at, member

pytestmark = pytest.mark.django_db
D = dt.date


def leave(m: Member, day: dt.date, reason: str = "fees") -> None:
    services_members.member_exit(actor=None, member=m, reason=reason, effective_on=day, now=at(day))


def test_mem_2_edges_of_the_year(world):
    org = world.org_a
    member(org, 1, joined=D(2024, 12, 31))  # on the eve: in start
    member(org, 2, joined=D(2025, 1, 1), now=at(D(2025, 1, 1)))  # on 1 Jan: a join of 2025, not in start
    leave(member(org, 3, joined=D(2020, 1, 1)), D(2025, 1, 1))  # last member day 31 Dec 2024: in start, an exit of 2025
    leave(member(org, 4, joined=D(2020, 1, 1)), D(2024, 12, 31))  # left on the eve: neither
    leave(member(org, 5, joined=D(2020, 1, 1)), D(2025, 12, 31), "service")  # last day 30 Dec: an exit of 2025
    leave(member(org, 6, joined=D(2020, 1, 1)), D(2026, 1, 1))  # member all of 2025: in start and end
    member(org, 7, joined=D(2025, 12, 31), now=at(D(2025, 12, 31)))  # joins 2025, in end
    f = selectors.member_figures(org, year=2025, as_of=D(2026, 11, 23))
    assert (f["start"], f["joins"], f["exits"], f["end"]) == (4, 2, 2, 4)
    assert f["start"] + f["joins"] - f["exits"] == f["end"]
    assert f["exits_by_reason"] == {"fees": 1, "service": 1} and f["exit_ratio"] == 0.5
    assert f["until"] == D(2025, 12, 31)


def test_mem_2_as_of_within_the_year_counts_what_was_recorded_to_that_day(world):
    org = world.org_a
    m = member(org, 1, joined=D(2020, 1, 1))
    member(org, 2, joined=D(2020, 1, 1))
    leave(m, D(2026, 6, 30))
    before = selectors.member_figures(org, year=2026, as_of=D(2026, 6, 29))
    on = selectors.member_figures(org, year=2026, as_of=D(2026, 6, 30))
    assert (before["exits"], before["end"], before["exit_ratio"]) == (0, 2, 0.0)
    assert (on["exits"], on["end"], on["exit_ratio"]) == (1, 1, 0.5) and on["until"] == D(2026, 6, 30)


def test_mem_2_exits_by_kind_and_ratio_none_without_members_at_start(world):
    org = world.org_a
    assert selectors.member_figures(org, year=2026, as_of=D(2026, 11, 23))["exit_ratio"] is None
    a = member(org, 1, joined=D(2020, 1, 1))
    b = member(org, 2, joined=D(2020, 1, 1))
    c = member(org, 3, joined=D(2020, 1, 1))
    services_members.member_expel(
        actor=None,
        member=a,
        organ="理事会",
        charter_clause="第十四条",
        decision_number="1号",
        note="违规",
        effective_on=D(2026, 3, 1),
        now=at(D(2026, 3, 1)),
    )
    services_members.member_cease(actor=None, member=b, note="注销", effective_on=D(2026, 4, 1), now=at(D(2026, 4, 1)))
    Member.objects.filter(pk=c.pk).update(left_on=D(2026, 5, 1))  # imported history without an exit record
    f = selectors.member_figures(org, year=2026, as_of=D(2026, 11, 23))
    assert f["exits_by_reason"] == {"ceased": 1, "expelled": 1, "unrecorded": 1} and f["exit_ratio"] == 1.0


def test_mem_2_year_not_started_is_refused(world):
    with pytest.raises(ApplicationError) as exc:
        selectors.member_figures(world.org_a, year=2027, as_of=D(2026, 12, 31))
    assert exc.value.status == 404


def test_mem_2_figures_are_per_association_with_bounded_queries(world, django_assert_max_num_queries):
    for n in range(5):
        leave(member(world.org_a, n, joined=D(2020, 1, 1)), D(2024 + n % 3, 6, 1))
    member(world.org_b, 99, joined=D(2020, 1, 1))
    with django_assert_max_num_queries(10):
        years = selectors.figures_years(world.org_a, as_of=D(2026, 11, 23))
    assert [y["year"] for y in years] == [2026, 2025, 2024, 2023, 2022]
    assert sum(y["exits"] for y in years) == 5 and years[-1]["start"] == 5
