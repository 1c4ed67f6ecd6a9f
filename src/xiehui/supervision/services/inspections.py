"""Key inspection (重点检查, SUP-2): cases opened by an officer, interviews (约谈), orders, closing.

Cases opened by the rule (rule_id "SUP-2") come from the engine; officers open
others with their reason ("manual:<date>:<n>"). Both are handled the same way here.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.registry.models import Organization

from ..models import Interview, KeyInspection, RectificationOrder
from .orders import order_issue, require_deciding_officer


def _required(value: str, field: str, label: str) -> str:
    if not value.strip():
        raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    return value.strip()


def _require_open(inspection: KeyInspection, doing: str) -> None:
    if inspection.status != KeyInspection.Status.OPEN:
        raise ApplicationError(f"该重点检查已结案，不能{doing}", code="inspection_closed", field="status")


def _locked(inspection: KeyInspection) -> KeyInspection:
    return KeyInspection.objects.select_for_update().select_related("organization").get(pk=inspection.pk)


@transaction.atomic
def inspection_open(*, actor: User, organization: Organization, reason: str, now: dt.datetime) -> KeyInspection:
    """An officer puts the association under key inspection for a stated reason (SUP-2)."""
    require_deciding_officer(actor, organization)
    reason = _required(reason, "reason", "列入重点检查的事由")
    # Lock the association's row: two officers opening cases at once must not share a key.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    current = KeyInspection.objects.filter(organization=organization, status=KeyInspection.Status.OPEN).first()
    if current is not None:
        raise ApplicationError(
            f"该协会已有进行中的重点检查（{current.opened_on:%Y-%m-%d} 立案），请在该案件中继续办理",
            code="inspection_already_open",
            field="organization",
        )
    today = clock.local_date(now)
    prefix = f"manual:{today:%Y-%m-%d}:"
    n = KeyInspection.objects.filter(organization=organization, key__startswith=prefix).count() + 1
    inspection = KeyInspection(
        organization=organization,
        key=f"{prefix}{n}",
        rule_id="",
        facts=reason,
        parameters={},
        opened_on=today,
        opened_by=actor,
        status=KeyInspection.Status.OPEN,
    )
    inspection.full_clean()
    inspection.save()
    audit.record(
        actor=actor,
        action="supervision.inspection.opened",
        obj=inspection,
        changes={"organization": organization.uscc, "key": inspection.key, "reason": reason},
        now=now,
    )
    return inspection


@transaction.atomic
def interview_record(
    *, actor: User, inspection: KeyInspection, held_on: dt.date, attendees: str, minutes: str, now: dt.datetime
) -> Interview:
    """Record an interview (约谈) held under the case: its date, who attended and the minutes."""
    inspection = _locked(inspection)
    require_deciding_officer(actor, inspection.organization)
    _require_open(inspection, "记录约谈")
    today = clock.local_date(now)
    if held_on > today:
        raise ApplicationError(
            f"约谈日期 {held_on:%Y-%m-%d} 不能晚于今天（{today:%Y-%m-%d}）", code="held_on_future", field="held_on"
        )
    if held_on < inspection.opened_on:
        raise ApplicationError(
            f"约谈日期 {held_on:%Y-%m-%d} 不能早于立案日期 {inspection.opened_on:%Y-%m-%d}",
            code="held_on_before_opened",
            field="held_on",
        )
    interview = Interview(
        inspection=inspection,
        held_on=held_on,
        attendees=_required(attendees, "attendees", "参加人员"),
        minutes=_required(minutes, "minutes", "约谈纪要"),
        recorded_by=actor,
    )
    interview.full_clean()
    interview.save()
    audit.record(
        actor=actor,
        action="supervision.inspection.interviewed",
        obj=inspection,
        changes={"interview": interview.pk, "held_on": held_on, "attendees": interview.attendees},
        now=now,
    )
    return interview


@transaction.atomic
def inspection_close(*, actor: User, inspection: KeyInspection, conclusion: str, now: dt.datetime) -> KeyInspection:
    """Close the case with its conclusion."""
    inspection = _locked(inspection)
    require_deciding_officer(actor, inspection.organization)
    _require_open(inspection, "再次结案")
    inspection.conclusion = _required(conclusion, "conclusion", "检查结论")
    inspection.status = KeyInspection.Status.CLOSED
    inspection.closed_on = clock.local_date(now)
    inspection.full_clean()
    inspection.save(update_fields=["conclusion", "status", "closed_on"])
    audit.record(
        actor=actor,
        action="supervision.inspection.closed",
        obj=inspection,
        changes={"conclusion": inspection.conclusion, "closed_on": inspection.closed_on},
        now=now,
    )
    return inspection


@transaction.atomic
def inspection_order_issue(
    *,
    actor: User,
    inspection: KeyInspection,
    ground: str,
    basis: str,
    facts: str,
    requirements: str,
    deadline: dt.date,
    now: dt.datetime,
) -> RectificationOrder:
    """Order the association to rectify as a result of the case (orders.order_issue, linked to the case)."""
    inspection = _locked(inspection)
    _require_open(inspection, "下达整改通知")
    return order_issue(
        actor=actor,
        organization=inspection.organization,
        ground=ground,
        basis=basis,
        facts=facts,
        requirements=requirements,
        deadline=deadline,
        now=now,
        inspection=inspection,
    )
