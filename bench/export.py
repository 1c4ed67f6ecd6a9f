"""Bulk-export benchmark: the register written as CSV (and JSON Lines, XLSX) at scale, rows/s and peak memory.

    uv run python bench/export.py [--orgs 1000000] [--database sqlite|postgres|both] [--formats csv,jsonl,xlsx]

For each database: a fresh database (a SQLite file in a temporary directory, or `createdb` on the local
PostgreSQL, dropped at the end), `xiehui migrate`, `xiehui synth --orgs N` (timed), then, for each format, a
child process that sets Django up, records its resident memory, runs `dataport.exports.write` for the public
register (the code the background task runs), and reports rows, seconds, rows/s, file size and its peak
resident memory (ru_maxrss) against the baseline. A child per export keeps synth's memory out of the figure.

It checks what it measures: the manifest's row count equals `SELECT COUNT(*)` of the register, and the file's
SM3 digest equals the manifest's. It prints figures only (a Markdown table, also written to
bench/results/export-<date>.md); nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = "postgres://postgres@127.0.0.1:5432/"

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
import django
django.setup()
from django.db import connection
from xiehui.dataport import exports
from xiehui.registry.models import Organization
fmt, out = sys.argv[1], Path(sys.argv[2])
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
expected = Organization.objects.count()
base = rss()
started = time.perf_counter()
manifest = exports.write(exports.DATASETS["registry"], fmt, out)
seconds = time.perf_counter() - started
print(json.dumps({"rows": manifest["row_count"], "expected": expected, "seconds": seconds, "base_mb": base,
                  "peak_mb": rss(), "file": manifest["files"][0]}))
"""


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, env=env, check=False, text=True, capture_output=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-3000:]}")
    return done


def bench(database: str, orgs: int, formats: list[str], reuse: Path | None = None) -> list[dict[str, object]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"xiehui-export-{database}-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xiehui.settings",
        "XIEHUI_VAR_DIR": str(tmp / "var"),
        "XIEHUI_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "XIEHUI_PII_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    name = f"xiehui_export_{os.getpid()}"
    if database == "postgres":
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], env)
        env["DATABASE_URL"] = PG + name
    else:
        env["DATABASE_URL"] = f"sqlite:///{reuse or tmp / 'db.sqlite3'}"
    python = [sys.executable, "-m", "xiehui"]
    try:
        synth = 0.0
        if reuse is None:
            run([*python, "migrate", "-v0"], env)
            started = time.perf_counter()
            run([*python, "synth", "--orgs", str(orgs)], env)
            synth = time.perf_counter() - started
        rows = []
        for fmt in formats:
            out = tmp / f"out-{fmt}"
            result = json.loads(run([sys.executable, "-c", CHILD, fmt, str(out)], env).stdout.strip().splitlines()[-1])
            data = (out / result["file"]["name"]).read_bytes()
            assert result["rows"] == result["expected"], result
            assert hashlib.new("sm3", data).hexdigest() == result["file"]["sm3"], "digest differs"
            rows.append({"database": database, "orgs": orgs, "synth_s": synth, "format": fmt, **result})
            (out / result["file"]["name"]).unlink()
        return rows
    finally:
        if database == "postgres":
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--formats", default="csv,jsonl,xlsx")
    parser.add_argument("--reuse", type=Path, help="SQLite only: an existing database file (no migrate, no synth)")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    formats = args.formats.split(",")
    lines = [
        f"# Bulk export, {dt.date.today().isoformat()}, N = {args.orgs:,}",
        "",
        "| database | format | rows | seconds | rows/s | file MB | baseline RSS MB | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for database in databases:
        for r in bench(database, args.orgs, formats, args.reuse):
            lines.append(
                f"| {r['database']} | {r['format']} | {r['rows']:,} | {r['seconds']:.1f} | "
                f"{r['rows'] / r['seconds']:,.0f} | {r['file']['bytes'] / 1e6:,.0f} | {r['base_mb']} | {r['peak_mb']} |"
            )
            print(lines[-1], flush=True)
        if not args.reuse:
            lines.append(f"\nsynth on {database}: {r['synth_s']:.0f} s")
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"export-{dt.date.today().isoformat()}.md").write_text(report)


if __name__ == "__main__":
    main()
