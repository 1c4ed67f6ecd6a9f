"""A bare WSGI app for the data-port benchmark: the register lookup with no framework.

    BARE_DATABASE_URL=sqlite:////path/to/db.sqlite3 granian --interface wsgi --working-dir bench bare_lookup:app
    BARE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/db ...

`GET /organizations/<uscc>` runs the SQL the xiehui lookup runs (the row by USCC with its region, authority
region and legal representative joined, then its industries ordered by code) with the stdlib sqlite3 or
psycopg directly, one connection per thread, and answers the same JSON fields as
`GET /api/v1/organizations/{uscc}` (json.dumps). Anything else answers 404. It is the floor the framework
is measured against, not an application: no middleware, no validation, no headers beyond Content-Type.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import threading
import urllib.parse
from typing import Any

# The columns of OrganizationOut (registry/schemas.py), in its order; industries come from a second query.
COLUMNS = (
    "uscc", "name", "short_name", "kind", "level", "region_code", "region_name", "authority_region_code", "status",
    "registered_on", "domicile", "business_scope", "legal_representative", "activity_funds", "fulltime_staff",
    "premises", "website", "contact_phone", "status_changed_on", "updated_at",
)  # fmt: skip
SELECT = """
SELECT o.id, o.uscc, o.name, o.short_name, o.kind, o.level, o.region_id, r.full_name, o.authority_region_id,
       o.status, o.registered_on, o.domicile, o.business_scope, p.name, o.activity_funds, o.fulltime_staff,
       o.premises, o.website, o.contact_phone, o.status_changed_on, o.updated_at
FROM registry_organization o
JOIN core_region r ON r.code = o.region_id
JOIN core_region a ON a.code = o.authority_region_id
JOIN core_person p ON p.id = o.legal_representative_id
"""
INDUSTRIES = """
SELECT i.code, i.name FROM registry_organization_industries l JOIN core_industry i ON i.code = l.industry_id
WHERE l.organization_id = {ph} ORDER BY i.code
"""
CENT = decimal.Decimal("0.01")


def _date(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _datetime(value: Any) -> str:
    """As Django's JSON encoder writes an aware UTC datetime: milliseconds, 'Z'."""
    if isinstance(value, str):  # SQLite: UTC, naive text
        value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    text = value.astimezone(dt.UTC).isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z"


def record(row: tuple, industries: list[tuple[str, str]]) -> dict[str, Any]:
    """The public record from a SELECT row (without its id) and its industries."""
    out = dict(zip(COLUMNS, row, strict=True))
    out["registered_on"] = _date(out["registered_on"])
    out["status_changed_on"] = _date(out["status_changed_on"])
    out["activity_funds"] = str(decimal.Decimal(str(out["activity_funds"])).quantize(CENT))
    out["updated_at"] = _datetime(out["updated_at"])
    out["industries"] = [{"code": code, "name": name} for code, name in industries]
    return {name: out[name] for name in (*COLUMNS[:14], "industries", *COLUMNS[14:])}


def sqlite_path(url: str) -> str:
    """The file of a sqlite:////absolute/path URL (dj-database-url's form)."""
    return "/" + urllib.parse.urlsplit(url).path.lstrip("/")


class Database:
    """One connection per thread (granian runs the app on several blocking threads)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        ph = "%s" if self.postgres else "?"
        self.select = SELECT + f" WHERE o.uscc = {ph}"
        self.industries = INDUSTRIES.format(ph=ph)
        self._local = threading.local()

    def connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.url, autocommit=True)
            else:
                import sqlite3

                conn = sqlite3.connect(sqlite_path(self.url), check_same_thread=False)
            self._local.conn = conn
        return conn

    def lookup(self, uscc: str) -> dict[str, Any] | None:
        cur = self.connection().cursor()
        cur.execute(self.select, (uscc,))
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(self.industries, (row[0],))
        return record(row[1:], cur.fetchall())


DB = Database(os.environ.get("BARE_DATABASE_URL", ""))
PREFIX = "/organizations/"


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    path = environ.get("PATH_INFO", "")
    found = DB.lookup(path[len(PREFIX) :].strip().upper()) if path.startswith(PREFIX) else None
    if found is None:
        body, status = b'{"detail": "not found"}', "404 Not Found"
    else:
        body, status = json.dumps(found).encode(), "200 OK"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
