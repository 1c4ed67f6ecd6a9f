"""Writes on the engine's effects that people make: reading a reminder."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..models import Reminder


@transaction.atomic
def reminder_mark_read(*, reminder: Reminder, now: dt.datetime) -> Reminder:
    """The association has seen the reminder (it stays in the list, no longer highlighted)."""
    if reminder.read_at is None:
        reminder.read_at = now
        reminder.save(update_fields=["read_at"])
    return reminder
