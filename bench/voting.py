"""Secret ballot benchmark (BAL-1, BAL-2): freezing, casting and closing a ballot with a 10,000-member roll.

    uv run python bench/voting.py [--size 10000] [--database sqlite|postgres|both] [--threads 16]

For each database it creates a fresh database, migrates it, adds one association (`xiehui synth --orgs 1`),
its staff user and assembly, `--size` members all represented by one voter account, and then measures
through the services (no shortcuts), in one process:

1. `ballot_freeze`: the roll taken, written, and its SM3 digest computed;
2. casting, sequentially (`ballot_cast`, one transaction each: the share lock on PostgreSQL, the
   participation under its unique constraint, the cast ballot), for half of the roll;
3. on PostgreSQL, casting the other half from `--threads` worker threads, each with its own connection
   (on SQLite, the other half sequentially as well: SQLite serialises writers);
4. `ballot_close`: seal (rewrite every cast ballot and participation in a time-free order) and tally;
5. `rules.tally` alone on the stored ballots (the pure count, quorum and threshold).

It prints figures only (no assertion on time): a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
PG_NAME = "xiehui_bench_voting"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _setup_world(size: int) -> dict[str, Any]:
    from django.core.management import call_command

    from xiehui.core.models import Role
    from xiehui.core.services import user_create
    from xiehui.governance.models import Organ, OrganKind
    from xiehui.membership.models import Member, MemberKind, Representative
    from xiehui.registry import services as registry_services
    from xiehui.registry.models import Organization

    call_command("migrate", verbosity=0)
    call_command("synth", orgs=1, no_worker=True, verbosity=0)
    org = Organization.objects.order_by("pk").first()
    assert org is not None
    staff = user_create(actor=None, username="bench_staff", password="Bench-voting-2026!", role=Role.STAFF)
    registry_services.staff_assign(actor=None, user=staff, organization=org, title="秘书长")
    voter = user_create(actor=None, username="bench_voter", password="Bench-voting-2026!", role=Role.MEMBER)
    organ = Organ.objects.create(organization=org, kind=OrganKind.ASSEMBLY)
    now = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    members = Member.objects.bulk_create(
        [
            Member(
                organization=org,
                kind=MemberKind.ENTERPRISE,
                name=f"会员单位{i:05d}",
                joined_on=dt.date(2020, 1, 1),
                created_at=now,
            )
            for i in range(size)
        ],
        batch_size=2000,
    )
    Representative.objects.bulk_create(
        [Representative(member=m, user=voter, since=dt.date(2020, 1, 1)) for m in members], batch_size=2000
    )
    return {"org": org, "staff": staff, "voter": voter, "organ": organ}


def _timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _cast_sequential(ballot: Any, voter: Any, entries: list[Any], now: dt.datetime) -> float:
    from xiehui.voting import services_cast

    start = time.perf_counter()
    for i, entry in enumerate(entries):
        choice = "for" if i % 3 else "against"
        services_cast.ballot_cast(voter_user=voter, ballot=ballot, roll_entry=entry, choices={"1": choice}, now=now)
    return time.perf_counter() - start


def _cast_threads(ballot: Any, voter: Any, entries: list[Any], now: dt.datetime, threads: int) -> float:
    from django.db import connections

    from xiehui.voting import services_cast

    tasks: queue.Queue = queue.Queue()
    for entry in entries:
        tasks.put(entry)
    errors: list[str] = []

    def work() -> None:
        try:
            while True:
                try:
                    entry = tasks.get_nowait()
                except queue.Empty:
                    return
                try:
                    services_cast.ballot_cast(
                        voter_user=voter, ballot=ballot, roll_entry=entry, choices={"1": "for"}, now=now
                    )
                except Exception as exc:  # reported, not raised: the figure is throughput
                    errors.append(repr(exc))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        log(f"{len(errors)} errors, first: {errors[0]}")
    return elapsed


def child(size: int, threads: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
    django.setup()
    from django.db import connection

    from xiehui.voting import rules, services, services_close
    from xiehui.voting.models import CastBallot, RollEntry

    log(f"{connection.vendor}: setting up {size} members")
    world = _setup_world(size)
    opens = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    data = services.BallotInput(
        kind="charter_amendment",
        title="基准测试：修改章程",
        organ=world["organ"],
        cutoff_on=dt.date(2026, 11, 10),
        opens_at=opens,
        closes_at=opens + dt.timedelta(hours=8),
    )
    created_at = dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.UTC)
    ballot = services.ballot_create(actor=world["staff"], organization=world["org"], data=data, now=created_at)
    ballot, freeze_s = _timed(lambda: services.ballot_freeze(actor=world["staff"], ballot=ballot, now=created_at))
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("position"))
    half = len(entries) // 2
    during = opens + dt.timedelta(hours=1)
    seq_s = _cast_sequential(ballot, world["voter"], entries[:half], during)
    if connection.vendor == "postgresql":
        par_s = _cast_threads(ballot, world["voter"], entries[half:], during, threads)
        par_label = f"{threads} threads"
    else:
        par_s = _cast_sequential(ballot, world["voter"], entries[half:], during)
        par_label = "sequential (SQLite serialises writers)"
    closed, close_s = _timed(
        lambda: services_close.ballot_close(actor=world["staff"], ballot=ballot, now=opens + dt.timedelta(hours=8))
    )
    stored = list(CastBallot.objects.filter(ballot=ballot).values_list("choices", flat=True))
    quorum, threshold = services_close.ballot_figures(closed)
    _result, tally_s = _timed(
        lambda: rules.tally(
            kind=closed.kind,
            questions=services_close.questions_spec(closed),
            ballots=stored,
            present=len(stored),
            roll_size=closed.roll_size or 0,
            quorum=quorum,
            threshold=threshold,
        )
    )
    rows = [
        ("roll size", f"{closed.roll_size:,}"),
        ("freeze (roll + SM3 digest)", f"{freeze_s:.2f} s"),
        (f"cast, sequential, {half:,} ballots", f"{seq_s:.1f} s = {half / seq_s:,.0f} ballots/s"),
        (
            f"cast, {par_label}, {len(entries) - half:,} ballots",
            f"{par_s:.1f} s = {(len(entries) - half) / par_s:,.0f} ballots/s",
        ),
        ("close (seal + tally + store)", f"{close_s:.2f} s"),
        ("tally alone (pure count)", f"{tally_s * 1000:.0f} ms"),
        ("cast ballots = participations = present", f"{closed.cast:,} = {closed.present:,}"),
    ]
    print(f"\n### {connection.vendor} ({platform.python_version()}, {platform.machine()})\n")
    print("| measure | figure |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


def _pg_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.size, args.threads)
        return
    targets = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for target in targets:
        with tempfile.TemporaryDirectory() as tmp:
            if target == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                _pg_recreate()
                url = PG_URL.format(name=PG_NAME)
            env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
            cmd = [sys.executable, __file__, "--child", "--size", str(args.size), "--threads", str(args.threads)]
            subprocess.run(cmd, env=env, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
