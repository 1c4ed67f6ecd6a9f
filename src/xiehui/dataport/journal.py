"""The query audit's write path: one line appended per keyed request, imported into the database in batches.

Writing a row per request would put a database round trip (and, on SQLite, the single writer lock) on the
path of every data-port call. Instead each worker process appends one JSON line per request to its own
journal file (`os.write` on an O_APPEND descriptor: the kernel holds the line the moment the call returns,
so a worker that crashes afterwards loses nothing) and holds an exclusive `flock` on that file while it
writes there. Every `ROTATE_RECORDS` lines, and every `XIEHUI_QUERY_AUDIT_FLUSH_SECONDS` (10) when it has
written any, the worker renames the file to `*.ready` and closes it (releasing the lock); a background
thread of the worker imports the ready files, so records reach the database within about that time.

`import_ready()` (also `xiehui dataport flush`, for a timer and after a crash) imports every file it can lock: ready
files, and files of workers that died (the kernel released their lock). Records carry a random id and are
inserted with ignore_conflicts, so a file imported twice (a crash between the insert and the unlink)
counts each record once. A line cut short by a crash mid-write (no newline) is skipped.

Modes (`XIEHUI_QUERY_AUDIT`): `journal` (the default in production), `direct` (one insert per request, the
default in development and tests, where the audit must be readable the moment the response is sent).
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections, models, transaction

logger = logging.getLogger(__name__)

ROTATE_RECORDS = 5_000
IMPORT_BATCH = 2_000
FIELDS = (
    "at", "key_id", "key_prefix", "department_id", "method", "endpoint", "path", "params", "status", "outcome",
    "result_count", "duration_ms", "personal", "client_ip",
)  # fmt: skip


def directory() -> Path:
    path = Path(settings.XIEHUI_QUERY_AUDIT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Journal:
    """One process's journal file; thread-safe (granian and gunicorn threads share a process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._path: Path | None = None
        self._pid = 0
        self._lines = 0
        self._flusher_pid = 0

    def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:
            fd = self._open()
            os.write(fd, line)
            self._lines += 1
            if self._lines >= ROTATE_RECORDS:
                self._rotate()

    def rotate(self) -> bool:
        """Make the current file ready for import if it holds any record (the flusher, at exit, in tests)."""
        with self._lock:
            if self._fd is None or self._pid != os.getpid() or not self._lines:
                return False
            self._rotate()
            return True

    def _flusher(self, seconds: float) -> None:
        while True:
            time.sleep(seconds)
            try:
                self.rotate()
                import_ready()
            except Exception:
                logger.exception("query audit: the flusher failed; the files stay for the next run")
            finally:
                connections.close_all()

    def _open(self) -> int:
        if self._fd is not None and self._pid != os.getpid():
            self._fd = None  # inherited across fork: the parent's file and lock are not ours
        if self._fd is None:
            self._pid = os.getpid()
            self._path = directory() / f"{os.uname().nodename}-{self._pid}-{uuid.uuid4().hex[:8]}.jsonl"
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._lines = 0
            seconds = settings.XIEHUI_QUERY_AUDIT_FLUSH_SECONDS
            if self._flusher_pid != self._pid and seconds > 0:
                self._flusher_pid = self._pid
                threading.Thread(target=self._flusher, args=(seconds,), name="query-audit-flusher", daemon=True).start()
        return self._fd

    def _rotate(self) -> None:
        assert self._fd is not None and self._path is not None
        os.rename(self._path, self._path.with_suffix(".ready"))
        os.close(self._fd)
        self._fd = self._path = None


JOURNAL = Journal()
_import_lock = threading.Lock()
atexit.register(JOURNAL.rotate)  # the next flush (any worker, or `xiehui dataport flush`) imports it


def write(record: dict[str, Any]) -> None:
    """Record one keyed request (fields of QueryRecord, `at` as an aware datetime)."""
    if settings.XIEHUI_QUERY_AUDIT == "direct":
        _insert([{"id": uuid.uuid4(), **record}])
        return
    JOURNAL.append({"id": uuid.uuid4().hex, **record, "at": record["at"].isoformat()})


def _insert(rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (id) DO NOTHING, one executemany (SQLite and PostgreSQL both have it): a record read
    twice (a replayed file) is kept once. The ORM's bulk_create cost about 120 µs a record, inside the worker
    whose requests it records; this costs a tenth of that."""
    from .models import QueryRecord

    meta = QueryRecord._meta
    fields = [cast(models.Field, meta.get_field(name)) for name in ("id", *FIELDS)]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote(fields[0].column)}) DO NOTHING"
    )
    prepare = [(f.attname if f.attname in rows[0] else f.name, f) for f in fields]
    values = [tuple(f.get_db_prep_save(row[name], connection) for name, f in prepare) for row in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(line)
        row = {name: data[name] for name in FIELDS}
        row["id"] = uuid.UUID(data["id"])
        row["at"] = dt.datetime.fromisoformat(row["at"])
    except (ValueError, KeyError, TypeError):
        return None
    return row


def _import_file(path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # a live worker is still writing to it
        with os.fdopen(os.dup(fd), "rb") as stream:
            lines = stream.read().split(b"\n")
        rows = [row for row in (_parse(line) for line in lines[:-1]) if row is not None]  # last: after "\n" or torn
        for start in range(0, len(rows), IMPORT_BATCH):
            _insert(rows[start : start + IMPORT_BATCH])
        path.unlink()
        return len(rows)
    finally:
        os.close(fd)


def import_ready() -> int:
    """Import every journal file no live worker holds; the number of records read."""
    with _import_lock:
        total = 0
        for path in sorted(directory().glob("*.ready")) + sorted(directory().glob("*.jsonl")):
            try:
                total += _import_file(path)
            except FileNotFoundError:
                continue  # another process imported it first
            except Exception:
                logger.exception("query audit: could not import %s (kept for the next run)", path)
        return total
