"""The engine's applier for listings: make the stored listings match what the rules say (core/engine.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping

from xiehui.core import engine, rules
from xiehui.core.engine import Effect
from xiehui.registry.models import Organization

from . import listings
from .models import Listing, Objection, RemovalApplication, RequestStatus
from .services import PENDING

DATES = ("earliest_removal_on", "auto_removal_on")


@engine.applier("listing")
def apply_listings(
    desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: engine.Context, now: dt.datetime
) -> Counter[str]:
    """Open listings that are missing, end those whose rule has ended them, move dates CR-X has moved."""
    counts: Counter[str] = Counter()
    stored = {
        (row[0], row[1]): row
        for row in Listing.objects.filter(organization_id__in=list(desired)).values_list(
            "organization_id", "key", "id", "ended_on", *DATES
        )
    }
    authorities = dict(Organization.objects.filter(id__in=list(desired)).values_list("id", "authority_region_id"))
    to_open: list[Listing] = []
    to_update: list[Listing] = []
    endings: dict[int, Effect] = {}
    for org_id, effects in desired.items():
        for effect in effects:
            row = stored.get((org_id, effect.key))
            if row is None:
                if not effect.data.get("manual"):
                    to_open.append(_new(effect, org_id, authorities[org_id]))
                continue
            _, _, pk, ended_on, *dates = row
            if ended_on is not None:
                continue  # ended rows are history: nothing reopens or moves them
            wanted = [effect.data.get(name) for name in DATES]
            if wanted != dates:
                to_update.append(Listing(pk=pk, **dict(zip(DATES, wanted, strict=True)), updated_at=now))
            if effect.until is not None:
                endings[pk] = effect
    to_end = [
        _ending(row, endings[row.pk])
        for row in Listing.objects.filter(pk__in=list(endings)).select_related("organization")
    ]
    if to_update:
        Listing.objects.bulk_update(to_update, [*DATES, "updated_at"], batch_size=1000)
        counts["listing.dates_moved"] += len(to_update)
    if to_open:
        listings.open_many(to_open, actor=None, now=now, issued_on=ctx.as_of)
        counts["listing.opened"] += len(to_open)
        counts["listing.opened_and_ended"] += sum(1 for row in to_open if row.ended_on is not None)
    if to_end:
        listings.end_many(to_end, actor=None, now=now, issued_on=ctx.as_of)
        counts["request.closed"] += _close_requests([e.listing.pk for e in to_end], ctx.as_of)
        counts["listing.ended"] += len(to_end)
    return counts


def _close_requests(listing_ids: list[int], on: dt.date) -> int:
    """Removal applications and objections pending on listings the rule has ended need no decision any more."""
    reason = "该列入记录已依规则移出（期满、转入或列入事由消除），本申请无需再作决定"
    closed = 0
    for model in (RemovalApplication, Objection):
        closed += model.objects.filter(listing_id__in=listing_ids, status__in=PENDING).update(
            status=RequestStatus.REJECTED, decided_on=on, reason=reason
        )
    return closed


def _ending(row: Listing, effect: Effect) -> listings.Ending:
    assert effect.until is not None  # only effects the rule has ended are passed here
    return listings.Ending(row, effect.until, str(effect.data["end_reason"]), effect.facts)


def _new(effect: Effect, org_id: int, authority_region_id: str) -> Listing:
    return Listing(
        organization_id=org_id,
        authority_region_id=authority_region_id,
        list_kind=effect.data["list_kind"],
        ground=effect.data["ground"],
        rule_id=effect.rule_id,
        key=effect.key,
        source=Listing.Source.RULE,
        basis=rules.get(effect.rule_id).basis,
        facts=effect.facts,
        parameters=dict(effect.parameters),
        rectifiable=bool(effect.data["rectifiable"]),
        start_on=effect.on,
        earliest_removal_on=effect.data.get("earliest_removal_on"),
        auto_removal_on=effect.data.get("auto_removal_on"),
        ended_on=effect.until,
        end_reason=str(effect.data["end_reason"]) if effect.until else "",
    )
