"""Property tests (hypothesis): `xiehui tick` is idempotent and does not depend on when or how often it runs.

Over random histories of facts (reports, orders, penalties, letters, court
entries, complaints), running the engine day by day on any subset of days, or
twice, leaves the same listings, flags, rule orders and inspection cases as
running it once at the end. Reminders are excluded by design (core/engine.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiehui.credit.models import Decision, Listing
from xiehui.supervision.models import Flag, KeyInspection, RectificationOrder, Reminder
from xiehui.supervision.tests import builders as b

START, END = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
SPAN = (END - START).days
pytestmark = pytest.mark.django_db

day = st.integers(0, SPAN).map(lambda n: START + dt.timedelta(days=n))
maybe_day = st.one_of(st.none(), day)

history = st.fixed_dictionaries(
    {
        "reports": st.lists(
            st.tuples(st.sampled_from([2025, 2026, 2027]), maybe_day, st.sampled_from([0, 2])),
            max_size=3,
            unique_by=lambda r: r[0],
        ),
        "orders": st.lists(st.tuples(day, st.integers(1, 120), maybe_day, st.booleans()), max_size=3),
        "penalties": st.lists(
            st.tuples(
                st.sampled_from(["warning", "fine", "suspension", "revocation", "confiscation"]),
                day,
                st.sampled_from([10_000, 49_999, 50_000, 80_000]),
            ),
            max_size=4,
        ),
        "letters": st.lists(st.tuples(day, st.integers(1, 15), st.booleans()), max_size=4),
        "court": st.lists(st.tuples(day, st.one_of(st.none(), st.integers(1, 400))), max_size=2),
        "complaints": st.lists(st.tuples(day, st.one_of(st.none(), st.integers(0, 90)), st.booleans()), max_size=5),
    }
)


def _build(org, h) -> None:
    for year, submitted, staff in h["reports"]:
        b.report(org, year, submitted, full_time_staff=staff)
    for issued, span, done, withdrawn in h["orders"]:
        deadline = issued + dt.timedelta(days=span)
        completed = done if done is not None and done >= issued else None
        b.order(org, issued, deadline, completed_on=completed, status="withdrawn" if withdrawn else "")
    for kind, on, amount in h["penalties"]:
        b.penalty(org, kind, on, amount if kind == "fine" else None)
    for sent, back, signed in sorted(h["letters"]):
        b.letter(org, sent, sent + dt.timedelta(days=back), signed=signed)
    for listed, removed_after in h["court"]:
        b.court(org, listed, listed + dt.timedelta(days=removed_after) if removed_after else None)
    for filed, answered_after, substantiated in h["complaints"]:
        answered = filed + dt.timedelta(days=answered_after) if answered_after is not None else None
        b.complaint(
            org,
            filed,
            b.days(filed, filed + dt.timedelta(days=60))[-1],
            answered_on=answered,
            outcome="substantiated" if substantiated and answered else "",
        )


def _state(org) -> dict[str, set]:
    return {
        "listings": set(
            Listing.objects.filter(organization=org).values_list(
                "key", "list_kind", "start_on", "ended_on", "end_reason", "earliest_removal_on", "auto_removal_on"
            )
        ),
        "flags": set(Flag.objects.filter(organization=org).values_list("key", "raised_on", "cleared_on")),
        "orders": set(
            RectificationOrder.objects.filter(organization=org, source="rule").values_list(
                "key", "issued_on", "deadline"
            )
        ),
        "inspections": set(KeyInspection.objects.filter(organization=org).values_list("key", "opened_on")),
    }


def _forget_effects(org) -> None:
    Decision.objects.filter(listing__organization=org).delete()
    Listing.objects.filter(organization=org).delete()
    Flag.objects.filter(organization=org).delete()
    Reminder.objects.filter(organization=org).delete()
    KeyInspection.objects.filter(organization=org).delete()
    RectificationOrder.objects.filter(organization=org, source="rule").delete()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(h=history, run_days=st.lists(day, max_size=6))
def test_tick_is_idempotent_and_order_independent(world, h, run_days):
    org = world.org_a
    with transaction.atomic():
        _build(org, h)
        b.tick(END, org)
        once = _state(org)
        assert not b.tick(END, org).counts, "a second run at the same date changed something"
        assert _state(org) == once
        _forget_effects(org)
        for run_day in sorted(run_days):
            b.tick(run_day, org)
        b.tick(END, org)
        assert _state(org) == once
        transaction.set_rollback(True)
