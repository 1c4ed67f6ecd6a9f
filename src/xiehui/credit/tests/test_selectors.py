"""The effect function (CR-E), visibility (CR-R), filters, cursors and the events feed."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.credit import selectors, services
from xiehui.credit.models import Decision, Listing, ListKind

from .test_services import apply, at, decide, rule_listing

TODAY = dt.date(2026, 11, 23)


def ended_listing(world, *, start: dt.date = TODAY, end: dt.date = dt.date(2026, 12, 1)):
    listing = decide(world, now=at(start))
    app = apply(world, listing, now=at(start))
    services.removal_verify(actor=world.officer_jinan, application=app, note="核实", now=at(start))
    services.removal_approve(actor=world.officer_jinan, application=app, now=at(end))
    listing.refresh_from_db()
    return listing


# -- listings_as_of / is_listed (CR-E) -------------------------------------------------------------------


def test_cr_e_listings_as_of_includes_the_start_day_and_not_the_day_before(world):
    listing = decide(world)
    assert selectors.listings_as_of(world.org_a.pk, TODAY) == [listing]
    assert selectors.listings_as_of(world.org_a.pk, TODAY - dt.timedelta(days=1)) == []
    assert selectors.is_listed(world.org_a.pk, TODAY)
    assert not selectors.is_listed(world.org_a.pk, TODAY - dt.timedelta(days=1))


def test_cr_e_listings_as_of_excludes_the_end_day(world):
    listing = ended_listing(world)
    assert listing.ended_on == dt.date(2026, 12, 1)
    assert selectors.listings_as_of(world.org_a.pk, dt.date(2026, 11, 30)) == [listing]
    assert selectors.listings_as_of(world.org_a.pk, dt.date(2026, 12, 1)) == []
    assert not selectors.is_listed(world.org_a.pk, dt.date(2026, 12, 2))


def test_cr_e_is_listed_by_list_kind(world):
    decide(world, "S2")
    assert selectors.is_listed(world.org_a.pk, TODAY, ListKind.SERIOUS)
    assert not selectors.is_listed(world.org_a.pk, TODAY, ListKind.ABNORMAL)
    assert not selectors.is_listed(world.org_b.pk, TODAY)


def test_why_gives_rule_cited_basis_parameters_facts_and_dates(world):
    listing = decide(world, "S2")
    answer = selectors.why(listing)
    assert answer["rule_id"] == "CR-S2" and answer["title"]
    assert answer["basis"] == "《社会组织信用信息管理办法》第十条"
    assert answer["parameters"] == {"CR-S.removal_months": 24}
    assert answer["facts"] == listing.facts
    assert answer["start_on"] == TODAY and answer["earliest_removal_on"] == dt.date(2028, 11, 23)


# -- visibility ------------------------------------------------------------------------------------------


def test_cr_r_ended_listing_not_public_but_visible_to_officers_of_the_jurisdiction(world):
    ended = ended_listing(world, end=TODAY)
    current = decide(world, "A6")
    as_of = TODAY
    public = list(selectors.public_listings(filters=selectors.ListingFilters(), as_of=as_of))
    assert public == [current]
    officer = selectors.officer_listings(actor=world.officer_jinan, filters=selectors.ListingFilters(), as_of=as_of)
    assert set(officer) == {ended, current}
    province = selectors.officer_listings(actor=world.officer_province, filters=selectors.ListingFilters(), as_of=as_of)
    assert set(province) == {ended, current}
    other = selectors.officer_listings(actor=world.officer_qingdao, filters=selectors.ListingFilters(), as_of=as_of)
    assert list(other) == []
    assert list(selectors.officer_listings(actor=world.staff_a, filters=selectors.ListingFilters(), as_of=as_of)) == []


def test_cr_r_organization_listings_history_only_for_authority_department_and_itself(world):
    ended_listing(world, end=TODAY)
    for actor, sees in [
        (None, False),
        (world.member, False),
        (world.staff_b, False),
        (world.officer_qingdao, False),
        (world.staff_a, True),
        (world.officer_jinan, True),
        (world.department, True),
    ]:
        found = selectors.organization_listings(actor=actor, organization=world.org_a, as_of=TODAY)
        assert found["current"] == []
        assert (found["history"] is not None) is sees, actor


def test_listing_and_decision_get_hide_rows_from_others(world):
    listing = decide(world)
    decision = Decision.objects.get(listing=listing)
    for actor in (None, world.member, world.staff_b, world.officer_qingdao, world.department):
        with pytest.raises(NotFound):
            selectors.listing_get(actor=actor, pk=listing.pk)
        with pytest.raises(NotFound):
            selectors.decision_get(actor=actor, ref=str(decision.pk))
    assert selectors.listing_get(actor=world.staff_a, pk=listing.pk) == listing
    assert selectors.decision_get(actor=world.officer_province, ref=decision.number) == decision


# -- filters ---------------------------------------------------------------------------------------------


def test_public_list_filters_by_region_ground_dates_and_name(world):
    a = rule_listing(world.org_a, "A1", dt.date(2026, 6, 1))
    b = rule_listing(world.org_b, "A4", dt.date(2026, 9, 1))

    def found(**kw):
        return list(selectors.public_listings(filters=selectors.ListingFilters(**kw), as_of=TODAY))

    assert found(list_kind=ListKind.ABNORMAL) == [b, a]
    assert found(list_kind=ListKind.SERIOUS) == []
    assert found(region="370200") == [b] and found(region="3701") == [a] and found(region="370000") == [b, a]
    assert found(ground="A1") == [a]
    assert found(since=dt.date(2026, 6, 2)) == [b] and found(until=dt.date(2026, 6, 1)) == [a]
    assert found(q="软件") == [b] and found(q=world.org_a.uscc) == [a]


# -- cursors and queues ----------------------------------------------------------------------------------


def test_list_page_cursor_is_stable_under_inserts(world):
    made = [rule_listing(world.org_a, "A4", dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(5)]
    qs = selectors.public_listings(filters=selectors.ListingFilters(list_kind=ListKind.ABNORMAL), as_of=TODAY)
    first, cursor = selectors.list_page(qs, cursor="", limit=2)
    assert first == [made[4], made[3]] and cursor
    rule_listing(world.org_b, "A4", dt.date(2026, 3, 1))  # newer than every row paged so far
    rule_listing(world.org_b, "A4", dt.date(2026, 1, 4), key="CR-A4:same-day")  # same day as made[3]
    second, cursor = selectors.list_page(qs, cursor=cursor, limit=2)
    assert second[0] == made[2]
    seen = [*first, *second]
    while cursor:
        page, cursor = selectors.list_page(qs, cursor=cursor, limit=2)
        seen += page
    assert len(seen) == len(set(seen))
    assert set(made) <= set(seen)


def test_bad_cursor_is_a_clear_error(world):
    qs = selectors.public_listings(filters=selectors.ListingFilters(), as_of=TODAY)
    with pytest.raises(ApplicationError) as exc:
        selectors.list_page(qs, cursor="not-a-cursor", limit=2)
    assert exc.value.code == "invalid_cursor"


def test_events_feed_orders_openings_and_endings_and_resumes_after_cursor(world):
    listing = decide(world)
    rows, cursor = selectors.events_page(actor=world.department, since="", limit=10)
    assert [(event, row) for event, _at, row in rows] == [("opened", listing)]
    rows, cursor2 = selectors.events_page(actor=world.department, since=cursor, limit=10)
    assert rows == [] and cursor2 == cursor
    app = apply(world, listing)
    services.removal_verify(actor=world.officer_jinan, application=app, note="核实", now=at(TODAY, 11))
    services.removal_approve(actor=world.officer_jinan, application=app, now=at(TODAY, 12))
    rows, _ = selectors.events_page(actor=world.department, since=cursor, limit=10)
    assert [(event, row) for event, _at, row in rows] == [("ended", listing)] and rows[0][2].ended_on == TODAY


def test_queues_within_jurisdiction_with_console_figures(world):
    listing = decide(world)
    apply(world, listing, now=NOW)
    services.objection_file(actor=world.staff_a, listing=listing, statement="异议", now=at(dt.date(2026, 11, 1)))
    assert selectors.removal_queue(actor=world.officer_jinan, status="pending").count() == 1
    assert selectors.removal_queue(actor=world.officer_qingdao, status="pending").count() == 0
    assert selectors.objection_queue(actor=world.staff_a).count() == 0
    figures = selectors.console_figures(actor=world.officer_jinan, as_of=TODAY)
    assert figures == {
        "abnormal": 1,
        "serious": 0,
        "removals_pending": 1,
        "removals_overdue": 0,
        "objections_pending": 1,
        "objections_overdue": 1,  # filed 1 Nov, due 15 working days later (21 Nov) < 23 Nov
    }


# -- ANN-2 checks registered by credit.faces -------------------------------------------------------------


def test_ann_2_serious_listing_check_is_registered_and_reads_the_report_year(world):
    checks = pytest.importorskip("xiehui.supervision.checks")
    assert "serious_listing" in checks.CHECKS and "abnormal_listing" in checks.CHECKS

    class Report:
        organization_id = world.org_a.pk
        year = 2026

    assert checks.CHECKS["serious_listing"](Report()).met is False
    rule_listing(world.org_a, "S4", dt.date(2026, 12, 31))
    outcome = checks.CHECKS["serious_listing"](Report())
    assert outcome.met is True and "CR-S4" in outcome.facts
    Report.year = 2025
    assert checks.CHECKS["serious_listing"](Report()).met is False


def test_cr_o_a_listing_corrected_on_objection_was_never_in_force(world):
    listing = decide(world)
    Listing.objects.filter(pk=listing.pk).update(
        start_on=dt.date(2026, 3, 1), ended_on=dt.date(2026, 4, 1), end_reason="objection_upheld"
    )
    assert selectors.listings_as_of(world.org_a.pk, dt.date(2026, 3, 15)) == []
    assert selectors.is_listed(world.org_a.pk, dt.date(2026, 3, 15)) is False
