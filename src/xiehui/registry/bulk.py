"""Loading many registered associations at once: one path for the demo, the synthetic register and imports.

`organizations_bulk_load()` writes complete organisations (search grams, industries,
the initial registered-item history, the five decoupling items, the legal
representative as an encrypted Person) in one transaction with one audit entry
that summarises the batch. It trusts its records to be valid (the importer
validates every row first; the demo and synth generate valid rows); what it
checks itself are REG-4 and identity numbers agreeing with names, because a
Person is reused by identity number. On SQLite the FTS index follows through
the insert triggers of migration 0002, so setting `name_grams` is enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from xiehui.core import audit, pii
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Person, User

from . import rules, search
from .models import DecouplingItem, Organization, OrganizationStatus, RegisteredItemChange
from .services import CHANGEABLE_ITEMS

# Rows per INSERT statement for wide tables; SQLite allows at most 999 parameters per statement.
_CHUNK = 2000
_LOOKUP_CHUNK = 500
STATUS_LABEL = "登记状态"


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


@transaction.atomic
def organizations_bulk_load(
    *, actor: User | None, records: Sequence[BulkOrganization], now: dt.datetime, source: str
) -> list[Organization]:
    """Enter a batch of existing registrations, all or nothing, with one audit entry for the batch."""
    if not records:
        return []
    person_ids = _persons_for(records)
    orgs = [_organization(r, person_ids[pii.index_hash(r.representative_id_number)]) for r in records]
    Organization.objects.bulk_create(orgs, batch_size=_CHUNK)
    _insert_rows(
        Organization.industries.through,
        ["organization_id", "industry_id"],
        ((o.pk, code) for o, r in zip(orgs, records, strict=True) for code in r.industry_codes),
    )
    _insert_rows(
        RegisteredItemChange,
        ["organization_id", "field", "label", "old_value", "new_value", "effective_on", "recorded_at", "source"],
        _history_rows(orgs, records, now=now, source=source),
    )
    _insert_rows(
        DecouplingItem,
        ["organization_id", "item", "completed", "completed_on", "evidence"],
        _decoupling_rows(orgs, records),
    )
    usccs = sorted(o.uscc for o in orgs)
    audit.record(
        actor=actor,
        action="registry.organization.bulk_loaded",
        object_type="registry.organization",
        object_id=f"{orgs[0].pk}-{orgs[-1].pk}",
        object_label=f"批量载入 {len(orgs)} 个社会团体",
        now=now,
        changes={"count": len(orgs), "uscc_first": usccs[0], "uscc_last": usccs[-1], "source": source},
    )
    return orgs


def _organization(r: BulkOrganization, person_id: int) -> Organization:
    name = rules.canonical_name(r.name)
    return Organization(
        uscc=r.uscc,
        name=name,
        name_grams=search.name_grams(name),
        kind=r.kind,
        level=r.level,
        authority_region_id=r.authority_region_id,
        region_id=r.region_id,
        domicile=r.domicile,
        business_scope=r.business_scope,
        legal_representative_id=person_id,
        activity_funds=r.activity_funds,
        registered_on=r.registered_on,
        fulltime_staff=r.fulltime_staff,
        premises=r.premises,
        contact_phone=r.contact_phone,
        status=r.status,
        status_changed_on=r.status_changed_on,
    )


def _persons_for(records: Sequence[BulkOrganization]) -> dict[str, int]:
    """Person id per identity-number hash: existing persons are reused, the others created (encrypted)."""
    by_hash: dict[str, BulkOrganization] = {}
    registered_twice: list[str] = []
    for r in records:
        digest = pii.index_hash(r.representative_id_number)
        if (
            digest in by_hash
            and r.status == OrganizationStatus.REGISTERED
            and by_hash[digest].status == OrganizationStatus.REGISTERED
        ):
            registered_twice.append(r.name)
        if digest not in by_hash or r.status == OrganizationStatus.REGISTERED:
            by_hash[digest] = r
    if registered_twice:
        raise ApplicationError(
            f"同一人不得担任两个社会团体的法定代表人（REG-4）：{registered_twice[0]}",
            code="reg_4_legal_representative_taken",
        )
    ids = _existing_persons(by_hash)
    new = []
    for digest, r in by_hash.items():
        if digest not in ids:
            person = Person(name=r.representative_name.strip())
            person.set_id_number(r.representative_id_number)
            new.append(person)
    Person.objects.bulk_create(new, batch_size=_CHUNK)
    ids.update({p.id_number_hash: p.pk for p in new})
    return ids


def _existing_persons(by_hash: dict[str, BulkOrganization]) -> dict[str, int]:
    """Existing persons by hash; refuse a name that disagrees or a person already representing a body."""
    found: dict[str, int] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), _LOOKUP_CHUNK):
        for pk, digest, name in Person.objects.filter(
            id_number_hash__in=hashes[start : start + _LOOKUP_CHUNK]
        ).values_list("pk", "id_number_hash", "name"):
            r = by_hash[digest]
            if name != r.representative_name.strip():
                raise ApplicationError(
                    f"“{r.name}”的法定代表人姓名与该身份证号码已登记的姓名不一致", code="person_name_mismatch"
                )
            found[digest] = pk
    registering = [found[d] for d, r in by_hash.items() if d in found and r.status == OrganizationStatus.REGISTERED]
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


def _history_rows(
    orgs: list[Organization], records: Sequence[BulkOrganization], *, now: dt.datetime, source: str
) -> Iterable[tuple[Any, ...]]:
    """The initial registered items (as services.item_values shows them), and a status change if any."""
    labels = CHANGEABLE_ITEMS
    for org, r in zip(orgs, records, strict=True):
        values = {
            "name": org.name,
            "domicile": org.domicile,
            "business_scope": org.business_scope,
            "activity_funds": f"{org.activity_funds:.2f}",
            "legal_representative": r.representative_name.strip(),
        }
        for key, value in values.items():
            yield org.pk, key, labels[key], "", value, org.registered_on, now, source
        if r.status != OrganizationStatus.REGISTERED:
            yield (
                org.pk,
                "status",
                STATUS_LABEL,
                OrganizationStatus.REGISTERED.label,
                OrganizationStatus(r.status).label,
                r.status_changed_on or org.registered_on,
                now,
                RegisteredItemChange.Source.STATUS,
            )


def _decoupling_rows(orgs: list[Organization], records: Sequence[BulkOrganization]) -> Iterable[tuple[Any, ...]]:
    for org, r in zip(orgs, records, strict=True):
        for item in DecouplingItem.Item.values:
            done = r.decoupling.get(item)
            yield (org.pk, item, True, done[0], done[1]) if done else (org.pk, item, False, None, "")


def _insert_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert plain rows of a table whose ids nobody needs back, in chunks (bulk_create without objects)."""
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= _CHUNK:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
