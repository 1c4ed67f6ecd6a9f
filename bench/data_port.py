"""Data-port benchmark: the public register API under wrk, on SQLite and PostgreSQL.

    uv run python bench/data_port.py [--orgs N] [--database sqlite|postgres|both] [--duration 15]

For each database it creates a fresh database, migrates it, fills it with
`xiehui synth --orgs N` (timed), serves it with `xiehui serve` (granian, 2
workers, XIEHUI_ENV=production) on a free loopback port and measures with
`wrk -t2 -c32 --latency`:

- lookup:  GET /api/v1/organizations/{uscc}, 1,000 real USCCs in rotation;
- search:  GET /api/v1/organizations?q=... for a 2-character moderately dense
  term (建筑), a dense one (协会), 3-character and 4-character terms.

Before measuring it checks that the answers are right (a search's count equals a
direct SQL `name LIKE '%term%'` count capped at 10,000, every returned name
contains the term; a lookup returns the USCC asked for). It also times the name
search selector in-process (organization_search + capped_count + first page),
sequentially, 200 iterations per term, and reports p50/p95.

It prints figures only: nothing here asserts a time. A Markdown table goes to
stdout and to bench/results/data_port-<date>.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
COUNT_CAP = 10_000
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}

# Search terms. The 2-character ones are the examples; the 3- and 4-character
# lists are words the synthetic names are made of (see registry/management/commands/synth.py).
TERMS_2 = {"建筑": "2 chars, moderately dense", "协会": "2 chars, dense"}
DEFAULT_TERMS_3 = ["建筑业", "联合会", "促进会"]
DEFAULT_TERMS_4 = ["建筑装饰", "电子商务", "机械工业"]

# Secrets for the throwaway server: generated per run, never reused.
SECRET_KEY = base64.urlsafe_b64encode(os.urandom(48)).decode()
PII_KEY = base64.b64encode(os.urandom(32)).decode()


# --------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def xiehui_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "xiehui", *args]


def base_env(database_url: str, var_dir: Path, *, production: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "XIEHUI_VAR_DIR": str(var_dir),
            "XIEHUI_SECRET_KEY": SECRET_KEY,
            "XIEHUI_PII_KEY": PII_KEY,
            "XIEHUI_DEBUG": "0",
            "XIEHUI_LOG_LEVEL": "WARNING",  # django.request logs each 4xx/5xx: explains non-2xx
            "PYTHONUNBUFFERED": "1",
        }
    )
    if production:
        env.update({"XIEHUI_ENV": "production", "XIEHUI_ALLOWED_HOSTS": "127.0.0.1", "XIEHUI_SSL_REDIRECT": "0"})
    else:
        env["XIEHUI_ENV"] = "development"
    return env


def run(cmd: list[str], env: dict[str, str], what: str) -> float:
    """Run a command to completion; returns its wall time in seconds."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {proc.returncode})")
    return took


def http_get_json(url: str, timeout: float = 30) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def fmt_ms(v: float | None) -> str:
    return "–" if v is None else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")


# --------------------------------------------------------------------------- results


@dataclass
class WrkResult:
    label: str
    path_example: str
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    non_2xx: int
    socket_errors: str
    cpu_server: float = 0.0  # cores used by the server (and its PostgreSQL backends) during the run
    cpu_wrk: float = 0.0  # cores used by wrk
    cpu_other: float = 0.0  # cores used by everything else on the machine (other work competing)
    errors: str = ""  # what the server logged for the non-2xx answers


@dataclass
class DbResult:
    database: str
    version: str = ""
    orgs: int = 0
    synth_s: float = 0.0
    migrate_s: float = 0.0
    checks: list[str] = field(default_factory=list)
    wrk: list[WrkResult] = field(default_factory=list)
    inprocess: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------- in-process probe
# Runs in a child process (Django is configured once per process, from DATABASE_URL).


