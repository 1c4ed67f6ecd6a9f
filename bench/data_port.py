"""Data-port benchmark: the register API under wrk, on SQLite and PostgreSQL, against Datasette and a bare WSGI app.

    uv run python bench/data_port.py [--orgs N] [--database sqlite|postgres|both] [--duration 15]
                                     [--sections lookup,datasette,bare,load,search]

For each database it creates a fresh database, migrates it, fills it with `xiehui synth --orgs N` (timed),
draws 1,000 real USCCs (--usccs), computes the reference answers of 20 lookups in-process, and runs the sections asked
for (all by default). xiehui is served as production runs it: `xiehui serve --workers 2 --no-worker`
(granian) with XIEHUI_ENV=production, XIEHUI_REDIS_URL on a Redis database of its own (flushed first, so
the keys' limits are shared by the workers), XIEHUI_QUERY_AUDIT=journal into the run's temporary directory.
Load comes from `wrk -t2 --latency` on the same machine, 32 connections unless said otherwise.

- lookup: department keys issued through `dataport.services.key_issue` (scope registry, 1,000,000 a minute);
  GET /api/v1/organizations/{uscc} rotating the 1,000 USCCs, with `Authorization: Bearer <key>` (key
  check, rate limit, daily quota and query audit all on), and without a key for comparison. Afterwards
  `xiehui dataport flush` and the query audit's rows of the key are compared with wrk's completed requests.
- datasette: Datasette in its own virtualenv (bench/.venvs/datasette) serving a SQLite copy of the
  register's public columns: a canned query and the table API, by USCC, under uvicorn with as many
  workers as granian has, and as `datasette serve` runs it (one process).
- bare: bench/bare_lookup.py, the lookup's SQL with sqlite3/psycopg and json.dumps, on granian with the
  same workers and threads.
- load: 60 s at 100 connections mixing portal pages (the register list, an association's page) and API
  calls (lookup, search, events feed) with a key; RSS of each granian worker sampled from /proc.
- search: name search over HTTP (wrk), sequentially over HTTP, and the selector in-process, for 2-, 3-
  and 4-character terms, against the target (first page with its capped total, p95 ≤ 30 ms).

Every section checks its answers before measuring (against the in-process reference, SQL counts for the
searches). It prints figures only: nothing here asserts a time. A Markdown report goes to stdout and to
bench/results/data_port-<date>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from dataport_bench import inside, rivals
from dataport_bench.common import (
    PG,
    ROOT,
    RssSampler,
    Target,
    base_env,
    free_port,
    http_get,
    http_get_json,
    log,
    percentile,
    run,
    run_wrk,
    sequential_ms,
    start_server,
    stop_server,
    xiehui_cmd,
)
from dataport_bench.report import DbResult, report

RESULTS_DIR = ROOT / "bench" / "results"
SECTIONS = ("lookup", "datasette", "bare", "load", "search")
COUNT_CAP = inside.COUNT_CAP

# Search terms. The 2-character ones are the examples; the 3- and 4-character
# lists are words the synthetic names are made of (see registry/management/commands/synth.py).
TERMS_2 = {"建筑": "2 chars, moderately dense", "协会": "2 chars, dense"}
DEFAULT_TERMS_3 = ["建筑业", "联合会", "促进会"]
DEFAULT_TERMS_4 = ["建筑装饰", "电子商务", "机械工业"]

# The load run's mix (shares of requests): portal pages anonymous, API calls with a key.
LOAD_MIX = {"portal list": 0.15, "portal page": 0.25, "API lookup": 0.35, "API search": 0.15, "API events": 0.10}
KEY_RATE, KEY_QUOTA = 1_000_000, 100_000_000  # per minute, per day: the service's maximums


def search_path(term: str) -> str:
    return "/api/v1/organizations?q=" + urllib.parse.quote(term)


def lookup_path(uscc: str) -> str:
    return f"/api/v1/organizations/{uscc}"


# --------------------------------------------------------------------------- preparation


def prepare(kind: str, args: argparse.Namespace, tmp: Path, dbname: str, result: DbResult) -> str:
    """A fresh database filled by synth; returns its URL."""
    if args.reuse:
        log(f"{kind}: reusing {args.reuse / 'bench.sqlite3'} (no migrate, no synth)")
        return f"sqlite:///{args.reuse / 'bench.sqlite3'}"
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        subprocess.run(["createdb", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], dbname], check=True)
        url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"
    log(f"{kind}: database {url}")
    env = base_env(url, tmp, production=False)
    result.migrate_s, _ = run(xiehui_cmd("migrate", "--no-input", "-v", "0"), env, "migrate")
    log(f"{kind}: migrated in {result.migrate_s:.1f} s; synth --orgs {args.orgs:,} …")
    result.synth_s, _ = run(xiehui_cmd("synth", "--orgs", str(args.orgs)), env, "synth")
    log(f"{kind}: synth took {result.synth_s:.1f} s ({args.orgs / result.synth_s:,.0f} organisations/s)")
    t0 = time.perf_counter()
    if kind == "postgres":
        # Fresh bulk-loaded tables have no statistics yet; autovacuum would catch up later.
        subprocess.run(["psql", "-h", PG["host"], "-U", PG["user"], "-d", dbname, "-qc", "VACUUM ANALYZE"], check=True)
    else:
        with sqlite3.connect(tmp / "bench.sqlite3") as db:
            db.execute("ANALYZE")
    result.analyze_s = time.perf_counter() - t0
    return url


def xiehui_env(url: str, tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    env = base_env(url, tmp, production=True)
    if subprocess.run([sys.executable, "-c", "import redis"], capture_output=True, check=False).returncode:
        raise SystemExit("redis-py is missing (XIEHUI_REDIS_URL needs it): run `make setup`")
    env.update(
        {
            "XIEHUI_REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "XIEHUI_QUERY_AUDIT": "journal",
            "XIEHUI_QUERY_AUDIT_DIR": str(tmp / "query-audit"),
            # wrk's every request comes from 127.0.0.1: the anonymous limit (600 a minute per address) would
            # refuse the anonymous runs after 600 requests. Keyed requests never consult it.
            "XIEHUI_API_ANON_RATE": "0",
        }
    )
    return env


def flush_redis(args: argparse.Namespace) -> None:
    """FLUSHDB of the run's own Redis database (never another one)."""
    with socket.create_connection(("127.0.0.1", 6379), timeout=10) as conn:
        conn.sendall(f"SELECT {args.redis_db}\r\nFLUSHDB\r\n".encode())
        answer = b""
        while answer.count(b"\r\n") < 2:
            chunk = conn.recv(1024)
            if not chunk:
                break
            answer += chunk
    if answer != b"+OK\r\n+OK\r\n":
        raise SystemExit(f"Redis: SELECT {args.redis_db} / FLUSHDB answered {answer!r}")


