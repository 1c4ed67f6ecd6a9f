"""Reads of the code tables and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from .models import AuditEntry, Region

COUNT_CAP = 10_000


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): counts at most cap+1 rows, without the list's joins, so dense terms stay fast."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, False) if n > cap else (n, True)


def page_rows(qs: QuerySet, offset: int, limit: int) -> list:
    """One page of rows, its keys found first without the list's joins.

    With joins in the same query PostgreSQL misjudges dense filters (协会 is in most
    names), joins and sorts every match, then keeps 20; asking for the 20 keys alone
    lets it walk the ordering index and stop early (195 ms → 3 ms at 100k rows).
    """
    keys = list(qs.select_related(None).prefetch_related(None).values_list("pk", flat=True)[offset : offset + limit])
    return list(qs.filter(pk__in=keys)) if keys else []


def home_province_prefix() -> str:
    """The two-digit prefix of the province this deployment serves (settings.XIEHUI_PROVINCE)."""
    return str(settings.XIEHUI_PROVINCE)[:2]


def home_province_regions() -> QuerySet[Region]:
    return Region.objects.filter(code__startswith=home_province_prefix()).order_by("code")


def audit_trail(*, object_type: str, object_id: str, limit: int = 200) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("-seq")[:limit]
