"""Disclosure timeliness (DIS-3) benchmark: what the officers' console and the public page cost at 10k and 100k.

    uv run python bench/disclosure.py [--sizes 10000,100000] [--database sqlite|postgres|both]

For each database and size it creates a fresh database, migrates it, fills it
with `xiehui synth --orgs N`, then writes a seeded random disclosure history in
bulk (no services): standing items (charter, organs, leaders, service
commitments) for about 70% of associations, the 2025 yearly items (financial
report, donations, fee income, funding received) and the half-yearly income and
expenditure mostly on time, some late, some missing, a few events and update
versions; 2025 annual work reports (the `annual_report` source of DIS-3) for
about 93% and signed pledges (the `pledges` source) for about half. Then it
measures, as of 2026-11-24, in one process:

1. `disclosure.selectors.timeliness_many` over every association (twice; the faster run is reported);
2. `selectors.jurisdiction_timeliness` for a provincial officer of Shandong (every synthetic
   association is in Shandong), with the console's limit on associations computed at once
   (`JURISDICTION_LIMIT`, where the code has one) lifted: what the whole province would cost;
3. the console page `/console/disclosures/?as_of=2026-11-24` through Django's test client as that
   officer: the whole province with the limit lifted (twice; the second is reported), the whole
   province as shipped (refused above the limit), and the largest city (`region=`): wall time, SQL
   queries, peak RSS;
4. one association's public page `/organizations/<uscc>/`: median of 20 requests, SQL queries;
5. `engine.tick` once, with the time spent in the DIS-3 loader and evaluator.

Peak RSS is read from /proc/self/status (VmHWM, reset before each measurement).
It prints figures only (no assertion on time): a Markdown table on stdout and in
bench/results/disclosure-<date>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
AS_OF = dt.date(2026, 11, 24)
LAST_PUBLISHED = AS_OF - dt.timedelta(days=4)  # nothing in the history is published after this day
CHUNK = 5000  # associations per write transaction


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- memory


def _status_kb(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def reset_peak() -> int | None:
    """Reset the peak RSS (Linux: clear_refs 5) and return the current RSS in kB."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status_kb("VmRSS")


def mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