def audit_settle(env: dict[str, str], journal_dir: Path, prefixes: list[str], wait_s: float) -> dict[str, Any]:
    """`xiehui dataport flush` until no journal file is left (the workers rotate theirs every 10 s), then count."""
    deadline = time.monotonic() + wait_s
    while True:
        run(xiehui_cmd("dataport", "flush"), env, "xiehui dataport flush")
        pending = [p.name for p in journal_dir.glob("*.jsonl")] + [p.name for p in journal_dir.glob("*.ready")]
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(2)
    counts = inside.run_child(env, "audit", prefixes=prefixes)
    counts["pending_files"] = len(pending)
    return counts


# --------------------------------------------------------------------------- checks


def check_search(base: str, term: str, sql_count: int) -> str:
    status, body = http_get_json(base + search_path(term))
    if status != 200 or not isinstance(body, dict):
        raise SystemExit(f"search {term!r}: HTTP {status}: {body}")
    expected = (COUNT_CAP, False) if sql_count > COUNT_CAP else (sql_count, True)
    got = (body["count"], body["count_exact"])
    bad = [i["name"] for i in body["items"] if term not in i["name"]]
    if got != expected or bad or (sql_count and not body["items"]):
        raise SystemExit(f"search {term!r}: count {got}, expected {expected}; names without the term: {bad[:3]}")
    shown = f"{sql_count:,}" if sql_count <= COUNT_CAP else f">{COUNT_CAP:,}"
    return f"q={term}: count {body['count']:,} (exact={body['count_exact']}) = SQL LIKE {shown}; first page all match"


