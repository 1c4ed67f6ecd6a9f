"""Signing the standard pledges: one step that publishes, supersession, the write-once trigger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry
from xiehui.selfregulation import pledges as catalogue
from xiehui.selfregulation import selectors_commitments as selectors
from xiehui.selfregulation import services_commitments as services
from xiehui.selfregulation.models import PledgeSignature

pytestmark = pytest.mark.django_db

ALL = [p.code for p in catalogue.STANDARD]
TODAY = dt.date(2026, 11, 23)


def sign(world, *, actor=None, organization=None, now=NOW, **overrides) -> PledgeSignature:  # type: ignore[no-untyped-def]
    data = {"pledges": ALL, "signatory": "张会长", "signatory_title": "会长", "signed_on": TODAY, **overrides}
    return services.pledge_sign(actor=actor or world.staff_a, organization=organization or world.org_a, now=now, **data)


def test_it_signs_and_publishes_in_one_step_with_the_catalogue_text(world):
    sig = sign(world)
    assert sig.published_at == NOW and sig.created_by == world.staff_a
    assert sig.pledges == ALL and sig.text == catalogue.text_of(ALL)
    assert sig.text.startswith("1. 不强制入会") and f"{len(ALL)}. " in sig.text
    assert AuditEntry.objects.filter(action="selfregulation.pledge.signed", object_id=str(sig.pk)).exists()


def test_it_keeps_catalogue_order_and_drops_duplicates(world):
    sig = sign(world, pledges=["truthful_disclosure", "no_forced_membership", "no_forced_membership"])
    assert sig.pledges == ["no_forced_membership", "truthful_disclosure"]
    assert sig.text == "1. 不强制入会，不以入会作为提供服务或办理事项的条件\n2. 公开的信息真实、准确、完整，及时更正"


def test_signing_again_supersedes_and_keeps_the_old_letter_in_history(world):
    first = sign(world, signatory="张会长")
    second = sign(world, signatory="李会长", pledges=ALL[:3], now=NOW + dt.timedelta(hours=1))
    overview = selectors.pledge_overview(world.org_a)
    assert overview.in_force == second and overview.history == [first]
    assert selectors.pledge_in_force(world.org_a) == second
    assert [p.code for p in selectors.pledge_items(second)] == ALL[:3]
    first.refresh_from_db()
    assert first.signatory == "张会长" and first.text == catalogue.text_of(ALL)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"pledges": []}, "pledge_none", "pledges"),
        ({"pledges": ["no_forced_membership", "made_up"]}, "pledge_unknown", "pledges"),
        ({"signatory": "  "}, "required", "signatory"),
        ({"signatory_title": ""}, "required", "signatory_title"),
        ({"signed_on": TODAY + dt.timedelta(days=1)}, "signed_in_future", "signed_on"),
    ],
    ids=["none", "unknown", "no-signatory", "no-title", "future"],
)
def test_it_refuses_bad_letters(world, overrides, code, field):
    with pytest.raises(ApplicationError) as exc:
        sign(world, **overrides)
    assert exc.value.code == code and exc.value.field == field
    assert not PledgeSignature.objects.exists()


def test_signed_today_is_accepted_tomorrow_refused(world):
    assert sign(world, signed_on=TODAY).signed_on == TODAY
    with pytest.raises(ApplicationError, match="签署日期不能晚于今天"):
        sign(world, signed_on=TODAY + dt.timedelta(days=1))


def test_a_new_letter_may_not_predate_the_one_in_force(world):
    sign(world, signed_on=TODAY)
    with pytest.raises(ApplicationError, match="不能早于现行承诺书的签署日期 2026-11-23"):
        sign(world, signed_on=TODAY - dt.timedelta(days=1))


@pytest.mark.parametrize("actor", ["staff_b", "officer_jinan", "member"])
def test_only_the_associations_own_staff_sign(world, actor):
    with pytest.raises(ApplicationError) as exc:
        sign(world, actor=getattr(world, actor))
    assert exc.value.status == 403 and not PledgeSignature.objects.exists()


def test_a_published_letter_cannot_be_updated_even_by_a_raw_update(world):
    sig = sign(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        PledgeSignature.objects.filter(pk=sig.pk).update(signatory="改过的人")
    sig.refresh_from_db()
    assert sig.signatory == "张会长"


def test_preview_checks_without_saving(world):
    codes, text = services.pledge_letter(
        organization=world.org_a, pledges=ALL[:2], signatory="张", signatory_title="会长", signed_on=TODAY, now=NOW
    )
    assert codes == ALL[:2] and text.count("\n") == 1 and not PledgeSignature.objects.exists()