def probe(terms: list[str], iterations: int, sample: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
    import django

    django.setup()
    from django.db import connection

    from xiehui.registry import selectors
    from xiehui.registry.models import Organization

    out: dict = {"vendor": connection.vendor}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            out["version"] = "PostgreSQL " + cur.fetchone()[0]
            random_order = "random()"
        else:
            cur.execute("SELECT sqlite_version()")
            out["version"] = "SQLite " + cur.fetchone()[0]
            random_order = "random()"
        table = Organization._meta.db_table
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        out["orgs"] = cur.fetchone()[0]
        cur.execute(f"SELECT uscc FROM {table} ORDER BY {random_order} LIMIT %s", [sample])
        out["usccs"] = [r[0] for r in cur.fetchall()]
        counts = {}
        for term in terms:
            cur.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE name LIKE %s LIMIT %s) t",
                ["%" + term + "%", COUNT_CAP + 1],
            )
            counts[term] = cur.fetchone()[0]
        out["sql_counts"] = counts

    timings = []
    for term in terms:
        filters = selectors.OrganizationFilters(q=term)

        def once(filters: selectors.OrganizationFilters = filters) -> tuple[int, bool, list]:
            qs = selectors.organization_search(actor=None, filters=filters)
            count, exact = selectors.capped_count(qs)
            return count, exact, list(qs[:20])

        count, exact, first = once()  # warm-up, and the answer to check
        samples = []
        for _ in range(iterations):
            t0 = time.perf_counter()
            once()
            samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        timings.append(
            {
                "term": term,
                "chars": len(term),
                "count": count,
                "exact": exact,
                "first_page_ok": all(term in o.name for o in first),
                "p50_ms": statistics.median(samples),
                "p95_ms": samples[int(0.95 * len(samples)) - 1],
                "max_ms": samples[-1],
            }
        )
    out["inprocess"] = timings
    print("PROBE-JSON " + json.dumps(out, ensure_ascii=False))


def run_probe(env: dict[str, str], terms: list[str], iterations: int) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--probe",
        "--iterations",
        str(iterations),
        "--terms",
        ",".join(terms),
    ]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit("in-process probe failed")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("PROBE-JSON "))
    return json.loads(line.removeprefix("PROBE-JSON "))


# --------------------------------------------------------------------------- wrk

LUA = """
local paths = {%s}
local n = #paths
local i = 0
local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
init = function(args)
  -- each thread starts at its own place in the list
  i = ((tid or 0) * math.floor(n / 2)) %% n
end
request = function()
  i = (i %% n) + 1
  return wrk.format("GET", paths[i])
end
"""


def lua_script(paths: list[str], where: Path) -> Path:
    body = LUA % ", ".join(json.dumps(p) for p in paths)
    where.write_text(body, encoding="utf-8")
    return where


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(value)
    num, unit = float(m.group(1)), m.group(2)
    return num * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def server_errors(logfile: Path, offset: int) -> tuple[str, int]:
    """What django.request logged since `offset` (e.g. 'Internal Server Error ×3'), and the new offset."""
    with logfile.open("rb") as fh:
        fh.seek(offset)
        chunk = fh.read().decode("utf-8", "replace")
        end = fh.tell()
    kinds: dict[str, int] = {}
    for line in chunk.splitlines():
        m = re.match(
            r"(Internal Server Error|Service Unavailable|Not Found|Bad Request|Forbidden|Unauthorized"
            r"|Too Many Requests|Unprocessable Content|Unprocessable Entity|Gateway Timeout): ",
            line,
        )
        if m:
            kinds[m.group(1)] = kinds.get(m.group(1), 0) + 1
        elif re.match(r"\w*(Error|Exception)\b", line):
            kinds[line[:120]] = kinds.get(line[:120], 0) + 1
    return "; ".join(f"{k} ×{n}" for k, n in kinds.items()), end


