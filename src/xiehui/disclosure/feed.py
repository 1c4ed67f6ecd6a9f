"""Reads for the data port: keyset pages of published items, and the feed of new publications.

The feed reads the audit chain, like credit's events feed: its sequence is
assigned under a lock held to commit, so a publication can never appear behind
a cursor already handed out (a timestamp could). Only public publications are
fed: members-only items (DIS-2) never appear, whoever asks.

`FEED_ACTIONS` maps an audit code to how its object is loaded and shown; a
domain that publishes something public adds one line there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiehui.core.cursor import keyset_page
from xiehui.core.models import AuditEntry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor
from xiehui.selfregulation.models import Norm, PledgeSignature

from . import catalogue, selectors
from .models import Disclosure

# -- keyset pages of published items ---------------------------------------------------------------------


def with_versions_count(qs: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    """Annotate `versions_count`: the item's published versions (DIS-4: all stay readable)."""
    return qs.annotate(versions_count=Count("versions", filter=Q(versions__published_at__isnull=False)))


def published_items(
    *,
    actor: Actor,
    organization: Organization,
    as_of: dt.date,
    item_type: str = "",
    period: str = "",
    audience: str = "",
) -> QuerySet[Disclosure]:
    """The association's published items the actor may read (selectors.published_of), filtered, counted."""
    qs = selectors.published_of(actor=actor, organization=organization, as_of=as_of, item_type=item_type)
    if period:
        qs = qs.filter(period=period)
    if audience:
        qs = qs.filter(members_only=audience == catalogue.MEMBERS)
    return with_versions_count(qs)


def published_page(qs: QuerySet[Disclosure], *, cursor: str, limit: int) -> tuple[list[Disclosure], str | None]:
    """Keyset page over (published_at desc, id desc) (core/cursor.py): items published later never shift or repeat
    a page.

    An item that gets a new version moves to the front (its `published_at` is the current version's);
    follow the events feed to learn of new versions.
    """
    return keyset_page(qs, ordering=("-published_at", "-pk"), cursor=cursor, limit=limit)


# -- the feed of publications -------------------------------------------------------------------------------

MAX_SEQ = 9_223_372_036_854_775_807  # the audit sequence is a 64-bit integer


@dataclass(frozen=True)
class Publication:
    """One event of the feed: something public was published (or repealed) by an association."""

    seq: int
    at: dt.datetime
    kind: str  # what was published: disclosure, norm, pledge
    event: str  # published, repealed, signed
    organization: Organization
    item_id: int
    item_type: str
    title: str
    version: int | None
    change_kind: str


@dataclass(frozen=True)
class Entry:
    seq: int
    action: str
    at: dt.datetime
    object_id: int
    changes: dict[str, Any]


@dataclass(frozen=True)
class FeedAction:
    """How one audit code appears in the feed: its object type, which of its objects are public, how it reads."""

    object_type: str
    public: Callable[[list[int]], dict[int, Any]]  # ids -> the public objects (others are left out)
    build: Callable[[Entry, Any], Publication]


def _publication(
    entry: Entry,
    kind: str,
    event: str,
    obj: Any,
    *,
    item_type: str,
    title: str,
    version: Any = None,
    change_kind: str = "",
) -> Publication:
    return Publication(
        seq=entry.seq,
        at=entry.at,
        kind=kind,
        event=event,
        organization=obj.organization,
        item_id=obj.pk,
        item_type=item_type,
        title=title,
        version=version if isinstance(version, int) else None,
        change_kind=change_kind,
    )


def _public_disclosures(ids: list[int]) -> dict[int, Any]:
    return Disclosure.objects.filter(members_only=False).select_related("organization").in_bulk(ids)


def _disclosure_published(entry: Entry, item: Disclosure) -> Publication:
    version = (entry.changes.get("version") or {}).get("after")
    change_kind = (entry.changes.get("change_kind") or {}).get("after") or ""
    return _publication(
        entry,
        "disclosure",
        "published",
        item,
        item_type=item.item_type,
        title=item.title,
        version=version,
        change_kind=change_kind,
    )


