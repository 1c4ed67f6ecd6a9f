"""`xiehui audit verify`: counts the chain when it is whole; names the seq of an edited or deleted entry, exit 1."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xiehui.core.models import Role
from xiehui.core.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():  # type: ignore[no-untyped-def]
    """Four audit entries (seq 1-4), one per user created."""
    for n in range(4):
        user_create(actor=None, username=f"user{n}", password="Xiehui-test-2026!", role=Role.MEMBER)


def verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def broken() -> CommandError:
    with pytest.raises(CommandError) as caught:
        verify()
    assert caught.value.returncode == 1
    return caught.value


def test_it_reports_the_entries_checked_when_the_chain_is_whole(chain):
    assert "共 4 条记录" in verify() and "OK" in verify()


def test_it_reports_an_empty_log_as_whole(db):
    assert "共 0 条记录" in verify()


def test_it_exits_1_naming_the_seq_of_an_entry_edited_by_sql(chain):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_label = %s WHERE seq = %s", ["篡改", 2])
    error = broken()
    assert "seq=2" in str(error) and "篡改" in str(error)


def test_it_exits_1_naming_the_seq_of_an_entry_deleted_by_sql(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [3])
    error = broken()
    assert "seq=3" in str(error) and "删除" in str(error)


def test_it_exits_1_when_the_last_entry_is_deleted(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [4])
    assert "seq=4" in str(broken())


def test_it_needs_a_subcommand(db):
    with pytest.raises(CommandError):
        call_command("audit")