def check_lookups(base: str, reference: dict[str, dict], secret: str) -> list[str]:
    bearer = {"Authorization": f"Bearer {secret}"}
    for headers, who in (({}, "anonymous"), (bearer, "keyed")):
        for uscc, expected in reference.items():
            status, body = http_get_json(base + lookup_path(uscc), headers=headers)
            if status != 200 or body != expected:
                raise SystemExit(f"{who} lookup {uscc}: HTTP {status}: {str(body)[:300]}")
    status, _ = http_get_json(base + lookup_path("511100000000000000"))
    if status != 404:
        raise SystemExit(f"lookup of an unknown USCC answered {status}, expected 404")
    status, _ = http_get_json(base + lookup_path(next(iter(reference))), headers={"Authorization": "Bearer xhk_0_x"})
    if status != 401:
        raise SystemExit(f"lookup with a made-up key answered {status}, expected 401")
    return [
        f"lookup: {len(reference)} sampled USCCs answer 200 with the in-process answer, anonymous and with a key; "
        "an unknown USCC answers 404, a made-up key 401"
    ]


def check_portal(base: str, usccs: list[str], names: dict[str, str], secret: str, cursors: list[str]) -> str:
    status, body = http_get(base + "/organizations/")
    if status != 200:
        raise SystemExit(f"portal list answered {status}")
    for uscc in usccs[:5]:
        status, body = http_get(base + f"/organizations/{uscc}/")
        if status != 200 or (uscc in names and names[uscc].encode() not in body):
            raise SystemExit(f"portal page of {uscc} answered {status} (or without the name)")
    status, page = http_get_json(base + "/api/v1/events?limit=100", headers={"Authorization": f"Bearer {secret}"})
    if status != 200 or not isinstance(page, dict) or not page.get("items"):
        raise SystemExit(f"events feed answered {status}: {str(page)[:200]}")
    return (
        f"portal: the register list and 5 associations' pages answer 200 (with the name); the events feed answers "
        f"200 with a key ({len(cursors)} cursors spread over the feed for the load)"
    )


# --------------------------------------------------------------------------- xiehui