TICK = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds spent busy by the whole machine (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK


def tree_seconds(pgid: int, dbname: str) -> float:
    """CPU seconds of the server's process group and of PostgreSQL backends serving `dbname`.

    A backend's parallel query workers name the leader's pid, not the database: they count too.
    """
    procs: dict[int, tuple[int, str, int]] = {}  # pid -> (pgid, cmdline, ticks)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            rest = stat[stat.rindex(")") + 2 :].split()
            cmdline = Path(entry.path, "cmdline").read_text(errors="replace") if dbname else ""
            procs[int(entry.name)] = (int(rest[2]), cmdline, int(rest[11]) + int(rest[12]))
        except (OSError, ValueError, IndexError):
            continue
    backends = {pid for pid, (_, cmd, _) in procs.items() if dbname and dbname in cmd}
    total = 0
    for pid, (group, cmd, ticks) in procs.items():
        leader = re.search(r"parallel worker for PID (\d+)", cmd)
        if group == pgid or pid in backends or (leader and int(leader.group(1)) in backends):
            total += ticks
    return total / TICK


def run_wrk(
    base: str, label: str, paths: list[str], duration: int, tmp: Path, pgid: int = 0, dbname: str = ""
) -> WrkResult:
    import resource

    busy0, tree0 = busy_seconds(), tree_seconds(pgid, dbname) if pgid else 0.0
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    script = lua_script(paths, tmp / f"wrk-{abs(hash(label))}.lua")
    # --timeout 10s: wrk's default (2 s) drops slower answers from the latency figures, hiding a slow p99.
    cmd = ["wrk", "-t2", "-c32", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(script), base + paths[0]]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, tree1 = busy_seconds(), tree_seconds(pgid, dbname) if pgid else 0.0
    cpu_wrk = (child1.ru_utime + child1.ru_stime - child0.ru_utime - child0.ru_stime) / wall
    cpu_server = (tree1 - tree0) / wall
    cpu_other = max(0.0, (busy1 - busy0) / wall - cpu_wrk - cpu_server)
    out = proc.stdout
    if proc.returncode != 0 or "Requests/sec" not in out:
        sys.stderr.write(out + proc.stderr)
        raise SystemExit(f"wrk failed for {label}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # wrk leaves timed-out requests out of its latency figures: with every request timed out
    # they read 0, which is shown as "–" (see the socket errors note under the table).
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)) or None
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)) or None
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx_m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock_m = re.search(r"Socket errors:\s+(.*)", out)
    return WrkResult(
        label=label,
        path_example=urllib.parse.unquote(paths[0]),
        rps=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=total,
        non_2xx=int(non2xx_m.group(1)) if non2xx_m else 0,
        socket_errors=sock_m.group(1).strip() if sock_m else "",
        cpu_server=cpu_server,
        cpu_wrk=cpu_wrk,
        cpu_other=cpu_other,
    )


# --------------------------------------------------------------------------- one database


def search_path(term: str) -> str:
    return "/api/v1/organizations?q=" + urllib.parse.quote(term)


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


def check_lookups(base: str, usccs: list[str]) -> str:
    for uscc in usccs[:20]:
        status, body = http_get_json(base + f"/api/v1/organizations/{uscc}")
        if status != 200 or not isinstance(body, dict) or body.get("uscc") != uscc:
            raise SystemExit(f"lookup {uscc}: HTTP {status}: {str(body)[:200]}")
    status, _ = http_get_json(base + "/api/v1/organizations/511100000000000000")
    if status != 404:
        raise SystemExit(f"lookup of an unknown USCC answered {status}, expected 404")
    return "lookup: 20 sampled USCCs answer 200 with the same USCC; an unknown one answers 404"