class Measure:
    """Wall time, SQL queries (count and the slowest shapes) and peak RSS of a block."""

    def __init__(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.queries = CaptureQueriesContext(connection)
        self.seconds = 0.0
        self.rss_before: int | None = None
        self.rss_peak: int | None = None

    def __enter__(self) -> Measure:
        self.rss_before = reset_peak()
        self.queries.__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self.started
        self.queries.__exit__(*exc)
        self.rss_peak = _status_kb("VmHWM") if self.rss_before is not None else None

    def figures(self, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_s": round(self.seconds, 3),
            f"{prefix}_queries": len(self.queries.captured_queries),
            f"{prefix}_sql_s": round(sum(float(q["time"]) for q in self.queries.captured_queries), 3),
            f"{prefix}_rss_mb": mb(self.rss_peak),
            f"{prefix}_rss_growth_mb": mb(self.rss_peak - self.rss_before)
            if self.rss_peak is not None and self.rss_before is not None
            else None,
        }

    def slowest(self, top: int = 4) -> list[list[Any]]:
        """SQL time by query shape (the statement's verb and the tables it reads), largest first."""
        shapes: dict[str, float] = {}
        counts: Counter[str] = Counter()
        for q in self.queries.captured_queries:
            sql = q["sql"] or ""
            tables = re.findall(r'(?:FROM|JOIN|UPDATE|INTO) "?(\w+)"?', sql)
            shape = f"{sql.split(' ', 1)[0]} {' + '.join(dict.fromkeys(tables))}"
            shapes[shape] = shapes.get(shape, 0.0) + float(q["time"])
            counts[shape] += 1
        largest = sorted(shapes.items(), key=lambda pair: -pair[1])[:top]
        return [[shape, counts[shape], round(s, 3)] for shape, s in largest]


# --------------------------------------------------------------------------- child: runs inside Django


def child(size: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("synth", orgs=size, verbosity=0)
    figures: dict[str, Any] = {"size": size, "synth_s": round(time.perf_counter() - t0, 1)}
    t0 = time.perf_counter()
    figures.update(write_history())
    figures["history_s"] = round(time.perf_counter() - t0, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures.update(measure())
    figures["vendor"] = connection.vendor
    print("RESULT " + json.dumps(figures, ensure_ascii=False), flush=True)


def lift(selectors: Any, limit: int | None) -> None:
    """Set the console's limit on associations computed at once (None: no limit), where the code has one."""
    if hasattr(selectors, "JURISDICTION_LIMIT"):
        selectors.JURISDICTION_LIMIT = limit if limit is not None else 10**9


def expect(response: Any, status: int, what: str) -> None:
    if response.status_code != status:
        raise SystemExit(f"{what}: the console page answered {response.status_code}, not {status}")


def measure() -> dict[str, Any]:
    from django.db.models import Count
    from django.db.models.functions import Substr
    from django.test import Client

    from xiehui.conftest import login
    from xiehui.core import engine
    from xiehui.core.models import Region
    from xiehui.core.services import user_create
    from xiehui.disclosure import rules, selectors
    from xiehui.disclosure.models import Disclosure
    from xiehui.registry.models import Organization

    out: dict[str, Any] = {}

    # 1. timeliness_many over every association (twice: the second with warm caches)
    t0 = time.perf_counter()
    orgs = list(Organization.objects.only("id", "uscc", "name", "registered_on", "authority_region_id"))
    out["load_orgs_s"] = round(time.perf_counter() - t0, 3)
    out["organizations"] = len(orgs)
    for run in (1, 2):
        with Measure() as m:
            figures = selectors.timeliness_many(orgs, AS_OF)
        out.update(m.figures(f"many{run}"))
    out["many_us_per_org"] = round(min(out["many1_s"], out["many2_s"]) / len(orgs) * 1e6)
    out["many_slowest"] = m.slowest()
    states = Counter(s.state for t in figures.values() for s in t.items)
    out["states"] = dict(states)
    out["completeness_mean"] = round(statistics.fmean(t.completeness for t in figures.values()), 1)
    out["completeness_100"] = sum(1 for t in figures.values() if t.completeness == 100)
    del figures, orgs

    # 2. the console's selector for a provincial officer: the whole province (as shipped the selector refuses
    # more than JURISDICTION_LIMIT associations; lifted here to see what the whole province costs) and its
    # largest city (what an officer narrows to)
    officer = user_create(
        actor=None,
        username="bench-officer",
        password="Bench-officer-2026!",
        role="officer",
        jurisdiction_region=Region.objects.get(code="370000"),
        jurisdiction_level="provincial",
    )
    limit = getattr(selectors, "JURISDICTION_LIMIT", None)
    out["juris_limit"] = limit
    registered = Organization.objects.filter(status="registered")
    city, city_orgs = (
        registered.annotate(city=Substr("authority_region_id", 1, 4))
        .values("city")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("city", "n")[0]
    )
    out["city"], out["city_orgs"] = city, city_orgs
    out["province_orgs"] = registered.count()
    lift(selectors, None)
    with Measure() as m:
        rows = selectors.jurisdiction_timeliness(actor=officer, as_of=AS_OF)
    out.update(m.figures("juris"))
    out["juris_rows"] = len(rows)
    out["juris_slowest"] = m.slowest()
    del rows
    lift(selectors, limit)

    # 3. the console page through the test client: the province with the limit lifted (twice: the first request
    # also loads templates), the province as shipped (refused above the limit), the largest city
    client = login(Client(), officer)
    page = "/console/disclosures/"
    lift(selectors, None)
    for run in (1, 2):
        with Measure() as m:
            response = client.get(page, {"as_of": AS_OF.isoformat()})
        expect(response, 200, "province")
        out.update(m.figures(f"console{run}"))
    out["console_bytes"] = len(response.content)
    out["console_slowest"] = m.slowest()
    lift(selectors, limit)
    with Measure() as m:
        response = client.get(page, {"as_of": AS_OF.isoformat()})
    out.update(m.figures("shipped"))
    out["shipped_status"] = response.status_code
    with Measure() as m:
        response = client.get(page, {"as_of": AS_OF.isoformat(), "region": city})
    expect(response, 200, f"city {city}")
    out.update(m.figures("city"))

    # 4. one association's public page (one with standing and yearly items), anonymous
    org_id = (
        Disclosure.objects.filter(item_type="charter", current__isnull=False)
        .filter(organization__disclosures__item_type="financial_report")
        .order_by("organization_id")
        .values_list("organization_id", flat=True)
        .first()
    )
    if org_id is None:
        raise SystemExit("no association with a charter and a financial report")
    uscc = Organization.objects.values_list("uscc", flat=True).get(pk=org_id)
    anonymous = Client()
    times, queries = [], 0
    for _ in range(21):
        with Measure() as m:
            response = anonymous.get(f"/organizations/{uscc}/")
        if response.status_code != 200:
            raise SystemExit(f"public page answered {response.status_code}")
        times.append(m.seconds)
        queries = len(m.queries.captured_queries)
    out["public_ms"] = round(statistics.median(times[1:]) * 1000, 1)  # the first request warms templates
    out["public_first_ms"] = round(times[0] * 1000, 1)
    out["public_queries"] = queries
    out["public_items"] = Disclosure.objects.filter(organization_id=org_id).count()

    # 5. one tick, with the DIS-3 loader and evaluator timed
    spent = {"loader": 0.0, "evaluator": 0.0}

    def timed_loader(func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(lo: int, hi: int, as_of: dt.date) -> Any:
            started = time.perf_counter()
            try:
                return func(lo, hi, as_of)
            finally:
                spent["loader"] += time.perf_counter() - started

        return wrapper

    def timed_evaluator(func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(facts: Any, ctx: Any) -> Iterator[Any]:
            started = time.perf_counter()
            effects = list(func(facts, ctx))
            spent["evaluator"] += time.perf_counter() - started
            return iter(effects)

        return wrapper

    engine.LOADERS[:] = [timed_loader(f) if f is rules.disclosure_facts else f for f in engine.LOADERS]
    engine.EVALUATORS[:] = [
        (stage, timed_evaluator(f) if f is rules.dis_3_reminders else f) for stage, f in engine.EVALUATORS
    ]
    now = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    with Measure() as m:
        result = engine.tick(as_of=AS_OF, now=now)
    out["tick_s"] = round(m.seconds, 2)
    out["tick_rss_mb"] = mb(m.rss_peak)
    out["tick_effects"] = dict(result.counts)
    out["tick_dis3_loader_s"] = round(spent["loader"], 2)
    out["tick_dis3_evaluator_s"] = round(spent["evaluator"], 2)
    return out


def write_history() -> dict[str, Any]:
    """Seeded random disclosures, annual reports and pledges for every association, written in bulk."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from xiehui.core import clock
    from xiehui.core.models import User
    from xiehui.disclosure import catalogue
    from xiehui.disclosure.models import ChangeKind, Disclosure, DisclosureVersion
    from xiehui.registry.models import Organization
    from xiehui.selfregulation import pledges
    from xiehui.selfregulation.models import PledgeSignature
    from xiehui.supervision.models import AnnualReport

    rng = random.Random(11)
    user = User.objects.create(username="bench", role="admin")
    by_code = catalogue.BY_CODE
    standing = [by_code[c] for c in ("charter", "organs", "leaders", "service_commitments")]
    yearly = [by_code[c] for c in ("financial_report", "donations", "fee_income", "funding_received")]
    halfyearly = by_code["income_expenditure"]
    events = [by_code[c] for c in ("trips_abroad", "major_activities", "asset_changes", "government_matters")]
    pledge_codes = [p.code for p in pledges.STANDARD]
    counts: Counter[str] = Counter()
    planned: list[tuple[Disclosure, list[tuple[dt.date | None, dt.date, str]]]] = []  # item, versions of a chunk

    def add(org_id: int, item: catalogue.ItemType, period: str, versions: list[Any], title: str = "") -> None:
        """`versions`: (effective_on, day published, change kind) of each version, oldest first."""
        first = at(versions[0][1])
        d = Disclosure(
            organization_id=org_id,
            item_type=item.code,
            period=period,
            title=title or catalogue.item_label(item, period),
            slot=None if item.cadence == catalogue.EVENT else f"{item.code}:{period}",
            members_only=item.members_only,
            current=None,  # set below, once the versions exist
            first_published_at=first,
            published_at=at(versions[-1][1]) if len(versions) > 1 else first,
            created_at=first,
            created_by=user,
        )
        planned.append((d, versions))

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(9 + rng.randrange(9), rng.randrange(60)), tzinfo=clock.SHANGHAI)

    def between(first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))

    def data(item: catalogue.ItemType) -> dict[str, Any]:
        value = {"date": "2025-03-01", "money": "128000.00", "integer": 1, "url": "https://example.org/"}
        fields = {spec.name: value.get(spec.kind, f"基准{spec.label}") for spec in item.fields}
        rows = [{spec.name: value.get(spec.kind, f"基准{spec.label}{i}") for spec in item.rows} for i in range(3)]
        return {"fields": fields, "rows": rows if item.rows else []}

    def published(due: dt.date, earliest: dt.date, profile: tuple[float, float]) -> dt.date | None:
        """On time with probability profile[0], late with profile[1], else missing (or late beyond the horizon)."""
        roll = rng.random()
        if roll < profile[0]:
            return between(max(earliest, due - dt.timedelta(days=120)), due)
        if roll < profile[0] + profile[1]:
            day = between(due + dt.timedelta(days=1), due + dt.timedelta(days=200))
            return day if day <= LAST_PUBLISHED else None
        return None

    orgs = list(Organization.objects.order_by("pk").values_list("id", "registered_on"))
    for start in range(0, len(orgs), CHUNK):
        planned.clear()
        reports, signatures = [], []
        for org_id, registered_on in orgs[start : start + CHUNK]:
            begin = max(registered_on, dt.date(2025, 1, 1))
            if begin > LAST_PUBLISHED:
                continue
            # the association's diligence: on-time and late shares of its periodic items
            profile = rng.choices(((0.92, 0.04), (0.5, 0.25), (0.0, 0.0)), weights=(65, 20, 15))[0]
            if rng.random() < 0.7:
                for item in standing:
                    if rng.random() < 0.95:
                        day = published(begin + dt.timedelta(days=30), begin, (0.85, 0.15))
                        if day is None:
                            continue
                        versions: list[tuple[dt.date | None, dt.date, str]] = [(None, day, ChangeKind.FIRST)]
                        last_change = LAST_PUBLISHED - dt.timedelta(days=60)
                        if item.code in ("charter", "leaders") and day < last_change and rng.random() < 0.05:
                            changed = between(day + dt.timedelta(days=1), last_change)
                            versions.append(
                                (changed, changed + dt.timedelta(days=rng.randrange(3, 50)), ChangeKind.UPDATE)
                            )
                        add(org_id, item, "", versions)
            for item in yearly:
                day = published(dt.date(2026, 5, 31), dt.date(2026, 1, 1), profile)
                if day is not None:
                    add(org_id, item, "2025", [(None, day, ChangeKind.FIRST)])
            for period, end in (("2025H1", dt.date(2025, 6, 30)), ("2025H2", dt.date(2025, 12, 31))):
                if end >= begin:
                    day = published(end + dt.timedelta(days=30), end + dt.timedelta(days=1), profile)
                    if day is not None:
                        add(org_id, halfyearly, period, [(None, day, ChangeKind.FIRST)])
            day = published(dt.date(2026, 7, 30), dt.date(2026, 7, 1), profile)
            if day is not None:
                add(org_id, halfyearly, "2026H1", [(None, day, ChangeKind.FIRST)])
            if rng.random() < 0.06:
                for n in range(rng.choice((1, 1, 2))):
                    item = rng.choice(events)
                    happened = between(max(begin, dt.date(2025, 2, 1)), dt.date(2026, 10, 1))
                    day = happened + dt.timedelta(days=rng.randrange(3, 45))
                    add(org_id, item, "", [(happened, day, ChangeKind.FIRST)], title=f"{item.title}（{n + 1}）")
            roll = rng.random()
            if roll < 0.93:
                filed = (
                    between(dt.date(2026, 3, 1), dt.date(2026, 5, 31))
                    if roll < 0.88
                    else between(dt.date(2026, 6, 1), dt.date(2026, 10, 31))
                )
                reports.append(
                    AnnualReport(
                        organization_id=org_id,
                        year=2025,
                        status="submitted",
                        created_by=user,
                        first_submitted_on=filed,
                        submitted_on=filed,
                        full_time_staff=3,
                        staff_total=5,
                    )
                )
            if rng.random() < 0.5:
                signed = between(begin, LAST_PUBLISHED)
                codes = rng.sample(pledge_codes, k=max(1, len(pledge_codes) - rng.randrange(2)))
                signatures.append(
                    PledgeSignature(
                        organization_id=org_id,
                        pledges=codes,
                        text=pledges.text_of(codes),
                        signatory="基准会长",
                        signatory_title="会长",
                        signed_on=signed,
                        created_by=user,
                        published_at=at(signed),
                    )
                )
        with transaction.atomic():
            Disclosure.objects.bulk_create([d for d, _ in planned], batch_size=2000)
            rows = []
            for d, versions in planned:
                for number, (effective_on, _day, kind) in enumerate(versions, start=1):
                    moment = d.first_published_at if number == 1 else d.published_at
                    assert moment is not None  # set by add()
                    rows.append(
                        DisclosureVersion(
                            disclosure_id=d.pk,
                            number=number,
                            change_kind=kind,
                            data=data(d.spec),
                            body="",
                            effective_on=effective_on,
                            reason="基准：事项变更" if kind == "update" else "",
                            created_by=user,
                            created_at=moment,
                            updated_at=moment,
                            published_at=moment,  # in the INSERT: a published row is never updated (DIS-4 trigger)
                            published_by=user,
                        )
                    )
            DisclosureVersion.objects.bulk_create(rows, batch_size=2000)
            AnnualReport.objects.bulk_create(reports, batch_size=2000)
            PledgeSignature.objects.bulk_create(signatures, batch_size=2000)
        counts["disclosures"] += len(planned)
        counts["versions"] += len(rows)
        counts["annual_reports"] += len(reports)
        counts["pledges"] += len(signatures)
    # `current`: the latest version of each item, in one UPDATE of the items (their versions are untouched)
    latest = DisclosureVersion.objects.filter(disclosure=OuterRef("pk")).order_by("-number").values("pk")[:1]
    t0 = time.perf_counter()
    Disclosure.objects.update(current=Subquery(latest))
    return {**counts, "set_current_s": round(time.perf_counter() - t0, 1)}


# --------------------------------------------------------------------------- parent


def run_one(database: str, size: int) -> dict:
    env = dict(os.environ)
    env.pop("XIEHUI_REDIS_URL", None)  # the local-memory cache; nothing but the database
    tmp = Path(tempfile.mkdtemp(prefix="xiehui-disclosure-"))
    env.update(
        {
            "XIEHUI_VAR_DIR": str(tmp),
            "XIEHUI_ENV": "development",
            "XIEHUI_DEBUG": "false",
            "XIEHUI_LOG_LEVEL": "WARNING",
        }
    )
    dbname = f"xiehui_bench_disclosure_{size}"
    if database == "postgres":
        subprocess.run(["dropdb", "--if-exists", "--force", "-h", PG["host"], "-U", PG["user"], dbname], check=True)
        subprocess.run(["createdb", "-h", PG["host"], "-U", PG["user"], dbname], check=True)
        env["DATABASE_URL"] = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    load = os.getloadavg()[0]
    log(f"{database} {size:,}: migrate, synth, disclosures, measure (load average {load:.2f})")
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
    figures["load_before"] = round(load, 2)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    log(
        f"  timeliness_many {min(figures['many1_s'], figures['many2_s'])} s; province page {figures['console2_s']} s "
        f"({figures['console2_queries']} queries; as shipped {figures['shipped_status']}, {figures['shipped_s']} s); "
        f"city page {figures['city_s']} s; public page {figures['public_ms']} ms; tick {figures['tick_s']} s"
    )
    return figures


def machine() -> str:
    cpu = next(
        (x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in x),
        "?",
    )
    mem_kb = next(
        (int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")), 0
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {round(mem_kb / 1024 / 1024)} GB RAM, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
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
        f"# disclosure (DIS-3) benchmark {dt.date.today()}, as of {AS_OF}",
        "",
        machine(),
        "",
        "| database | associations | items / versions | timeliness_many (s) | µs / association | of which SQL (s) | "
        "province page, no limit (s) | queries | peak RSS (MB) | province page as shipped | largest city | "
        "city page (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        best = 1 if r["many1_s"] <= r["many2_s"] else 2
        lines.append(
            f"| {r['database']} | {r['size']:,} | {r['disclosures']:,} / {r['versions']:,} | {r[f'many{best}_s']} | "
            f"{r['many_us_per_org']} | {r[f'many{best}_sql_s']} | {r['console2_s']} | {r['console2_queries']} | "
            f"{r['console2_rss_mb']} | {r['shipped_status']} in {r['shipped_s']} s | {r['city_orgs']:,} | "
            f"{r['city_s']} |"
        )
    lines += [
        "",
        "| database | associations | public page, median of 20 (ms) | queries | tick (s) | DIS-3 loader (s) | "
        "DIS-3 evaluator (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['size']:,} | {r['public_ms']} | {r['public_queries']} | {r['tick_s']} | "
            f"{r['tick_dis3_loader_s']} | {r['tick_dis3_evaluator_s']} |"
        )
    lines += ["", "Details (JSON per run):", ""]
    lines += [f"    {json.dumps(r, ensure_ascii=False)}" for r in results]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"disclosure-{dt.date.today()}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
