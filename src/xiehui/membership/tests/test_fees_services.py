"""Fee standard services: drafts, the ballot's decision (adopt, reject, supersede), the standard in force."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry
from xiehui.membership import selectors_fees as selectors
from xiehui.membership import services_fees as services
from xiehui.membership.models import FeeStandard

from .test_fees_builders import FOUR, SERVICES, adopted, decide, propose, resolution

pytestmark = pytest.mark.django_db


def update(standard, **kw):  # type: ignore[no-untyped-def]
    data = {
        "title": standard.title,
        "services_covered": SERVICES,
        "effective_on": standard.effective_on,
        "tiers": FOUR,
        **kw,
    }
    return services.fee_standard_update(actor=None, standard=standard, now=NOW, **data)


def test_propose_records_a_draft_with_its_audit_entry(world):
    standard = propose(world.org_a, actor=world.staff_a)
    assert standard.status == "draft" and standard.created_by == world.staff_a
    entry = AuditEntry.objects.get(action="membership.fee_standard.proposed")
    assert entry.object_id == str(standard.pk) and entry.changes["tiers"][0] == ["会长单位", "50000.00"]


def test_only_the_associations_own_staff_propose(world):
    with pytest.raises(PermissionDenied):
        propose(world.org_a, actor=world.staff_b)
    with pytest.raises(PermissionDenied):
        propose(world.org_a, actor=world.member)


def test_update_a_draft_replaces_its_tiers(world):
    standard = propose(world.org_a)
    update(standard, tiers=[("会员单位", "3000")], title="新名称")
    standard.refresh_from_db()
    assert standard.title == "新名称" and [t.amount for t in standard.tiers.all()] == [3000]
    assert AuditEntry.objects.filter(action="membership.fee_standard.updated").exists()


def test_update_and_discard_refused_once_balloting(world):
    standard = propose(world.org_a)
    services.fee_standard_balloting(standard=standard, now=NOW)
    with pytest.raises(ApplicationError) as caught:
        update(standard)
    assert caught.value.status == 409
    with pytest.raises(ApplicationError):
        services.fee_standard_discard(actor=None, standard=standard, now=NOW)


def test_discard_deletes_a_draft(world):
    standard = propose(world.org_a)
    services.fee_standard_discard(actor=world.staff_a, standard=standard, now=NOW)
    assert not FeeStandard.objects.exists()


def test_reopen_returns_a_cancelled_ballots_standard_to_draft(world):
    standard = propose(world.org_a)
    services.fee_standard_balloting(standard=standard, now=NOW)
    assert services.fee_standard_reopen(standard=standard, now=NOW).status == "draft"


def test_decide_passed_adopts_with_the_resolution(world):
    standard = decide(propose(world.org_a), adopted_on=dt.date(2026, 10, 10))
    assert standard.status == "adopted" and standard.adopted_on == dt.date(2026, 10, 10)
    assert standard.resolution is not None and standard.resolution.passed


def test_decide_not_passed_rejects_and_the_old_standard_stays(world):
    old = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    standard = decide(propose(world.org_a), adopted_on=dt.date(2026, 10, 10), passed=False)
    assert standard.status == "rejected" and standard.adopted_on is None
    old.refresh_from_db()
    assert old.status == "adopted" and old.superseded_on is None


def test_decide_supersedes_the_earlier_standard_from_the_new_effective_date(world):
    old = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    new = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 10, 10))
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_on == dt.date(2027, 1, 1)
    assert new.status == "adopted" and new.superseded_on is None


def test_decide_leaves_other_associations_alone(world):
    other = adopted(world.org_b, effective_on=dt.date(2025, 1, 1))
    adopted(world.org_a, effective_on=dt.date(2027, 1, 1))
    other.refresh_from_db()
    assert other.status == "adopted"


def test_decide_requires_a_ballot_and_a_matching_fee_resolution(world):
    draft = propose(world.org_a)
    res = resolution(world.org_a, adopted_on=dt.date(2026, 10, 10))
    with pytest.raises(ApplicationError) as caught:  # no service adopts a draft directly: only a ballot's result
        services.fee_standard_decide(standard=draft, passed=True, resolution=res, now=NOW)
    assert caught.value.status == 409
    services.fee_standard_balloting(standard=draft, now=NOW)
    other = resolution(world.org_b, adopted_on=dt.date(2026, 10, 10))
    with pytest.raises(ApplicationError):
        services.fee_standard_decide(standard=draft, passed=True, resolution=other, now=NOW)
    failed = resolution(world.org_a, adopted_on=dt.date(2026, 10, 10), passed=False)
    with pytest.raises(ApplicationError):
        services.fee_standard_decide(standard=draft, passed=True, resolution=failed, now=NOW)


def test_in_force_switches_on_the_effective_date(world):
    old = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    new = adopted(world.org_a, effective_on=dt.date(2027, 1, 1))
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2024, 12, 31)) is None
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2025, 1, 1)) == old
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2026, 12, 31)) == old
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2027, 1, 1)) == new


def test_in_force_ignores_drafts_ballots_and_rejections(world):
    propose(world.org_a, effective_on=dt.date(2025, 1, 1))
    balloting = propose(world.org_a, effective_on=dt.date(2025, 1, 1))
    services.fee_standard_balloting(standard=balloting, now=NOW)
    decide(propose(world.org_a, effective_on=dt.date(2025, 1, 1)), adopted_on=dt.date(2024, 12, 1), passed=False)
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2026, 1, 1)) is None


def test_a_standard_adopted_for_an_earlier_date_ends_when_the_later_one_starts(world):
    later = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 9, 1))
    earlier = adopted(world.org_a, effective_on=dt.date(2026, 11, 1), adopted_on=dt.date(2026, 10, 1))
    later.refresh_from_db()
    assert later.status == "adopted" and earlier.superseded_on == dt.date(2027, 1, 1)
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2026, 12, 31)) == earlier
    assert selectors.fee_standard_in_force(world.org_a, as_of=dt.date(2027, 1, 1)) == later


def test_publish_resolution_records_the_day_once(world):
    standard = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 10, 10))
    res = standard.resolution
    with pytest.raises(ApplicationError) as caught:
        services.fee_resolution_publish(actor=world.staff_a, resolution=res, on=dt.date(2026, 10, 9), now=NOW)
    assert caught.value.field == "on"
    with pytest.raises(PermissionDenied):
        services.fee_resolution_publish(actor=world.staff_b, resolution=res, on=dt.date(2026, 10, 20), now=NOW)
    services.fee_resolution_publish(actor=world.staff_a, resolution=res, on=dt.date(2026, 10, 20), now=NOW)
    res.refresh_from_db()
    assert res.published_to_members_on == dt.date(2026, 10, 20)
    assert AuditEntry.objects.filter(action="membership.fee_resolution.published").exists()
    with pytest.raises(ApplicationError) as caught:
        services.fee_resolution_publish(actor=world.staff_a, resolution=res, on=dt.date(2026, 10, 21), now=NOW)
    assert caught.value.status == 409


def test_publication_status_for_the_detail_pages(world):
    standard = adopted(world.org_a, effective_on=dt.date(2027, 1, 1), adopted_on=dt.date(2026, 10, 1))
    assert selectors.publication(standard, as_of=dt.date(2026, 10, 31)).state == "due"  # type: ignore[union-attr]
    assert selectors.publication(standard, as_of=dt.date(2026, 11, 1)).state == "missing"  # type: ignore[union-attr]
    assert selectors.publication(propose(world.org_a), as_of=dt.date(2026, 11, 1)) is None
