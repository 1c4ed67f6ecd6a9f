"""Facts officers (and departments) record for the credit rules.

- Letters sent to the registered address and returned unsigned (CR-A5: two such
  letters 20 to 60 days apart mean the association cannot be reached there).
- Entries on the courts' list of dishonest judgment debtors (CR-S6), recorded by
  the registration authority or by a government department.

The engine reads these rows; `unreachable_evidence` is only a hint for the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from xiehui.core import audit, clock, params
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import LEVEL_PREFIX_LENGTH, Role, User
from xiehui.registry import selectors
from xiehui.registry.models import Organization

from ..models import AddressLetter, CourtListEntry
from .orders import require_deciding_officer


def _not_future(day: dt.date, *, today: dt.date, field: str, label: str) -> None:
    if day > today:
        raise ApplicationError(
            f"{label} {day:%Y-%m-%d} 不能晚于今天（{today:%Y-%m-%d}）", code=f"{field}_future", field=field
        )


# -- CR-A5: letters to the registered address --------------------------------------------------------


@transaction.atomic
def letter_record(
    *,
    actor: User,
    organization: Organization,
    sent_on: dt.date,
    now: dt.datetime,
    tracking_number: str = "",
    note: str = "",
) -> AddressLetter:
    """The authority records a letter sent to the registered address (its return is recorded later)."""
    require_deciding_officer(actor, organization)
    _not_future(sent_on, today=clock.local_date(now), field="sent_on", label="寄送日期")
    letter = AddressLetter(
        organization=organization,
        sent_on=sent_on,
        tracking_number=tracking_number.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    letter.full_clean()
    letter.save()
    audit.record(
        actor=actor,
        action="supervision.letter.recorded",
        obj=letter,
        object_label=f"{organization.name} {sent_on:%Y-%m-%d} 信函",
        changes={"organization": organization.uscc, "sent_on": sent_on, "tracking_number": letter.tracking_number},
        now=now,
    )
    return letter


@transaction.atomic
def letter_update_return(
    *,
    actor: User,
    letter: AddressLetter,
    returned_on: dt.date,
    signed: bool,
    now: dt.datetime,
    note: str | None = None,
) -> AddressLetter:
    """Record what became of a letter: signed for, or returned unsigned on a date (CR-A5 counts the latter)."""
    letter = AddressLetter.objects.select_for_update().select_related("organization").get(pk=letter.pk)
    require_deciding_officer(actor, letter.organization)
    if returned_on < letter.sent_on:
        raise ApplicationError(
            f"退回（签收）日期 {returned_on:%Y-%m-%d} 早于寄送日期 {letter.sent_on:%Y-%m-%d}",
            code="returned_before_sent",
            field="returned_on",
        )
    _not_future(returned_on, today=clock.local_date(now), field="returned_on", label="退回（签收）日期")
    before = {"returned_on": letter.returned_on, "signed": letter.signed, "note": letter.note}
    letter.returned_on = returned_on
    letter.signed = signed
    if note is not None:
        letter.note = note.strip()
    letter.full_clean()
    letter.save(update_fields=["returned_on", "signed", "note"])
    audit.record(
        actor=actor,
        action="supervision.letter.returned",
        obj=letter,
        object_label=f"{letter.organization.name} {letter.sent_on:%Y-%m-%d} 信函",
        changes=audit.diff(before, {"returned_on": returned_on, "signed": signed, "note": letter.note}),
        now=now,
    )
    return letter


def unreachable_evidence(letters: Iterable[AddressLetter], *, stored: Mapping[str, Any] | None = None) -> str:
    """A display hint: do two letters returned unsigned, sent 20 to 60 days apart, exist? (CR-A5 decides.)"""
    table = dict(stored) if stored is not None else None
    low = params.value("CR-A5.min_days_between_letters", stored=table)
    high = params.value("CR-A5.max_days_between_letters", stored=table)
    returned = sorted(
        (letter.sent_on for letter in letters if letter.returned_on is not None and not letter.signed),
    )
    for i, first in enumerate(returned):
        for second in returned[i + 1 :]:
            gap = (second - first).days
            if low <= gap <= high:
                return (
                    f"已有两封信函退回未签收：{first:%Y-%m-%d} 与 {second:%Y-%m-%d} 寄出，间隔 {gap} 天"
                    f"（规定 {low}–{high} 天），已符合 CR-A5 “通过登记的住所无法取得联系”的条件。"
                )
    if not returned:
        return f"尚无退回未签收的信函。CR-A5 需两封间隔 {low}–{high} 天寄出的信函均退回未签收。"
    return f"已有 {len(returned)} 封信函退回未签收，但没有两封的寄出间隔在 {low}–{high} 天之内，尚不符合 CR-A5 的条件。"


# -- CR-S6: the courts' list of dishonest judgment debtors -------------------------------------------


def department_prefix(actor: Any) -> str | None:
    """The region-code prefix a department user's department covers; None for anyone else."""
    if actor is None or not actor.is_authenticated or getattr(actor, "role", None) != Role.DEPARTMENT:
        return None
    department = actor.department
    if department is None:
        return None
    region = department.region
    return str(region.code)[: LEVEL_PREFIX_LENGTH[region.level]]


