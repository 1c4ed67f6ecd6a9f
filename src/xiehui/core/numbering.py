"""Document numbers of a registration authority: 济南市民政局异列字〔2026〕第12号."""

from __future__ import annotations

from django.db.models import F

from .models import NumberSequence, Region


def authority_name(region: Region) -> str:
    """The registration authority seated in a region: 山东省民政厅, 济南市民政局, 济南市历下区民政局."""
    if region.code.endswith("0000"):
        return f"{region.name}民政厅"
    province = Region.objects.filter(pk=region.code[:2] + "0000").values_list("name", flat=True).first() or ""
    return f"{region.full_name.removeprefix(province) or region.name}民政局"


def allocate(authority_region: Region, prefix: str, year: int, count: int = 1, *, name: str = "") -> list[str]:
    """Reserve `count` consecutive numbers for one authority, prefix and year (inside the caller's transaction)."""
    seq, _ = NumberSequence.objects.get_or_create(authority_region=authority_region, prefix=prefix, year=year)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + count)
    seq.refresh_from_db(fields=["last"])
    name = name or authority_name(authority_region)
    return [f"{name}{prefix}字〔{year}〕第{n}号" for n in range(seq.last - count + 1, seq.last + 1)]
