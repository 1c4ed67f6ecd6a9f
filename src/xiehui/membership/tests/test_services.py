"""Members and representatives: recording, and who counts as a current member's representative (DIS-2 reads it)."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError
from xiehui.membership import selectors, services
from xiehui.membership.models import Member, Representative

USCC = make_uscc(region_code="370100", body="MA000001", category="91")


def record(world, **kw) -> Member:
    args = dict(
        actor=world.staff_a,
        organization=world.org_a,
        kind="enterprise",
        name="济南示例建筑有限公司",
        uscc=USCC,
        joined_on=dt.date(2024, 3, 1),
        now=NOW,
    )
    args.update(kw)
    return services.member_record(**args)


def test_it_records_an_enterprise_member_with_a_valid_uscc(world):
    member = record(world, member_class="理事单位")
    assert member.uscc == USCC and member.member_class == "理事单位" and member.left_on is None


def test_it_refuses_a_bad_uscc_naming_the_field(world):
    with pytest.raises(ApplicationError) as exc:
        record(world, uscc=USCC[:-1] + ("0" if USCC[-1] != "0" else "1"))
    assert exc.value.field == "uscc"


def test_it_refuses_the_same_enterprise_twice(world):
    record(world)
    with pytest.raises(ApplicationError) as exc:
        record(world)
    assert exc.value.code == "member_exists"


def test_individual_members_have_no_uscc(world):
    member = record(world, kind="individual", name="张三", uscc="ignored")
    assert member.uscc == ""


def test_only_the_associations_own_staff_record_members(world):
    for actor in (world.staff_b, world.officer_jinan, world.member):
        with pytest.raises(ApplicationError) as exc:
            record(world, actor=actor)
        assert exc.value.status == 403


def test_a_representative_must_hold_the_member_role(world):
    member = record(world)
    with pytest.raises(ApplicationError) as exc:
        services.representative_add(
            actor=world.staff_a, member=member, user=world.staff_b, since=dt.date(2024, 3, 1), now=NOW
        )
    assert exc.value.code == "not_member_role"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2024, 2, 29), False),  # before joining
        (dt.date(2024, 3, 1), True),
        (dt.date(2026, 6, 29), True),
        (dt.date(2026, 6, 30), False),  # the day it left
    ],
)
def test_a_representative_of_a_current_member_reads_as_member(world, as_of, expected):
    member = record(world)
    services.representative_add(
        actor=world.staff_a, member=member, user=world.member, since=dt.date(2024, 3, 1), now=NOW
    )
    Member.objects.filter(pk=member.pk).update(left_on=dt.date(2026, 6, 30))
    assert selectors.represents_member_of(world.member, world.org_a, as_of) is expected
    assert selectors.represents_member_of(world.member, world.org_b, as_of) is False


def test_a_representative_whose_mandate_ended_no_longer_reads_as_member(world):
    member = record(world)
    rep = services.representative_add(
        actor=world.staff_a, member=member, user=world.member, since=dt.date(2024, 3, 1), now=NOW
    )
    Representative.objects.filter(pk=rep.pk).update(until=dt.date(2026, 1, 1))
    assert selectors.represents_member_of(world.member, world.org_a, dt.date(2025, 12, 31))
    assert not selectors.represents_member_of(world.member, world.org_a, dt.date(2026, 1, 1))


def test_other_roles_never_read_as_member(world, as_user):
    assert selectors.represented_organization_ids(world.staff_a, dt.date(2026, 11, 23)) == set()
    assert selectors.represented_organization_ids(None, dt.date(2026, 11, 23)) == set()
