"""Loading many registered associations at once: one path for the demo, the synthetic register and imports.

`organizations_bulk_load()` writes complete organisations (search grams, industries,
the initial registered-item history, the five decoupling items, the legal
representative as an encrypted Person) in one transaction with one audit entry
that summarises the batch. It trusts its records to be valid (the importer
validates every row first; the demo and synth generate valid rows); what it
checks itself are REG-4 and identity numbers agreeing with names, because a
Person is reused by identity number.

`organizations_bulk_prepare()` computes every row without the database (so a worker
process can do it, and SQLite's write lock is held for the writes only);
`organizations_bulk_write()` writes a prepared batch. Rows go in as plain tuples
(executemany on SQLite, COPY on PostgreSQL) with ids reserved up front: building a
model instance per row and preparing each value through its field cost more than
everything else together (a million bodies are about fifteen million rows). The
SQLite FTS index follows through the insert triggers of migration 0002 and the
PostgreSQL GIN index by itself, so setting `name_grams` is enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from xiehui.core import audit, pii
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Person, User

from . import rules, search
from .models import AuthoritySequence, DecouplingItem, Organization, OrganizationStatus, RegisteredItemChange
from .services import CHANGEABLE_ITEMS

_LOOKUP_CHUNK = 500
_ROWS_PER_EXECUTEMANY = 10_000
STATUS_LABEL = "登记状态"
PERSON_FIELDS = ["id", "name", "id_number_encrypted", "id_number_hash", "id_number_masked", "phone_encrypted",
                 "phone_masked"]  # fmt: skip
ORGANIZATION_FIELDS = [
    "id", "legal_representative_id", "uscc", "name", "name_grams", "short_name", "kind", "level",
    "authority_region_id", "region_id", "domicile", "business_scope", "activity_funds", "registered_on",
    "fulltime_staff", "premises", "website", "contact_phone", "status", "status_changed_on", "updated_at",
]  # fmt: skip
HISTORY_FIELDS = ["organization_id", "field", "label", "old_value", "new_value", "effective_on", "recorded_at",
                  "source"]  # fmt: skip
DECOUPLING_FIELDS = ["organization_id", "item", "completed", "completed_on", "evidence"]
ITEM_KEYS = ("name", "domicile", "business_scope", "activity_funds", "legal_representative")  # as item_values()
STATUS_SOURCE = str(RegisteredItemChange.Source.STATUS)


@dataclass(slots=True)
class BulkOrganization:
    """One association as it stands on the register; identity number already validated (GB 11643)."""

    uscc: str
    name: str
    kind: str
    level: str
    authority_region_id: str
    region_id: str
    domicile: str
    industry_codes: tuple[str, ...]
    business_scope: str
    representative_name: str
    representative_id_number: str
    activity_funds: Decimal
    registered_on: dt.date
    fulltime_staff: int = 1
    status: str = OrganizationStatus.REGISTERED
    status_changed_on: dt.date | None = None
    premises: str = ""
    contact_phone: str = ""
    # decoupling item -> (completed_on, evidence); items not named stay open (REG-7)
    decoupling: dict[str, tuple[dt.date, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkResult:
    count: int
    first_id: int
    last_id: int
    persons_created: int


@dataclass
class PreparedBatch:
    """A batch's rows, computed from the records without the database (a worker process may build it).

    Rows lack the ids the write assigns: organisation rows start after (id, legal representative),
    the other rows refer to their organisation by its index in the batch.
    """

    source: str
    usccs: list[str]
    mj_serials: dict[str, int]  # authority -> highest MJnnnnnn serial in the batch
    persons: dict[str, tuple[str, str, str, bool, str]]  # hash -> (name, encrypted, masked, registered, body)
    org_persons: list[str] = field(default_factory=list)
    organizations: list[tuple[Any, ...]] = field(default_factory=list)
    industries: list[tuple[int, str]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    decoupling: list[tuple[Any, ...]] = field(default_factory=list)


def organizations_bulk_load(
    *, actor: User | None, records: Sequence[BulkOrganization], now: dt.datetime, source: str
) -> BulkResult:
    """Enter a batch of existing registrations, all or nothing, with one audit entry for the batch.

    The rows are computed before the transaction opens, so the write lock is held for the writes only.
    """
    batch = organizations_bulk_prepare(records, now=now, source=source)
    return organizations_bulk_write(actor=actor, batch=batch, now=now)


def organizations_bulk_prepare(records: Sequence[BulkOrganization], *, now: dt.datetime, source: str) -> PreparedBatch:
    """Names, search grams, encrypted legal representatives and every row; REG-4 within the batch."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError("bulk loading supports SQLite and PostgreSQL")
    batch = PreparedBatch(source=str(source), usccs=sorted(r.uscc for r in records), mj_serials=_mj_serials(records),
                          persons=_prepared_persons(records))  # fmt: skip
    date, at = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value(now)
    items, labels, registered = DecouplingItem.Item.values, CHANGEABLE_ITEMS, str(OrganizationStatus.REGISTERED.label)
    for i, r in enumerate(records):
        name, registered_on = rules.canonical_name(r.name), date(r.registered_on)
        batch.org_persons.append(pii.index_hash(r.representative_id_number))
        batch.organizations.append((
            r.uscc, name, search.name_grams(name), "", str(r.kind), str(r.level), r.authority_region_id, r.region_id,
            r.domicile, r.business_scope, r.activity_funds, registered_on, r.fulltime_staff, r.premises, "",
            r.contact_phone, str(r.status), date(r.status_changed_on), at,
        ))  # fmt: skip
        batch.industries.extend((i, code) for code in r.industry_codes)
        values = (name, r.domicile, r.business_scope, f"{r.activity_funds:.2f}", r.representative_name.strip())
        for key, value in zip(ITEM_KEYS, values, strict=True):
            batch.history.append((i, key, labels[key], "", value, registered_on, at, batch.source))
        if r.status != OrganizationStatus.REGISTERED:
            batch.history.append((i, "status", STATUS_LABEL, registered, str(OrganizationStatus(r.status).label),
                                  date(r.status_changed_on or r.registered_on), at, STATUS_SOURCE))  # fmt: skip
        for item in items:
            done = r.decoupling.get(item)
            batch.decoupling.append((i, item, True, date(done[0]), done[1]) if done else (i, item, False, None, ""))
    return batch


