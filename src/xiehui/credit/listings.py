"""Opening and ending listings with their numbered decisions and audit entries, one or many at a time.

Both the engine (`xiehui tick`, thousands per run) and officers' decisions
(credit/services.py, one at a time) go through these functions, so a listing
always has its inclusion decision, and an ended one its removal decision.
Callers run inside a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xiehui.core import audit, numbering, params
from xiehui.core.bulk import ids_by, insert_many
from xiehui.core.models import AuditEntry, User
from xiehui.registry.models import Organization

from .models import Decision, EndReason, Ground, Listing, ListKind

PREFIX = {
    (ListKind.ABNORMAL, Decision.Kind.INCLUSION): "异列",
    (ListKind.ABNORMAL, Decision.Kind.REMOVAL): "异移",
    (ListKind.SERIOUS, Decision.Kind.INCLUSION): "严列",
    (ListKind.SERIOUS, Decision.Kind.REMOVAL): "严移",
}


def route_text(listing: Listing, kind: str, stored: dict[str, Any] | None = None) -> str:
    """How the association can object or be removed, as printed on the decision (CR-O, CR-A, CR-S)."""
    stored = params.overrides() if stored is None else stored
    if kind == Decision.Kind.REMOVAL:
        return "移出后，本记录不再在公示平台公示（CR-R），历史记录依法保存。"
    objection_days = params.value("CR-O.decide_working_days", stored=stored)
    text = (
        f"如对本决定有异议，可向本机关提出异议并提交证据，本机关自收到之日起{objection_days}个工作日内核查并作出决定；"
        "也可依法申请行政复议或者提起行政诉讼。"
    )
    if listing.list_kind == ListKind.ABNORMAL:
        if listing.rectifiable:
            days = params.value("CR-A.removal_working_days", stored=stored)
            text += f"履行相关义务或完成整改后，可向本机关申请移出，本机关自核实之日起{days}个工作日内作出决定。"
        elif listing.auto_removal_on:
            text += f"无需整改，{listing.auto_removal_on:%Y年%-m月%-d日}起自动移出（如无新的列入事由）。"
    elif listing.earliest_removal_on:
        text += f"自{listing.earliest_removal_on:%Y年%-m月%-d日}起，未再发生列入事由的，可申请移出。"
    return text


class Labels:
    """Translated labels looked up once per batch (gettext per row costs more than the row)."""

    def __init__(self) -> None:
        self.lists = {k.value: str(k.label) for k in ListKind}
        self.grounds = {k.value: str(k.label) for k in Ground}
        self.ends = {k.value: str(k.label) for k in EndReason}


def decision_text(
    listing: Listing, kind: str, authority: str, stored: dict[str, Any] | None = None, labels: Labels | None = None
) -> dict[str, Any]:
    labels = labels or Labels()
    org = listing.organization
    return {
        "authority": authority,
        "organization": org.name,
        "uscc": org.uscc,
        "list": labels.lists[listing.list_kind],
        "ground": labels.grounds[listing.ground],
        "rule_id": listing.rule_id,
        "basis": listing.basis,
        "facts": listing.facts,
        "parameters": listing.parameters,
        "start_on": listing.start_on.isoformat(),
        "earliest_removal_on": listing.earliest_removal_on.isoformat() if listing.earliest_removal_on else None,
        "auto_removal_on": listing.auto_removal_on.isoformat() if listing.auto_removal_on else None,
        "ended_on": listing.ended_on.isoformat() if listing.ended_on else None,
        "end_reason": labels.ends.get(listing.end_reason, ""),
        "end_note": listing.end_note,
        "route": route_text(listing, kind, stored),
    }


@dataclass
class Ending:
    listing: Listing
    on: dt.date
    reason: str
    note: str = ""


def _issue(pairs: Sequence[tuple[Listing, str, dt.date]]) -> list[Decision]:
    """Number and create decisions for (listing, kind, issued_on), numbering all groups in one go."""
    groups: dict[numbering.Key, list[tuple[Listing, str, dt.date]]] = defaultdict(list)
    for listing, kind, on in pairs:
        prefix = PREFIX[(ListKind(listing.list_kind), Decision.Kind(kind))]
        groups[(listing.authority_region_id, prefix, on.year)].append((listing, kind, on))
    numbers = numbering.allocate_many({key: len(members) for key, members in groups.items()})
    authorities = numbering.authority_names({key[0] for key in groups})
    stored = params.overrides()
    missing = {lst.organization_id for lst, _, _ in pairs if not Listing.organization.is_cached(lst)}
    orgs = Organization.objects.in_bulk(missing) if missing else {}
    for lst, _, _ in pairs:
        if lst.organization_id in orgs:
            lst.organization = orgs[lst.organization_id]
    labels = Labels()
    decisions = []
    for key, members in sorted(groups.items()):
        for (listing, kind, on), number in zip(members, numbers[key], strict=True):
            decisions.append(
                Decision(
                    listing=listing,
                    kind=kind,
                    number=number,
                    issued_on=on,
                    authority_region_id=key[0],
                    text=decision_text(listing, kind, authorities[key[0]], stored, labels),
                )
            )
    insert_many(decisions)
    return decisions


def _entry(actor: User | None, action: str, listing: Listing, changes: dict[str, Any], now: dt.datetime) -> AuditEntry:
    return AuditEntry(
        at=now,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        object_type="credit.listing",
        object_id=str(listing.pk),
        object_label=f"{listing.organization.name}·{listing.key}"[:200],
        changes=changes,
    )


def open_many(
    listings: list[Listing], *, actor: User | None, now: dt.datetime, issued_on: dt.date | None = None
) -> list[Listing]:
    """Store new listings (already built, not saved) with their inclusion decisions and audit entries.

    Decisions are dated `issued_on` (the engine's run date) or, by default, the listing's own dates.
    """
    if not listings:
        return []
    for listing in listings:
        listing.created_at = listing.updated_at = now
    insert_many(listings)
    ids_by(Listing, listings, key=("organization_id", "key"))
    ended = [lst for lst in listings if lst.ended_on is not None]
    pairs = [(lst, Decision.Kind.INCLUSION, issued_on or lst.start_on) for lst in listings]
    pairs += [(lst, Decision.Kind.REMOVAL, issued_on or lst.ended_on) for lst in ended]  # type: ignore[misc]
    _issue(pairs)
    entries = [
        _entry(
            actor,
            "credit.listing.opened",
            lst,
            {
                "list_kind": lst.list_kind,
                "ground": lst.ground,
                "rule_id": lst.rule_id,
                "start_on": lst.start_on,
                "facts": lst.facts,
            },
            now,
        )
        for lst in listings
    ]
    entries += [
        _entry(actor, "credit.listing.ended", lst, {"ended_on": lst.ended_on, "end_reason": lst.end_reason}, now)
        for lst in ended
    ]
    audit.record_many(entries)
    return listings


def end_many(endings: list[Ending], *, actor: User | None, now: dt.datetime, issued_on: dt.date | None = None) -> None:
    """End open listings on the given dates, with removal decisions (dated `issued_on` if given) and audit entries."""
    if not endings:
        return
    for ending in endings:
        ending.listing.ended_on = ending.on
        ending.listing.end_reason = ending.reason
        ending.listing.end_note = ending.note
        ending.listing.updated_at = now
        if actor is not None:
            ending.listing.decided_by = actor
    changed = [e.listing for e in endings]
    Listing.objects.bulk_update(changed, ["ended_on", "end_reason", "end_note", "updated_at", "decided_by"], 1000)
    _issue([(e.listing, Decision.Kind.REMOVAL, issued_on or e.on) for e in endings])
    audit.record_many(
        [
            _entry(
                actor,
                "credit.listing.ended",
                e.listing,
                {"ended_on": e.on, "end_reason": e.reason, "note": e.note},
                now,
            )
            for e in endings
        ]
    )
