"""core.audit: every registry service appends a hash-chained entry in its own transaction; tampering is caught."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection

from xiehui.conftest import ID_NUMBERS, NOW
from xiehui.core import audit
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, AuditHead, Person, Role
from xiehui.core.services import user_create
from xiehui.registry import services
from xiehui.registry.models import (
    ApplicationStatus,
    ChangeFiling,
    Organization,
    RegistrationApplication,
)
from xiehui.registry.tests.test_services import change, id_number, pdf, record_org, submit


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=since).order_by("seq"))


def head_seq() -> int:
    return AuditHead.objects.get(pk=1).seq


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- every service writes its entry -----------------------------------------------------------------


def _submitted(w):
    return submit()


def _incomplete(w):
    app = submit()
    services.application_request_completion(actor=w.officer_jinan, application=app, reason="缺少章程", now=NOW)
    return app


def _filing(w):
    return services.change_filing_submit(
        actor=w.staff_a, organization=w.org_a, data=change(domicile="新址 1 号"), now=NOW
    )


SERVICE_CASES = {
    "application_submit": (
        lambda w: None,
        lambda w, _: submit(actor=w.member),
        "member",
        ["registry.application.submitted"],
    ),
    "application_request_completion": (
        _submitted,
        lambda w, app: services.application_request_completion(
            actor=w.officer_jinan, application=app, reason="缺少章程", now=NOW
        ),
        "officer_jinan",
        ["registry.application.completion_requested"],
    ),
    "application_resubmit": (
        _incomplete,
        lambda w, app: services.application_resubmit(
            actor=w.member, application=app, documents=[("charter", pdf())], now=NOW
        ),
        "member",
        ["registry.application.resubmitted"],
    ),
    "application_approve": (
        _submitted,
        lambda w, app: services.application_approve(actor=w.officer_jinan, application=app, now=NOW),
        "officer_jinan",
        ["registry.application.approved", "registry.organization.registered"],
    ),
    "application_refuse": (
        _submitted,
        lambda w, app: services.application_refuse(
            actor=w.officer_jinan, application=app, reason="会员数量不实", now=NOW
        ),
        "officer_jinan",
        ["registry.application.refused"],
    ),
    "change_filing_submit": (
        lambda w: None,
        lambda w, _: _filing(w),
        "staff_a",
        ["registry.change_filing.submitted"],
    ),
    "change_filing_approve": (
        _filing,
        lambda w, f: services.change_filing_approve(actor=w.officer_jinan, filing=f, now=NOW),
        "officer_jinan",
        ["registry.change_filing.approved", "registry.organization.changed"],
    ),
    "change_filing_reject": (
        _filing,
        lambda w, f: services.change_filing_reject(actor=w.officer_jinan, filing=f, reason="住所证明不全", now=NOW),
        "officer_jinan",
        ["registry.change_filing.rejected"],
    ),
    "organization_record": (
        lambda w: None,
        lambda w, _: record_org(name="济南市陶瓷协会", n=800),
        None,
        ["registry.organization.recorded"],
    ),
    "staff_assign": (
        lambda w: user_create(actor=None, username="staff_c", password="Xiehui-test-2026!", role=Role.STAFF),
        lambda w, user: services.staff_assign(actor=w.officer_jinan, user=user, organization=w.org_a, now=NOW),
        "officer_jinan",
        ["registry.staff.assigned"],
    ),
}


@pytest.mark.parametrize("case", list(SERVICE_CASES))
def test_every_registry_service_appends_its_audit_entry(world, media, case):
    setup, act, actor_name, actions = SERVICE_CASES[case]
    state = setup(world)
    before = head_seq()
    act(world, state)
    entries = new_entries(before)
    assert [e.action for e in entries] == actions
    actor = getattr(world, actor_name) if actor_name else None
    for e in entries:
        assert e.actor_id == (actor.pk if actor else None)
        assert e.actor_label == (actor.username if actor else "system")
        assert e.object_type and e.object_id
    assert head_seq() == entries[-1].seq
    assert audit.verify().ok


def test_approval_entry_names_the_application_and_the_new_organisation(world):
    app = submit()
    before = head_seq()
    org = services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    approved, registered = new_entries(before)
    assert (approved.object_type, approved.object_id) == ("registry.registrationapplication", str(app.pk))
    assert approved.changes == {"status": {"before": "submitted", "after": "approved"}, "uscc": org.uscc}
    assert (registered.object_type, registered.object_id) == ("registry.organization", str(org.pk))
    assert registered.changes["name"] == {"before": None, "after": "济南市建筑装饰协会"}
    assert registered.at == NOW


def test_change_entry_holds_the_before_and_after_of_changed_items_only(world):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(activity_funds=Decimal("500000")), now=NOW
    )
    before = head_seq()
    services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    changed = new_entries(before)[-1]
    assert changed.changes == {"activity_funds": {"before": "300000.00", "after": "500000.00"}}


def test_audit_entries_never_hold_a_plain_identity_number(world):
    submit(legal_representative=services.PersonInput("发起人100", id_number(100)))
    dump = json.dumps([e.changes for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert id_number(100) not in dump and ID_NUMBERS[0] not in dump


# -- same transaction: a failing service leaves no entry, a failing entry leaves no change -----------------


def test_a_refused_approval_leaves_no_entry(world):
    app = submit()
    before = head_seq()
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=world.officer_province, application=app, now=NOW)
    assert head_seq() == before
    assert new_entries(before) == []


def test_an_approval_refused_by_reg_4_leaves_no_entry_and_no_organisation(world):
    first, second = submit(name="济南市建筑装饰协会", rep=200), submit(name="济南市园林绿化协会", rep=200)
    services.application_approve(actor=world.officer_jinan, application=first, now=NOW)
    before, orgs = head_seq(), Organization.objects.count()
    with pytest.raises(ApplicationError):
        services.application_approve(actor=world.officer_jinan, application=second, now=NOW)
    assert head_seq() == before and new_entries(before) == []
    assert Organization.objects.count() == orgs


def test_a_refused_submission_leaves_no_entry(world):
    before = head_seq()
    with pytest.raises(ApplicationError):
        submit(activity_funds=Decimal("1"))
    with pytest.raises(ApplicationError):
        services.change_filing_submit(actor=world.staff_a, organization=world.org_a, data=change(), now=NOW)
    assert head_seq() == before and new_entries(before) == []


def _failing_record(**kw):
    raise RuntimeError("audit store unavailable")


def test_when_the_audit_entry_fails_the_submission_is_not_saved(world, monkeypatch):
    persons = Person.objects.count()
    monkeypatch.setattr(audit, "record", _failing_record)
    with pytest.raises(RuntimeError):
        submit()
    assert not RegistrationApplication.objects.exists()
    assert Person.objects.count() == persons


def test_when_the_audit_entry_fails_the_approval_is_not_saved(world, monkeypatch):
    app = submit()
    monkeypatch.setattr(audit, "record", _failing_record)
    with pytest.raises(RuntimeError):
        services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.organization_id is None
    assert not Organization.objects.filter(name=app.name).exists()


def test_when_the_audit_entry_fails_the_change_is_not_applied(world, monkeypatch):
    filing = _filing(world)
    monkeypatch.setattr(audit, "record", _failing_record)
    with pytest.raises(RuntimeError):
        services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    assert Organization.objects.get(pk=world.org_a.pk).domicile == "济南市建筑业协会办公楼 1 号"
    assert ChangeFiling.objects.get(pk=filing.pk).status == "submitted"


def test_record_outside_a_transaction_raises():
    # No database access at all: the guard fires before the chain's head is read.
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit.record(actor=None, action="core.test.outside")


# -- the chain ------------------------------------------------------------------------------------


@pytest.fixture
def chain(world):
    """The world's entries plus a few registry ones: at least 10 links."""
    app = submit()
    services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    _filing(world)
    assert AuditEntry.objects.count() >= 10
    return world


