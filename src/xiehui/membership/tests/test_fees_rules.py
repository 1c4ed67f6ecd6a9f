"""FEE-1 at its boundaries: 4 and 5 tiers, fixed amounts, member classes, branches; the 30-day publication flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiehui.conftest import NOW
from xiehui.core import engine, params
from xiehui.core.errors import ApplicationError
from xiehui.membership import rules_fees
from xiehui.membership.models import FeeStandard
from xiehui.supervision.models import Flag, Reminder

from .test_fees_builders import FOUR, adopted, define_classes, propose

pytestmark = pytest.mark.django_db
ADOPTED_ON = dt.date(2026, 3, 2)


def refused(**kw) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as caught:
        propose(**kw)
    return caught.value


def test_fee_1_is_declared_with_its_parameters():
    assert params.values("FEE-1") == {"quorum_num": 2, "quorum_den": 3, "max_tiers": 4, "publication_days": 30}
    assert "民发〔2014〕166号" in rules_fees.FEE1.basis


def test_fee_1_accepts_four_tiers(world):
    standard = propose(world.org_a)
    assert standard.status == "draft"
    assert [(t.member_class, t.amount) for t in standard.tiers.all()] == [
        ("会长单位", Decimal("50000.00")),
        ("副会长单位", Decimal("20000.00")),
        ("理事单位", Decimal("8000.50")),
        ("会员单位", Decimal("2000.00")),
    ]


def test_fee_1_refuses_five_tiers_naming_the_count(world):
    err = refused(org=world.org_a, tiers=[*FOUR, ("个人会员", "500")])
    assert err.code == "FEE-1" and "FEE-1" in err.message and "5 档" in err.message and "4 档" in err.message
    assert err.extra["rule_id"] == "FEE-1" and err.extra["tiers"] == 5
    assert not FeeStandard.objects.exists()


def test_fee_1_max_tiers_follows_the_parameter(world):
    params.parameter_set(actor=world.staff_a, key="FEE-1.max_tiers", value=3, note="测试", now=NOW)
    assert refused(org=world.org_a).code == "FEE-1"
    assert propose(world.org_a, tiers=FOUR[:3]).tiers.count() == 3


@pytest.mark.parametrize(
    "amount", ["1%", "0.5％", "1000-2000", "1000~2000", "1000至2000", "2000以上", "营业收入的千分之一‰"]
)
def test_fee_1_refuses_rates_and_ranges(world, amount):
    err = refused(org=world.org_a, tiers=[("会员单位", amount)])
    assert err.code == "FEE-1" and "固定金额" in err.message and err.field == "tiers.0.amount"


@pytest.mark.parametrize(
    ("amount", "code"), [("abc", "invalid_amount"), ("-1", "FEE-1"), ("10.005", "invalid_amount"), ("", "required")]
)
def test_fee_1_refuses_amounts_that_are_not_one_fixed_sum(world, amount, code):
    err = refused(org=world.org_a, tiers=[("会员单位", amount)])
    assert err.field == "tiers.0.amount"
    assert err.code in (code, "invalid_amount")


@pytest.mark.parametrize(
    ("given", "stored"),
    [("2000", "2000.00"), ("2,000.5", "2000.50"), ("２０００", "2000.00"), (0, "0.00"), (1999.99, "1999.99")],
)
def test_fee_1_takes_a_fixed_amount_in_any_plain_form(world, given, stored):
    standard = propose(world.org_a, tiers=[("会员单位", given)])
    assert standard.tiers.get().amount == Decimal(stored)


def test_fee_1_member_classes_must_exist_when_the_charter_defines_them(world):
    define_classes(world.org_a)
    err = refused(org=world.org_a, tiers=[("名誉会长单位", "1000")])
    assert err.code == "unknown_member_class" and "名誉会长单位" in err.message and err.field == "tiers.0.member_class"
    assert propose(world.org_a).tiers.count() == 4


def test_fee_1_any_class_when_the_association_defines_none(world):
    assert propose(world.org_a, tiers=[("普通会员", "100")]).tiers.get().member_class == "普通会员"


def test_fee_1_refuses_a_class_twice(world):
    err = refused(org=world.org_a, tiers=[("会员单位", "100"), ("会员单位", "200")])
    assert err.code == "duplicate_member_class" and err.field == "tiers.1.member_class"


def test_fee_1_refuses_fees_set_by_a_branch(world):
    err = refused(org=world.org_a, branch="冷链物流分会")
    assert err.code == "FEE-1" and "分支机构不得单独制定会费标准" in err.message and err.field == "branch"


def test_fee_1_requires_the_services_covered_and_a_tier(world):
    with pytest.raises(ApplicationError) as caught:
        rules_fees.clean_standard(
            organization=world.org_a, title="标准", services_covered=" ", effective_on=ADOPTED_ON, tiers=FOUR
        )
    assert caught.value.code == "FEE-1" and caught.value.field == "services_covered"
    assert refused(org=world.org_a, tiers=[]).field == "tiers"


# -- the engine: publication to members within 30 days ----------------------------------------------------------


def tick(org, as_of: dt.date) -> None:  # type: ignore[no-untyped-def]
    engine.tick(as_of=as_of, now=NOW, org_ids=[org.pk])


def test_fee_1_not_flagged_on_day_30_flagged_on_day_31(world):
    standard = adopted(world.org_a, effective_on=dt.date(2026, 6, 1), adopted_on=ADOPTED_ON)
    tick(world.org_a, ADOPTED_ON + dt.timedelta(days=30))
    assert not Flag.objects.filter(rule_id="FEE-1").exists()
    tick(world.org_a, ADOPTED_ON + dt.timedelta(days=31))
    flag = Flag.objects.get(rule_id="FEE-1")
    assert flag.key == f"FEE-1:{standard.resolution_id}" and flag.raised_on == ADOPTED_ON + dt.timedelta(days=31)
    assert flag.cleared_on is None and "2026-04-01" in flag.facts and flag.parameters["publication_days"] == 30


def test_fee_1_flag_clears_when_published(world):
    standard = adopted(world.org_a, effective_on=dt.date(2026, 6, 1), adopted_on=ADOPTED_ON)
    tick(world.org_a, dt.date(2026, 4, 10))
    res = standard.resolution
    res.published_to_members_on = dt.date(2026, 4, 12)
    res.save()
    tick(world.org_a, dt.date(2026, 4, 11))
    assert Flag.objects.get(rule_id="FEE-1").cleared_on is None  # published later than the evaluated day
    tick(world.org_a, dt.date(2026, 4, 20))
    assert Flag.objects.get(rule_id="FEE-1").cleared_on == dt.date(2026, 4, 12)


def test_fee_1_no_flag_when_published_in_time_or_not_passed(world):
    adopted(world.org_a, effective_on=dt.date(2026, 6, 1), adopted_on=ADOPTED_ON, published_on=dt.date(2026, 4, 1))
    rejected = propose(world.org_b, effective_on=dt.date(2026, 6, 1))
    from .test_fees_builders import decide

    decide(rejected, adopted_on=ADOPTED_ON, passed=False)
    engine.tick(as_of=dt.date(2026, 12, 31), now=NOW, org_ids=[world.org_a.pk, world.org_b.pk])
    assert not Flag.objects.filter(rule_id="FEE-1").exists()


def test_fee_1_reminds_7_and_1_days_before_the_deadline(world):
    adopted(world.org_a, effective_on=dt.date(2026, 6, 1), adopted_on=ADOPTED_ON)
    deadline = ADOPTED_ON + dt.timedelta(days=30)
    for as_of, expected in [
        (deadline - dt.timedelta(days=8), set()),
        (deadline - dt.timedelta(days=7), {"R7"}),
        (deadline - dt.timedelta(days=1), {"R7", "R1"}),
    ]:
        tick(world.org_a, as_of)
        keys = set(Reminder.objects.filter(rule_id="FEE-1").values_list("key", flat=True))
        assert {k.rsplit(":", 1)[1] for k in keys} == expected, as_of
    assert Reminder.objects.filter(rule_id="FEE-1").first().due_on == deadline  # type: ignore[union-attr]


def test_fee_1_tick_is_idempotent(world):
    adopted(world.org_a, effective_on=dt.date(2026, 6, 1), adopted_on=ADOPTED_ON)
    for as_of in (dt.date(2026, 3, 31), dt.date(2026, 3, 31), dt.date(2026, 5, 1), dt.date(2026, 5, 1)):
        tick(world.org_a, as_of)
    assert Flag.objects.filter(rule_id="FEE-1").count() == 1
    assert Reminder.objects.filter(rule_id="FEE-1").count() == 2