def department_reaches(actor: Any, organization: Organization) -> bool:
    """A department user reaches associations seated or registered within its department's region."""
    prefix = department_prefix(actor)
    if prefix is None:
        return False
    return organization.region_id.startswith(prefix) or organization.authority_region_id.startswith(prefix)


def may_record_court_entry(actor: User | None, organization: Organization) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if actor.role == Role.DEPARTMENT:
        return department_reaches(actor, organization)
    return selectors.officer_decides(
        actor, authority_region_id=organization.authority_region_id, level=organization.level
    )


def _require_court_recorder(actor: User, organization: Organization) -> None:
    if not may_record_court_entry(actor, organization):
        raise PermissionDenied("只有该社会团体的登记管理机关或本地区政府部门的工作人员可以记录失信被执行人信息")


@transaction.atomic
def court_entry_record(
    *,
    actor: User,
    organization: Organization,
    case_number: str,
    court: str,
    listed_on: dt.date,
    now: dt.datetime,
) -> CourtListEntry:
    """Record that a court listed the association as a dishonest judgment debtor (CR-S6)."""
    _require_court_recorder(actor, organization)
    case_number = (case_number or "").strip()
    court = (court or "").strip()
    for field, value, label in (("case_number", case_number, "案号"), ("court", court, "执行法院")):
        if not value:
            raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    _not_future(listed_on, today=clock.local_date(now), field="listed_on", label="列入日期")
    if CourtListEntry.objects.filter(organization=organization, case_number=case_number).exists():
        raise ApplicationError(
            f"案号“{case_number}”已记录在该社会团体名下，请勿重复记录",
            code="case_number_taken",
            field="case_number",
        )
    entry = CourtListEntry(
        organization=organization,
        case_number=case_number,
        court=court,
        listed_on=listed_on,
        recorded_by=actor,
        recorded_at=now,
    )
    entry.full_clean()
    entry.save()
    audit.record(
        actor=actor,
        action="supervision.court_entry.recorded",
        obj=entry,
        object_label=f"{organization.name} {case_number}",
        changes={"organization": organization.uscc, "case_number": case_number, "court": court, "listed_on": listed_on},
        now=now,
    )
    return entry


@transaction.atomic
def court_entry_remove(*, actor: User, entry: CourtListEntry, removed_on: dt.date, now: dt.datetime) -> CourtListEntry:
    """Record the removal from the courts' list (the engine then ends CR-S6 as its rule says)."""
    entry = CourtListEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)
    _require_court_recorder(actor, entry.organization)
    if entry.removed_on is not None:
        raise ApplicationError(
            f"该记录已于 {entry.removed_on:%Y-%m-%d} 移出", code="court_entry_removed", field="removed_on"
        )
    if removed_on < entry.listed_on:
        raise ApplicationError(
            f"移出日期 {removed_on:%Y-%m-%d} 早于列入日期 {entry.listed_on:%Y-%m-%d}",
            code="removed_before_listed",
            field="removed_on",
        )
    _not_future(removed_on, today=clock.local_date(now), field="removed_on", label="移出日期")
    entry.removed_on = removed_on
    entry.save(update_fields=["removed_on"])
    audit.record(
        actor=actor,
        action="supervision.court_entry.removed",
        obj=entry,
        object_label=f"{entry.organization.name} {entry.case_number}",
        changes={"removed_on": removed_on},
        now=now,
    )
    return entry