def test_the_chain_verifies(chain):
    result = audit.verify()
    assert result.ok
    assert result.checked == AuditEntry.objects.count() == head_seq()
    assert result.broken_seq is None


def test_the_chain_links_each_entry_to_the_previous_hash(chain):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].seq == 1 and entries[0].prev_hash == audit.GENESIS
    for prev, entry in zip(entries, entries[1:]):
        assert entry.seq == prev.seq + 1
        assert entry.prev_hash == prev.hash
        assert entry.hash == audit.compute_hash(entry)


def test_verify_works_in_small_batches(chain):
    assert audit.verify(batch=2).ok


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _json_param() -> str:
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def test_tampering_with_changes_by_raw_sql_is_caught_at_that_seq(chain):
    target = 5
    _raw(
        f"UPDATE core_auditentry SET changes = {_json_param()} WHERE seq = %s",
        [json.dumps({"role": {"before": None, "after": "admin"}}), target],
    )
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == target
    assert result.checked == target - 1
    assert "篡改" in result.reason


def test_tampering_with_actor_label_by_raw_sql_is_caught_at_that_seq(chain):
    target = last_seq() - 1
    _raw("UPDATE core_auditentry SET actor_label = %s WHERE seq = %s", ["mallory", target])
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, target)
    assert "篡改" in result.reason


def test_tampering_that_recomputes_the_hash_is_caught_at_the_next_seq(chain):
    target = 3
    entry = AuditEntry.objects.get(seq=target)
    entry.actor_label = "mallory"
    _raw(
        "UPDATE core_auditentry SET actor_label = %s, hash = %s WHERE seq = %s",
        ["mallory", audit.compute_hash(entry), target],
    )
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, target + 1)
    assert "前序哈希" in result.reason


def test_deleting_a_middle_row_is_caught(chain):
    target = 4
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [target])
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, target)
    assert "缺失" in result.reason


def test_deleting_the_last_row_is_caught(chain):
    last = last_seq()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [last])
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == last
    assert result.checked == last - 1
    assert "链尾" in result.reason


def test_rewriting_the_last_row_with_a_fresh_hash_is_caught_by_the_head(chain):
    last = last_seq()
    entry = AuditEntry.objects.get(seq=last)
    entry.changes = {"forged": True}
    _raw(
        f"UPDATE core_auditentry SET changes = {_json_param()}, hash = %s WHERE seq = %s",
        [json.dumps({"forged": True}), audit.compute_hash(entry), last],
    )
    assert not audit.verify().ok


def test_appending_after_verification_keeps_the_chain_valid(chain):
    before = head_seq()
    services.change_filing_reject(
        actor=chain.officer_jinan,
        filing=ChangeFiling.objects.get(),
        reason="住所证明不全",
        now=NOW + dt.timedelta(days=1),
    )
    assert head_seq() == before + 1
    assert audit.verify().ok
