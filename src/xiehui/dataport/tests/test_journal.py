"""The query audit journal: records survive a crashed worker, import once, skip torn lines, leave live files."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import uuid

import pytest

from xiehui.core import clock
from xiehui.dataport import journal
from xiehui.dataport.models import QueryRecord

from .conftest import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.XIEHUI_QUERY_AUDIT = "journal"
    settings.XIEHUI_QUERY_AUDIT_DIR = tmp_path
    settings.XIEHUI_QUERY_AUDIT_FLUSH_SECONDS = 0  # no background thread racing the test's own imports
    yield tmp_path
    journal.JOURNAL.rotate()
    journal.JOURNAL._fd = None  # the next test's directory gets a new file


def _line(**change) -> str:  # type: ignore[no-untyped-def]
    record = {
        "id": uuid.uuid4().hex, "at": clock.now().isoformat(), "key_id": None, "key_prefix": "abcd",
        "department_id": None, "method": "GET", "endpoint": "", "path": "/api/v1/regions", "params": "",
        "status": 401, "outcome": "key_invalid", "result_count": 0, "duration_ms": 1, "personal": False,
        "client_ip": "127.0.0.1", **change,
    }  # fmt: skip
    return json.dumps(record, ensure_ascii=False) + "\n"


def test_keyed_requests_reach_the_database_through_the_journal(world, issue, journal_dir):
    _, secret = issue()
    for _ in range(3):
        assert keyed(secret).get("/api/v1/regions").status_code == 200
    assert QueryRecord.objects.count() == 0  # still in the worker's file
    assert journal.JOURNAL.rotate() and journal.import_ready() == 3
    assert QueryRecord.objects.filter(outcome="ok", status=200).count() == 3
    assert list(journal_dir.iterdir()) == []


def test_a_file_left_by_a_crashed_worker_is_imported_and_a_torn_last_line_skipped(db, journal_dir):
    script = (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND);"
        "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, sys.argv[2].encode()); os._exit(9)"
    )
    path = journal_dir / "host-4242-deadbeef.jsonl"
    text = _line() + _line(status=200, outcome="ok") + _line()[:40]  # the last write cut short
    assert subprocess.run([sys.executable, "-c", script, str(path), text], check=False).returncode == 9
    assert journal.import_ready() == 2
    assert sorted(QueryRecord.objects.values_list("status", flat=True)) == [200, 401]


def test_importing_a_file_twice_counts_each_record_once(db, journal_dir):
    text = _line() + _line()
    (journal_dir / "a.ready").write_text(text)
    journal.import_ready()
    (journal_dir / "a.ready").write_text(text)  # a crash between the insert and the unlink, then a replay
    journal.import_ready()
    assert QueryRecord.objects.count() == 2


def test_a_file_a_live_worker_holds_is_left_alone(db, journal_dir):
    path = journal_dir / "live.jsonl"
    path.write_text(_line())
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert journal.import_ready() == 0 and path.exists()
    finally:
        os.close(fd)
    assert journal.import_ready() == 1 and not path.exists()


def test_the_flush_command_reports_what_it_imported(db, journal_dir, capsys):
    from django.core.management import call_command

    (journal_dir / "b.ready").write_text(_line() + _line() + _line())
    call_command("dataport", "flush")
    assert "导入 3 条记录" in capsys.readouterr().out