@transaction.atomic
def organizations_bulk_write(*, actor: User | None, batch: PreparedBatch, now: dt.datetime) -> BulkResult:
    """Write a prepared batch in one transaction, with one audit entry summarising it."""
    count = len(batch.organizations)
    if not count:
        return BulkResult(0, 0, 0, 0)
    person_ids, created = _write_persons(batch)
    ids = _reserve_ids(Organization, count)
    _insert_rows(
        Organization,
        ORGANIZATION_FIELDS,
        ((pk, person_ids[d], *row) for pk, d, row in zip(ids, batch.org_persons, batch.organizations, strict=True)),
    )
    _insert_rows(
        Organization.industries.through,
        ["organization_id", "industry_id"],
        ((ids[i], code) for i, code in batch.industries),
    )
    _insert_rows(RegisteredItemChange, HISTORY_FIELDS, ((ids[row[0]], *row[1:]) for row in batch.history))
    _insert_rows(DecouplingItem, DECOUPLING_FIELDS, ((ids[row[0]], *row[1:]) for row in batch.decoupling))
    _advance_sequences(batch.mj_serials)
    audit.record(
        actor=actor,
        action="registry.organization.bulk_loaded",
        object_type="registry.organization",
        object_id=f"{ids[0]}-{ids[-1]}",
        object_label=f"批量载入 {count} 个社会团体",
        now=now,
        changes={"count": count, "uscc_first": batch.usccs[0], "uscc_last": batch.usccs[-1], "source": batch.source},
    )  # fmt: skip
    return BulkResult(count, ids[0], ids[-1], created)


def _prepared_persons(records: Sequence[BulkOrganization]) -> dict[str, tuple[str, str, str, bool, str]]:
    """One encrypted person per identity number; REG-4 refuses one person for two registered bodies."""
    persons: dict[str, tuple[str, str, str, bool, str]] = {}
    for r in records:
        number = pii.normalize(r.representative_id_number)
        digest = pii.index_hash(number)
        registered = r.status == OrganizationStatus.REGISTERED
        other = persons.get(digest)
        if other is not None and registered and other[3]:
            raise ApplicationError(
                f"同一人不得担任两个社会团体的法定代表人（REG-4）：“{other[4]}”和“{r.name}”",
                code="reg_4_legal_representative_taken",
            )
        if other is None or registered:
            # the columns Person.set_id_number() fills, without building a model instance per person
            persons[digest] = (r.representative_name.strip(), pii.encrypt(number), pii.mask(number), registered, r.name)
    return persons


