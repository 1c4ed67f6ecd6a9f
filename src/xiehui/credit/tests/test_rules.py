"""The credit lists through the engine: every CR rule at its boundaries (民政部令第60号)."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core.models import AuditEntry
from xiehui.credit.models import Decision, EndReason, Listing
from xiehui.supervision.tests.builders import NOW, court, letter, order, penalty, report, tick

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world):
    """An association that has not filed its 2025 report (due 2026-05-31)."""
    return world.org_a


@pytest.fixture
def org(world):
    """An association whose 2025 report was filed on time, so only the facts of each test list it."""
    report(world.org_a, 2025, D(2026, 3, 1))
    return world.org_a


def current(org, as_of=None):
    return {row.key: row for row in Listing.objects.filter(organization=org, ended_on__isnull=True)}


def test_cr_a1_not_listed_on_31_may(late):
    tick(D(2026, 5, 31), late)
    assert not Listing.objects.exists()


def test_cr_a1_listed_on_1_june_with_rule_basis_facts_and_decision(late):
    tick(D(2026, 6, 1), late)
    listing = Listing.objects.get(organization=late)
    assert (listing.key, listing.list_kind, listing.ground, listing.rule_id) == (
        "CR-A1:2025",
        "abnormal",
        "A1",
        "CR-A1",
    )
    assert listing.start_on == D(2026, 6, 1) and listing.source == "rule" and listing.rectifiable
    assert "民政部令第60号" in listing.basis
    assert "至2026-06-01（截止次日）仍未报送" in listing.facts
    decision = Decision.objects.get(listing=listing)
    assert decision.kind == "inclusion" and decision.number == "济南市民政局异列字〔2026〕第1号"
    assert decision.text["rule_id"] == "CR-A1" and "移出" in decision.text["route"]
    assert AuditEntry.objects.filter(action="credit.listing.opened", object_id=str(listing.pk)).exists()


def test_cr_a1_report_filed_late_does_not_remove_by_itself(late):
    tick(D(2026, 6, 1), late)
    report(late, 2025, D(2026, 6, 10))
    tick(D(2026, 7, 1), late)
    assert "CR-A1:2025" in current(late)  # removal is by application and verification


def test_cr_a1_run_later_gives_the_same_start_date(late):
    tick(D(2026, 11, 23), late)
    assert Listing.objects.get(key="CR-A1:2025").start_on == D(2026, 6, 1)


def test_cr_a3_order_deadline_day_is_not_overdue(org):
    order(org, D(2026, 3, 1), D(2026, 4, 30))
    tick(D(2026, 4, 30), org)
    assert not Listing.objects.exists()


def test_cr_a3_listed_the_day_after_an_unmet_deadline(org):
    o = order(org, D(2026, 3, 1), D(2026, 4, 30))
    tick(D(2026, 5, 1), org)
    listing = Listing.objects.get(organization=org)
    assert listing.key == f"CR-A3:{o.number}" and listing.start_on == D(2026, 5, 1)
    assert o.number in listing.facts


def test_cr_a3_completed_on_the_deadline_is_not_listed(org):
    order(org, D(2026, 3, 1), D(2026, 4, 30), completed_on=D(2026, 4, 30))
    tick(D(2026, 6, 1), org)
    assert not Listing.objects.filter(rule_id="CR-A3").exists()


def test_cr_a3_completed_a_day_late_is_listed(org):
    order(org, D(2026, 3, 1), D(2026, 4, 30), completed_on=D(2026, 5, 1))
    tick(D(2026, 6, 1), org)
    assert Listing.objects.filter(rule_id="CR-A3").exists()


def test_cr_a3_withdrawn_order_is_not_listed(org):
    order(org, D(2026, 3, 1), D(2026, 4, 30), status="withdrawn")
    tick(D(2026, 6, 1), org)
    assert not Listing.objects.exists()


def test_cr_a3_rule_order_for_no_fulltime_staff_ends_on_the_abnormal_list(late):
    """004 §6 end to end: no full-time staff → order (SUP-4) → deadline passes → CR-A3."""
    org = late
    report(org, 2025, D(2026, 3, 2), full_time_staff=0)
    tick(D(2026, 5, 31), org)
    assert not Listing.objects.filter(rule_id="CR-A3").exists()
    tick(D(2026, 6, 1), org)
    assert Listing.objects.get(rule_id="CR-A3").key == "CR-A3:SUP-4:2025"


def test_cr_a4_fine_of_49999_is_abnormal_and_not_serious(org):
    penalty(org, "fine", D(2026, 2, 1), 49_999)
    tick(D(2026, 2, 1), org)
    assert [(x.list_kind, x.ground) for x in Listing.objects.all()] == [("abnormal", "A4")]


def test_cr_s4_fine_of_50000_is_serious(org):
    penalty(org, "fine", D(2026, 2, 1), 50_000)
    tick(D(2026, 2, 1), org)
    assert [(x.list_kind, x.ground) for x in Listing.objects.all()] == [("serious", "S4")]


def test_cr_a4_warning_is_removed_automatically_after_6_months(org):
    penalty(org, "warning", D(2026, 1, 10))
    tick(D(2026, 7, 9), org)
    listing = Listing.objects.get(rule_id="CR-A4")
    assert listing.ended_on is None and listing.auto_removal_on == D(2026, 7, 10) and not listing.rectifiable
    tick(D(2026, 7, 10), org)
    listing.refresh_from_db()
    assert listing.ended_on == D(2026, 7, 10) and listing.end_reason == EndReason.AUTOMATIC
    assert Decision.objects.filter(listing=listing, kind="removal").count() == 1


def test_cr_a4_run_after_the_period_opens_and_ends_it_with_both_decisions(org):
    penalty(org, "warning", D(2026, 1, 10))
    tick(D(2026, 11, 23), org)
    listing = Listing.objects.get(rule_id="CR-A4")
    assert (listing.start_on, listing.ended_on) == (D(2026, 1, 10), D(2026, 7, 10))
    assert sorted(Decision.objects.filter(listing=listing).values_list("kind", flat=True)) == ["inclusion", "removal"]


def test_cr_x_a_new_ground_while_listed_restarts_the_period(org):
    penalty(org, "warning", D(2026, 1, 10))
    order(org, D(2026, 2, 1), D(2026, 3, 31))  # unmet: CR-A3 on 2026-04-01
    tick(D(2026, 7, 10), org)
    a4 = Listing.objects.get(rule_id="CR-A4")
    assert a4.ended_on is None and a4.auto_removal_on == D(2026, 10, 1)
    tick(D(2026, 10, 1), org)
    a4.refresh_from_db()
    assert a4.ended_on == D(2026, 10, 1)


def test_cr_x_a_ground_after_the_period_ended_does_not_restart_it(org):
    penalty(org, "warning", D(2026, 1, 10))
    order(org, D(2026, 6, 1), D(2026, 7, 10))  # CR-A3 on 2026-07-11, after the auto removal
    tick(D(2026, 8, 1), org)
    assert Listing.objects.get(rule_id="CR-A4").ended_on == D(2026, 7, 10)


@pytest.mark.parametrize(("gap", "listed"), [(19, False), (20, True), (60, True), (61, False)])
def test_cr_a5_two_unsigned_letters_20_to_60_days_apart(org, gap, listed):
    first = D(2026, 3, 1)
    letter(org, first, first + dt.timedelta(days=5))
    second = first + dt.timedelta(days=gap)
    letter(org, second, second + dt.timedelta(days=5))
    tick(D(2026, 8, 1), org)
    found = Listing.objects.filter(rule_id="CR-A5")
    assert found.exists() is listed
    if listed:
        assert found.get().start_on == second + dt.timedelta(days=5)


def test_cr_a5_a_signed_letter_does_not_count(org):
    letter(org, D(2026, 3, 1), D(2026, 3, 6))
    letter(org, D(2026, 4, 1), D(2026, 4, 6), signed=True)
    tick(D(2026, 8, 1), org)
    assert not Listing.objects.exists()


def test_cr_s5_two_warnings_just_inside_3_years(org):
    penalty(org, "warning", D(2023, 3, 1))
    second = penalty(org, "fine", D(2026, 2, 28), 10_000)
    tick(D(2026, 3, 1), org)
    s5 = Listing.objects.get(rule_id="CR-S5")
    assert s5.key == f"CR-S5:{second.decision_number}" and s5.start_on == D(2026, 2, 28)


def test_cr_s5_two_warnings_just_outside_3_years(org):
    penalty(org, "warning", D(2023, 3, 1))
    penalty(org, "warning", D(2026, 3, 1))
    tick(D(2026, 3, 2), org)
    assert not Listing.objects.filter(rule_id="CR-S5").exists()


def test_cr_s3_suspension_of_activities(org):
    penalty(org, "suspension", D(2026, 2, 1))
    tick(D(2026, 2, 1), org)
    s3 = Listing.objects.get(rule_id="CR-S3")
    assert s3.list_kind == "serious" and s3.earliest_removal_on == D(2028, 2, 1)


def test_cr_s6_court_listing_and_its_removal(org):
    entry = court(org, D(2026, 1, 5))
    tick(D(2026, 1, 5), org)
    assert Listing.objects.get(rule_id="CR-S6").ended_on is None
    entry.removed_on = D(2026, 9, 1)
    entry.save()
    tick(D(2026, 9, 1), org)
    s6 = Listing.objects.get(rule_id="CR-S6")
    assert s6.ended_on == D(2026, 9, 1) and s6.end_reason == EndReason.SOURCE_ENDED


def test_cr_s7_revocation_is_removed_when_deregistration_completes(org):
    penalty(org, "revocation", D(2026, 1, 5))
    tick(D(2026, 2, 1), org)
    assert Listing.objects.get(rule_id="CR-S7").ended_on is None
    type(org).objects.filter(pk=org.pk).update(status="deregistered", status_changed_on=D(2026, 4, 1))
    tick(D(2026, 4, 2), org)
    s7 = Listing.objects.get(rule_id="CR-S7")
    assert s7.ended_on == D(2026, 4, 1) and s7.end_reason == EndReason.DEREGISTERED


def test_cr_s_earliest_removal_after_2_full_years_restarted_by_a_new_ground(org):
    penalty(org, "suspension", D(2026, 2, 1))
    penalty(org, "fine", D(2027, 1, 15), 80_000)
    tick(D(2027, 2, 1), org)
    s3 = Listing.objects.get(rule_id="CR-S3")
    assert s3.earliest_removal_on == D(2029, 1, 15)


def _manual_abnormal(org, start):
    return Listing.objects.create(
        organization=org,
        authority_region_id=org.authority_region_id,
        list_kind="abnormal",
        ground="A6",
        rule_id="CR-A6",
        key=f"manual:A6:{start}",
        source="officer",
        basis="测试依据",
        facts="测试事实",
        start_on=start,
        created_at=NOW,
        updated_at=NOW,
    )


def test_cr_s1_not_yet_the_day_before_2_full_years(org):
    _manual_abnormal(org, D(2024, 3, 1))
    tick(D(2026, 2, 28), org)
    assert not Listing.objects.filter(list_kind="serious").exists()


def test_cr_s1_transferred_to_the_serious_list_after_exactly_2_full_years(org):
    manual = _manual_abnormal(org, D(2024, 3, 1))
    tick(D(2026, 3, 1), org)
    s1 = Listing.objects.get(rule_id="CR-S1")
    assert s1.key == "CR-S1:2024-03-01" and s1.start_on == D(2026, 3, 1)
    manual.refresh_from_db()
    assert manual.ended_on == D(2026, 3, 1) and manual.end_reason == EndReason.TRANSFERRED


def test_cr_s1_removed_before_2_years_is_not_transferred(org):
    manual = _manual_abnormal(org, D(2024, 3, 1))
    Listing.objects.filter(pk=manual.pk).update(ended_on=D(2026, 2, 28), end_reason=EndReason.REMOVAL_APPROVED)
    tick(D(2026, 6, 1), org)
    assert not Listing.objects.filter(rule_id="CR-S1").exists()


def test_cr_s1_continuous_across_two_listings(org):
    first = _manual_abnormal(org, D(2024, 3, 1))
    Listing.objects.filter(pk=first.pk).update(ended_on=D(2025, 3, 1), end_reason=EndReason.REMOVAL_APPROVED)
    _manual_abnormal(org, D(2025, 3, 1))
    tick(D(2026, 3, 1), org)
    assert Listing.objects.get(rule_id="CR-S1").start_on == D(2026, 3, 1)


def test_a_listing_ended_by_a_decision_is_never_reopened(late):
    tick(D(2026, 6, 1), late)
    Listing.objects.filter(key="CR-A1:2025").update(ended_on=D(2026, 6, 20), end_reason=EndReason.REMOVAL_APPROVED)
    tick(D(2026, 7, 1), late)
    assert Listing.objects.get(key="CR-A1:2025").ended_on == D(2026, 6, 20)


def test_tick_twice_changes_nothing_the_second_time(late):
    penalty(late, "warning", D(2026, 1, 10))
    first = tick(D(2026, 11, 23), late)
    assert first.counts["listing.opened"] == 2  # CR-A1:2025 and CR-A4
    second = tick(D(2026, 11, 23), late)
    assert not second.counts
    # CR-A1 on 2026-06-01 came while CR-A4 ran (CR-X): its automatic removal moved to 2026-12-01
    assert Listing.objects.get(rule_id="CR-A4").auto_removal_on == D(2026, 12, 1)
    assert Decision.objects.count() == 2


def test_dry_run_stores_nothing_but_reports_the_effects(late):
    result = tick(D(2026, 11, 23), late, dry_run=True)
    assert result.counts["listing.opened"] == 1
    assert not Listing.objects.exists() and not Decision.objects.exists()


def test_cr_s1_a_single_warning_never_reaches_the_serious_list(org):
    """CR-A4 ends by itself after 6 months, so it never makes 2 full years on the abnormal list."""
    penalty(org, "warning", D(2024, 1, 10))
    tick(D(2026, 3, 1), org)
    assert not Listing.objects.filter(list_kind="serious").exists()
    assert Listing.objects.get(rule_id="CR-A4").end_reason == EndReason.AUTOMATIC


def test_cr_s7_a_revoked_registration_leaves_the_serious_list_when_deregistered(org):
    type(org).objects.filter(pk=org.pk).update(status="revoked", status_changed_on=D(2026, 2, 1))
    tick(D(2026, 2, 1), org)
    assert Listing.objects.get(key="CR-S7:registration").ended_on is None
    type(org).objects.filter(pk=org.pk).update(status="deregistered", status_changed_on=D(2026, 5, 1))
    tick(D(2026, 5, 2), org)
    s7 = Listing.objects.get(key="CR-S7:registration")
    assert s7.ended_on == D(2026, 5, 1) and s7.end_reason == EndReason.DEREGISTERED


def test_cr_o_a_listing_corrected_on_objection_restarts_nothing(org):
    """CR-X: only real listings restart a period; one corrected on objection never was."""
    penalty(org, "suspension", D(2026, 2, 1))
    wrong = _manual_abnormal(org, D(2026, 8, 1))
    Listing.objects.filter(pk=wrong.pk).update(ended_on=D(2026, 8, 20), end_reason=EndReason.OBJECTION_UPHELD)
    tick(D(2026, 9, 1), org)
    assert Listing.objects.get(rule_id="CR-S3").earliest_removal_on == D(2028, 2, 1)


def test_cr_a_pending_requests_close_when_the_rule_ends_the_listing(org, world):
    from xiehui.credit.models import Objection

    penalty(org, "warning", D(2026, 1, 10))
    tick(D(2026, 2, 1), org)
    listing = Listing.objects.get(rule_id="CR-A4")
    objection = Objection.objects.create(
        listing=listing, statement="警告已履行", filed_on=D(2026, 7, 1), filed_by=world.staff_a, due_on=D(2026, 7, 22)
    )
    result = tick(D(2026, 7, 10), org)
    objection.refresh_from_db()
    assert result.counts["request.closed"] == 1
    assert (
        objection.status == "rejected" and objection.decided_on == D(2026, 7, 10) and "无需再作决定" in objection.reason
    )
    assert Decision.objects.get(listing=listing, kind="removal").issued_on == D(2026, 7, 10)
