"""Rectification orders (责令整改): issued by an officer or a rule, answered with evidence, accepted or rejected.

Unmet at the deadline, an order puts the association on the abnormal list (CR-A3, credit/rules.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xiehui.core import audit, clock, numbering
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_store
from xiehui.core.models import User
from xiehui.registry import selectors
from xiehui.registry.models import Organization

from ..models import KeyInspection, OrderResponse, OrderStatus, RectificationOrder

EVIDENCE_PURPOSE = "order_response"


def order_number(organization: Organization, on: dt.date) -> str:
    """The next order number of the association's authority: 济南市民政局责改字〔2026〕第7号."""
    return numbering.allocate(organization.authority_region, "责改", on.year)[0]


def require_deciding_officer(actor: User, organization: Organization) -> None:
    """Supervision decisions on an association are taken by its registration authority."""
    if not selectors.officer_decides(
        actor, authority_region_id=organization.authority_region_id, level=organization.level
    ):
        raise PermissionDenied("只有该社会团体的登记管理机关工作人员可以作出此决定")


@transaction.atomic
def order_issue(
    *,
    actor: User,
    organization: Organization,
    ground: str,
    basis: str,
    facts: str,
    requirements: str,
    deadline: dt.date,
    now: dt.datetime,
    inspection: KeyInspection | None = None,
) -> RectificationOrder:
    """An officer orders the association to rectify by a deadline (unmet → CR-A3)."""
    require_deciding_officer(actor, organization)
    today = clock.local_date(now)
    for name, value, label in (("ground", ground, "整改事由"), ("basis", basis, "依据"), ("facts", facts, "事实")):
        if not value.strip():
            raise ApplicationError(f"请填写{label}", code=f"{name}_required", field=name)
    if deadline <= today:
        raise ApplicationError(
            f"整改期限 {deadline:%Y-%m-%d} 应晚于下达日期 {today:%Y-%m-%d}",
            code="deadline_not_future",
            field="deadline",
        )
    order = RectificationOrder(
        organization=organization,
        number=order_number(organization, today),
        source=RectificationOrder.Source.OFFICER,
        ground=ground.strip(),
        basis=basis.strip(),
        facts=facts.strip(),
        requirements=requirements.strip(),
        issued_on=today,
        deadline=deadline,
        issued_by=actor,
        inspection=inspection,
    )
    order.full_clean()
    order.save()
    audit.record(
        actor=actor,
        action="supervision.order.issued",
        obj=order,
        changes={"number": order.number, "ground": order.ground, "deadline": deadline},
        now=now,
    )
    return order


def _locked(order: RectificationOrder) -> RectificationOrder:
    """Re-read the order under a row lock: two decisions on one order never interleave."""
    return RectificationOrder.objects.select_for_update().select_related("organization").get(pk=order.pk)


def _required(value: str, *, field: str, label: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    return value.strip()


def pending_response(order: RectificationOrder) -> OrderResponse | None:
    """The response awaiting the officer's verdict, if any."""
    return order.responses.filter(verdict=OrderResponse.Verdict.PENDING).order_by("-submitted_on", "-pk").first()


@transaction.atomic
def order_respond(
    *,
    actor: User,
    order: RectificationOrder,
    statement: str,
    now: dt.datetime,
    evidence: Iterable[UploadedFile] = (),
) -> OrderResponse:
    """The association reports how it rectified, with evidence (PDF/PNG/JPEG); the officer then decides."""
    order = _locked(order)
    if not selectors.staff_of(actor, order.organization):
        raise PermissionDenied("只有该社会团体的工作人员可以提交整改情况")
    if order.status != OrderStatus.OPEN:
        messages = {
            OrderStatus.ANSWERED: "已提交整改情况，正在等待登记管理机关审核，审核前不能再次提交",
            OrderStatus.COMPLETED: "该整改通知已确认整改完成",
            OrderStatus.WITHDRAWN: "该整改通知已撤回，无需提交整改情况",
        }
        raise ApplicationError(messages[OrderStatus(order.status)], code="order_not_open")
    response = OrderResponse(
        order=order,
        statement=_required(statement, field="statement", label="整改情况说明"),
        submitted_on=clock.local_date(now),
        submitted_by=actor,
    )
    response.full_clean()
    response.save()
    stored = attachments_store(
        owner=response, uploads=evidence, actor=actor, purpose=EVIDENCE_PURPOSE, field="evidence"
    )
    order.status = OrderStatus.ANSWERED
    order.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="supervision.order.answered",
        obj=order,
        changes={
            "response": response.pk,
            "submitted_on": response.submitted_on,
            "evidence": [a.original_name for a in stored],
            "late": response.submitted_on > order.deadline,
        },
        now=now,
    )
    return response


def _decide(
    *, actor: User, order: RectificationOrder, verdict: str, reason: str, now: dt.datetime
) -> tuple[RectificationOrder, OrderResponse]:
    order = _locked(order)
    require_deciding_officer(actor, order.organization)
    response = pending_response(order) if order.status == OrderStatus.ANSWERED else None
    if response is None:
        raise ApplicationError("该整改通知没有待审核的整改情况", code="no_pending_response")
    response.verdict = verdict
    response.verdict_reason = reason.strip()
    response.decided_by = actor
    response.decided_on = clock.local_date(now)
    response.save(update_fields=["verdict", "verdict_reason", "decided_by", "decided_on"])
    return order, response


@transaction.atomic
def order_accept(*, actor: User, order: RectificationOrder, now: dt.datetime, reason: str = "") -> RectificationOrder:
    """Accept the pending response: completed as of its submission date (what CR-A3 compares with the deadline)."""
    order, response = _decide(actor=actor, order=order, verdict=OrderResponse.Verdict.ACCEPTED, reason=reason, now=now)
    order.status = OrderStatus.COMPLETED
    order.completed_on = response.submitted_on
    order.save(update_fields=["status", "completed_on"])
    audit.record(
        actor=actor,
        action="supervision.order.accepted",
        obj=order,
        changes={"response": response.pk, "completed_on": order.completed_on, "reason": response.verdict_reason},
        now=now,
    )
    return order


@transaction.atomic
def order_reject(*, actor: User, order: RectificationOrder, reason: str, now: dt.datetime) -> RectificationOrder:
    """Reject the pending response with reasons; the order is open again and the deadline unchanged."""
    reason = _required(reason, field="reason", label="不通过的理由")
    order, response = _decide(actor=actor, order=order, verdict=OrderResponse.Verdict.REJECTED, reason=reason, now=now)
    order.status = OrderStatus.OPEN
    order.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="supervision.order.rejected",
        obj=order,
        changes={"response": response.pk, "reason": reason},
        now=now,
    )
    return order


@transaction.atomic
def order_withdraw(*, actor: User, order: RectificationOrder, reason: str, now: dt.datetime) -> RectificationOrder:
    """Withdraw an order issued in error or no longer needed; the reason is kept in the audit log."""
    reason = _required(reason, field="reason", label="撤回理由")
    order = _locked(order)
    require_deciding_officer(actor, order.organization)
    if order.status in (OrderStatus.COMPLETED, OrderStatus.WITHDRAWN):
        raise ApplicationError(f"该整改通知{order.get_status_display()}，不能撤回", code="order_closed", field=None)
    before = order.status
    order.status = OrderStatus.WITHDRAWN
    order.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="supervision.order.withdrawn",
        obj=order,
        changes={"status": {"before": before, "after": order.status}, "reason": reason},
        now=now,
    )
    return order
