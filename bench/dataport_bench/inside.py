"""The parts that run inside Django, each in a child process (Django is configured once per process, from
DATABASE_URL): `python bench/data_port.py --child NAME --child-args JSON` prints one `CHILD-JSON {...}` line.

- probe: the register's size and version, 1,000 random USCCs, SQL counts of the search terms, the name
  search selector timed in-process, the reference answers of 20 lookups, cursors of the events feed;
- keys: an administrator and a department (created if the database has none), and department keys
  issued through the real service (`dataport.services.key_issue`);
- audit: the query audit's records of some keys, by status and outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from typing import Any

COUNT_CAP = 10_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiehui.settings")
    import django

    django.setup()


def probe(*, terms: list[str], iterations: int, budget_s: float, sample: int, feed_pages: int) -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.test import Client

    from xiehui.registry.models import Organization

    out: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            out["version"] = "PostgreSQL " + cur.fetchone()[0]
        else:
            cur.execute("SELECT sqlite_version()")
            out["version"] = "SQLite " + cur.fetchone()[0]
        table = Organization._meta.db_table
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        out["orgs"] = cur.fetchone()[0]
        cur.execute(f"SELECT uscc FROM {table} ORDER BY random() LIMIT %s", [sample])
        out["usccs"] = [r[0] for r in cur.fetchall()]
        counts = {}
        for term in terms:
            cur.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE name LIKE %s LIMIT %s) t",
                ["%" + term + "%", COUNT_CAP + 1],
            )
            counts[term] = cur.fetchone()[0]
        out["sql_counts"] = counts

    client = Client()
    out["reference"] = {}
    for uscc in out["usccs"][:20]:
        response = client.get(f"/api/v1/organizations/{uscc}")
        if response.status_code != 200:
            raise SystemExit(f"in-process lookup of {uscc} answered {response.status_code}")
        out["reference"][uscc] = response.json()
    cursors = _feed_cursors(feed_pages)
    for cursor in cursors:
        response = client.get("/api/v1/events", {"since": cursor, "limit": 100})
        if response.status_code != 200 or not response.json()["items"]:
            raise SystemExit(f"events feed from cursor {cursor!r} answered {response.status_code} or nothing")
    out["feed_cursors"] = cursors
    out["inprocess"] = [_time_search(term, iterations, budget_s) for term in terms] if iterations else []
    return out


def _feed_cursors(count: int) -> list[str]:
    """`count` cursors of the events feed spread evenly over the synthetic register's bulk-load entries.

    A cursor is "<seq>.<n>" inside a bulk entry (dataport/events.py); the first is "" (from the start).
    """
    from xiehui.core.models import AuditEntry

    spans = []
    for seq, object_id in (
        AuditEntry.objects.filter(action="registry.organization.bulk_loaded")
        .order_by("seq")
        .values_list("seq", "object_id")
    ):
        first, _, last = object_id.partition("-")
        spans.append((seq, int(last) - int(first) + 1))
    total = sum(n for _, n in spans)
    cursors, start = [""], 0
    wanted = [total * k // count for k in range(1, count)]
    for seq, n in spans:
        cursors += [f"{seq}.{p - start}" for p in wanted if start <= p < start + n]
        start += n
    return cursors


def _time_search(term: str, iterations: int, budget_s: float) -> dict[str, Any]:
    """organization_search + capped_count + the first page, as GET /api/v1/organizations?q= runs them."""
    from xiehui.core.selectors import page_rows
    from xiehui.registry import selectors

    filters = selectors.OrganizationFilters(q=term)

    def once() -> tuple[int, bool, list]:
        qs = selectors.organization_search(actor=None, filters=filters)
        count, exact = selectors.capped_count(qs)
        return count, exact, page_rows(qs, 0, 20)

    count, exact, first = once()  # warm-up, and the answer to check
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    while len(samples) < iterations and (len(samples) < 20 or time.monotonic() < deadline):
        t0 = time.perf_counter()
        once()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {
        "term": term,
        "chars": len(term),
        "count": count,
        "exact": exact,
        "first_page_ok": bool(first) == bool(count) and all(term in o.name for o in first),
        "iterations": len(samples),
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[max(0, round(0.95 * len(samples)) - 1)],
        "max_ms": samples[-1],
    }


def keys(*, systems: list[str], rate_per_minute: int, daily_quota: int) -> dict[str, Any]:
    """One key per named system, issued by an administrator to a department (both created when missing)."""
    _setup()
    from django.conf import settings

    from xiehui.core import clock
    from xiehui.core.models import Department, Region, Role, User
    from xiehui.core.services import department_create, user_create
    from xiehui.dataport import services

    now = clock.now()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        admin = user_create(actor=None, username="bench-admin", password=secrets.token_urlsafe(24), role=Role.ADMIN)
    department = Department.objects.order_by("pk").first()
    if department is None:
        department = department_create(
            actor=admin, name="工业和信息化厅（基准测试）", region=Region.objects.get(code=settings.XIEHUI_PROVINCE)
        )
    issued = {}
    for system in systems:
        key, secret = services.key_issue(
            actor=admin,
            department=department,
            system_name=system,
            scopes=["registry"],
            personal_data=False,
            rate_per_minute=rate_per_minute,
            daily_quota=daily_quota,
            expires_on=clock.local_date(now) + dt.timedelta(days=365),
            now=now,
        )
        issued[system] = {"prefix": key.prefix, "secret": secret}
    return {"admin": admin.username, "department": department.name, "keys": issued}


def audit(*, prefixes: list[str]) -> dict[str, Any]:
    """QueryRecord rows of each key: the total, and by (status, outcome)."""
    _setup()
    from django.db.models import Count

    from xiehui.dataport.models import QueryRecord

    out = {}
    for prefix in prefixes:
        rows = QueryRecord.objects.filter(key__prefix=prefix).values("status", "outcome").annotate(n=Count("id"))
        by = {f"{r['status']} {r['outcome']}": r["n"] for r in rows}
        out[prefix] = {"total": sum(by.values()), "by_status": by}
    return out


CHILDREN = {"probe": probe, "keys": keys, "audit": audit}


def main(name: str, arguments: str) -> None:
    result = CHILDREN[name](**json.loads(arguments))
    print("CHILD-JSON " + json.dumps(result, ensure_ascii=False, default=str))


def run_child(env: dict[str, str], name: str, **arguments: Any) -> dict[str, Any]:
    from .common import ROOT

    entry = ROOT / "bench" / "data_port.py"
    cmd = [sys.executable, str(entry), "--child", name, "--child-args", json.dumps(arguments, ensure_ascii=False)]
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"child {name} failed")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("CHILD-JSON "))
    return json.loads(line.removeprefix("CHILD-JSON "))
