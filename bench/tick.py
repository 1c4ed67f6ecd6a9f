"""Rules-engine benchmark: `xiehui tick` over 10k and 100k associations with four years of history each.

    uv run python bench/tick.py [--sizes 10000,100000] [--database sqlite|postgres|both]

For each database and size it creates a fresh database, migrates it, fills it
with `xiehui synth --orgs N`, then writes a seeded random history per
association (annual reports for 2023-2026, mostly on time, some late or
missing, a few with no full-time staff; penalties, orders, address letters,
court entries, complaints for a few percent), sets ANN-1.first_year=2023, and
times, in one process:

- the first run as of 2027-07-01 (creates every listing, decision, flag, order,
  inspection case and audit entry of four years);
- a second run on the same date (the steady state of a daily timer: nothing new);
- a run on the next day.

It prints figures only (no assertion on time): a Markdown table on stdout and
in bench/results/tick-<date>.md. Targets (issue 3): 100k under 60 s on each
database, and the 100k/10k time ratio at most 12.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
AS_OF = dt.date(2027, 7, 1)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- child: runs inside Django


def child(size: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xiehui.core import engine

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("synth", orgs=size, verbosity=0)
    synth = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = write_history()
    history = time.perf_counter() - t0
    figures = {"size": size, "synth_s": round(synth, 1), "history_s": round(history, 1), "history_rows": rows}
    for label, as_of in (("first", AS_OF), ("again", AS_OF), ("next_day", AS_OF + dt.timedelta(days=1))):
        t0 = time.perf_counter()
        if label == "first" and os.environ.get("XIEHUI_BENCH_PROFILE"):  # where the first run's time goes
            import cProfile

            with cProfile.Profile() as profile:
                result = engine.tick(as_of=as_of)
            profile.dump_stats(os.environ["XIEHUI_BENCH_PROFILE"])
        else:
            result = engine.tick(as_of=as_of)
        figures[f"{label}_s"] = round(time.perf_counter() - t0, 2)
        figures[f"{label}_effects"] = sum(result.counts.values())
    figures["vendor"] = connection.vendor
    print("RESULT " + json.dumps(figures), flush=True)


def write_history() -> int:
    """Seeded random facts for every association, written in bulk."""
    from decimal import Decimal

    from xiehui.core.models import Parameter, User
    from xiehui.registry.models import Organization
    from xiehui.supervision.models import (
        AddressLetter,
        AnnualReport,
        Complaint,
        CourtListEntry,
        Penalty,
        RectificationOrder,
    )

    rng = random.Random(7)
    now = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    Parameter.objects.update_or_create(
        key="ANN-1.first_year", defaults={"value": 2023, "note": "benchmark: four years of reports", "changed_at": now}
    )
    user = User.objects.create(username="bench", role="admin")
    orgs = list(Organization.objects.values_list("id", "authority_region_id", "registered_on"))
    buffers: dict[type, list] = {
        m: [] for m in (AnnualReport, Penalty, RectificationOrder, AddressLetter, CourtListEntry, Complaint)
    }
    serial = 0

    def day(year_from: int, year_to: int) -> dt.date:
        return dt.date(year_from, 1, 1) + dt.timedelta(days=rng.randrange((year_to - year_from + 1) * 365))

    for org_id, authority, registered_on in orgs:
        for year in range(max(2023, registered_on.year), 2027):
            roll = rng.random()
            if roll < 0.05:
                continue  # never filed
            due = dt.date(year + 1, 5, 31)
            filed = (
                due - dt.timedelta(days=rng.randrange(120))
                if roll < 0.92
                else due + dt.timedelta(days=rng.randrange(1, 150))
            )
            buffers[AnnualReport].append(
                AnnualReport(
                    organization_id=org_id,
                    year=year,
                    status="submitted",
                    created_by=user,
                    first_submitted_on=filed,
                    submitted_on=filed,
                    full_time_staff=0 if rng.random() < 0.02 else 3,
                    staff_total=5,
                )
            )
        if rng.random() < 0.03:
            for _ in range(rng.choice((1, 2))):
                serial += 1
                kind = rng.choice(("warning", "warning", "fine", "fine", "suspension", "revocation"))
                buffers[Penalty].append(
                    Penalty(
                        organization_id=org_id,
                        kind=kind,
                        decision_number=f"BENCH-P{serial}",
                        decided_on=day(2023, 2027),
                        amount=Decimal(rng.choice((5_000, 20_000, 60_000))) if kind == "fine" else None,
                        legal_basis="条例第三十条",
                        facts="基准测试",
                        recorded_by=user,
                        recorded_at=now,
                    )
                )
        if rng.random() < 0.05:
            serial += 1
            issued = day(2023, 2026)
            deadline = issued + dt.timedelta(days=60)
            completed = deadline - dt.timedelta(days=5) if rng.random() < 0.6 else None
            buffers[RectificationOrder].append(
                RectificationOrder(
                    organization_id=org_id,
                    number=f"BENCH-O{serial}",
                    source="officer",
                    ground="基准",
                    basis="基准",
                    facts="基准",
                    issued_on=issued,
                    deadline=deadline,
                    completed_on=completed,
                    status="completed" if completed else "open",
                    issued_by=user,
                )
            )
        if rng.random() < 0.01:
            sent = day(2024, 2026)
            for gap in (0, rng.choice((15, 30, 45))):
                buffers[AddressLetter].append(
                    AddressLetter(
                        organization_id=org_id,
                        sent_on=sent + dt.timedelta(days=gap),
                        returned_on=sent + dt.timedelta(days=gap + 7),
                        signed=False,
                        recorded_by=user,
                    )
                )
        if rng.random() < 0.003:
            serial += 1
            buffers[CourtListEntry].append(
                CourtListEntry(
                    organization_id=org_id,
                    case_number=f"BENCH-C{serial}",
                    court="基准法院",
                    listed_on=day(2024, 2026),
                    recorded_by=user,
                    recorded_at=now,
                )
            )
        if rng.random() < 0.05:
            for _ in range(rng.randrange(1, 5)):
                serial += 1
                filed = day(2024, 2026)
                answered = filed + dt.timedelta(days=rng.randrange(20, 80))
                buffers[Complaint].append(
                    Complaint(
                        code=f"B{serial:011d}",
                        organization_id=org_id,
                        authority_region_id=authority,
                        pledge="forced_membership",
                        description="基准测试投诉",
                        filed_on=filed,
                        due_on=filed + dt.timedelta(days=60),
                        answered_on=answered,
                        status="answered",
                        outcome=rng.choice(("substantiated", "unsubstantiated")),
                    )
                )
    total = 0
    for model, objs in buffers.items():
        model.objects.bulk_create(objs, batch_size=5000)
        total += len(objs)
    return total


# --------------------------------------------------------------------------- parent


def run_one(database: str, size: int) -> dict:
    env = dict(os.environ)
    tmp = Path(tempfile.mkdtemp(prefix="xiehui-tick-"))
    env.update({"XIEHUI_VAR_DIR": str(tmp), "XIEHUI_ENV": "development", "XIEHUI_LOG_LEVEL": "WARNING"})
    dbname = f"xiehui_bench_tick_{size}"
    if database == "postgres":
        subprocess.run(["dropdb", "--if-exists", "--force", "-h", PG["host"], "-U", PG["user"], dbname], check=True)
        subprocess.run(["createdb", "-h", PG["host"], "-U", PG["user"], dbname], check=True)
        env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    log(f"{database} {size:,}: migrate, synth, history, tick ×3")
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(size)], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if database == "postgres":
        subprocess.run(["dropdb", "--if-exists", "--force", "-h", PG["host"], "-U", PG["user"], dbname], check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"{database} {size} failed")
    figures = json.loads(line.removeprefix("RESULT "))
    figures["database"] = database
    log(
        f"  first {figures['first_s']} s ({figures['first_effects']:,} effects), again {figures['again_s']} s, "
        f"next day {figures['next_day_s']} s"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sizes = [int(x) for x in args.sizes.split(",")]
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run_one(db, size) for db in databases for size in sizes]
    lines = [
        f"# tick benchmark {dt.date.today()} ({os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| database | associations | history rows | first run (s) | effects | second run (s) | next day (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['size']:,} | {r['history_rows']:,} | {r['first_s']} | {r['first_effects']:,} | "
            f"{r['again_s']} | {r['next_day_s']} |"
        )
    for db in databases:
        by = {r["size"]: r for r in results if r["database"] == db}
        if len(sizes) >= 2:
            small, big = by[min(sizes)], by[max(sizes)]
            lines.append(
                f"\n{db}: {max(sizes):,}/{min(sizes):,} time ratio — first run "
                f"{big['first_s'] / small['first_s']:.1f}, second run {big['again_s'] / small['again_s']:.1f}"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"tick-{dt.date.today()}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
