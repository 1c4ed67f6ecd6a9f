"""Document numbers of a registration authority: 济南市民政局异列字〔2026〕第12号."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection
from django.db.models import F

from .models import NumberSequence, Region

Key = tuple[str, str, int]  # (authority region code, prefix, year)


def authority_names(codes: set[str]) -> dict[str, str]:
    """The registration authority seated in each region: 山东省民政厅, 济南市民政局, 济南市历下区民政局."""
    regions = Region.objects.in_bulk(codes | {code[:2] + "0000" for code in codes})
    names = {}
    for code in codes:
        region = regions[code]
        if code.endswith("0000"):
            names[code] = f"{region.name}民政厅"
        else:
            province = regions.get(code[:2] + "0000")
            names[code] = f"{region.full_name.removeprefix(province.name if province else '') or region.name}民政局"
    return names


def authority_name(region: Region) -> str:
    return authority_names({region.code})[region.code]


def allocate(authority_region: Region, prefix: str, year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers for one authority, prefix and year (inside the caller's transaction)."""
    seq, _ = NumberSequence.objects.get_or_create(authority_region=authority_region, prefix=prefix, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + count)
    seq.refresh_from_db(fields=["last"])
    name = authority_name(authority_region)
    return [f"{name}{prefix}字〔{year}〕第{n}号" for n in range(seq.last - count + 1, seq.last + 1)]


def allocate_many(counts: Mapping[Key, int]) -> dict[Key, list[str]]:
    """Reserve numbers for many (authority, prefix, year) at once: a handful of queries, not a few per key.

    The sequences are locked for the rest of the caller's transaction, so a
    concurrent single `allocate` waits instead of reusing a number.
    """
    if not counts:
        return {}
    codes = {code for code, _, _ in counts}
    scope = {
        "authority_region_id__in": codes,
        "prefix__in": {p for _, p, _ in counts},
        "year__in": {y for _, _, y in counts},
    }
    NumberSequence.objects.bulk_create(
        [NumberSequence(authority_region_id=c, prefix=p, year=y) for c, p, y in counts], ignore_conflicts=True
    )
    rows = {
        (s.authority_region_id, s.prefix, s.year): s
        for s in NumberSequence.objects.select_for_update().filter(**scope)
        if (s.authority_region_id, s.prefix, s.year) in counts
    }
    names = authority_names(codes)
    out: dict[Key, list[str]] = {}
    for key, count in counts.items():
        seq = rows[key]
        code, prefix, year = key
        out[key] = [f"{names[code]}{prefix}字〔{year}〕第{n}号" for n in range(seq.last + 1, seq.last + count + 1)]
        seq.last += count
    with connection.cursor() as cursor:  # one statement, many rows: far cheaper than bulk_update's CASE
        cursor.executemany(
            "UPDATE core_numbersequence SET last = %s WHERE id = %s",
            [(seq.last, seq.pk) for seq in rows.values()],
        )
    return out
