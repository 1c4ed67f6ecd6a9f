"""Checking a presented key: one cache read per request, the database only on a cache miss.

The cached snapshot holds the key's digest, limits, scopes and its account; revocation replaces it on
commit with the revoked row (services.key_revoke, `refresh`); expiry is checked on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.core.cache import cache

from xiehui.core.models import User

KEY_PREFIX = "xhk_"
CACHE_SECONDS = 300


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


def check(secret: str, *, now: dt.datetime) -> tuple[KeySnapshot | None, str]:
    """(the key, "ok") or (the key or None, the refusal's code: key_invalid, key_revoked, key_expired)."""
    prefix = prefix_of(secret)
    if not prefix:
        return None, "key_invalid"
    snapshot = cache.get(cache_key(prefix))
    if snapshot is None:
        snapshot = _load(prefix)
        if snapshot is None:
            return None, "key_invalid"
        # add(), not set(): a revocation committing meanwhile has already put its own snapshot (refresh)
        cache.add(cache_key(prefix), snapshot, CACHE_SECONDS)
    if not hmac.compare_digest(snapshot.digest, digest(secret)):
        return None, "key_invalid"
    if snapshot.revoked or not snapshot.account.is_active:
        return snapshot, "key_revoked"
    if snapshot.expires_at <= now:
        return snapshot, "key_expired"
    return snapshot, "ok"