def start_server(env: dict[str, str], port: int, logfile: Path) -> subprocess.Popen:
    cmd = xiehui_cmd("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-worker")
    fh = logfile.open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}):\n{logfile.read_text()[-3000:]}")
        try:
            status, _ = http_get_json(f"http://127.0.0.1:{port}/healthz", timeout=2)
            if status == 200:
                return proc
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"server did not answer /healthz within 90 s:\n{logfile.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    # The server runs in its own session: signal its process group (granian and its workers).
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def bench_database(kind: str, args: argparse.Namespace, terms3: list[str], terms4: list[str]) -> DbResult:
    result = DbResult(database=kind)
    tmp = Path(tempfile.mkdtemp(prefix=f"xiehui-bench-{kind}-"))
    dbname = f"xiehui_bench_{os.getpid()}"
    server = None
    try:
        if kind == "sqlite":
            url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        else:
            subprocess.run(["createdb", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], dbname], check=True)
            url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"
        log(f"{kind}: database {url}")
        env = base_env(url, tmp, production=False)
        result.migrate_s = run(xiehui_cmd("migrate", "--no-input", "-v", "0"), env, "migrate")
        log(f"{kind}: migrated in {result.migrate_s:.1f} s; synth --orgs {args.orgs} …")
        result.synth_s = run(xiehui_cmd("synth", "--orgs", str(args.orgs)), env, "synth")
        log(f"{kind}: synth took {result.synth_s:.1f} s")
        if kind == "postgres":
            # Fresh bulk-loaded tables have no statistics yet; autovacuum would catch up later.
            subprocess.run(
                ["psql", "-h", PG["host"], "-U", PG["user"], "-d", dbname, "-qc", "VACUUM ANALYZE"], check=True
            )
        else:
            import sqlite3

            with sqlite3.connect(tmp / "bench.sqlite3") as db:
                db.execute("ANALYZE")

        terms = list(TERMS_2) + terms3 + terms4
        log(f"{kind}: in-process search probe ({args.iterations} iterations per term) …")
        info = run_probe(env, terms, args.iterations)
        result.version, result.orgs, result.inprocess = info["version"], info["orgs"], info["inprocess"]
        for t in info["inprocess"]:
            if not t["first_page_ok"]:
                raise SystemExit(f"in-process search for {t['term']!r} returned a name without the term")
            if t["count"] == 0:
                log(f"warning: {t['term']!r} matches nothing in the synthetic register")

        port = free_port()
        server = start_server(base_env(url, tmp, production=True), port, tmp / "server.log")
        base = f"http://127.0.0.1:{port}"
        log(f"{kind}: serving on {base}; checking answers …")
        result.checks.append(check_lookups(base, info["usccs"]))
        for term in terms:
            result.checks.append(check_search(base, term, info["sql_counts"][term]))
        for line in result.checks:
            log(f"  ok  {line}")

        lookups = [f"/api/v1/organizations/{u}" for u in info["usccs"]]
        plan = [("lookup by USCC (1,000 rows)", lookups)]
        plan += [(f"search q={t} ({desc})", [search_path(t)]) for t, desc in TERMS_2.items()]
        plan.append((f"search, 3 chars ({'/'.join(terms3)})", [search_path(t) for t in terms3]))
        plan.append((f"search, 4 chars ({'/'.join(terms4)})", [search_path(t) for t in terms4]))
        # A short warm-up so both workers have connections and warm caches.
        run_wrk(base, "warm-up", lookups, 2, tmp)
        _, offset = server_errors(tmp / "server.log", 0)
        for label, paths in plan:
            log(f"{kind}: wrk {args.duration}s  {label}")
            r = run_wrk(base, label, paths, args.duration, tmp, server.pid, dbname if kind == "postgres" else "")
            r.errors, offset = server_errors(tmp / "server.log", offset)
            extra = (f"  non-2xx {r.non_2xx}" if r.non_2xx else "") + (
                f"  socket errors: {r.socket_errors}" if r.socket_errors else ""
            )
            extra += f"  server logged: {r.errors}" if r.errors else ""
            log(
                f"      {r.rps:,.0f} req/s  p50 {fmt_ms(r.p50_ms)} ms  p99 {fmt_ms(r.p99_ms)} ms{extra}"
                f"  [CPU cores: server {r.cpu_server:.2f}, wrk {r.cpu_wrk:.2f}, other {r.cpu_other:.2f}]"
            )
            result.wrk.append(r)
        return result
    finally:
        if server is not None:
            stop_server(server)
        if kind == "postgres":
            subprocess.run(
                ["dropdb", "--if-exists", "--force", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], dbname],
                check=False,
            )
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- report


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

    pg = subprocess.run(
        ["psql", "-h", PG["host"], "-U", PG["user"], "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    wrk_text = (wrk.stdout + wrk.stderr).strip()
    granian = subprocess.run(
        [sys.executable, "-c", "import granian; print(granian.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    import django

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": granian or "?",
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg or "not reachable",
        "wrk": wrk_text.splitlines()[0].split(" Copyright")[0].strip() if wrk_text else "?",
    }


def report(results: list[DbResult], args: argparse.Namespace, m: dict[str, str]) -> str:
    now = dt.datetime.now().astimezone()
    lines = [
        f"# Data-port benchmark, {now:%Y-%m-%d %H:%M %Z}",
        "",
        f"- Machine: {m['nproc']} cores, {m['cpu']}; {m['os']}",
        f"- Python {m['python']}, Django {m['django']}, granian {m['granian']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, {m['wrk']}",
        f"- Register: {args.orgs:,} synthetic organisations (`xiehui synth --orgs {args.orgs}`)",
        f"- Server: `xiehui serve --workers 2 --no-worker`, XIEHUI_ENV=production, loopback; "
        f"load: `wrk -t2 -c32 -d{args.duration}s --timeout 10s --latency` on the same machine",
        "",
        "## Preparation",
        "",
        "| database | rows | migrate (s) | synth (s) |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.version} | {r.orgs:,} | {r.migrate_s:.1f} | {r.synth_s:.1f} |")
    lines += [
        "",
        "## HTTP (wrk, 32 connections)",
        "",
        "CPU columns: cores used during the run (from /proc) by the server (granian and, on PostgreSQL, its",
        "backends), by wrk, and by everything else on the machine; `other` well above 0 means other work competed",
        "for the cores and the figures understate what the server can do.",
        "",
        "| database | endpoint | req/s | p50 (ms) | p99 (ms) | non-2xx | CPU server | CPU wrk | CPU other |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for r in results:
        for w in r.wrk:
            lines.append(
                f"| {r.database} | {w.label} | {w.rps:,.0f} | {fmt_ms(w.p50_ms)} | {fmt_ms(w.p99_ms)} | {w.non_2xx} "
                f"| {w.cpu_server:.2f} | {w.cpu_wrk:.2f} | {w.cpu_other:.2f} |"
            )
            if w.non_2xx or w.socket_errors or w.errors:
                notes.append(
                    f"- {r.database}, {w.label}: {w.non_2xx} non-2xx of {w.requests:,}"
                    + (f"; socket errors: {w.socket_errors}" if w.socket_errors else "")
                    + (f"; server logged: {w.errors}" if w.errors else "")
                )
    if notes:
        lines += ["", *notes]
    lines += [
        "",
        f"## Name search selector in-process (sequential, {args.iterations} iterations per term)",
        "",
        "`organization_search` + `capped_count` + first page of 20.",
        "",
        "| database | term | chars | count | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for t in r.inprocess:
            count = f"{t['count']:,}" + ("" if t["exact"] else "+")
            lines.append(
                f"| {r.database} | {t['term']} | {t['chars']} | {count} | {fmt_ms(t['p50_ms'])} | "
                f"{fmt_ms(t['p95_ms'])} | {fmt_ms(t['max_ms'])} |"
            )
    lines += ["", "## Correctness checks (before measuring)", ""]
    for r in results:
        lines += [f"- {r.database}: {c}" for c in r.checks]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--iterations", type=int, default=200, help="in-process iterations per term")
    parser.add_argument("--terms3", default=",".join(DEFAULT_TERMS_3), help="comma-separated 3-character terms")
    parser.add_argument("--terms4", default=",".join(DEFAULT_TERMS_4), help="comma-separated 4-character terms")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--terms", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.probe:
        probe(args.terms.split(","), args.iterations, sample=1000)
        return

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    terms3 = [t for t in args.terms3.split(",") if t]
    terms4 = [t for t in args.terms4.split(",") if t]
    for t in terms3 + terms4:
        if len(t) not in (3, 4):
            raise SystemExit(f"term {t!r} is not 3 or 4 characters")
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    m = machine()
    results = [bench_database(kind, args, terms3, terms4) for kind in kinds]
    text = report(results, args, m)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"data_port-{dt.date.today():%Y-%m-%d}.md"
    out.write_text(text, encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
