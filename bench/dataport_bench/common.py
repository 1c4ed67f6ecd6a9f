"""What every section of the data-port benchmark shares: processes, wrk, CPU and memory from /proc."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}

# Secrets for the throwaway server: generated per run, never reused.
SECRET_KEY = base64.urlsafe_b64encode(os.urandom(48)).decode()
PII_KEY = base64.b64encode(os.urandom(32)).decode()


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


def run(cmd: list[str], env: dict[str, str], what: str) -> tuple[float, str]:
    """Run a command to completion; returns its wall time in seconds and its stdout."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {proc.returncode})")
    return took, proc.stdout


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read() or b""


def http_get_json(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, object]:
    status, body = http_get(url, headers=headers, timeout=timeout)
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        return status, body[:300].decode("utf-8", "replace")


def sequential_ms(
    base: str, paths: list[str], *, count: int, budget_s: float, headers: dict[str, str] | None = None
) -> list[float]:
    """Wall times (ms) of `count` GETs (cycling through `paths`) sent one after another on one kept-alive
    connection, stopping early after `budget_s` once 20 are in; raises on an answer other than 200."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    try:
        while len(samples) < count and (len(samples) < 20 or time.monotonic() < deadline):
            path = paths[len(samples) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            samples.append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                raise SystemExit(f"GET {urllib.parse.unquote(path)} answered {resp.status}")
    finally:
        conn.close()
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def fmt_ms(v: float | None) -> str:
    return "–" if v is None else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")


# --------------------------------------------------------------------------- servers


def start_server(
    cmd: list[str], env: dict[str, str], logfile: Path, health_url: str, *, cwd: Path = ROOT, what: str = "server"
) -> subprocess.Popen:
    """Start `cmd` in its own session (so its whole process group can be stopped) and wait for `health_url`."""
    fh = logfile.open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode}):\n{logfile.read_text()[-3000:]}")
        try:
            status, _ = http_get(health_url, timeout=2)
            if status == 200:
                time.sleep(1)  # granian reports ready before every worker has loaded the application
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"{what} did not answer {health_url} within 120 s:\n{logfile.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    # The server runs in its own session: signal its process group (granian or uvicorn, and its workers).
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a parent that exited first
        os.killpg(proc.pid, signal.SIGKILL)


# --------------------------------------------------------------------------- /proc

TICK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def busy_seconds() -> float:
    """CPU seconds spent busy by the whole machine (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    comm: str
    cmdline: str
    ticks: int
    rss_kb: int


def processes() -> dict[int, Proc]:
    procs = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            rest = stat[stat.rindex(")") + 2 :].split()
            cmdline = Path(entry.path, "cmdline").read_text(errors="replace").replace("\0", " ")
            pid = int(entry.name)
            procs[pid] = Proc(
                pid, int(rest[1]), int(rest[2]), comm, cmdline, int(rest[11]) + int(rest[12]), int(rest[21]) * PAGE_KB
            )
        except (OSError, ValueError, IndexError):
            continue
    return procs


def tree_ticks(procs: dict[int, Proc], pgid: int, dbname: str) -> dict[int, int]:
    """CPU ticks by pid of a server's process group and of the PostgreSQL backends serving `dbname`.

    A backend's parallel query workers name the leader's pid, not the database: they count too.
    """
    if not pgid:
        return {}
    backends = {p.pid for p in procs.values() if dbname and p.comm.startswith("postgres") and dbname in p.cmdline}
    ticks = {}
    for p in procs.values():
        leader = re.search(r"parallel worker for PID (\d+)", p.cmdline)
        if p.pgid == pgid or p.pid in backends or (leader and int(leader.group(1)) in backends):
            ticks[p.pid] = p.ticks
    return ticks


def ticks_seconds(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds spent between two samples by the processes alive at the second (those born since count whole).

    A process that exited in between (a backend closing its connection) is lost: its share shows as "other".
    """
    # fewer ticks than before: the pid was reused by a new process, whose ticks all fall in between
    return sum(t - before.get(pid, 0) if t >= before.get(pid, 0) else t for pid, t in after.items()) / TICK


def redis_seconds(procs: dict[int, Proc]) -> float:
    return sum(p.ticks for p in procs.values() if p.comm == "redis-server") / TICK


def worker_pids(procs: dict[int, Proc], pgid: int) -> list[int]:
    """The worker processes of a server: children of the group's process that has children of its own.

    xiehui serve → granian (main) → granian workers; uvicorn --workers → workers.
    """
    group = [p for p in procs.values() if p.pgid == pgid]
    parents = {p.ppid for p in group}
    masters = [p.pid for p in group if p.pid in parents and any(c.ppid == p.pid for c in group)]
    if not masters:
        return []

    # The deepest process with children is the one that forks the workers.
    def depth(pid: int) -> int:
        d = 0
        while pid in procs and procs[pid].pgid == pgid and d < 10:
            pid, d = procs[pid].ppid, d + 1
        return d

    master = max(masters, key=depth)
    return sorted(p.pid for p in group if p.ppid == master and "resource_tracker" not in p.cmdline)


class RssSampler:
    """Samples the RSS of a server's worker processes every `interval` seconds while a load runs."""

    def __init__(self, pgid: int, interval: float = 0.5) -> None:
        self.pgid, self.interval = pgid, interval
        self.first: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        procs = processes()
        for pid in worker_pids(procs, self.pgid):
            rss = procs[pid].rss_kb
            self.first.setdefault(pid, rss)
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self.last[pid] = rss
        self.samples += 1

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# --------------------------------------------------------------------------- wrk


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
    duration_s: float = 0.0
    connections: int = 32
    cpu_server: float = 0.0  # cores used by the server (and its PostgreSQL backends) during the run
    cpu_redis: float = 0.0  # cores used by Redis (the shared limits and key cache)
    cpu_wrk: float = 0.0  # cores used by wrk
    cpu_other: float = 0.0  # cores used by everything else on the machine (other work competing)
    errors: str = ""  # what the server logged for the non-2xx answers
    rss_kb: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # worker -> (first, peak, last) kB


LUA = """
-- requests: {path, keyed}; keyed ones carry the key (Authorization: Bearer ...)
local reqs = {%(requests)s}
local auth = %(auth)s
local n = #reqs
local i = 0
local threads = 0
local formatted = {}
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
init = function(args)
  for k = 1, n do
    local r = reqs[k]
    if r[2] and auth then
      formatted[k] = wrk.format("GET", r[1], {["Authorization"] = auth})
    else
      formatted[k] = wrk.format("GET", r[1])
    end
  end
  -- each thread starts at its own place in the list
  i = ((tid or 0) * math.floor(n / 2)) %% n
end
request = function()
  i = (i %% n) + 1
  return formatted[i]
end
"""


def lua_script(requests: list[tuple[str, bool]], secret: str, where: Path) -> Path:
    rows = ", ".join(f"{{{json.dumps(p)}, {'true' if keyed else 'false'}}}" for p, keyed in requests)
    auth = json.dumps(f"Bearer {secret}") if secret else "nil"
    where.write_text(LUA % {"requests": rows, "auth": auth}, encoding="utf-8")
    return where


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(value)
    num, unit = float(m.group(1)), m.group(2)
    return num * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def server_errors(logfile: Path, offset: int) -> tuple[str, int]:
    """What django.request logged since `offset` (e.g. 'Internal Server Error ×3'), and the new offset."""
    if not logfile.exists():
        return "", 0
    with logfile.open("rb") as fh:
        fh.seek(offset)
        chunk = fh.read().decode("utf-8", "replace")
        end = fh.tell()
    kinds: dict[str, int] = {}
    for line in chunk.splitlines():
        m = re.match(
            r"(Internal Server Error|Service Unavailable|Not Found|Bad Request|Forbidden|Unauthorized"
            r"|Too Many Requests|Unprocessable Content|Unprocessable Entity|Gateway Timeout): (\S*)",
            line,
        )
        if m:
            where = re.sub(r"[0-9A-Z]{18}", "{uscc}", urllib.parse.unquote(m.group(2).split("?")[0]))
            kind = f"{m.group(1)} ({where})"
            kinds[kind] = kinds.get(kind, 0) + 1
        elif re.match(r"\w*(Error|Exception)\b", line):
            kinds[line[:120]] = kinds.get(line[:120], 0) + 1
    return "; ".join(f"{k} ×{n}" for k, n in kinds.items()), end


@dataclass
class Target:
    """The server a wrk run measures: its process group (CPU, memory) and, on PostgreSQL, its database."""

    base: str
    pgid: int = 0
    dbname: str = ""
    logfile: Path | None = None
    log_offset: int = 0


def run_wrk(
    target: Target,
    label: str,
    requests: list[tuple[str, bool]],
    *,
    duration: int,
    tmp: Path,
    connections: int = 32,
    secret: str = "",
    sampler: Callable[[], RssSampler] | None = None,
) -> WrkResult:
    script = lua_script(requests, secret, tmp / f"wrk-{abs(hash(label))}.lua")
    # --timeout 10s: wrk's default (2 s) drops slower answers from the latency figures, hiding a slow p99.
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(script)]
    cmd.append(target.base + requests[0][0])
    if target.logfile is not None:
        _, target.log_offset = server_errors(target.logfile, target.log_offset)
    procs0 = processes()
    busy0 = busy_seconds()
    tree0 = tree_ticks(procs0, target.pgid, target.dbname)
    redis0 = redis_seconds(procs0)
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rss = sampler() if sampler else None
    if rss is not None:
        with rss:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    else:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs1 = processes()
    busy1 = busy_seconds()
    tree1 = tree_ticks(procs1, target.pgid, target.dbname)
    redis1 = redis_seconds(procs1)
    cpu_wrk = (child1.ru_utime + child1.ru_stime - child0.ru_utime - child0.ru_stime) / wall
    cpu_server = ticks_seconds(tree0, tree1) / wall
    cpu_redis = max(0.0, (redis1 - redis0) / wall)
    cpu_other = max(0.0, (busy1 - busy0) / wall - cpu_wrk - cpu_server - cpu_redis)
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
    result = WrkResult(
        label=label,
        path_example=urllib.parse.unquote(requests[0][0]),
        rps=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=total,
        non_2xx=int(non2xx_m.group(1)) if non2xx_m else 0,
        socket_errors=sock_m.group(1).strip() if sock_m else "",
        duration_s=duration,
        connections=connections,
        cpu_server=cpu_server,
        cpu_redis=cpu_redis,
        cpu_wrk=cpu_wrk,
        cpu_other=cpu_other,
    )
    if target.logfile is not None:
        result.errors, target.log_offset = server_errors(target.logfile, target.log_offset)
    if rss is not None:
        result.rss_kb = {
            f"pid {pid}": (rss.first.get(pid, 0), rss.peak[pid], rss.last.get(pid, 0)) for pid in sorted(rss.peak)
        }
    extra = (f"  non-2xx {result.non_2xx}" if result.non_2xx else "") + (
        f"  socket errors: {result.socket_errors}" if result.socket_errors else ""
    )
    extra += f"  server logged: {result.errors}" if result.errors else ""
    log(
        f"      {result.rps:,.0f} req/s  p50 {fmt_ms(result.p50_ms)} ms  p99 {fmt_ms(result.p99_ms)} ms  "
        f"{result.requests:,} requests{extra}  [CPU cores: server {cpu_server:.2f}, redis {cpu_redis:.2f}, "
        f"wrk {cpu_wrk:.2f}, other {cpu_other:.2f}]"
    )
    return result