def _public_norms(ids: list[int]) -> dict[int, Any]:
    return Norm.objects.filter(current__isnull=False).select_related("organization").in_bulk(ids)


def _norm_published(entry: Entry, norm: Norm) -> Publication:
    version = entry.changes.get("version")
    return _publication(entry, "norm", "published", norm, item_type=norm.kind, title=norm.title, version=version)


def _norm_repealed(entry: Entry, norm: Norm) -> Publication:
    return _publication(entry, "norm", "repealed", norm, item_type=norm.kind, title=norm.title)


def _public_pledges(ids: list[int]) -> dict[int, Any]:
    return PledgeSignature.objects.filter(published_at__isnull=False).select_related("organization").in_bulk(ids)


def _pledge_signed(entry: Entry, signature: PledgeSignature) -> Publication:
    title = f"诚信承诺（{signature.signed_on:%Y-%m-%d}签署）"
    return _publication(entry, "pledge", "signed", signature, item_type="credit_commitments", title=title)


FEED_ACTIONS: dict[str, FeedAction] = {
    "disclosure.version.published": FeedAction("disclosure.disclosure", _public_disclosures, _disclosure_published),
    "selfregulation.norm.published": FeedAction("selfregulation.norm", _public_norms, _norm_published),
    "selfregulation.norm.repealed": FeedAction("selfregulation.norm", _public_norms, _norm_repealed),
    "selfregulation.pledge.signed": FeedAction("selfregulation.pledgesignature", _public_pledges, _pledge_signed),
}
FEED_BATCHES = 5  # at most FEED_BATCHES * limit audit entries are read per request


def _entries(after: int, limit: int) -> list[Entry]:
    """The next feed entries of the chain; an entry whose object is not the action's type has no action."""
    rows = (
        AuditEntry.objects.filter(seq__gt=after, action__in=list(FEED_ACTIONS))
        .order_by("seq")
        .values_list("seq", "action", "at", "object_type", "object_id", "changes")[:limit]
    )
    entries = []
    for seq, action, at, object_type, object_id, changes in rows:
        known = object_type == FEED_ACTIONS[action].object_type and object_id.isdigit()
        entries.append(
            Entry(
                seq,
                action if known else "",
                at,
                int(object_id) if known else 0,
                changes if isinstance(changes, dict) else {},
            )
        )
    return entries


def _publications(entries: Sequence[Entry]) -> Iterable[tuple[int, Publication | None]]:
    """(seq, the publication, or None when its object is not public) per entry; objects load in one query per action."""
    by_action: dict[str, list[int]] = {}
    for entry in entries:
        if entry.action:
            by_action.setdefault(entry.action, []).append(entry.object_id)
    loaded = {action: FEED_ACTIONS[action].public(ids) for action, ids in by_action.items()}
    for entry in entries:
        obj = loaded.get(entry.action, {}).get(entry.object_id)
        yield entry.seq, (FEED_ACTIONS[entry.action].build(entry, obj) if obj is not None else None)


def publications_of(entries: Sequence[Entry]) -> list[tuple[int, Publication | None]]:
    """For other feeds reading the chain (dataport's unified feed): each entry's public publication or None."""
    return list(_publications(entries))


def events_page(*, since: int, limit: int) -> tuple[list[Publication], int | None]:
    """Public publications after the cursor `since` (an audit sequence number), in commit order.

    Members-only publications are skipped; up to FEED_BATCHES batches are read so that they rarely leave a
    page short. `next_cursor` is the last sequence number read (pass it as `since` next time), `since` when
    nothing new was committed (None while that is 0). A page may hold fewer than `limit` items.
    """
    found: list[Publication] = []
    cursor = since
    for _batch in range(FEED_BATCHES):
        entries = _entries(cursor, limit)
        for seq, publication in _publications(entries):
            cursor = seq
            if publication is not None:
                found.append(publication)
                if len(found) == limit:
                    return found, cursor
        if len(entries) < limit:
            break
    return found, cursor or None
