"""Facts for CR-A5 (letters returned unsigned) and CR-S6 (courts' list of dishonest judgment debtors)."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW, region
from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, Department, Role
from xiehui.core.services import user_create
from xiehui.supervision.models import AddressLetter, CourtListEntry
from xiehui.supervision.services import facts

pytestmark = pytest.mark.django_db
TODAY = clock.local_date(NOW)
D0 = dt.date(2026, 8, 1)


def letter(world, sent_on: dt.date, returned_on: dt.date | None = None, signed: bool = False) -> AddressLetter:  # type: ignore[no-untyped-def]
    item = facts.letter_record(
        actor=world.officer_jinan, organization=world.org_a, sent_on=sent_on, tracking_number="EMS1", now=NOW
    )
    if returned_on is not None:
        item = facts.letter_update_return(
            actor=world.officer_jinan, letter=item, returned_on=returned_on, signed=signed, now=NOW
        )
    return item


def court(world, actor=None, **overrides) -> CourtListEntry:  # type: ignore[no-untyped-def]
    data = dict(
        actor=actor or world.officer_jinan,
        organization=world.org_a,
        case_number="（2026）鲁0102执123号",
        court="济南市历下区人民法院",
        listed_on=TODAY - dt.timedelta(days=10),
        now=NOW,
    )
    data.update(overrides)
    return facts.court_entry_record(**data)  # type: ignore[arg-type]


# -- letters (CR-A5) ----------------------------------------------------------------------------------------


def test_it_records_a_letter_and_its_return(world):
    item = letter(world, D0, D0 + dt.timedelta(days=7))
    assert item.returned_on == D0 + dt.timedelta(days=7) and item.signed is False
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"supervision.letter.recorded", "supervision.letter.returned"} <= actions


def test_return_on_the_sending_day_is_accepted_the_day_before_refused(world):
    item = letter(world, D0)
    with pytest.raises(ApplicationError) as exc:
        facts.letter_update_return(
            actor=world.officer_jinan, letter=item, returned_on=D0 - dt.timedelta(days=1), signed=False, now=NOW
        )
    assert exc.value.field == "returned_on" and "早于寄送日期" in exc.value.message
    item = facts.letter_update_return(actor=world.officer_jinan, letter=item, returned_on=D0, signed=True, now=NOW)
    assert item.signed and item.returned_on == D0


def test_letters_cannot_be_dated_in_the_future(world):
    with pytest.raises(ApplicationError) as exc:
        letter(world, TODAY + dt.timedelta(days=1))
    assert exc.value.field == "sent_on"
    item = letter(world, TODAY)
    with pytest.raises(ApplicationError):
        facts.letter_update_return(
            actor=world.officer_jinan, letter=item, returned_on=TODAY + dt.timedelta(days=1), signed=False, now=NOW
        )


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "department", "member"])
def test_only_the_authority_records_letters(world, who):
    with pytest.raises(PermissionDenied):
        facts.letter_record(actor=getattr(world, who), organization=world.org_a, sent_on=D0, now=NOW)
    item = letter(world, D0)
    with pytest.raises(PermissionDenied):
        facts.letter_update_return(actor=getattr(world, who), letter=item, returned_on=D0, signed=False, now=NOW)


@pytest.mark.parametrize(
    ("gap", "met"),
    [(19, False), (20, True), (21, True), (59, True), (60, True), (61, False)],
)
def test_cr_a5_hint_two_unsigned_letters_20_to_60_days_apart(world, gap, met):
    letters = [letter(world, D0, D0 + dt.timedelta(days=5)), letter(world, D0 + dt.timedelta(days=gap), TODAY)]
    hint = facts.unreachable_evidence(letters)
    assert ("已符合 CR-A5" in hint) is met, hint
    if met:
        assert f"间隔 {gap} 天" in hint


def test_cr_a5_hint_ignores_signed_and_unreturned_letters(world):
    signed = letter(world, D0, D0 + dt.timedelta(days=3), signed=True)
    pending = letter(world, D0 + dt.timedelta(days=30))
    unsigned = letter(world, D0 + dt.timedelta(days=60), TODAY)
    assert "已符合 CR-A5" not in facts.unreachable_evidence([signed, pending, unsigned])
    assert "尚无退回未签收" in facts.unreachable_evidence([signed, pending])


def test_cr_a5_hint_reads_the_parameters_in_force(world):
    letters = [letter(world, D0, D0 + dt.timedelta(days=5)), letter(world, D0 + dt.timedelta(days=15), TODAY)]
    assert "已符合 CR-A5" not in facts.unreachable_evidence(letters)
    params.parameter_set(
        actor=world.officer_province, key="CR-A5.min_days_between_letters", value=10, note="试点", now=NOW
    )
    hint = facts.unreachable_evidence(letters)
    assert "已符合 CR-A5" in hint and "10–60 天" in hint


# -- court list (CR-S6) ---------------------------------------------------------------------------------------


def test_cr_s6_officer_records_an_entry(world):
    entry = court(world)
    assert entry.recorded_by == world.officer_jinan and entry.removed_on is None
    assert AuditEntry.objects.filter(action="supervision.court_entry.recorded", object_id=str(entry.pk)).exists()


def test_cr_s6_department_of_the_region_records_an_entry(world):
    entry = court(world, actor=world.department)
    assert entry.recorded_by == world.department


def test_department_of_another_region_may_not_record(world):
    dept = Department.objects.create(name="青岛市发展和改革委员会", region=region("370200"))
    qingdao = user_create(
        actor=None, username="dept_qd", password="Xiehui-test-2026!", role=Role.DEPARTMENT, department=dept
    )
    with pytest.raises(PermissionDenied):
        court(world, actor=qingdao)
    assert court(world, actor=qingdao, organization=world.org_b).organization == world.org_b


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "member"])
def test_others_may_not_record_court_entries(world, who):
    with pytest.raises(PermissionDenied):
        court(world, actor=getattr(world, who))
    assert not CourtListEntry.objects.exists()


def test_case_number_is_unique_per_association(world):
    court(world)
    with pytest.raises(ApplicationError) as exc:
        court(world)
    assert exc.value.field == "case_number" and "重复" in exc.value.message
    assert court(world, organization=world.org_b, actor=world.officer_qingdao).case_number == "（2026）鲁0102执123号"


def test_listing_date_today_is_accepted_tomorrow_refused(world):
    with pytest.raises(ApplicationError) as exc:
        court(world, listed_on=TODAY + dt.timedelta(days=1))
    assert exc.value.field == "listed_on"
    assert court(world, listed_on=TODAY).listed_on == TODAY


@pytest.mark.parametrize("field", ["case_number", "court"])
def test_court_entry_text_fields_are_required(world, field):
    with pytest.raises(ApplicationError) as exc:
        court(world, **{field: " "})
    assert exc.value.field == field


def test_removal_on_the_listing_day_is_accepted_the_day_before_refused(world):
    entry = court(world)
    with pytest.raises(ApplicationError) as exc:
        facts.court_entry_remove(
            actor=world.officer_jinan, entry=entry, removed_on=entry.listed_on - dt.timedelta(days=1), now=NOW
        )
    assert exc.value.field == "removed_on" and "早于列入日期" in exc.value.message
    entry = facts.court_entry_remove(actor=world.department, entry=entry, removed_on=entry.listed_on, now=NOW)
    assert entry.removed_on == entry.listed_on
    with pytest.raises(ApplicationError, match="已于"):
        facts.court_entry_remove(actor=world.officer_jinan, entry=entry, removed_on=TODAY, now=NOW)


def test_others_may_not_remove_court_entries(world):
    entry = court(world)
    for actor in (world.officer_qingdao, world.staff_a, world.member):
        with pytest.raises(PermissionDenied):
            facts.court_entry_remove(actor=actor, entry=entry, removed_on=TODAY, now=NOW)
