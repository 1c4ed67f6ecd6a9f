"""Write-once rows: the database itself refuses to change a published version (DIS-4).

Services never update a published version, the admin shows them read-only, and
the API answers 409; the trigger installed here is the last line, so that no
code path (a raw `.update()`, a shell, a future bug) can change what the public
has seen. Deletion is not guarded by the trigger because Django's test flush
deletes rows on SQLite; no service, view or admin action deletes a published
version, and the owning rows protect them (`on_delete=PROTECT`).

Use in a migration:

    operations = [immutable.protect("disclosure_disclosureversion", "published_at")]
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "published versions are immutable (DIS-4): publish a new version instead"


def _sqlite(table: str, column: str) -> tuple[list[str], list[str]]:
    name = f"{table}_immutable"
    create = (
        f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
        f'FOR EACH ROW WHEN OLD."{column}" IS NOT NULL '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    return [create], [f'DROP TRIGGER IF EXISTS "{name}"']


def _postgresql(table: str, column: str) -> tuple[list[str], list[str]]:
    name = f"{table}_immutable"
    function = (
        f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    trigger = (
        f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
        f'FOR EACH ROW WHEN (OLD."{column}" IS NOT NULL) EXECUTE FUNCTION "{name}"()'
    )
    return [function, trigger], [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"', f'DROP FUNCTION IF EXISTS "{name}"()']


def _statements(vendor: str, table: str, column: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return _sqlite(table, column)
    if vendor == "postgresql":
        return _postgresql(table, column)
    raise NotImplementedError(f"no write-once trigger for database vendor {vendor!r}")


def protect(table: str, column: str) -> migrations.RunPython:
    """A migration operation: rows of `table` whose `column` is set can no longer be updated."""

    def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for sql in _statements(schema_editor.connection.vendor, table, column)[0]:
            schema_editor.execute(sql)

    def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for sql in _statements(schema_editor.connection.vendor, table, column)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward, elidable=False)
