"""Fixed-window request counters on the shared cache: a key's rate per minute and daily quota, and the
anonymous rate per client address.

`cache.incr` is atomic on Redis (production: XIEHUI_REDIS_URL, shared by every worker) and within one
process on the local-memory cache. A sliding window (django-ninja's throttles keep every request's
time) would hold a day's quota of timestamps per key; two counters per key are enough here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache

from xiehui.core import clock


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    used: int
    limit: int
    retry_after: int = 0  # seconds until the window ends, for the Retry-After header


def _count(key: str, timeout: int) -> int:
    # add() then incr(): the first request of a window creates the counter with its expiry
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout)
        return 1


def hit(name: str, *, limit: int, window: str, now: dt.datetime) -> Verdict:
    """Count one request against `limit` in the current minute ("minute") or Shanghai day ("day")."""
    local = now.astimezone(clock.SHANGHAI)
    if window == "minute":
        label, left = local.strftime("%Y%m%d%H%M"), 60 - local.second
    else:
        label = local.strftime("%Y%m%d")
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI)
        left = max(1, int((midnight - local).total_seconds()))
    used = _count(f"dataport:{window}:{name}:{label}", left + 5)
    return Verdict(used <= limit, used, limit, 0 if used <= limit else left)


def used_today(name: str, *, now: dt.datetime) -> int:
    label = now.astimezone(clock.SHANGHAI).strftime("%Y%m%d")
    return int(cache.get(f"dataport:day:{name}:{label}", 0))
