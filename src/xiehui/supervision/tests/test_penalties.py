"""Penalties (facts for CR-A4, CR-S3, CR-S4, CR-S5, CR-S7): validation per kind, uniqueness, who records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry
from xiehui.registry.models import OrganizationStatus
from xiehui.supervision.models import Penalty, PenaltyKind
from xiehui.supervision.services import penalties

pytestmark = pytest.mark.django_db
TODAY = clock.local_date(NOW)


def record(world, **overrides) -> Penalty:  # type: ignore[no-untyped-def]
    data = dict(
        actor=world.officer_jinan,
        organization=world.org_a,
        kind=PenaltyKind.WARNING,
        decision_number="济民罚字〔2026〕第1号",
        decided_on=TODAY,
        legal_basis="《社会团体登记管理条例》第三十条",
        facts="超出章程规定的宗旨和业务范围进行活动",
        now=NOW,
    )
    data.update(overrides)
    return penalties.penalty_record(**data)  # type: ignore[arg-type]


def refused(world, field: str, **overrides) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as exc:
        record(world, **overrides)
    assert exc.value.field == field, exc.value.message
    assert not Penalty.objects.exists()
    return exc.value


def test_cr_a4_warning_is_recorded_with_audit(world):
    penalty = record(world)
    assert penalty.kind == PenaltyKind.WARNING and penalty.amount is None and penalty.recorded_by == world.officer_jinan
    entry = AuditEntry.objects.get(action="supervision.penalty.recorded")
    assert entry.changes["kind"] == "warning" and entry.changes["organization"] == world.org_a.uscc


def test_cr_s4_fine_needs_a_positive_amount(world):
    assert "大于 0" in refused(world, "amount", kind=PenaltyKind.FINE).message
    refused(world, "amount", kind=PenaltyKind.FINE, amount=Decimal("0"))
    penalty = record(world, kind=PenaltyKind.FINE, amount=Decimal("50000.00"))
    assert penalty.amount == Decimal("50000.00")


def test_confiscation_needs_an_amount(world):
    refused(world, "amount", kind=PenaltyKind.CONFISCATION)
    assert record(world, kind=PenaltyKind.CONFISCATION, amount=Decimal("1200.50")).amount == Decimal("1200.50")


@pytest.mark.parametrize("kind", [PenaltyKind.WARNING, PenaltyKind.REVOCATION, PenaltyKind.SUSPENSION])
def test_kinds_without_money_refuse_an_amount(world, kind):
    extra = (
        {"suspension_from": TODAY, "suspension_until": TODAY + dt.timedelta(days=30)} if kind == "suspension" else {}
    )
    error = refused(world, "amount", kind=kind, amount=Decimal("100"), **extra)
    assert "不涉及罚没金额" in error.message


def test_cr_s3_suspension_needs_a_period_from_not_after_until(world):
    refused(world, "suspension_from", kind=PenaltyKind.SUSPENSION)
    error = refused(
        world,
        "suspension_until",
        kind=PenaltyKind.SUSPENSION,
        suspension_from=TODAY,
        suspension_until=TODAY - dt.timedelta(days=1),
    )
    assert "晚于截止日期" in error.message
    one_day = record(world, kind=PenaltyKind.SUSPENSION, suspension_from=TODAY, suspension_until=TODAY)
    assert one_day.suspension_from == one_day.suspension_until == TODAY


def test_suspension_cannot_start_before_the_decision(world):
    refused(
        world,
        "suspension_from",
        kind=PenaltyKind.SUSPENSION,
        suspension_from=TODAY - dt.timedelta(days=1),
        suspension_until=TODAY + dt.timedelta(days=30),
    )


def test_a_warning_takes_no_suspension_period(world):
    refused(world, "suspension_from", suspension_from=TODAY, suspension_until=TODAY)


def test_decision_date_today_is_accepted_tomorrow_refused(world):
    error = refused(world, "decided_on", decided_on=TODAY + dt.timedelta(days=1))
    assert "不能晚于今天" in error.message
    assert record(world, decided_on=TODAY).decided_on == TODAY


def test_decision_number_is_unique_with_a_friendly_error(world):
    record(world)
    with pytest.raises(ApplicationError) as exc:
        record(world, organization=world.org_a, decided_on=TODAY - dt.timedelta(days=3))
    assert exc.value.code == "decision_number_taken" and exc.value.field == "decision_number"
    assert "已登记" in exc.value.message and world.org_a.name in exc.value.message
    assert Penalty.objects.count() == 1


@pytest.mark.parametrize("field", ["decision_number", "legal_basis", "facts"])
def test_required_text_fields(world, field):
    refused(world, field, **{field: "  "})


def test_cr_s7_revocation_is_recorded_without_changing_registry_status(world):
    record(world, kind=PenaltyKind.REVOCATION)
    world.org_a.refresh_from_db()
    assert world.org_a.status == OrganizationStatus.REGISTERED


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "member", "department"])
def test_only_the_authority_records_penalties(world, who):
    with pytest.raises(PermissionDenied):
        record(world, actor=getattr(world, who))
    assert not Penalty.objects.exists()


def test_department_cannot_record_a_penalty_over_the_api(world, as_user):
    response = as_user(world.department).post(
        f"/api/v1/organizations/{world.org_a.uscc}/penalties",
        {
            "kind": "warning",
            "decision_number": "济民罚字〔2026〕第9号",
            "decided_on": TODAY.isoformat(),
            "legal_basis": "条例第三十条",
            "facts": "事实",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Penalty.objects.exists()


def test_department_cannot_open_the_penalty_form(world, as_user):
    response = as_user(world.department).get(reverse("supervision:console_penalty_new"))
    assert response.status_code == 403
