"""Defects found in the review of MEM-1, MEM-2, the survey and FEE-1; each test fails without its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry
from xiehui.membership import selectors, selectors_fees, selectors_survey, services, services_members, services_survey
from xiehui.membership.models import ExitKind, Member, MemberClass, MemberExit, Representative, SurveyAnswer
from xiehui.membership.rules_fees import parse_amount

from .factories_members import TODAY, application, at, member, uscc
from .test_fees_builders import adopted
from .test_members_api import get, post

pytestmark = pytest.mark.django_db
SCORES = {"services": 5, "rights": 4, "transparency": 4, "fees": 3, "overall": 4}
LATER = TODAY + dt.timedelta(days=30)


def exit_(m: Member, day: dt.date, actor=None, reason: str = "fees") -> MemberExit:  # type: ignore[no-untyped-def]
    return services_members.member_exit(actor=actor, member=m, reason=reason, effective_on=day, now=NOW)


# -- MEM-1: an exit is never blocked --------------------------------------------------------------------------


def test_mem_1_a_pending_exit_can_be_brought_forward_to_today(world):
    m = member(world.org_a, 1, rep=world.member)
    exit_(m, LATER, actor=world.member)
    record = exit_(m, TODAY, actor=world.member, reason="service")
    m.refresh_from_db()
    assert m.left_on == TODAY and record.effective_on == TODAY and record.reason == "service"
    assert MemberExit.objects.filter(member=m).count() == 1


def test_mem_1_a_pending_exit_cannot_be_moved_later_and_says_how_to_bring_it_forward(world):
    m = member(world.org_a, 1, rep=world.member)
    exit_(m, LATER)
    with pytest.raises(ApplicationError) as exc:
        exit_(m, LATER + dt.timedelta(days=1))
    assert exc.value.code == "member_left" and exc.value.status == 409 and "早于该日期" in exc.value.message


def test_mem_1_cessation_replaces_a_pending_voluntary_exit(world):
    m = member(world.org_a, 1)
    exit_(m, LATER)
    record = services_members.member_cease(
        actor=world.staff_a, member=m, note="已注销登记", effective_on=TODAY, now=NOW
    )
    assert record.kind == ExitKind.CEASED and record.reason == "" and record.note == "已注销登记"
    assert Member.objects.get(pk=m.pk).left_on == TODAY


def test_mem_1_a_left_member_still_refuses_a_second_exit(world):
    m = member(world.org_a, 1)
    exit_(m, TODAY)
    with pytest.raises(ApplicationError) as exc:
        exit_(m, TODAY + dt.timedelta(days=1))
    assert exc.value.code == "member_left"


def test_mem_1_exit_api_brings_a_pending_exit_forward(world):
    m = member(world.org_a, 1, rep=world.member)
    today = clock.today()
    body = {"reason": "fees", "note": "", "effective_on": (today + dt.timedelta(days=30)).isoformat()}
    assert post(world.member, f"/members/{m.pk}/exit", body).status_code == 201
    sooner = post(world.member, f"/members/{m.pk}/exit", {**body, "effective_on": today.isoformat()})
    assert sooner.status_code == 201 and sooner.json()["effective_on"] == today.isoformat()


def test_mem_1_my_page_offers_leaving_sooner_while_an_exit_is_pending(world, as_user):
    m = member(world.org_a, 1, rep=world.member)
    exit_(m, clock.today() + dt.timedelta(days=30))
    page = as_user(world.member).get(reverse("membership:my_home")).content.decode()
    assert reverse("membership:my_leave", args=[m.pk]) in page and "提前退会" in page


# -- MEM-1: one membership at a time --------------------------------------------------------------------------


def test_mem_1_a_member_still_leaving_cannot_be_recorded_or_apply_again(world):
    m = member(world.org_a, 1)
    exit_(m, LATER)
    with pytest.raises(ApplicationError) as again:
        member(world.org_a, 1, joined=TODAY)
    assert again.value.code == "member_exists" and LATER.isoformat() in again.value.message
    with pytest.raises(ApplicationError) as applied:
        application(world.org_a, world.member, uscc=uscc(1))
    assert applied.value.code == "member_exists"
    rejoined = member(world.org_a, 1, joined=LATER, now=at(LATER))  # on the day the exit takes effect
    assert rejoined.pk != m.pk


def test_a_unique_member_race_is_a_clear_409_not_a_500_and_keeps_the_transaction(world, monkeypatch):
    member(world.org_a, 1)
    monkeypatch.setattr(services, "current_member_with_uscc", lambda *a, **k: None)  # the race: check passed
    with pytest.raises(ApplicationError) as exc:
        member(world.org_a, 1)
    assert exc.value.code == "member_exists" and exc.value.status == 409 and "IntegrityError" not in exc.value.message
    assert Member.objects.filter(organization=world.org_a).count() == 1  # the savepoint kept the transaction usable


def test_save_unique_maps_a_member_class_race_to_a_clear_refusal(world):
    MemberClass.objects.create(organization=world.org_a, name="理事单位")
    with pytest.raises(ApplicationError) as exc:
        services.save_unique(
            MemberClass(organization=world.org_a, name="理事单位"), message="会员类别已存在", code="member_class_exists"
        )
    assert exc.value.code == "member_class_exists" and MemberClass.objects.count() == 1


# -- representatives ----------------------------------------------------------------------------------------


def test_a_former_representative_cannot_file_an_exit_or_answer(world):
    m = member(world.org_a, 1, rep=world.member)
    Representative.objects.filter(member=m).update(until=clock.today())
    s = services_survey.survey_open(
        actor=None, organization=world.org_a, year=2026, opens_on=dt.date(2000, 1, 1),
        closes_on=dt.date(2100, 1, 1), now=NOW,
    )  # fmt: skip
    exit_body = {"reason": "fees", "note": "", "effective_on": clock.today().isoformat()}
    assert post(world.member, f"/members/{m.pk}/exit", exit_body).status_code == 404
    assert post(world.member, f"/surveys/{s.pk}/answers", {"member_id": m.pk, "scores": SCORES}).status_code == 404
    assert Member.objects.get(pk=m.pk).left_on is None and not SurveyAnswer.objects.exists()


# -- the survey's anonymity ---------------------------------------------------------------------------------


def _survey(org, *, closes: dt.date = dt.date(2026, 11, 30)):  # type: ignore[no-untyped-def]
    return services_survey.survey_open(
        actor=None, organization=org, year=2026, opens_on=dt.date(2026, 11, 1), closes_on=closes, now=NOW
    )


def _physical_order() -> list[str]:
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM membership_surveyanswer ORDER BY {column}")  # noqa: S608 - a fixed name
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_survey_answer_rows_are_not_stored_in_the_order_members_answered(world):
    s = _survey(world.org_a)
    seen: set[str] = set()
    for n in range(6):
        scores = {**SCORES, "services": n % 5 + 1, "rights": (n + 2) % 5 + 1}
        services_survey.survey_answer(actor=None, survey=s, member=member(world.org_a, n), scores=scores, now=NOW)
        ids = {str(a.pk).replace("-", "") for a in SurveyAnswer.objects.all()}
        assert not ids & seen  # every answer already stored got a fresh key: no key survives to be followed
        seen |= ids
    stored = _physical_order()
    assert stored == sorted(stored)  # the storage order is that of random keys, not of answering
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(DISTINCT xmin::text) FROM membership_surveyanswer")
            assert cursor.fetchone()[0] == 1  # one transaction wrote every row


def test_survey_audit_entry_of_an_answer_names_no_member_actor_or_scores(world):
    m = member(world.org_a, 1, rep=world.member)
    s = _survey(world.org_a)
    services_survey.survey_answer(actor=world.member, survey=s, member=m, scores=SCORES, now=NOW)
    entry = AuditEntry.objects.get(action="membership.survey.answered")
    assert entry.actor_id is None and entry.object_id == str(s.pk) and not entry.changes
    assert m.name not in entry.object_label and m.name not in str(entry.changes)


def test_survey_results_are_withheld_while_the_survey_is_open_even_with_three_answers(world):
    s = _survey(world.org_a)
    for n in range(3):
        services_survey.survey_answer(actor=None, survey=s, member=member(world.org_a, n), scores=SCORES, now=NOW)
    open_ = selectors_survey.survey_results(s, as_of=dt.date(2026, 11, 30))
    assert open_["respondents"] == 3 and not open_["closed"] and not open_["shown"] and open_["aspects"] == []
    closed = selectors_survey.survey_results(s, as_of=dt.date(2026, 12, 1))
    assert closed["closed"] and closed["shown"] and len(closed["aspects"]) == 5


def test_survey_results_api_and_page_withhold_aspects_of_an_open_survey(world, as_user):
    today = clock.today()
    s = services_survey.survey_open(
        actor=None, organization=world.org_a, year=today.year, opens_on=today, closes_on=today, now=NOW
    )
    for n in range(3):
        services_survey.survey_answer(actor=None, survey=s, member=member(world.org_a, n), scores=SCORES, now=at(today))
    body = get(world.staff_a, f"/surveys/{s.pk}/results").json()
    assert body["respondents"] == 3 and body["closed"] is False and body["aspects"] == []
    page = as_user(world.staff_a).get(reverse("membership:workspace_survey", args=[s.pk])).content.decode()
    assert 'data-testid="survey-results"' not in page and "截止前不显示分项结果" in page


def test_my_page_queries_do_not_grow_with_the_members_represented(world, as_user, django_assert_max_num_queries):
    today = clock.today()
    client = as_user(world.member)
    for org in (world.org_a, world.org_b):
        services_survey.survey_open(
            actor=None, organization=org, year=today.year, opens_on=today, closes_on=today, now=NOW
        )
    member(world.org_a, 1, rep=world.member)
    client.get(reverse("membership:my_home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("membership:my_home"))
    for n in range(2, 6):
        member(world.org_a if n % 2 else world.org_b, n, rep=world.member)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("membership:my_home")).status_code == 200


# -- MEM-2 figures ------------------------------------------------------------------------------------------


def test_mem_2_figures_for_a_year_before_the_records_are_a_400_not_a_crash(world):
    response = get(world.staff_a, f"/organizations/{world.org_a.uscc}/member-figures", {"as_of": "0001-01-01"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_date"  # as_of is 2000-2099
    assert response.json()["field"] == "as_of"
    with pytest.raises(ApplicationError):
        selectors.member_figures(world.org_a, year=1948, as_of=TODAY)
    assert selectors.member_figures(world.org_a, year=1949, as_of=TODAY)["start"] == 0


# -- FEE-1 --------------------------------------------------------------------------------------------------


def test_fee_1_a_standard_adopted_for_a_date_between_two_others_cuts_both_periods(world):
    a = adopted(world.org_a, effective_on=dt.date(2025, 1, 1))
    b = adopted(world.org_a, effective_on=dt.date(2027, 1, 1))
    c = adopted(world.org_a, effective_on=dt.date(2026, 1, 1))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.superseded_on == dt.date(2026, 1, 1)  # was 2027-01-01: two standards overlapped through 2026
    assert c.superseded_on == dt.date(2027, 1, 1) and b.superseded_on is None
    for day, expected in ((dt.date(2025, 6, 1), a), (dt.date(2026, 6, 1), c), (dt.date(2027, 6, 1), b)):
        assert selectors_fees.fee_standard_in_force(world.org_a, as_of=day) == expected
    entry = (
        AuditEntry.objects.filter(action="membership.fee_standard.superseded", object_id=str(a.pk))
        .order_by("seq")
        .last()
    )
    assert entry is not None and entry.changes["superseded_on"]["after"] == "2026-01-01"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_fee_1_an_amount_that_is_not_a_number_is_named_so(text):
    with pytest.raises(ApplicationError) as exc:
        parse_amount(text, field="tiers.0.amount")
    assert exc.value.code == "invalid_amount" and "不是有效的金额" in exc.value.message


def test_fee_1_a_plain_amount_still_parses():
    assert parse_amount("2,000元", field="x") == Decimal("2000.00")
