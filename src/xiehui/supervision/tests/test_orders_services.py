"""Rectification orders (CR-A3 facts): issue, respond with evidence, accept or reject, withdraw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_of
from xiehui.core.models import AuditEntry
from xiehui.core.testing import tiny_pdf
from xiehui.supervision.models import OrderResponse, OrderStatus, RectificationOrder
from xiehui.supervision.services import orders

pytestmark = pytest.mark.django_db
TODAY = clock.local_date(NOW)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(), "application/pdf")


def issue(world, *, org=None, actor=None, now: dt.datetime = NOW, days: int = 30) -> RectificationOrder:  # type: ignore[no-untyped-def]
    return orders.order_issue(
        actor=actor or world.officer_jinan,
        organization=org or world.org_a,
        ground="未配备专职工作人员",
        basis="004 第6条",
        facts="2025 年度工作报告显示专职工作人员 0 人",
        requirements="配备至少 1 名专职工作人员",
        deadline=clock.local_date(now) + dt.timedelta(days=days),
        now=now,
    )


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.SHANGHAI)


def respond(
    world, order: RectificationOrder, *, now: dt.datetime = NOW, statement: str = "已聘用专职秘书长"
) -> OrderResponse:  # type: ignore[no-untyped-def]
    return orders.order_respond(actor=world.staff_a, order=order, statement=statement, evidence=[pdf()], now=now)


def test_it_records_response_with_evidence_and_marks_order_answered(world):
    order = issue(world)
    response = respond(world, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED
    assert response.submitted_on == TODAY and response.verdict == OrderResponse.Verdict.PENDING
    [attachment] = attachments_of(response, purpose=orders.EVIDENCE_PURPOSE)
    assert attachment.original_name == "整改报告.pdf" and attachment.mime == "application/pdf"
    assert AuditEntry.objects.filter(action="supervision.order.answered", object_id=str(order.pk)).exists()


def test_cr_a3_lifecycle_reject_then_respond_again_then_accept_completes_on_accepted_submission(world):
    order = issue(world, days=30)
    first = respond(world, order, now=at(TODAY + dt.timedelta(days=5)))
    orders.order_reject(
        actor=world.officer_jinan, order=order, reason="证明材料不足", now=at(TODAY + dt.timedelta(days=6))
    )
    order.refresh_from_db()
    first.refresh_from_db()
    assert order.status == OrderStatus.OPEN and order.completed_on is None
    assert first.verdict == OrderResponse.Verdict.REJECTED and first.verdict_reason == "证明材料不足"
    second = respond(world, order, now=at(TODAY + dt.timedelta(days=20)))
    orders.order_accept(actor=world.officer_jinan, order=order, now=at(TODAY + dt.timedelta(days=40)))
    order.refresh_from_db()
    second.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    # CR-A3 compares completed_on with the deadline: the accepted response's submission, not the decision date
    assert order.completed_on == TODAY + dt.timedelta(days=20)
    assert order.completed_on <= order.deadline
    assert second.verdict == OrderResponse.Verdict.ACCEPTED and second.decided_on == TODAY + dt.timedelta(days=40)
    actions = list(
        AuditEntry.objects.filter(object_id=str(order.pk), action__startswith="supervision.order.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.order.issued",
        "supervision.order.answered",
        "supervision.order.rejected",
        "supervision.order.answered",
        "supervision.order.accepted",
    ]


def test_cr_a3_response_after_deadline_completes_after_deadline(world):
    order = issue(world, days=10)
    respond(world, order, now=at(order.deadline + dt.timedelta(days=1)))
    orders.order_accept(actor=world.officer_jinan, order=order, now=at(order.deadline + dt.timedelta(days=2)))
    order.refresh_from_db()
    assert order.completed_on == order.deadline + dt.timedelta(days=1)


def test_cr_a3_response_on_deadline_day_completes_on_deadline(world):
    order = issue(world, days=10)
    respond(world, order, now=at(order.deadline))
    orders.order_accept(actor=world.officer_jinan, order=order, now=at(order.deadline + dt.timedelta(days=9)))
    order.refresh_from_db()
    assert order.completed_on == order.deadline


def test_it_refuses_second_response_while_one_is_pending(world):
    order = issue(world)
    respond(world, order)
    with pytest.raises(ApplicationError) as exc:
        respond(world, order)
    assert exc.value.code == "order_not_open" and "等待" in exc.value.message
    assert order.responses.count() == 1


def test_it_refuses_response_to_completed_or_withdrawn_order(world):
    done = issue(world)
    respond(world, done)
    orders.order_accept(actor=world.officer_jinan, order=done, now=NOW)
    with pytest.raises(ApplicationError, match="整改完成"):
        respond(world, done)
    withdrawn = issue(world)
    orders.order_withdraw(actor=world.officer_jinan, order=withdrawn, reason="误发", now=NOW)
    with pytest.raises(ApplicationError, match="已撤回"):
        respond(world, withdrawn)


def test_it_requires_a_statement(world):
    order = issue(world)
    with pytest.raises(ApplicationError) as exc:
        orders.order_respond(actor=world.staff_a, order=order, statement="  ", now=NOW)
    assert exc.value.field == "statement" and "整改情况说明" in exc.value.message
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN


def test_it_refuses_evidence_of_unsupported_type_and_saves_nothing(world):
    order = issue(world)
    bad = SimpleUploadedFile("说明.docx", b"PK\x03\x04 not a pdf", "application/pdf")
    with pytest.raises(ApplicationError) as exc:
        orders.order_respond(actor=world.staff_a, order=order, statement="已整改", evidence=[pdf(), bad], now=NOW)
    assert exc.value.field == "evidence"
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not order.responses.exists()


@pytest.mark.parametrize("who", ["staff_b", "member", "officer_jinan", "department"])
def test_only_the_associations_staff_may_respond(world, who):
    order = issue(world)
    with pytest.raises(PermissionDenied):
        orders.order_respond(actor=getattr(world, who), order=order, statement="已整改", now=NOW)


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "department"])
def test_only_the_deciding_authority_accepts_rejects_or_withdraws(world, who):
    order = issue(world)
    respond(world, order)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        orders.order_accept(actor=actor, order=order, now=NOW)
    with pytest.raises(PermissionDenied):
        orders.order_reject(actor=actor, order=order, reason="不足", now=NOW)
    with pytest.raises(PermissionDenied):
        orders.order_withdraw(actor=actor, order=order, reason="误发", now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED


def test_reject_requires_a_reason(world):
    order = issue(world)
    respond(world, order)
    with pytest.raises(ApplicationError) as exc:
        orders.order_reject(actor=world.officer_jinan, order=order, reason=" ", now=NOW)
    assert exc.value.field == "reason"
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED


def test_accept_without_pending_response_is_refused(world):
    order = issue(world)
    with pytest.raises(ApplicationError) as exc:
        orders.order_accept(actor=world.officer_jinan, order=order, now=NOW)
    assert exc.value.code == "no_pending_response"


def test_withdraw_requires_reason_and_an_active_order(world):
    order = issue(world)
    with pytest.raises(ApplicationError):
        orders.order_withdraw(actor=world.officer_jinan, order=order, reason="", now=NOW)
    orders.order_withdraw(actor=world.officer_jinan, order=order, reason="事实认定有误", now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN
    entry = AuditEntry.objects.get(action="supervision.order.withdrawn", object_id=str(order.pk))
    assert entry.changes["reason"] == "事实认定有误"
    with pytest.raises(ApplicationError, match="不能撤回"):
        orders.order_withdraw(actor=world.officer_jinan, order=order, reason="再次", now=NOW)


def test_rule_orders_are_answered_the_same_way(world):
    order = RectificationOrder.objects.create(
        organization=world.org_a,
        number="测试责改字〔2026〕第900号",
        source=RectificationOrder.Source.RULE,
        key="SUP-4:2025",
        rule_id="SUP-4",
        ground="未配备专职工作人员",
        basis="004 第6条",
        facts="2025 年度工作报告：专职工作人员 0 人",
        parameters={"rectify_days": 90},
        issued_on=TODAY,
        deadline=TODAY + dt.timedelta(days=90),
    )
    respond(world, order)
    orders.order_accept(actor=world.officer_jinan, order=order, now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.completed_on == TODAY