def xiehui_sections(
    kind: str, url: str, dbname: str, tmp: Path, args: argparse.Namespace, info: dict, result: DbResult
) -> None:
    sections = args.sections
    env = xiehui_env(url, tmp, args)
    systems = ["基准测试·预热", "基准测试·查询", "基准测试·混合负载"]
    issued = inside.run_child(env, "keys", systems=systems, rate_per_minute=KEY_RATE, daily_quota=KEY_QUOTA)
    warm, lookup_key, load_key = (issued["keys"][s] for s in systems)
    result.keys_note = (
        f"keys issued by administrator `{issued['admin']}` to {issued['department']} (scope registry, "
        f"{KEY_RATE:,}/minute, {KEY_QUOTA:,}/day, expiring in 365 days)"
    )
    flush_redis(args)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = xiehui_cmd("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers))
    serve += ["--threads", str(args.threads), "--no-worker"]
    logfile = tmp / "server.log"
    server = start_server(serve, env, logfile, base + "/healthz", what="xiehui serve")
    target = Target(base, server.pid, dbname if kind == "postgres" else "", logfile)
    try:
        log(f"{kind}: xiehui serving on {base}; checking answers …")
        result.checks += check_lookups(base, info["reference"], warm["secret"])
        terms = list(TERMS_2) + args.terms3 + args.terms4
        if "search" in sections:
            result.checks += [check_search(base, t, info["sql_counts"][t]) for t in terms]
        names = {u: r["name"] for u, r in info["reference"].items()}
        if "load" in sections:
            result.checks.append(check_portal(base, list(names), names, warm["secret"], info["feed_cursors"]))
        for line in result.checks:
            log(f"  ok  {line}")

        lookups = [(lookup_path(u), True) for u in info["usccs"]]
        result.warmup = warm_up(kind, target, lookups, tmp, args, warm["secret"])
        if "lookup" in sections:
            lookup_section(kind, env, target, tmp, args, info, lookup_key, result)
        if "search" in sections:
            search_section(kind, target, tmp, args, info, result)
        if "load" in sections:
            load_section(kind, target, tmp, args, info, load_key, warm, result)
    finally:
        stop_server(server)
    after = audit_settle(env, tmp / "query-audit", [lookup_key["prefix"], load_key["prefix"]], wait_s=5)
    if "lookup" in sections:
        result.audit["after_stop"] = after[lookup_key["prefix"]]["total"]
    if "load" in sections:
        result.load_audit = after[load_key["prefix"]]


def warm_up(
    kind: str, target: Target, lookups: list[tuple[str, bool]], tmp: Path, args: argparse.Namespace, secret: str
) -> list[float]:
    """Keyed lookups in 3-s rounds until the rate is steady: the req/s of each round.

    The first seconds after a start are slow (each thread's connections, per-process caches, and each worker's
    held answers of the lookup, dataport/fastlane.py, filling up). Rounds go on until every USCC has been asked
    about 4 times per worker and a round is within 10% of the one before, at most 10 rounds.
    """
    rates, total = [], 0
    log(f"{kind}: warm-up (keyed lookups in 3-s rounds until steady) …")
    for _ in range(10):
        r = run_wrk(target, "warm-up", lookups, duration=3, tmp=tmp, secret=secret)
        rates.append(r.rps)
        total += r.requests
        steady = len(rates) > 1 and abs(rates[-1] - rates[-2]) <= 0.1 * rates[-2]
        if steady and total >= 4 * len(lookups) * args.workers:
            break
    return rates


def lookup_section(
    kind: str,
    env: dict[str, str],
    target: Target,
    tmp: Path,
    args: argparse.Namespace,
    info: dict,
    key: dict[str, str],
    result: DbResult,
) -> None:
    anonymous = [(lookup_path(u), False) for u in info["usccs"]]
    keyed = [(lookup_path(u), True) for u in info["usccs"]]
    log(f"{kind}: wrk {args.duration}s  xiehui lookup with a key (auth, rate limit, query audit)")
    measured = run_wrk(target, "xiehui, department key", keyed, duration=args.duration, tmp=tmp, secret=key["secret"])
    result.lookup.append(measured)
    result.keyed = measured
    log(f"{kind}: query audit: waiting for the workers' journals, then `xiehui dataport flush` …")
    counts = audit_settle(env, tmp / "query-audit", [key["prefix"]], wait_s=60)
    mine = counts[key["prefix"]]
    result.audit.update(
        {"wrk_completed": measured.requests, "records": mine["total"], "by_status": mine["by_status"]}
        | {"pending_files": counts["pending_files"]}
    )
    diff = mine["total"] - measured.requests
    log(
        f"      audit: {mine['total']:,} records for {measured.requests:,} completed requests (difference {diff:+,}); "
        f"by status: {mine['by_status']}"
    )
    log(f"{kind}: wrk {args.duration}s  xiehui lookup, anonymous (for the cost of the key's path)")
    result.lookup.append(run_wrk(target, "xiehui, anonymous (no key)", anonymous, duration=args.duration, tmp=tmp))


def search_section(
    kind: str, target: Target, tmp: Path, args: argparse.Namespace, info: dict, result: DbResult
) -> None:
    plan = [(f"search q={t} ({desc})", [t]) for t, desc in TERMS_2.items()]
    plan.append((f"search, 3 chars ({'/'.join(args.terms3)})", args.terms3))
    plan.append((f"search, 4 chars ({'/'.join(args.terms4)})", args.terms4))
    for label, terms in plan:
        log(f"{kind}: wrk {args.duration}s  {label}")
        paths = [(search_path(t), False) for t in terms]
        result.search.append(run_wrk(target, label, paths, duration=args.duration, tmp=tmp))
    log(f"{kind}: sequential HTTP search (one client, up to {args.iterations} requests per term) …")
    for term in list(TERMS_2) + args.terms3 + args.terms4:
        samples = sequential_ms(target.base, [search_path(term)], count=args.iterations, budget_s=args.budget)
        result.sequential.append(
            {
                "term": term,
                "chars": len(term),
                "n": len(samples),
                "p50_ms": percentile(samples, 0.5),
                "p95_ms": percentile(samples, 0.95),
                "max_ms": max(samples),
            }
        )


def load_mix(info: dict, terms: list[str], size: int = 2000) -> list[tuple[str, str, bool]]:
    """`size` requests (kind, path, keyed) drawn (seeded) by LOAD_MIX's shares; API calls carry the key."""
    rng = random.Random(6)
    usccs, cursors = info["usccs"], info["feed_cursors"]
    make = {
        "portal list": lambda: (
            "/organizations/" if rng.random() < 0.5 else "/organizations/?q=" + urllib.parse.quote(rng.choice(terms)),
            False,
        ),
        "portal page": lambda: (f"/organizations/{rng.choice(usccs)}/", False),
        "API lookup": lambda: (lookup_path(rng.choice(usccs)), True),
        "API search": lambda: (search_path(rng.choice(terms)), True),
        "API events": lambda: (
            "/api/v1/events?limit=100" + (f"&since={c}" if (c := rng.choice(cursors)) else ""),
            True,
        ),
    }
    kinds = rng.choices(list(LOAD_MIX), weights=list(LOAD_MIX.values()), k=size)
    return [(k, *make[k]()) for k in kinds]


def load_section(
    kind: str,
    target: Target,
    tmp: Path,
    args: argparse.Namespace,
    info: dict,
    key: dict[str, str],
    probe_key: dict[str, str],
    result: DbResult,
) -> None:
    """The mixed load with `key` on its API calls (`probe_key` for the kinds timed alone, so the audit of `key`
    holds the load run's requests only)."""
    terms = list(TERMS_2) + args.terms3 + args.terms4
    drawn = load_mix(info, terms)
    if args.load_api == "anonymous":
        drawn = [(kind, path, False) for kind, path, _ in drawn]
    # What each kind costs alone, one request at a time: explains the mix's figures.
    bearer = {"Authorization": f"Bearer {probe_key['secret']}"}
    for kind_name in LOAD_MIX:
        mine = [(path, keyed) for k, path, keyed in drawn if k == kind_name][:30]
        samples = []
        for path, keyed in mine:
            samples += sequential_ms(target.base, [path], count=1, budget_s=60, headers=bearer if keyed else None)
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        result.load_kinds.append({"kind": kind_name, "n": len(samples), "p50_ms": p50, "p95_ms": p95})
        log(f"      alone, one client: {kind_name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(samples)} requests)")
    mix = [(path, keyed) for _, path, keyed in drawn]
    result.load_keyed_share = sum(keyed for _, keyed in mix) / len(mix)
    label = f"mixed load, {args.load_connections} connections, {args.load_duration} s"
    log(f"{kind}: wrk {args.load_duration}s -c{args.load_connections}  {label}")
    result.load = run_wrk(
        target,
        label,
        mix,
        duration=args.load_duration,
        tmp=tmp,
        connections=args.load_connections,
        secret=key["secret"],
        sampler=lambda: RssSampler(target.pgid),
    )
    for worker, (first, peak, last) in result.load.rss_kb.items():
        mb = f"{first / 1024:.0f} MB at start, peak {peak / 1024:.0f} MB, {last / 1024:.0f} MB at end"
        log(f"      {worker}: RSS {mb}")


# --------------------------------------------------------------------------- rivals


def bare_section(url: str, kind: str, dbname: str, tmp: Path, args: argparse.Namespace, info: dict, result: DbResult):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd, env = rivals.bare_command(url, port, args.workers, args.threads)
    first = info["usccs"][0]
    logfile = tmp / "bare.log"
    server = start_server(cmd, env, logfile, f"{base}/organizations/{first}", cwd=ROOT, what="bare WSGI app")
    target = Target(base, server.pid, dbname if kind == "postgres" else "", logfile)
    try:
        for uscc, expected in info["reference"].items():
            status, body = http_get_json(f"{base}/organizations/{uscc}")
            if status != 200 or not isinstance(body, dict) or rivals.same_record(body, expected):
                differs = rivals.same_record(body, expected) if isinstance(body, dict) else body
                raise SystemExit(f"bare lookup {uscc}: HTTP {status}; differs from xiehui in {differs}")
        result.checks.append(f"bare: {len(info['reference'])} lookups answer exactly what xiehui answers")
        paths = [(f"/organizations/{u}", False) for u in info["usccs"]]
        run_wrk(target, "warm-up", paths, duration=2, tmp=tmp)
        log(f"{kind}: wrk {args.duration}s  bare WSGI lookup")
        result.lookup.append(run_wrk(target, "bare WSGI (granian, same SQL)", paths, duration=args.duration, tmp=tmp))
    finally:
        stop_server(server)


def datasette_section(url: str, kind: str, tmp: Path, args: argparse.Namespace, info: dict, result: DbResult):
    python = rivals.datasette_venv()
    result.datasette_version = rivals.datasette_version(python)
    copy = tmp / f"{rivals.DATASETTE_DB_NAME}.sqlite"
    log(f"{kind}: copying the register's public columns to {copy.name} for Datasette …")
    rows, took = rivals.build_copy(url, copy)
    result.copy_note = f"{rows:,} rows copied to SQLite in {took:.1f} s ({copy.stat().st_size / 2**20:,.0f} MB)"
    log(f"      {result.copy_note}")
    metadata = rivals.datasette_metadata(tmp / "datasette-metadata.json")
    plan = [(args.workers, "canned"), (args.workers, "table"), (1, "canned")]
    for workers in dict.fromkeys(w for w, _ in plan):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd, env = rivals.datasette_command(python, copy, metadata, port, workers)
        logfile = tmp / f"datasette-{workers}.log"
        server = start_server(cmd, env, logfile, base + "/-/versions.json", what="datasette")
        target = Target(base, server.pid, "", logfile)
        try:
            for view in [v for w, v in plan if w == workers]:
                check_datasette(base, view, info["reference"])
                paths = [(p, False) for p in rivals.datasette_paths(info["usccs"], view)]
                how = f"uvicorn --workers {workers}" if workers > 1 else "`datasette serve`, 1 process"
                label = f"Datasette, {'canned query' if view == 'canned' else 'table API'} ({how})"
                run_wrk(target, "warm-up", paths, duration=2, tmp=tmp)
                log(f"{kind}: wrk {args.duration}s  {label}")
                result.lookup.append(run_wrk(target, label, paths, duration=args.duration, tmp=tmp))
        finally:
            stop_server(server)
    result.checks.append(
        f"datasette: {len(info['reference'])} lookups (canned query and table API) answer the fields xiehui answers"
    )


def check_datasette(base: str, view: str, reference: dict[str, dict]) -> None:
    for uscc, expected in reference.items():
        path = rivals.datasette_paths([uscc], view)[0]
        status, body = http_get_json(base + path)
        row = body[0] if status == 200 and isinstance(body, list) and len(body) == 1 else None
        if row is None:
            raise SystemExit(f"datasette {view} {uscc}: HTTP {status}: {str(body)[:300]}")
        row.pop("id", None)
        if rivals.same_record(row, expected):
            raise SystemExit(f"datasette {view} {uscc}: differs from xiehui in {rivals.same_record(row, expected)}")


# --------------------------------------------------------------------------- one database


def bench_database(kind: str, args: argparse.Namespace) -> DbResult:
    result = DbResult(database=kind)
    tmp = args.reuse or Path(tempfile.mkdtemp(prefix=f"xiehui-bench-{kind}-"))
    dbname = f"xiehui_bench_{os.getpid()}"
    try:
        url = prepare(kind, args, tmp, dbname, result)
        terms = list(TERMS_2) + args.terms3 + args.terms4
        iterations = args.iterations if "search" in args.sections else 0
        log(f"{kind}: sampling USCCs and reference answers" + (", timing the search selector …" if iterations else ""))
        info = inside.run_child(
            base_env(url, tmp, production=False),
            "probe",
            terms=terms,
            iterations=iterations,
            budget_s=args.budget,
            sample=args.usccs,
            feed_pages=20,
        )
        result.version, result.orgs, result.inprocess = info["version"], info["orgs"], info["inprocess"]
        for t in info["inprocess"]:
            if not t["first_page_ok"]:
                raise SystemExit(f"in-process search for {t['term']!r}: a name without the term, or no first page")
            if t["count"] == 0:
                log(f"warning: {t['term']!r} matches nothing in the synthetic register")
        if set(args.sections) & {"lookup", "search", "load"}:
            xiehui_sections(kind, url, dbname, tmp, args, info, result)
        if "bare" in args.sections:
            bare_section(url, kind, dbname, tmp, args, info, result)
        if "datasette" in args.sections:
            datasette_section(url, kind, tmp, args, info, result)
        return result
    finally:
        if kind == "postgres":
            subprocess.run(
                ["dropdb", "--if-exists", "--force", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], dbname],
                check=False,
            )
        if args.keep or args.reuse:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated, of {','.join(SECTIONS)}")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run (32 connections)")
    parser.add_argument("--load-duration", type=int, default=60, help="seconds of the mixed load run")
    parser.add_argument("--load-connections", type=int, default=100)
    parser.add_argument(
        "--load-api", choices=["key", "anonymous"], default="key", help="API calls of the load run with a key or not"
    )
    parser.add_argument(
        "--usccs", type=int, default=1000, help="USCCs the lookups rotate through (more than wrk sends: cold answers)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (xiehui, bare, Datasette)")
    parser.add_argument("--threads", type=int, default=8, help="granian threads per worker (xiehui serve's default)")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database for the run (flushed; not 0)")
    parser.add_argument("--iterations", type=int, default=200, help="search timings per term (in-process, HTTP)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per term before stopping early")
    parser.add_argument("--terms3", default=",".join(DEFAULT_TERMS_3), help="comma-separated 3-character terms")
    parser.add_argument("--terms4", default=",".join(DEFAULT_TERMS_4), help="comma-separated 4-character terms")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--reuse", type=Path, default=None, help="SQLite only: the directory a --keep run left (skips migrate, synth)"
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--child-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sections = [s for s in args.sections.split(",") if s]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.reuse and (args.database != "sqlite" or not (args.reuse / "bench.sqlite3").exists()):
        parser.error("--reuse needs --database sqlite and a directory holding bench.sqlite3")
    if args.redis_db == 0:
        parser.error("--redis-db 0 is the development default: choose another database")
    args.terms3 = [t for t in args.terms3.split(",") if t]
    args.terms4 = [t for t in args.terms4.split(",") if t]
    for t in args.terms3 + args.terms4:
        if len(t) not in (3, 4):
            parser.error(f"term {t!r} is not 3 or 4 characters")
    return args


def main() -> None:
    args = parse_args()
    if args.child:
        inside.main(args.child, args.child_args)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    from dataport_bench.report import machine

    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    m = machine()
    started = time.perf_counter()
    results = [bench_database(kind, args) for kind in kinds]
    text = report(results, args, m, LOAD_MIX, time.perf_counter() - started)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"data_port-{dt.date.today():%Y-%m-%d}.md"
    out.write_text(text, encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
