"""The unified change feed (`GET /api/v1/events`): every public change in commit order, from the audit chain.

Sources, each an audit action the chain already holds:
- the register: `registry.organization.registered`, `.recorded`, `.changed`, and `.bulk_loaded` (one entry for
  a range of ids, expanded here to one event per organisation). An organisation event carries the
  organisation's public record *as it is when the feed is read* (like CouchDB's changes feed), so a consumer
  that applies the events in order holds exactly the current register, whatever it missed in between;
- the credit lists: `credit.listing.opened` and `.ended` (officers of the jurisdiction, departments and keys
  with the credit scope; removed listings leave the portal, CR-R, so the public does not get them);
- public publications: what `disclosure.feed` publishes (disclosures, norms, pledges; never members-only).

The chain's sequence is assigned under a lock held to commit, so no event appears behind a cursor already
handed out. The cursor is "<seq>" or "<seq>.<n>" (the n-th organisation of a bulk entry).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry
from xiehui.credit import selectors as credit
from xiehui.credit.models import Listing
from xiehui.disclosure import feed as disclosure_feed
from xiehui.registry import selectors as registry
from xiehui.registry.selectors import Actor

ORGANIZATION_ACTIONS = {
    "registry.organization.registered": "registered",
    "registry.organization.recorded": "recorded",
    "registry.organization.changed": "changed",
    "registry.organization.bulk_loaded": "loaded",
}
LISTING_ACTIONS = credit.EVENT_ACTIONS
PUBLICATION_ACTIONS = disclosure_feed.FEED_ACTIONS
KIND_SCOPE = {"organization": "registry", "listing": "credit", "publication": "disclosure"}
CURSOR_PATTERN = r"^([0-9]{1,18}(\.[0-9]{1,9})?)?$"
_CURSOR = re.compile(CURSOR_PATTERN)
_RANGE = re.compile(r"^([0-9]+)-([0-9]+)$")
BATCH = 500  # audit entries read per query; a page reads at most 10 batches


@dataclass(frozen=True)
class Event:
    cursor: str
    at: dt.datetime
    kind: str  # organization, listing, publication
    event: str
    organization_id: int
    payload: Any  # Organization, Listing or disclosure_feed.Publication


def _position(cursor: str) -> tuple[int, int]:
    if not _CURSOR.match(cursor):
        raise ApplicationError("游标无效，请使用上一页返回的 next_cursor", code="invalid_cursor", field="since")
    if not cursor:
        return 0, -1
    seq, _, n = cursor.partition(".")
    return int(seq), int(n) if n else -1


def kinds_for(actor: Actor, scopes: frozenset[str] | None) -> set[str]:
    """What the caller receives: everyone the register and publications; the credit lists as credit's feed says."""
    kinds = {"organization", "publication"}
    if credit.may_read_feed(actor):
        kinds.add("listing")
    if scopes is not None:  # a department key: only its scopes
        kinds = {k for k in kinds if KIND_SCOPE[k] in scopes}
    return kinds


def _entries(after: int, skip: int, kinds: set[str]) -> list[tuple[int, str, dt.datetime, str, str]]:
    actions = [
        *(ORGANIZATION_ACTIONS if "organization" in kinds else ()),
        *(LISTING_ACTIONS if "listing" in kinds else ()),
        *(PUBLICATION_ACTIONS if "publication" in kinds else ()),
    ]
    seq = {"seq__gte": after} if skip >= 0 else {"seq__gt": after}  # resume inside a bulk entry
    return list(
        AuditEntry.objects.filter(action__in=actions, **seq)
        .order_by("seq")
        .values_list("seq", "action", "at", "object_type", "object_id")[:BATCH]
    )


def _expand(entries: list[tuple[int, str, dt.datetime, str, str]], after: int, skip: int) -> Iterator[tuple[Any, ...]]:
    """(seq, n or -1, action, at, object id) per event, bulk ranges expanded, resuming after (after, skip)."""
    for seq, action, at, _object_type, object_id in entries:
        resumed = skip >= 0 and seq == after
        if action == "registry.organization.bulk_loaded":
            found = _RANGE.match(object_id)
            if found:
                first, last = int(found.group(1)), int(found.group(2))
                for n in range(skip + 1 if resumed else 0, last - first + 1):
                    yield seq, n, action, at, first + n
        elif object_id.isdigit() and not resumed:
            yield seq, -1, action, at, int(object_id)


def _encode(seq: int, n: int) -> str:
    return f"{seq}.{n}" if n >= 0 else str(seq)


def _build(rows: list[tuple[Any, ...]], actor: Actor) -> list[Event]:
    org_ids = [r[4] for r in rows if r[2] in ORGANIZATION_ACTIONS]
    listing_ids = [r[4] for r in rows if r[2] in LISTING_ACTIONS]
    orgs = registry.organizations_by_id(org_ids) if org_ids else {}
    listings = Listing.objects.select_related("organization").in_bulk(listing_ids) if listing_ids else {}
    prefix = registry.officer_prefix(actor)
    entries = [disclosure_feed.Entry(r[0], r[2], r[3], r[4], {}) for r in rows if r[2] in PUBLICATION_ACTIONS]
    publications = dict(disclosure_feed.publications_of(entries))
    events = []
    for seq, n, action, at, object_id in rows:
        cursor = _encode(seq, n)
        if action in ORGANIZATION_ACTIONS and object_id in orgs:
            events.append(Event(cursor, at, "organization", ORGANIZATION_ACTIONS[action], object_id, orgs[object_id]))
        elif action in LISTING_ACTIONS and object_id in listings:
            listing = listings[object_id]
            if prefix is None or listing.authority_region_id.startswith(prefix):
                events.append(Event(cursor, at, "listing", LISTING_ACTIONS[action], listing.organization_id, listing))
        elif action in PUBLICATION_ACTIONS and (publication := publications.get(seq)) is not None:
            events.append(Event(cursor, at, "publication", publication.event, publication.organization.pk, publication))
    return events


def events_page(*, actor: Actor, scopes: frozenset[str] | None, since: str, limit: int) -> tuple[list[Event], str]:
    """Events after the cursor, at most `limit`; `next_cursor` is where to go on (`since` when nothing is new).

    A page may be short when the entries read were not for this caller; go on while `next_cursor` changes.
    """
    after, skip = _position(since)
    kinds = kinds_for(actor, scopes)
    found: list[Event] = []
    moved = False
    for _batch in range(10):
        entries = _entries(after, skip, kinds)
        if not entries:
            break
        expanded = list(_expand(entries, after, skip))
        taken = expanded[: limit - len(found)]
        found.extend(_build(taken, actor))
        moved = True
        if len(taken) < len(expanded):  # the page filled up inside what was read
            after, skip = taken[-1][0], taken[-1][1]
            break
        after, skip = entries[-1][0], -1  # every event of the entries read is handed out
        if len(found) >= limit or len(entries) < BATCH:
            break
    return found, _encode(after, skip) if moved else since
