"""Fixed-window request counters on the shared cache: a key's rate per minute and daily quota, and the
anonymous rate per client address.

`cache.incr` is atomic on Redis (production: XIEHUI_REDIS_URL, shared by every worker) and within one
process on the local-memory cache. A sliding window (django-ninja's throttles keep every request's
time) would hold a day's quota of timestamps per key; two counters per key are enough here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

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


@dataclass(frozen=True)
class Window:
    key: str
    left: int  # seconds until the window ends


def window_of(name: str, kind: str, now: dt.datetime) -> Window:
    """The current minute ("minute") or Shanghai day ("day") of a counter."""
    local = now.astimezone(clock.SHANGHAI)
    if kind == "minute":
        return Window(f"dataport:minute:{name}:{local.strftime('%Y%m%d%H%M')}", 60 - local.second)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=clock.SHANGHAI)
    return Window(f"dataport:day:{name}:{local.strftime('%Y%m%d')}", max(1, int((midnight - local).total_seconds())))


# One round trip for the gate: the flag's existence, then INCR per window (EXPIRE on a window's first count).
COUNT_SCRIPT = """
local out = {0}
if ARGV[1] == '1' then out[1] = redis.call('EXISTS', KEYS[1]) end
for i = 2, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i]) end
  out[i] = n
end
return out
"""
_script: list[Any] = []  # the registered script, once per process (it is called with each request's client)


def count(windows: list[Window], *, flag: str = "") -> tuple[bool, list[int]]:
    """Count one request in each window, and read whether `flag` is set, in one round trip to Redis.

    On Redis (production) this is one script call (COUNT_SCRIPT, sent by digest after the first time). The
    keys are the cache's own (make_key), so `cache.get` reads the same counters. Elsewhere (the
    local-memory cache of development and tests) the same through the cache API.
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        if not _script:
            _script.append(client.register_script(COUNT_SCRIPT))
        # make_key, not make_and_validate_key: these names are ours, short and plain (validation walks each one)
        names = [backend.make_key(flag or "-")] + [backend.make_key(w.key) for w in windows]
        results = _script[0](keys=names, args=["1" if flag else "0"] + [w.left + 5 for w in windows], client=client)
        return bool(results[0]), [int(n) for n in results[1:]]
    flagged = bool(flag) and cache.get(flag) is not None
    return flagged, [_count(w.key, w.left + 5) for w in windows]


def uncount(w: Window) -> None:
    """Take one request back from a window (a request the rate refused does not spend the quota)."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(w.key)


def hit(name: str, *, limit: int, window: str, now: dt.datetime) -> Verdict:
    """Count one request against `limit` in the current minute ("minute") or Shanghai day ("day")."""
    current = window_of(name, window, now)
    _, [used] = count([current])
    return Verdict(used <= limit, used, limit, 0 if used <= limit else current.left)


def used_today(name: str, *, now: dt.datetime) -> int:
    return int(cache.get(window_of(name, "day", now).key, 0))
