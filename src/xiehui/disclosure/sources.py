"""Items other domains hold (catalogue `source`): they register how to read them, so disclosure imports none.

A source answers, for many associations at once, the day each period of its item
was first published ({org id: {period: day}}, period "" for standing items), and
where on the association's public page the item is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PublishedDays = Callable[[Sequence[int], dt.date], dict[int, dict[str, dt.date]]]


@dataclass(frozen=True)
class Source:
    published_days: PublishedDays
    anchor: str  # the section of the public page that shows it


SOURCES: dict[str, Source] = {}


def register(name: str, *, anchor: str) -> Callable[[PublishedDays], PublishedDays]:
    def wrap(func: PublishedDays) -> PublishedDays:
        SOURCES[name] = Source(func, anchor)
        return func

    return wrap


def published_days(name: str, org_ids: Sequence[int], as_of: dt.date) -> dict[int, dict[str, dt.date]]:
    source = SOURCES.get(name)
    return source.published_days(org_ids, as_of) if source is not None else {}
