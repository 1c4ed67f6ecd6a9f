"""Plain multi-row inserts for bulk jobs (the rules engine): executemany instead of bulk_create.

Django's `bulk_create` builds one large statement per batch and prepares every
value through the field (about 140 µs a row on SQLite here). `insert_many`
sends one short statement with `executemany` on SQLite and a COPY stream on
PostgreSQL, and prepares only the values whose type needs it: dates, date-times,
decimals and JSON; strings, integers, booleans and foreign keys pass as they
are. `ids_by` reads the new rows' ids back in one query where the caller needs
them (docs/benchmarks.md, tick).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

PLAIN = {
    "CharField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "BooleanField",
    "ForeignKey",
}


def _reader(field: models.Field) -> Callable[[models.Model], Any]:
    """How to read one field of an unsaved instance as the database wants it."""
    internal = field.get_internal_type()
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)
    attname = field.attname
    if internal in PLAIN:
        return lambda obj: getattr(obj, attname)
    if internal == "DateField":
        adapt = connection.ops.adapt_datefield_value
        return lambda obj: adapt(getattr(obj, attname))
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_many(objs: Sequence[models.Model], *, batch: int = 5000) -> int:
    """INSERT the given unsaved instances of one model (an auto primary key is left to the database)."""
    if not objs:
        return 0
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    readers = [_reader(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream, no statement per row
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(tuple(read(obj) for read in readers))
            return len(objs)
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        for start in range(0, len(objs), batch):
            cursor.executemany(sql, [tuple(read(obj) for read in readers) for obj in objs[start : start + batch]])
    return len(objs)


def ids_by(model: type[models.Model], objs: Sequence[models.Model], *, key: tuple[str, str]) -> None:
    """Set the primary keys of rows just inserted by `insert_many`, found by a unique pair of fields."""
    first, second = key
    found = {
        (a, b): pk
        for a, b, pk in model._default_manager.filter(
            **{f"{first}__in": {getattr(o, first) for o in objs}, f"{second}__in": {getattr(o, second) for o in objs}}
        ).values_list(first, second, "pk")
    }
    for obj in objs:
        obj.pk = found[(getattr(obj, first), getattr(obj, second))]
        obj._state.adding = False
