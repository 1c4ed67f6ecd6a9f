"""The engine's GOV-1/2/3 flags appear and clear with the facts; ANN-2 checks answer from them."""

from __future__ import annotations

import pytest

from xiehui.conftest import NOW
from xiehui.core import engine
from xiehui.governance import services
from xiehui.governance.models import LeaderFacts, OfficialStatus, Post
from xiehui.supervision import checks
from xiehui.supervision.models import AnnualReport, Flag, InspectionCriterion

from .builders import D, audit, nominate, serve, term

pytestmark = pytest.mark.django_db

GOV_CHECKS = ["reelection_overdue", "leaders_over_age_or_term", "unapproved_officials"]


def tick(as_of, org):  # type: ignore[no-untyped-def]
    return engine.tick(as_of=as_of, org_ids=[org.pk], now=NOW)


def flags(org, rule_id):  # type: ignore[no-untyped-def]
    return list(Flag.objects.filter(organization=org, rule_id=rule_id).order_by("pk"))


def ann2(org, as_of):  # type: ignore[no-untyped-def]
    report = AnnualReport(organization=org, year=as_of.year - 1)
    rows = checks.evaluate_criteria(
        report, as_of=as_of, criteria=InspectionCriterion.objects.filter(check_name__in=GOV_CHECKS)
    )
    return {row["check_name"]: row for row in rows}


def test_gov_3_overdue_reelection_flag_raised_the_day_after_the_end_and_cleared_by_the_next_term(world):
    org = world.org_a
    term(org, D(2020, 6, 30), D(2025, 6, 30))
    tick(D(2025, 6, 30), org)
    assert flags(org, "GOV-3") == []
    tick(D(2025, 7, 1), org)
    [flag] = flags(org, "GOV-3")
    assert flag.raised_on == D(2025, 7, 1) and flag.cleared_on is None and "2025-06-30届满" in flag.facts
    assert ann2(org, D(2025, 7, 1))["reelection_overdue"]["met"] is True
    audit(org, D(2025, 8, 1))
    term(org, D(2025, 9, 1), D(2030, 8, 31))
    tick(D(2025, 9, 2), org)
    [flag] = flags(org, "GOV-3")
    assert flag.cleared_on == D(2025, 9, 1)
    assert ann2(org, D(2025, 9, 2))["reelection_overdue"]["met"] is False
    tick(D(2025, 9, 2), org)
    assert len(flags(org, "GOV-3")) == 1


def test_gov_1_over_age_flag_raised_after_the_70th_birthday_and_cleared_when_the_post_ends(world):
    org = world.org_a
    t = term(org)
    a = serve(org, t, born=D(1956, 5, 10))
    tick(D(2026, 5, 10), org)
    assert flags(org, "GOV-1") == []
    assert ann2(org, D(2026, 5, 10))["leaders_over_age_or_term"]["met"] is False
    tick(D(2026, 5, 11), org)
    [flag] = flags(org, "GOV-1")
    assert flag.raised_on == D(2026, 5, 11) and "年满70周岁" in flag.facts
    outcome = ann2(org, D(2026, 5, 11))["leaders_over_age_or_term"]
    assert outcome["met"] is True and "GOV-1" in outcome["facts"]
    services.appointment_end(actor=None, appointment=a, ends_on=D(2026, 6, 1), reason="超龄离任", now=NOW)
    tick(D(2026, 6, 2), org)
    [flag] = flags(org, "GOV-1")
    assert flag.cleared_on == D(2026, 6, 1)


def test_gov_2_official_in_a_post_flag_clears_when_the_status_is_corrected(world):
    org = world.org_a
    t = term(org)
    a = serve(org, t, post=Post.COUNCIL_MEMBER)
    LeaderFacts.objects.filter(person=a.person).update(official_status=OfficialStatus.SERVING)
    tick(D(2026, 1, 1), org)
    [flag] = flags(org, "GOV-2")
    assert flag.raised_on == D(2022, 6, 30) and flag.cleared_on is None
    assert ann2(org, D(2026, 1, 1))["unapproved_officials"]["met"] is True
    LeaderFacts.objects.filter(person=a.person).update(official_status=OfficialStatus.NONE)
    tick(D(2026, 2, 1), org)
    [flag] = flags(org, "GOV-2")
    assert flag.cleared_on == D(2026, 2, 1) and "已更正" in flag.facts
    assert ann2(org, D(2026, 2, 1))["unapproved_officials"]["met"] is False


def test_gov_2_retired_official_approved_late_is_flagged_until_the_approval(world):
    org = world.org_a
    t = term(org)
    a = nominate(
        org,
        t,
        post=Post.VICE_PRESIDENT,
        status=OfficialStatus.RETIRED,
        retired_on=D(2015, 1, 1),
        born=D(1958, 1, 1),
        approval_document="鲁组干字〔2022〕8号",
        approved_on=D(2022, 6, 1),
    )
    services.appointment_confirm(actor=None, appointment=a, starts_on=D(2022, 6, 30), now=NOW)
    type(a).objects.filter(pk=a.pk).update(approved_on=D(2023, 1, 1))
    tick(D(2024, 1, 1), org)
    [flag] = flags(org, "GOV-2")
    assert (flag.raised_on, flag.cleared_on) == (D(2022, 6, 30), D(2023, 1, 1))


def test_gov_1_third_consecutive_term_held_is_flagged(world):
    org = world.org_a
    for n, start in enumerate((2012, 2017, 2022), start=1):
        t = term(org, D(start, 6, 30), D(start + 5, 6, 30)) if n == 1 else None
        if n > 1:
            audit(org, D(start, 6, 1))
            t = term(org, D(start, 6, 30), D(start + 5, 6, 30))
        assert t is not None
        if n < 3:
            serve(org, t)
    from xiehui.governance.models import Appointment, Term

    first = Appointment.objects.filter(organization=org).first()
    assert first is not None
    # a third consecutive term entered before the platform checked it (e.g. imported)
    third = Appointment.objects.create(
        organization=org,
        person=first.person,
        post=Post.PRESIDENT,
        term=Term.objects.get(organization=org, number=3),
        status="serving",
        nominated_at=NOW,
        starts_on=D(2022, 6, 30),
    )
    tick(D(2023, 1, 1), org)
    [flag] = flags(org, "GOV-1")
    assert flag.key == f"GOV-1:terms:{third.pk}" and "连续第3届" in flag.facts


def test_ann_2_governance_checks_have_no_data_without_records(world):
    rows = ann2(world.org_b, D(2026, 1, 1))
    assert all(row["met"] is None and "需人工核实" in row["facts"] for row in rows.values())


def test_gov_1_no_age_flag_when_the_post_ends_the_day_after_the_70th_birthday(world):
    # ends_on is the first day out of the post: the last day served is the 70th birthday itself
    org = world.org_a
    t = term(org)
    a = serve(org, t, born=D(1956, 5, 10))
    services.appointment_end(actor=None, appointment=a, ends_on=D(2026, 5, 11), reason="届中离任", now=NOW)
    tick(D(2026, 5, 12), org)
    assert flags(org, "GOV-1") == []
