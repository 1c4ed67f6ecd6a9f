"""What the xiehui lookup is compared with: Datasette serving a SQLite copy of the register's public columns, and
a bare WSGI app (bench/bare_lookup.py) doing the lookup's SQL with no framework."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import ROOT, log

BENCH = ROOT / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
import bare_lookup  # noqa: E402  (bench/ is not a package; the bare app stays one file for granian)

DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = BENCH / ".venvs" / "datasette"
DATASETTE_DB_NAME = "register"  # Datasette names a database after its file


# --------------------------------------------------------------------------- Datasette


def datasette_venv() -> Path:
    """Datasette in its own virtualenv (bench/.venvs/datasette, git-ignored), created once and reused."""
    python = DATASETTE_VENV / "bin" / "python"
    probe = [str(python), "-c", "import datasette.version as v; print(v.__version__)"]
    if python.exists():
        found = subprocess.run(probe, capture_output=True, text=True, check=False).stdout.strip()
        if found == DATASETTE_VERSION:
            return python
    log(f"installing datasette=={DATASETTE_VERSION} into {DATASETTE_VENV.relative_to(ROOT)} …")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(DATASETTE_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"datasette=={DATASETTE_VERSION}"], check=True)
    return python


def datasette_version(python: Path) -> str:
    code = "import datasette.version as v, uvicorn; print(v.__version__, uvicorn.__version__)"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False).stdout.split()
    return f"Datasette {out[0]}, uvicorn {out[1]}" if len(out) == 2 else "Datasette ?"


def _source_rows(database_url: str, batch: int = 20_000) -> Any:
    """(id, public columns…) of every organisation, in id order, and every (organisation id, code, name) link."""
    if database_url.startswith("sqlite"):
        conn: Any = sqlite3.connect(bare_lookup.sqlite_path(database_url))
        rows = conn.execute(bare_lookup.SELECT + " ORDER BY o.id")
    else:
        import psycopg

        conn = psycopg.connect(database_url)
        rows = conn.cursor(name="copy")  # server-side: 1M rows are not fetched at once
        rows.itersize = batch
        rows.execute(bare_lookup.SELECT + " ORDER BY o.id")
    links = conn.cursor()
    links.execute(
        "SELECT l.organization_id, i.code, i.name FROM registry_organization_industries l "
        "JOIN core_industry i ON i.code = l.industry_id ORDER BY l.organization_id, i.code"
    )
    return conn, rows, links.fetchall()


def build_copy(database_url: str, path: Path) -> tuple[int, float]:
    """A SQLite file with one table `organizations`: the lookup's public columns, industries as JSON text.

    The values are what the xiehui lookup answers (the bare app's formatting), so Datasette's rows can be
    compared with xiehui's answers field by field. Returns (rows, seconds).
    """
    t0 = time.perf_counter()
    path.unlink(missing_ok=True)
    columns = [*bare_lookup.COLUMNS[:14], "industries", *bare_lookup.COLUMNS[14:]]
    dest = sqlite3.connect(path)
    dest.execute("PRAGMA journal_mode = OFF")
    dest.execute("PRAGMA synchronous = OFF")
    types = {"fulltime_staff": "INTEGER"}
    ddl = ", ".join(f"{c} {types.get(c, 'TEXT')}" for c in columns)
    dest.execute(f"CREATE TABLE organizations (id INTEGER PRIMARY KEY, {ddl})")
    source, rows, links = _source_rows(database_url)
    industries: dict[int, list[tuple[str, str]]] = {}
    for org_id, code, name in links:
        industries.setdefault(org_id, []).append((code, name))
    insert = f"INSERT INTO organizations VALUES (?, {', '.join('?' for _ in columns)})"
    count, chunk = 0, []
    for row in rows:
        found = bare_lookup.record(row[1:], industries.get(row[0], []))
        found["industries"] = json.dumps(found["industries"], ensure_ascii=False)
        chunk.append((row[0], *(found[c] for c in columns)))
        if len(chunk) >= 20_000:
            dest.executemany(insert, chunk)
            count, chunk = count + len(chunk), []
    dest.executemany(insert, chunk)
    count += len(chunk)
    source.close()
    dest.execute("CREATE UNIQUE INDEX organizations_uscc ON organizations (uscc)")
    dest.commit()
    dest.execute("ANALYZE")
    dest.close()
    return count, time.perf_counter() - t0


def datasette_metadata(path: Path) -> Path:
    """The canned query `lookup`: the public record by USCC (what a Datasette publisher would offer)."""
    columns = [*bare_lookup.COLUMNS[:14], "industries", *bare_lookup.COLUMNS[14:]]
    sql = f"select {', '.join(columns)} from organizations where uscc = :uscc"
    metadata = {
        "title": "register (benchmark copy)",
        "databases": {DATASETTE_DB_NAME: {"queries": {"lookup": {"sql": sql, "title": "按统一社会信用代码查询"}}}},
    }
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def datasette_paths(usccs: list[str], view: str) -> list[str]:
    """`canned`: /register/lookup.json?uscc=…; `table`: the table API filtered by uscc (both rows as an array)."""
    name = "lookup" if view == "canned" else "organizations"
    return [f"/{DATASETTE_DB_NAME}/{name}.json?uscc={u}&_shape=array&_json=industries" for u in usccs]


def datasette_command(python: Path, copy: Path, metadata: Path, port: int, workers: int) -> tuple[list, dict]:
    """`datasette serve -i` (one process) for workers=1, else uvicorn --workers N over the same app."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"}
    if workers == 1:
        cmd = [str(python), "-m", "datasette", "serve", "-i", str(copy), "-m", str(metadata)]
        cmd += ["--host", "127.0.0.1", "--port", str(port)]
        return cmd, env
    env.update({"BENCH_DATASETTE_DB": str(copy), "BENCH_DATASETTE_METADATA": str(metadata)})
    cmd = [str(python), "-m", "uvicorn", "datasette_asgi:app", "--app-dir", str(Path(__file__).parent)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    cmd += ["--no-access-log", "--log-level", "warning"]
    return cmd, env


# --------------------------------------------------------------------------- bare WSGI


def bare_command(database_url: str, port: int, workers: int, threads: int) -> tuple[list, dict]:
    """granian with the worker and thread counts `xiehui serve` uses."""
    env = dict(os.environ)
    env.update({"BARE_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"})
    cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers), "--blocking-threads", str(threads), "--working-dir", str(BENCH)]
    cmd += ["--no-access-log", "bare_lookup:app"]
    return cmd, env


def same_record(got: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """The fields where a rival's answer differs from xiehui's."""
    keys = sorted(set(got) | set(reference))
    return [k for k in keys if got.get(k) != reference.get(k)]
