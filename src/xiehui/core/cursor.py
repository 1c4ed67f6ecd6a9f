"""Keyset pages: an opaque cursor that names the last row of a page, so inserts never shift or repeat rows.

A list ordered by (f1, …, fn), fn unique, continues after the row whose values
the cursor carries. A row inserted before that position is not on the later
pages; one inserted after it appears in its place; no row that existed is
repeated or skipped. An offset page moves instead: an insert ahead of it shifts
every later row by one (one row repeated, or one never seen), so `offset` stays
only for compatibility.

The cursor is the values as base64url JSON and a truncated HMAC (SECRET_KEY) of
them with the list's model and ordering: an edited cursor, or one taken from
another list, is a 400 `invalid_cursor`, never a page in the wrong place.

NULL sorts after every value (PostgreSQL's default; SQLite's is the opposite),
so nullable keys are ordered with explicit NULLS LAST / NULLS FIRST and both
databases page alike.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, Model, OrderBy, Q, QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac

from .errors import ApplicationError

CURSOR_MAX_LENGTH = 2000  # room for a key of 200 characters of any kind (a norm's title) as JSON in base64
CURSOR_DESCRIPTION = "上一页返回的 next_cursor（不透明）；按游标翻页时不要同时使用 offset"
NEXT_CURSOR_DESCRIPTION = "下一页的游标（不透明），作为 cursor 传入；为空表示没有更多"
_SALT = "xiehui.core.cursor"
_MAC_BYTES = 12


@dataclass(frozen=True)
class _Key:
    path: str  # a lookup path: "id", "term__number", or an annotation's name
    descending: bool
    field: Field  # converts the cursor's JSON value back (to_python)
    nullable: bool
    attribute: str  # where the value is read on a row


def keyset_page(
    qs: QuerySet,
    *,
    ordering: Sequence[str] | None,
    cursor: str = "",
    limit: int,
    offset: int = 0,
    keys_first: bool = False,
) -> tuple[list[Any], str | None]:
    """(rows, next_cursor) of one page of `qs` in `ordering`, after `cursor` or from `offset`; None on the last page.

    `ordering` is a tuple of fields, "-" for descending, whose last is the model's
    primary key or another unique, non-null field (("-start_on", "-id")); it replaces
    the queryset's own. None takes the queryset's `order_by()` (for a selector whose
    ordering depends on its filters). Every page, an offset page too, names its last row in
    `next_cursor`, so a client may start with an offset and go on with the cursor.
    `keys_first` finds the page's keys without the list's joins first (core.selectors.page_rows).
    """
    if limit < 1:
        raise ValueError("a page holds at least one row")
    if cursor and offset:
        raise ApplicationError(
            "cursor 与 offset 不能同时使用：按游标翻页时请省略 offset", code="cursor_with_offset", field="offset"
        )
    if ordering is None:
        ordering = [term for term in qs.query.order_by if isinstance(term, str)]
        if len(ordering) != len(qs.query.order_by):
            raise ValueError("a keyset ordering is made of field names: order by annotations, not expressions")
    keys = _keys(qs, ordering)
    scope = f"{qs.model._meta.label}|{','.join(ordering)}"
    related = {k.attribute: F(k.path) for k in keys if k.attribute != k.path}
    ordered = (qs.annotate(**related) if related else qs).order_by(*(_order_term(k) for k in keys))
    page = ordered.filter(_after(keys, _decode(cursor, keys, scope))) if cursor else ordered
    if keys_first:
        found = list(
            page.select_related(None)
            .prefetch_related(None)
            .values_list("pk", *(k.path for k in keys))[offset : offset + limit + 1]
        )
        by_pk = ordered.in_bulk([row[0] for row in found[:limit]]) if found else {}
        rows = [by_pk[row[0]] for row in found[:limit] if row[0] in by_pk]
        last = list(found[limit - 1][1:]) if len(found) > limit else None
    else:
        rows = list(page[offset : offset + limit + 1])
        last = [getattr(rows[limit - 1], k.attribute) for k in keys] if len(rows) > limit else None
        rows = rows[:limit]
    return rows, (_encode(last, scope) if last is not None else None)


def _keys(qs: QuerySet, ordering: Sequence[str]) -> list[_Key]:
    if not ordering:
        raise ValueError("a keyset ordering needs at least one field")
    keys = []
    for index, term in enumerate(ordering):
        path = term.removeprefix("-")
        if path == "pk":
            path = qs.model._meta.pk.name
        annotation = qs.query.annotations.get(path)
        if annotation is not None:
            # An expression may be NULL whatever its output field says: treated as nullable.
            keys.append(_Key(path, term.startswith("-"), annotation.output_field, True, path))
            continue
        field, nullable = _resolve(qs.model, path)
        attribute = path if "__" not in path else f"keyset_{index}"
        keys.append(_Key(path, term.startswith("-"), field, nullable, attribute))
    last = keys[-1]
    if "__" in last.path or last.nullable or not (last.field.primary_key or last.field.unique):
        raise ValueError(f"the last field of a keyset ordering must be unique and not null: {ordering!r}")
    return keys


def _resolve(model: type[Model], path: str) -> tuple[Field, bool]:
    """The concrete field a lookup path ends on, and whether a NULL can stand there (a nullable link on the way)."""
    nullable = False
    parts = path.split("__")
    for index, part in enumerate(parts):
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist as exc:
            raise ValueError(f"unknown keyset field {path!r}") from exc
        if not isinstance(found, Field):  # a reverse relation or a generic foreign key
            raise ValueError(f"a keyset field must be a column, reached through forward to-one links: {path!r}")
        field = found
        link = bool(field.many_to_one or field.one_to_one) and part != field.attname
        column = not field.is_relation or part == field.attname
        if not (column if index == len(parts) - 1 else link):
            raise ValueError(f"a keyset field must be a column, reached through forward to-one links: {path!r}")
        nullable = nullable or field.null
        if link:
            model = field.related_model  # type: ignore[assignment]
    return field, nullable


def _order_term(key: _Key) -> str | OrderBy:
    if key.nullable:
        return F(key.path).desc(nulls_first=True) if key.descending else F(key.path).asc(nulls_last=True)
    return f"-{key.path}" if key.descending else key.path


def _after(keys: list[_Key], values: list[Any]) -> Q:
    """Rows after the position: greater on the first key, or equal on it and after it on the rest (NULL is largest)."""
    after = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        if value is None:
            beyond = Q(**{f"{key.path}__isnull": False}) if key.descending else None
            same = Q(**{f"{key.path}__isnull": True})
        else:
            beyond = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
            if key.nullable and not key.descending:
                beyond |= Q(**{f"{key.path}__isnull": True})
            same = Q(**{key.path: value})
        if beyond is not None:
            after |= equal & beyond
        equal &= same
    return after


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):  # datetime is a date: isoformat keeps the offset and microseconds
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _mac(payload: str, scope: str) -> str:
    digest = salted_hmac(_SALT, f"{scope}|{payload}", algorithm="sha256").digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _encode(values: list[Any], scope: str) -> str:
    raw = json.dumps([_json(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"{payload}.{_mac(payload, scope)}"


def _decode(cursor: str, keys: list[_Key], scope: str) -> list[Any]:
    invalid = ApplicationError("游标无效，请使用上一页返回的 next_cursor", code="invalid_cursor", field="cursor")
    payload, _, mac = cursor.partition(".")
    if not mac or not constant_time_compare(mac, _mac(payload, scope)):
        raise invalid
    try:
        values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(cursor)
        return [_value(key, value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error) as exc:
        raise invalid from exc


def _value(key: _Key, value: Any) -> Any:
    """A cursor's JSON value as the key's Python value (a date from its ISO text …); ValueError if it is none."""
    if value is None and key.nullable:
        return None
    if not isinstance(value, str | int | float | bool):
        raise ValueError(value)
    return key.field.to_python(value)
