"""Pagination that never counts more than it must (dense search terms match most rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from xiehui.core.selectors import COUNT_CAP, capped_count, page_rows

PAGE_SIZE = 20


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    count: int
    exact: bool
    querystring: str = ""
    numbers: list[int] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.count

    @property
    def last(self) -> int:
        return max(1, (self.count + self.size - 1) // self.size)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}" if self.exact else f"{self.count:,}+"


def paginate(request: HttpRequest, qs: QuerySet, *, size: int = PAGE_SIZE, cap: int = COUNT_CAP) -> Page:
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    count, exact = capped_count(qs, cap)
    last = max(1, (count + size - 1) // size)
    number = min(number, last)
    items = page_rows(qs, (number - 1) * size, size)
    params = request.GET.copy()
    params.pop("page", None)
    window = sorted({1, last, *range(max(1, number - 2), min(last, number + 2) + 1)})
    return Page(items, number, size, count, exact, params.urlencode(), window)
