"""The satisfaction survey: one answer per member (DB constraint), anonymity, aggregates, publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError
from xiehui.disclosure.models import Disclosure
from xiehui.membership import selectors_survey, services_survey
from xiehui.membership.models import SurveyAnswer, SurveyParticipation

from .factories_members import TODAY, at, member

pytestmark = pytest.mark.django_db
SCORES = {"services": 5, "rights": 4, "transparency": 4, "fees": 3, "overall": 4}


def survey(org, year=2026, opens=dt.date(2026, 11, 1), closes=dt.date(2026, 11, 30)):  # type: ignore[no-untyped-def]
    return services_survey.survey_open(
        actor=None, organization=org, year=year, opens_on=opens, closes_on=closes, now=NOW
    )


def test_one_answer_per_member_is_a_database_constraint_with_a_clear_error(world):
    m = member(world.org_a, 1, rep=world.member)
    s = survey(world.org_a)
    services_survey.survey_answer(actor=world.member, survey=s, member=m, scores=SCORES, now=NOW)
    with pytest.raises(ApplicationError) as exc:
        services_survey.survey_answer(actor=world.member, survey=s, member=m, scores=SCORES, now=NOW)
    assert exc.value.code == "survey_answered" and "只能作答一次" in exc.value.message and exc.value.status == 409
    assert SurveyAnswer.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyParticipation.objects.create(survey=s, member=m)


def test_answers_carry_no_link_to_member_user_or_time(world):
    fields = {f.name: f for f in SurveyAnswer._meta.get_fields()}
    assert set(fields) == {"id", "survey", "scores", "comment"}
    assert [f.related_model.__name__ for f in fields.values() if f.is_relation] == ["Survey"]
    assert not any(
        f.get_internal_type() in ("DateTimeField", "DateField", "AutoField", "BigAutoField") for f in fields.values()
    )
    participation = {f.name for f in SurveyParticipation._meta.get_fields()}
    assert participation == {"id", "survey", "member"}
    m = member(world.org_a, 1, rep=world.member)
    services_survey.survey_answer(actor=world.member, survey=survey(world.org_a), member=m, scores=SCORES, now=NOW)
    answer = SurveyAnswer.objects.get()
    assert answer.id.version == 4 and str(m.pk) not in str(answer.scores)


def test_answering_needs_a_current_representative_in_the_window(world):
    m = member(world.org_a, 1, rep=world.member)
    s = survey(world.org_a, opens=TODAY + dt.timedelta(days=1), closes=TODAY + dt.timedelta(days=5))
    with pytest.raises(ApplicationError) as early:
        services_survey.survey_answer(actor=world.member, survey=s, member=m, scores=SCORES, now=NOW)
    assert early.value.code == "survey_closed"
    with pytest.raises(ApplicationError) as outsider:
        services_survey.survey_answer(
            actor=world.staff_a, survey=s, member=m, scores=SCORES, now=at(TODAY + dt.timedelta(days=1))
        )
    assert outsider.value.status == 404
    with pytest.raises(ApplicationError) as bad:
        services_survey.survey_answer(
            actor=world.member, survey=s, member=m, scores={**SCORES, "fees": 6}, now=at(TODAY + dt.timedelta(days=1))
        )
    assert bad.value.field == "scores.fees"
    with pytest.raises(ApplicationError) as once:
        survey(world.org_a)
    assert once.value.code == "survey_exists"


def test_results_withheld_below_three_respondents_then_aggregated(world):
    s = survey(world.org_a)
    members = [member(world.org_a, n) for n in range(4)]
    for m, overall in zip(members[:2], (5, 3), strict=True):
        services_survey.survey_answer(actor=None, survey=s, member=m, scores={**SCORES, "overall": overall}, now=NOW)
    two = selectors_survey.survey_results(s, as_of=dt.date(2026, 12, 1))
    assert two["respondents"] == 2 and not two["shown"] and two["aspects"] == []
    services_survey.survey_answer(actor=None, survey=s, member=members[2], scores={**SCORES, "overall": 4}, now=NOW)
    three = selectors_survey.survey_results(s, as_of=dt.date(2026, 12, 1))
    overall = next(a for a in three["aspects"] if a["code"] == "overall")
    assert three["shown"] and overall["average"] == 4.0 and overall["distribution"] == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert three["members"] == 4 and three["response_rate"] == 0.75


def test_publishing_creates_the_public_disclosure_after_the_year(world):
    s = survey(world.org_a, year=2025, opens=dt.date(2025, 12, 1), closes=dt.date(2025, 12, 20))
    for n in range(3):
        services_survey.survey_answer(
            actor=None, survey=s, member=member(world.org_a, n), scores=SCORES, now=at(dt.date(2025, 12, 5))
        )
    with pytest.raises(ApplicationError):
        services_survey.survey_publish(actor=world.staff_b, survey=s, now=NOW)
    disclosure = services_survey.survey_publish(actor=world.staff_a, survey=s, now=NOW)
    assert disclosure.item_type == "member_satisfaction" and disclosure.period == "2025" and disclosure.is_published
    assert str(disclosure.current.data["fields"]["respondents"]) == "3"
    with pytest.raises(ApplicationError) as again:
        services_survey.survey_publish(actor=world.staff_a, survey=s, now=NOW)
    assert again.value.code == "survey_published" and Disclosure.objects.count() == 1


def test_publishing_refuses_an_open_survey_or_too_few_answers(world):
    s = survey(world.org_a, year=2025, opens=dt.date(2025, 12, 1), closes=dt.date(2025, 12, 20))
    with pytest.raises(ApplicationError) as few:
        services_survey.survey_publish(actor=world.staff_a, survey=s, now=NOW)
    assert few.value.code == "survey_too_few"
    with pytest.raises(ApplicationError) as still_open:
        services_survey.survey_publish(actor=world.staff_a, survey=s, now=at(dt.date(2025, 12, 20)))
    assert still_open.value.code == "survey_open"