def _write_persons(batch: PreparedBatch) -> tuple[dict[str, int], int]:
    """Person id per identity-number hash (existing persons reused, the others inserted); and how many new."""
    ids = _existing_persons(batch.persons)
    new = [(digest, p) for digest, p in batch.persons.items() if digest not in ids]
    if new:
        new_ids = _reserve_ids(Person, len(new))
        _insert_rows(Person, PERSON_FIELDS, ((pk, p[0], p[1], digest, p[2], "", "") for pk, (digest, p) in
                                             zip(new_ids, new, strict=True)))  # fmt: skip
        ids.update({digest: pk for pk, (digest, _) in zip(new_ids, new, strict=True)})
    return ids, len(new)


def _existing_persons(persons: dict[str, tuple[str, str, str, bool, str]]) -> dict[str, int]:
    """Existing persons by hash; refuse a name that disagrees or a person already representing a body (REG-4)."""
    found: dict[str, int] = {}
    hashes = list(persons)
    for start in range(0, len(hashes), _LOOKUP_CHUNK):
        chunk = hashes[start : start + _LOOKUP_CHUNK]
        for pk, digest, name in Person.objects.filter(id_number_hash__in=chunk).values_list(
            "pk", "id_number_hash", "name"
        ):
            if name != persons[digest][0]:
                raise ApplicationError(
                    f"“{persons[digest][4]}”的法定代表人姓名与该身份证号码已登记的姓名不一致",
                    code="person_name_mismatch",
                )
            found[digest] = pk
    registering = [pk for digest, pk in found.items() if persons[digest][3]]
    for start in range(0, len(registering), _LOOKUP_CHUNK):
        clash = (
            Organization.objects.filter(
                legal_representative_id__in=registering[start : start + _LOOKUP_CHUNK],
                status=OrganizationStatus.REGISTERED,
            )
            .values_list("name", flat=True)
            .first()
        )
        if clash is not None:
            raise ApplicationError(
                f"法定代表人已担任“{clash}”的法定代表人，不得兼任（REG-4）", code="reg_4_legal_representative_taken"
            )
    return found


def _mj_serials(records: Sequence[BulkOrganization]) -> dict[str, int]:
    highest: dict[str, int] = {}
    for r in records:
        body = r.uscc[8:16]
        if body.startswith("MJ") and body[2:].isdigit():
            highest[r.authority_region_id] = max(highest.get(r.authority_region_id, 0), int(body[2:]))
    return highest


def _advance_sequences(mj_serials: dict[str, int]) -> None:
    """Keep each authority's USCC serial (services._next_uscc, bodies MJnnnnnn) past the serials loaded here."""
    for authority, serial in mj_serials.items():
        seq, _ = AuthoritySequence.objects.select_for_update().get_or_create(authority_region_id=authority)
        if seq.last < serial:
            AuthoritySequence.objects.filter(pk=authority).update(last=serial)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows about to be inserted, inside the caller's transaction.

    PostgreSQL hands them out from the column's sequence (safe beside other writers).
    On SQLite the transaction holds the write lock from its start (transaction_mode
    IMMEDIATE), so nobody else inserts; counting past sqlite_sequence too never reuses
    the id of a deleted row (AUTOINCREMENT semantics).
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table name from _meta)
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(top, row[0] if row else 0) + 1
    return list(range(first, first + count))


def _insert_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert tuples (values already adapted for the database) into the model's table.

    Every concrete column must be named: a field added to the model later fails here
    loudly (in the tests) instead of being left at a database default.
    """
    meta = model._meta
    named = {f.removesuffix("_id") if f != "id" else f for f in fields}
    missing = {f.name for f in meta.concrete_fields if not f.primary_key} - named
    if missing:
        raise RuntimeError(f"bulk insert into {meta.db_table} does not set {sorted(missing)}")
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    column_of = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(qn(column_of[f if f == "id" else f.removesuffix("_id")]) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _ROWS_PER_EXECUTEMANY:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
