"""The data-port benchmark's Markdown report: figures, the machine they came from, and issue 6's targets."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import PG, WrkResult, fmt_ms

# Issue 6's targets (they are reported, never asserted).
TARGET_VS_DATASETTE = 5.0  # xiehui keyed lookup req/s at least 5× Datasette's
TARGET_VS_BARE = 0.20  # and at least 20% of the bare WSGI app's
TARGET_P99_MS = 25.0  # lookup p99 under 32 connections
TARGET_SEARCH_P95_MS = 30.0  # first page with a capped total, 2-, 3- and 4-character terms


@dataclass
class DbResult:
    database: str
    version: str = ""
    orgs: int = 0
    synth_s: float = 0.0
    migrate_s: float = 0.0
    analyze_s: float = 0.0
    checks: list[str] = field(default_factory=list)
    keys_note: str = ""
    copy_note: str = ""
    datasette_version: str = ""
    lookup: list[WrkResult] = field(default_factory=list)
    keyed: WrkResult | None = None
    audit: dict[str, Any] = field(default_factory=dict)
    search: list[WrkResult] = field(default_factory=list)
    sequential: list[dict] = field(default_factory=list)
    inprocess: list[dict] = field(default_factory=list)
    load: WrkResult | None = None
    load_kinds: list[dict] = field(default_factory=list)
    load_audit: dict[str, Any] = field(default_factory=dict)
    warmup: list[float] = field(default_factory=list)
    load_keyed_share: float = 0.0


def _version(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return (proc.stdout + proc.stderr).strip()


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import django

    pg = _version(["psql", "-h", PG["host"], "-U", PG["user"], "-Atc", "SHOW server_version"])
    wrk = _version(["wrk", "-v"])
    granian = _version([sys.executable, "-c", "import granian; print(granian.__version__)"])
    redis = _version(["redis-cli", "-h", "127.0.0.1", "info", "server"])
    redis_version = next((x.split(":", 1)[1] for x in redis.splitlines() if x.startswith("redis_version:")), "?")
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": granian or "?",
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg or "not reachable",
        "redis": redis_version.strip(),
        "wrk": wrk.splitlines()[0].split(" Copyright")[0].strip() if wrk else "?",
    }


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def cpu_ms(w: WrkResult) -> str:
    """Server CPU per request (ms), Redis included: steadier than req/s when other work shares the cores."""
    return f"{(w.cpu_server + w.cpu_redis) * 1000 / w.rps:.2f}" if w.rps else "–"


def _wrk_row(database: str, w: WrkResult) -> str:
    return (
        f"| {database} | {w.label} | {w.rps:,.0f} | {fmt_ms(w.p50_ms)} | {fmt_ms(w.p99_ms)} | {w.requests:,} "
        f"| {w.non_2xx} | {w.cpu_server:.2f} | {w.cpu_redis:.2f} | {w.cpu_wrk:.2f} | {w.cpu_other:.2f} | {cpu_ms(w)} |"
    )


WRK_HEAD = [
    "| database | server | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | CPU server | CPU redis | CPU wrk "
    "| CPU other | server CPU ms/request |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def _notes(database: str, runs: list[WrkResult]) -> list[str]:
    notes = []
    for w in runs:
        if w.non_2xx or w.socket_errors or w.errors:
            notes.append(
                f"- {database}, {w.label}: {w.non_2xx:,} non-2xx of {w.requests:,}"
                + (f"; socket errors: {w.socket_errors}" if w.socket_errors else "")
                + (f"; server logged: {w.errors}" if w.errors else "")
            )
    return notes


def _targets(results: list[DbResult]) -> list[str]:
    if not any(r.keyed for r in results):
        return []
    lines = [
        "",
        "### Against the targets",
        "",
        f"Issue 6: the keyed lookup at ≥{TARGET_VS_DATASETTE:.0f}× Datasette's req/s (the best Datasette "
        f"configuration measured), ≥{TARGET_VS_BARE:.0%} of the bare WSGI app's, p99 ≤ {TARGET_P99_MS:.0f} ms.",
        "",
        "| database | xiehui with key (req/s) | best Datasette (req/s) | xiehui / Datasette | bare (req/s) "
        "| xiehui / bare | xiehui p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        k = r.keyed
        datasette = max((w for w in r.lookup if w.label.startswith("Datasette")), key=lambda w: w.rps, default=None)
        bare = next((w for w in r.lookup if w.label.startswith("bare")), None)
        if k is None:
            continue
        vs_d = k.rps / datasette.rps if datasette and datasette.rps else None
        vs_b = k.rps / bare.rps if bare and bare.rps else None
        p99_ok = None if k.p99_ms is None else k.p99_ms <= TARGET_P99_MS
        lines.append(
            f"| {r.database} | {k.rps:,.0f} | {f'{datasette.rps:,.0f}' if datasette else '–'} "
            f"| {f'{vs_d:.2f}×' if vs_d else '–'} ({_met(None if vs_d is None else vs_d >= TARGET_VS_DATASETTE)}) "
            f"| {f'{bare.rps:,.0f}' if bare else '–'} "
            f"| {f'{vs_b:.1%}' if vs_b else '–'} ({_met(None if vs_b is None else vs_b >= TARGET_VS_BARE)}) "
            f"| {fmt_ms(k.p99_ms)} ({_met(p99_ok)}) |"
        )
    return lines


def _audit(results: list[DbResult]) -> list[str]:
    lines = ["", "### Query audit of the keyed run", ""]
    for r in results:
        a = r.audit
        if "records" not in a:
            continue
        diff = a["records"] - a["wrk_completed"]
        lines.append(
            f"- {r.database}: wrk completed {a['wrk_completed']:,} requests; after `xiehui dataport flush` the key has "
            f"{a['records']:,} QueryRecord rows (difference {diff:+,}: requests the server answered after wrk "
            f"stopped counting, at most one per connection); by status and outcome: "
            + ", ".join(f"{k} ×{n:,}" for k, n in sorted(a["by_status"].items()))
            + (f"; {a['pending_files']} journal files still pending" if a.get("pending_files") else "")
            + (f"; after the server stopped: {a['after_stop']:,}" if "after_stop" in a else "")
        )
    return lines


def _search(results: list[DbResult], args: argparse.Namespace) -> list[str]:
    lines = []
    runs = [(r.database, w) for r in results for w in r.search]
    if runs:
        lines += ["", "### HTTP under wrk (32 connections, anonymous)", "", *WRK_HEAD]
        lines += [_wrk_row(db, w) for db, w in runs]
        for r in results:
            lines += _notes(r.database, r.search)
    if any(r.inprocess or r.sequential for r in results):
        lines += [
            "",
            f"### First page with its capped total, against the target (p95 ≤ {TARGET_SEARCH_P95_MS:.0f} ms)",
            "",
            "In-process: `organization_search` + `capped_count` + the first page of 20 (`page_rows`), as the API "
            "runs them, sequentially. HTTP: `GET /api/v1/organizations?q=` one request after another on one "
            f"kept-alive connection (the whole request: middleware, serialisation). Up to {args.iterations} "
            f"timings per term, fewer when a term takes more than {args.budget:.0f} s.",
            "",
            "| database | term | chars | matches | in-process p50 (ms) | in-process p95 (ms) | target in-process "
            "| HTTP p50 (ms) | HTTP p95 (ms) | target over HTTP |",
            "|---|---|---:|---:|---:|---:|---|---:|---:|---|",
        ]
        for r in results:
            sequential = {s["term"]: s for s in r.sequential}
            for t in r.inprocess:
                s = sequential.get(t["term"])
                count = f"{t['count']:,}" + ("" if t["exact"] else "+")
                lines.append(
                    f"| {r.database} | {t['term']} | {t['chars']} | {count} | {fmt_ms(t['p50_ms'])} "
                    f"| {fmt_ms(t['p95_ms'])} | {_met(t['p95_ms'] <= TARGET_SEARCH_P95_MS)} "
                    f"| {fmt_ms(s['p50_ms']) if s else '–'} | {fmt_ms(s['p95_ms']) if s else '–'} "
                    f"| {_met(s['p95_ms'] <= TARGET_SEARCH_P95_MS if s else None)} |"
                )
    return lines


def _load(results: list[DbResult], args: argparse.Namespace, mix: dict[str, float]) -> list[str]:
    runs = [(r.database, r.load) for r in results if r.load is not None]
    if not runs:
        return []
    shares = ", ".join(f"{k} {v:.0%}" for k, v in mix.items())
    api = "with the key" if args.load_api == "key" else "anonymous (XIEHUI_API_ANON_RATE=0)"
    lines = [
        "",
        f"## Mixed load: {args.load_connections} connections, {args.load_duration} s",
        "",
        f"`wrk -t2 -c{args.load_connections} -d{args.load_duration}s --timeout 10s`, 2,000 requests drawn (seeded) "
        f"and cycled: {shares}. Portal: `/organizations/` (half with `?q=` a search term) and "
        f"`/organizations/<uscc>/`, anonymous; API: lookup, `?q=` search and `/api/v1/events?limit=100` from "
        f"cursors spread over the feed, {api}. The anonymous API limit is off (XIEHUI_API_ANON_RATE=0): all "
        "of wrk's connections come from 127.0.0.1.",
        "",
        "| database | requests | req/s | non-2xx | socket errors | p50 (ms) | p99 (ms) | CPU server | CPU redis "
        "| CPU other | server CPU ms/request |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for db, w in runs:
        lines.append(
            f"| {db} | {w.requests:,} | {w.rps:,.0f} | {w.non_2xx:,} | {w.socket_errors or 'none'} "
            f"| {fmt_ms(w.p50_ms)} | {fmt_ms(w.p99_ms)} | {w.cpu_server:.2f} | {w.cpu_redis:.2f} | {w.cpu_other:.2f} "
            f"| {cpu_ms(w)} |"
        )
    lines.append("")
    for db, w in runs:
        if w.errors:
            lines.append(f"- {db}: the server logged {w.errors}")
    for r in results:
        if r.load_audit.get("total"):
            by = ", ".join(f"{k} ×{n:,}" for k, n in sorted(r.load_audit["by_status"].items()))
            total, expected = r.load_audit["total"], r.load.requests * r.load_keyed_share if r.load else 0
            lines.append(
                f"- {r.database}: the load key's query audit after the run: {total:,} rows ({by}); the mix's keyed "
                f"share ({r.load_keyed_share:.0%}) of the completed requests is {expected:,.0f}, and up to "
                f"{args.load_connections} more were in flight when wrk stopped"
            )
    kinds = [(r.database, k) for r in results for k in r.load_kinds]
    if kinds:
        lines += [
            "",
            "Each kind alone before the run, one request at a time (up to 30 of the mix's own requests), for what "
            "the mix is made of:",
            "",
            "| database | kind | requests | p50 (ms) | p95 (ms) |",
            "|---|---|---:|---:|---:|",
        ]
        for db, k in kinds:
            lines.append(f"| {db} | {k['kind']} | {k['n']} | {fmt_ms(k['p50_ms'])} | {fmt_ms(k['p95_ms'])} |")
    lines += [
        "",
        "Memory of each granian worker (RSS from /proc/<pid>/stat, sampled every 0.5 s during the run):",
        "",
        "| database | worker | at start (MB) | peak (MB) | at end (MB) |",
        "|---|---|---:|---:|---:|",
    ]
    for db, w in runs:
        for worker, (first, peak, last) in w.rss_kb.items():
            lines.append(f"| {db} | {worker} | {first / 1024:.0f} | {peak / 1024:.0f} | {last / 1024:.0f} |")
    return lines


def report(
    results: list[DbResult], args: argparse.Namespace, m: dict[str, str], mix: dict[str, float], took_s: float
) -> str:
    now = dt.datetime.now().astimezone()
    datasette = next((r.datasette_version for r in results if r.datasette_version), "")
    lines = [
        f"# Data-port benchmark, {now:%Y-%m-%d %H:%M %Z}",
        "",
        f"- Machine: {m['nproc']} cores, {m['cpu']}; {m['os']}",
        f"- Python {m['python']}, Django {m['django']}, granian {m['granian']}, SQLite {m['sqlite']}, "
        f"PostgreSQL {m['postgresql']}, Redis {m['redis']}, {m['wrk']}" + (f", {datasette}" if datasette else ""),
        (
            f"- Register: a kept run's database ({args.reuse}), rows as counted below"
            if args.reuse
            else f"- Register: {args.orgs:,} synthetic organisations (`xiehui synth --orgs {args.orgs}`)"
        ),
        f"- xiehui: `xiehui serve --workers {args.workers} --threads {args.threads} --no-worker` (granian), "
        f"XIEHUI_ENV=production, XIEHUI_REDIS_URL=redis://127.0.0.1:6379/{args.redis_db} (flushed first), "
        "XIEHUI_QUERY_AUDIT=journal, XIEHUI_API_ANON_RATE=0 (every wrk connection is 127.0.0.1), loopback",
        f"- Load: `wrk -t2 -c32 -d{args.duration}s --timeout 10s --latency` on the same machine, unless said "
        f"otherwise; lookups rotate through {args.usccs:,} USCCs drawn at random",
        f"- Sections: {', '.join(args.sections)}; the whole run took {took_s / 60:.1f} min",
        "",
        "## Preparation",
        "",
        "| database | rows | migrate (s) | synth (s) | organisations/s | ANALYZE (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate = f"{args.orgs / r.synth_s:,.0f}" if r.synth_s else "–"
        lines.append(f"| {r.version} | {r.orgs:,} | {r.migrate_s:.1f} | {r.synth_s:.1f} | {rate} | {r.analyze_s:.1f} |")
    if any(r.lookup for r in results):
        lines += [
            "",
            "## Lookup by USCC (32 connections)",
            "",
            "CPU columns: cores used during the run (from /proc) by the server (its process group and, on "
            "PostgreSQL, its backends), by Redis, by wrk, and by everything else on the machine; `other` well "
            "above 0 means other work competed for the cores and the figures understate what the server can do.",
            "",
            *WRK_HEAD,
        ]
        for r in results:
            lines += [_wrk_row(r.database, w) for w in r.lookup]
        for r in results:
            lines += _notes(r.database, r.lookup)
        lines += [
            "",
            "- xiehui with a key: `Authorization: Bearer <key>`, the key checked (cached in Redis), its rate and "
            "daily quota counted in Redis, one query-audit line per request in the worker's journal, imported by "
            "the workers every 10 s. The key's rate is the service's maximum, 1,000,000 a minute (about 16,700 "
            "req/s for a whole clock minute).",
            f"- Datasette: {args.workers} uvicorn workers over `Datasette(immutables=[copy])` (its SQL threads at "
            "the default, 3 per process), and `datasette serve -i` as shipped (one process); the canned query "
            "`/register/lookup.json?uscc=…&_shape=array&_json=industries` and the table API "
            "`/register/organizations.json?uscc=…&_shape=array&_json=industries`.",
            f"- bare: bench/bare_lookup.py on granian, {args.workers} workers × {args.threads} threads.",
        ]
        for r in results:
            if r.warmup:
                rounds = ", ".join(f"{x:,.0f}" for x in r.warmup)
                lines.append(f"- {r.database}: xiehui's warm-up, keyed lookups in 3-s rounds until steady: {rounds}")
        lines += [f"- {r.database}: {r.copy_note}" for r in results if r.copy_note]
        lines += [f"- {r.database}: {r.keys_note}" for r in results if r.keys_note]
        lines += _targets(results)
        lines += _audit(results)
    if any(r.search or r.inprocess for r in results):
        lines += ["", "## Name search"]
        lines += _search(results, args)
    lines += _load(results, args, mix)
    lines += ["", "## Correctness checks (before measuring)", ""]
    for r in results:
        lines += [f"- {r.database}: {c}" for c in r.checks]
    return "\n".join(lines) + "\n"
