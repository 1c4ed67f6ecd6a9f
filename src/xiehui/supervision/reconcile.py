"""The engine's appliers for supervision effects: flags, reminders, rule orders, key inspections."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from xiehui.core import audit, engine, numbering, rules
from xiehui.core.bulk import insert_many
from xiehui.core.engine import Effect
from xiehui.core.models import AuditEntry
from xiehui.registry.models import Organization

from .models import Flag, KeyInspection, RectificationOrder, Reminder


def _entry(action: str, obj_type: str, obj_id: int, label: str, changes: dict, now: dt.datetime) -> AuditEntry:
    return AuditEntry(
        at=now,
        actor_id=None,
        actor_label="system",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        object_label=label[:200],
        changes=changes,
    )


def _stored_keys(model: Any, desired: Mapping[int, list[Effect]], *fields: str) -> dict[tuple[int, str], Any]:
    """The stored rows' natural keys (with the given fields) for the organisations in `desired`."""
    rows = model.objects.filter(organization_id__in=list(desired)).values_list("organization_id", "key", *fields)
    return {(row[0], row[1]): row[2:] for row in rows}


@engine.applier("flag")
def apply_flags(
    desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: engine.Context, now: dt.datetime
) -> Counter[str]:
    """Raise missing flags; clear those whose facts have caught up (the flag stays as history)."""
    stored = _stored_keys(Flag, desired, "id", "cleared_on")
    new, cleared = [], []
    for org_id, effects in desired.items():
        for e in effects:
            row = stored.get((org_id, e.key))
            if row is None:
                new.append(
                    Flag(
                        organization_id=org_id,
                        key=e.key,
                        rule_id=e.rule_id,
                        subject=e.data["subject"],
                        facts=e.facts,
                        parameters=dict(e.parameters),
                        raised_on=e.on,
                        cleared_on=e.until,
                    )
                )
            elif row[1] is None and e.until is not None:
                cleared.append(Flag(pk=row[0], cleared_on=e.until, facts=e.facts))
    insert_many(new)
    Flag.objects.bulk_update(cleared, ["cleared_on", "facts"], batch_size=1000)
    return Counter({"flag.raised": len(new), "flag.cleared": len(cleared)})


@engine.applier("reminder")
def apply_reminders(
    desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: engine.Context, now: dt.datetime
) -> Counter[str]:
    """Send each reminder once (its key is unique per association)."""
    stored = _stored_keys(Reminder, desired)
    new = [
        Reminder(
            organization_id=org_id,
            key=e.key,
            rule_id=e.rule_id,
            subject=e.data["subject"],
            facts=e.facts,
            remind_on=e.on,
            due_on=e.data["due_on"],
        )
        for org_id, effects in desired.items()
        for e in effects
        if (org_id, e.key) not in stored
    ]
    insert_many(new)
    return Counter({"reminder.sent": len(new)})


@engine.applier("order")
def apply_orders(
    desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: engine.Context, now: dt.datetime
) -> Counter[str]:
    """Issue the rule's orders (SUP-4) that are not issued yet, numbered by the association's authority."""
    stored = _stored_keys(RectificationOrder, desired)
    todo = [(org_id, e) for org_id, effects in desired.items() for e in effects if (org_id, e.key) not in stored]
    if not todo:
        return Counter()
    authorities = dict(
        Organization.objects.filter(id__in={o for o, _ in todo}).values_list("id", "authority_region_id")
    )
    groups: dict[numbering.Key, list[tuple[int, Effect]]] = defaultdict(list)
    for org_id, e in todo:
        groups[(authorities[org_id], "责改", e.on.year)].append((org_id, e))
    numbers = numbering.allocate_many({key: len(members) for key, members in groups.items()})
    orders = []
    for key, members in sorted(groups.items()):
        for (org_id, e), number in zip(members, numbers[key], strict=True):
            orders.append(
                RectificationOrder(
                    organization_id=org_id,
                    number=number,
                    source=RectificationOrder.Source.RULE,
                    key=e.key,
                    rule_id=e.rule_id,
                    ground=e.data["ground"],
                    basis=rules.get(e.rule_id).basis,
                    facts=e.facts,
                    requirements=e.data["requirements"],
                    parameters=dict(e.parameters),
                    issued_on=e.on,
                    deadline=e.data["deadline"],
                )
            )
    RectificationOrder.objects.bulk_create(orders, batch_size=1000)
    audit.record_many(
        [
            _entry(
                "supervision.order.issued",
                "supervision.rectificationorder",
                o.pk,
                o.number,
                {"rule_id": o.rule_id, "key": o.key, "deadline": o.deadline, "facts": o.facts},
                now,
            )
            for o in orders
        ]
    )
    return Counter({"order.issued": len(orders)})


@engine.applier("inspection")
def apply_inspections(
    desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: engine.Context, now: dt.datetime
) -> Counter[str]:
    """Open the key-inspection cases SUP-2 calls for, once per trigger."""
    stored = _stored_keys(KeyInspection, desired)
    new = [
        KeyInspection(
            organization_id=org_id,
            key=e.key,
            rule_id=e.rule_id,
            facts=e.facts,
            parameters=dict(e.parameters),
            opened_on=e.on,
        )
        for org_id, effects in desired.items()
        for e in effects
        if (org_id, e.key) not in stored
    ]
    KeyInspection.objects.bulk_create(new, batch_size=1000)
    audit.record_many(
        [
            _entry("supervision.inspection.opened", "supervision.keyinspection", i.pk, i.key, {"facts": i.facts}, now)
            for i in new
        ]
    )
    return Counter({"inspection.opened": len(new)})
