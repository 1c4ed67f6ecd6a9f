"""Checking a presented key: no round trip when the worker holds the key, the database only on a cache miss.

The snapshot holds the key's digest, limits, scopes and its account. Each worker keeps the snapshots it read
for MEMO_SECONDS; the shared cache keeps them for CACHE_SECONDS. Revocation (services.key_revoke, `refresh`)
replaces the shared snapshot on commit and sets a shared flag, which the gate reads in the same round trip
as its counters (middleware._admit, limits.count): every worker refuses the key from the commit on, and
within MEMO_SECONDS even if the shared cache lost the flag (the snapshot is then read again). A key's
limits and scopes never change after issue; expiry is checked on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.core.cache import cache

from xiehui.core.models import User

KEY_PREFIX = "xhk_"
CACHE_SECONDS = 300
MEMO_SECONDS = 60
MEMO_SIZE = 10_000
_memo: dict[str, tuple[float, KeySnapshot]] = {}


@dataclass(frozen=True)
class KeySnapshot:
    id: int
    prefix: str
    digest: str
    department_id: int
    scopes: frozenset[str]
    personal_data: bool
    rate_per_minute: int
    daily_quota: int
    expires_at: dt.datetime
    revoked: bool
    account: User


def digest(secret: str) -> str:
    return hashlib.new("sm3", secret.encode()).hexdigest()


def cache_key(prefix: str) -> str:
    return f"dataport:key:{prefix}"


def revoked_flag(prefix: str) -> str:
    return f"dataport:key:{prefix}:revoked"


def prefix_of(secret: str) -> str:
    """The public part of `xhk_<prefix>_<secret>` ('' if the text is not shaped like a key)."""
    parts = secret.split("_", 2)  # the secret part may itself hold "_" (URL-safe base64)
    return parts[1][:16] if len(parts) == 3 and secret.startswith(KEY_PREFIX) and parts[2] else ""


def _load(prefix: str) -> KeySnapshot | None:
    from .models import DataPortKey

    row = DataPortKey.objects.select_related("account").filter(prefix=prefix).first()
    if row is None:
        return None
    return KeySnapshot(
        row.pk,
        row.prefix,
        row.digest,
        row.department_id,
        frozenset(row.scopes),
        row.personal_data,
        row.rate_per_minute,
        row.daily_quota,
        row.expires_at,
        row.revoked_at is not None,
        row.account,
    )


def refresh(prefix: str) -> None:
    """Replace the cached snapshot with the committed row (after a revocation), whatever a request cached."""
    snapshot = _load(prefix)
    if snapshot is not None:
        cache.set(cache_key(prefix), snapshot, CACHE_SECONDS)
        if snapshot.revoked:
            cache.set(revoked_flag(prefix), 1, None)
    _memo.pop(prefix, None)


def _snapshot(prefix: str) -> KeySnapshot | None:
    held = _memo.get(prefix)
    if held is not None and held[0] > time.monotonic():
        return held[1]
    snapshot = cache.get(cache_key(prefix))
    if snapshot is None:
        snapshot = _load(prefix)
        if snapshot is None:
            return None
        # add(), not set(): a revocation committing meanwhile has already put its own snapshot (refresh)
        cache.add(cache_key(prefix), snapshot, CACHE_SECONDS)
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[prefix] = (time.monotonic() + MEMO_SECONDS, snapshot)
    return snapshot


def check(secret: str, *, now: dt.datetime) -> tuple[KeySnapshot | None, str]:
    """(the key, "ok") or (the key or None, the refusal's code: key_invalid, key_revoked, key_expired).

    Local to the worker: the gate completes it with the shared revocation flag (`revoked_flag`)."""
    prefix = prefix_of(secret)
    if not prefix:
        return None, "key_invalid"
    snapshot = _snapshot(prefix)
    if snapshot is None:
        return None, "key_invalid"
    if not hmac.compare_digest(snapshot.digest, digest(secret)):
        return None, "key_invalid"
    if snapshot.revoked or not snapshot.account.is_active:
        return snapshot, "key_revoked"
    if snapshot.expires_at <= now:
        return snapshot, "key_expired"
    return snapshot, "ok"
