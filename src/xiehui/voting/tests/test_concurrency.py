"""BAL-2 under load on PostgreSQL: 500 voters casting at once from parallel workers, plus duplicate casts.

Each worker thread has its own database connection (Django opens one per thread) and closes it when done.
Skipped on SQLite, whose writers are serialised by the database file lock anyway.
"""

from __future__ import annotations

import queue
import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from xiehui.core.errors import ApplicationError
from xiehui.membership.models import Representative
from xiehui.voting import services_cast, services_close
from xiehui.voting.models import CastBallot, Participation, RollEntry

from .conftest import CLOSES, DURING, add_members, make_ballot

VOTERS = 500
DUPLICATES = 150
WORKERS = 16


def _worker(tasks: queue.Queue, outcomes: list, lock: threading.Lock, user, ballot) -> None:
    try:
        while True:
            try:
                entry_id, choice = tasks.get_nowait()
            except queue.Empty:
                return
            entry = RollEntry(pk=entry_id, ballot_id=ballot.pk, member_id=None)
            entry.refresh_from_db()
            try:
                services_cast.ballot_cast(
                    voter_user=user, ballot=ballot, roll_entry=entry, choices={"1": choice}, now=DURING
                )
                result = ("ok", entry_id, "")
            except ApplicationError as exc:
                result = ("refused", entry_id, exc.code)
            except Exception as exc:  # the test counts every leak
                result = ("leak", entry_id, repr(exc))
            with lock:
                outcomes.append(result)
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bal_2_500_parallel_voters_and_duplicates_count_once_each(world):
    members = add_members(world.org_a, VOTERS)
    Representative.objects.bulk_create(
        [Representative(member=m, user=world.member, since=m.joined_on) for m in members]
    )
    ballot = make_ballot(world.org_a, world.staff_a)
    entry_ids = list(RollEntry.objects.filter(ballot=ballot).values_list("pk", flat=True))
    rng = random.Random(5)
    tasks_list = [(pk, rng.choice(["for", "for", "against", "abstain"])) for pk in entry_ids]
    tasks_list += [(pk, "against") for pk in rng.sample(entry_ids, DUPLICATES)]
    rng.shuffle(tasks_list)
    tasks: queue.Queue = queue.Queue()
    for task in tasks_list:
        tasks.put(task)
    outcomes: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_worker, args=(tasks, outcomes, lock, world.member, ballot)) for _ in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kinds = Counter(kind for kind, _pk, _code in outcomes)
    assert kinds == {"ok": VOTERS, "refused": DUPLICATES}, [o for o in outcomes if o[0] == "leak"][:3]
    assert {code for kind, _pk, code in outcomes if kind == "refused"} == {"BAL-2"}
    assert Counter(pk for kind, pk, _c in outcomes if kind == "ok") == Counter(entry_ids)  # each voter once
    assert Participation.objects.filter(ballot=ballot).count() == VOTERS
    assert CastBallot.objects.filter(ballot=ballot).count() == VOTERS
    closed = services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES)
    counts = closed.tally["questions"][0]["counts"]
    assert closed.cast == closed.present == sum(counts.values()) == VOTERS


def _in_thread(target, results: list) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except Exception as exc:  # recorded for the assertion
            results.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bal_2_close_waits_for_a_cast_in_flight_and_counts_it(world, monkeypatch):
    members = add_members(world.org_a, 3)
    Representative.objects.create(member=members[0], user=world.member, since=members[0].joined_on)
    ballot = make_ballot(world.org_a, world.staff_a)
    entry = RollEntry.objects.get(ballot=ballot, member=members[0])
    inside, release = threading.Event(), threading.Event()
    real = services_cast.receipt_new

    def slow_receipt() -> str:  # the cast holds FOR SHARE and has written its participation
        inside.set()
        release.wait(20)
        return real()

    monkeypatch.setattr(services_cast, "receipt_new", slow_receipt)
    cast_results: list = []
    caster = _in_thread(
        lambda: services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=DURING
        ),
        cast_results,
    )
    assert inside.wait(20)
    close_results: list = []
    closer = _in_thread(
        lambda: services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES), close_results
    )
    closer.join(1.0)
    assert closer.is_alive(), "the close must wait for the cast in flight (FOR UPDATE against FOR SHARE)"
    release.set()
    caster.join(20)
    closer.join(20)
    assert isinstance(cast_results[0], str), cast_results
    closed = close_results[0]
    assert closed.cast == closed.present == 1, close_results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bal_2_cast_waiting_on_a_close_is_refused_after_the_seal(world, monkeypatch):
    members = add_members(world.org_a, 3)
    Representative.objects.create(member=members[0], user=world.member, since=members[0].joined_on)
    ballot = make_ballot(world.org_a, world.staff_a)
    entry = RollEntry.objects.get(ballot=ballot, member=members[0])
    inside, release = threading.Event(), threading.Event()
    real_seal = services_close._seal

    def slow_seal(b):  # the close holds FOR UPDATE
        inside.set()
        release.wait(20)
        return real_seal(b)

    monkeypatch.setattr(services_close, "_seal", slow_seal)
    close_results: list = []
    closer = _in_thread(
        lambda: services_close.ballot_close(actor=world.staff_a, ballot=ballot, now=CLOSES), close_results
    )
    assert inside.wait(20)
    cast_results: list = []
    caster = _in_thread(
        lambda: services_cast.ballot_cast(
            voter_user=world.member, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=DURING
        ),
        cast_results,
    )
    caster.join(1.0)
    assert caster.is_alive(), "the cast must wait for the close"
    release.set()
    closer.join(20)
    caster.join(20)
    assert close_results[0].cast == 0
    refused = cast_results[0]
    assert isinstance(refused, ApplicationError) and refused.code == "not_open", cast_results
    assert not Participation.objects.filter(ballot=ballot).exists()
    assert not CastBallot.objects.filter(ballot=ballot).exists()
