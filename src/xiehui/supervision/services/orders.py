"""Rectification orders (责令整改): issued by an officer or a rule, answered with evidence, accepted or rejected.

Unmet at the deadline, an order puts the association on the abnormal list (CR-A3, credit/rules.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xiehui.core import audit, clock, numbering
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import User
from xiehui.registry import selectors
from xiehui.registry.models import Organization

from ..models import KeyInspection, RectificationOrder


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
