"""Administrative penalties (行政处罚) recorded by the registration authority.

A penalty is a fact the credit rules read: a warning or a fine under the
threshold (CR-A4, CR-S5), a fine at or above it (CR-S4), a suspension of
activities (CR-S3), revocation of the certificate (CR-S7). Recording a
revocation does not itself change the registry status: deregistration and
revocation of registration are handled by the registration procedure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.registry.models import Organization

from ..models import Penalty, PenaltyKind
from .orders import require_deciding_officer

WITH_AMOUNT = frozenset({PenaltyKind.FINE, PenaltyKind.CONFISCATION})


def _check_kind_details(
    *,
    kind: str,
    amount: Decimal | None,
    decided_on: dt.date,
    suspension_from: dt.date | None,
    suspension_until: dt.date | None,
) -> None:
    """The details each kind needs, and only those (an amount on a warning is an input error, not data)."""
    label = PenaltyKind(kind).label
    if kind in WITH_AMOUNT:
        if amount is None or amount <= 0:
            raise ApplicationError(f"{label}须填写大于 0 的罚没金额", code="amount_required", field="amount")
    elif amount is not None:
        raise ApplicationError(f"{label}不涉及罚没金额，请勿填写金额", code="amount_not_applicable", field="amount")
    if kind == PenaltyKind.SUSPENSION:
        if suspension_from is None or suspension_until is None:
            raise ApplicationError(
                "责令停止活动须填写停止活动的起止日期", code="suspension_period_required", field="suspension_from"
            )
        if suspension_from > suspension_until:
            raise ApplicationError(
                f"停止活动起始日期 {suspension_from:%Y-%m-%d} 晚于截止日期 {suspension_until:%Y-%m-%d}",
                code="suspension_period_invalid",
                field="suspension_until",
            )
        if suspension_from < decided_on:
            raise ApplicationError(
                f"停止活动起始日期 {suspension_from:%Y-%m-%d} 早于处罚决定日期 {decided_on:%Y-%m-%d}",
                code="suspension_before_decision",
                field="suspension_from",
            )
    elif suspension_from is not None or suspension_until is not None:
        raise ApplicationError(
            f"{label}不涉及停止活动期限，请勿填写起止日期",
            code="suspension_not_applicable",
            field="suspension_from",
        )


@transaction.atomic
def penalty_record(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    decision_number: str,
    decided_on: dt.date,
    legal_basis: str,
    facts: str,
    now: dt.datetime,
    amount: Decimal | None = None,
    suspension_from: dt.date | None = None,
    suspension_until: dt.date | None = None,
) -> Penalty:
    """The authority records a penalty decision it has made; the credit rules read it on the next tick."""
    require_deciding_officer(actor, organization)
    if kind not in PenaltyKind.values:
        raise ApplicationError("请选择处罚种类", code="kind_invalid", field="kind")
    number = (decision_number or "").strip()
    for field, value, label in (
        ("decision_number", number, "处罚决定书文号"),
        ("legal_basis", legal_basis, "法律依据"),
        ("facts", facts, "违法事实"),
    ):
        if not (value or "").strip():
            raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    today = clock.local_date(now)
    if decided_on > today:
        raise ApplicationError(
            f"处罚决定日期 {decided_on:%Y-%m-%d} 不能晚于今天（{today:%Y-%m-%d}）",
            code="decided_on_future",
            field="decided_on",
        )
    _check_kind_details(
        kind=kind,
        amount=amount,
        decided_on=decided_on,
        suspension_from=suspension_from,
        suspension_until=suspension_until,
    )
    existing = Penalty.objects.filter(decision_number=number).select_related("organization").first()
    if existing is not None:
        raise ApplicationError(
            f"处罚决定书文号“{number}”已登记（{existing.organization.name}，{existing.decided_on:%Y-%m-%d}），请核对文号",
            code="decision_number_taken",
            field="decision_number",
        )
    penalty = Penalty(
        organization=organization,
        kind=kind,
        decision_number=number,
        decided_on=decided_on,
        amount=amount,
        suspension_from=suspension_from,
        suspension_until=suspension_until,
        legal_basis=legal_basis.strip(),
        facts=facts.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    penalty.full_clean()
    penalty.save()
    audit.record(
        actor=actor,
        action="supervision.penalty.recorded",
        obj=penalty,
        changes={
            "organization": organization.uscc,
            "kind": kind,
            "decided_on": decided_on,
            "amount": amount,
            "suspension": [suspension_from, suspension_until] if kind == PenaltyKind.SUSPENSION else None,
            "legal_basis": penalty.legal_basis,
        },
        now=now,
    )
    return penalty
