"""The append-only audit log, hash-chained with SM3.

Every service that changes state calls `record()` inside its transaction. Each
entry's hash covers its own content and the previous entry's hash; `verify()`
walks the chain and reports the first entry whose stored hash does not match
(an edit) or whose predecessor is missing (a deletion).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from . import clock
from .bulk import insert_many
from .models import AuditEntry, AuditHead, User

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.new("sm3", _canonical(entry)).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The changed fields as {field: {"before": ..., "after": ...}}."""
    return {
        key: {"before": _jsonable(before.get(key)), "after": _jsonable(after.get(key))}
        for key in sorted(set(before) | set(after))
        if _jsonable(before.get(key)) != _jsonable(after.get(key))
    }


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    changes: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside a transaction")
    head = AuditHead.objects.select_for_update().get(pk=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:200]
    entry = AuditEntry(
        seq=head.seq + 1,
        at=now or clock.now(),
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None and actor.pk else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        changes=_jsonable(changes or {}),
        prev_hash=head.hash,
    )
    entry.hash = compute_hash(entry)
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def record_many(entries: list[AuditEntry], *, batch: int = 2000) -> int:
    """Append many prepared entries (actor, action, object, changes, at set) in one chained write.

    Used by bulk jobs such as `xiehui tick`, where one locked append per row would
    serialise the run; the chain is the same as if each had been recorded alone.
    """
    if not entries:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must be called inside a transaction")
    head = AuditHead.objects.select_for_update().get(pk=1)
    seq, prev = head.seq, head.hash
    for entry in entries:
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.changes = _jsonable(entry.changes or {})
        entry.hash = prev = compute_hash(entry)
    insert_many(entries, batch=batch)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return len(entries)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(*, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain; report the first broken link."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"第 {expected_seq} 条记录缺失（已被删除）")
        if entry.prev_hash != expected_prev:
            return VerifyResult(False, checked, entry.seq, f"第 {entry.seq} 条记录的前序哈希与上一条不符")
        if compute_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, f"第 {entry.seq} 条记录的内容与其哈希不符（已被篡改）")
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.get(pk=1)
    if head.seq != checked or head.hash != expected_prev:
        return VerifyResult(False, checked, checked + 1, "链尾记录缺失（最后的记录已被删除）")
    return VerifyResult(True, checked)
