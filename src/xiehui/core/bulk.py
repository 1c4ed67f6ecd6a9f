"""Plain multi-row inserts for bulk jobs that do not need the new rows' ids back.

Django's `bulk_create` builds one large statement per batch and prepares every
value through the field (about 140 µs a row on SQLite here); `insert_many`
prepares values the same way but sends one short statement with `executemany`,
which both SQLite and PostgreSQL (psycopg pipelines it) run several times
faster. Used by the rules engine for decisions, audit entries, flags and
reminders (docs/benchmarks.md, tick).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def insert_many(objs: Sequence[models.Model], *, batch: int = 5000) -> int:
    """INSERT the given unsaved instances of one model (auto primary key left to the database)."""
    if not objs:
        return 0
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            rows = [
                tuple(f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields)
                for obj in objs[start : start + batch]
            ]
            cursor.executemany(sql, rows)
    return len(objs)
