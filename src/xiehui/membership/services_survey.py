"""The yearly member satisfaction survey: one answer per member (a database constraint), anonymous answers.

The participation row says *that* a member answered; the answer row carries a
random UUID, the survey and the scores — no member, user or time — so nothing
joins one to the other. The aggregate is published as the public
`member_satisfaction` disclosure through the disclosure services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import User
from xiehui.disclosure import services as disclosure
from xiehui.disclosure.models import Disclosure
from xiehui.registry.models import Organization

from . import selectors
from .models import Member, Survey, SurveyAnswer, SurveyParticipation
from .selectors_survey import ASPECTS, SCORES, survey_results
from .services import require_staff, save_unique

DISCLOSURE_TYPE = "member_satisfaction"


STAFF_ONLY = "只有本协会工作人员可以管理满意度调查"


@transaction.atomic
def survey_open(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    now: dt.datetime,
) -> Survey:
    """Open the year's survey (one per association and year) between two dates."""
    require_staff(actor, organization, STAFF_ONLY)
    if not 2000 <= year <= 2100:
        raise ApplicationError("年度应为 2000 至 2100 之间的年份", code="survey_year", field="year")
    if closes_on < opens_on:
        raise ApplicationError("截止日期不能早于开始日期", code="survey_dates", field="closes_on")
    if Survey.objects.filter(organization=organization, year=year).exists():
        raise ApplicationError(
            f"{year} 年度满意度调查已设立（每年一次）", code="survey_exists", field="year", status=409
        )
    survey = Survey(organization=organization, year=year, opens_on=opens_on, closes_on=closes_on, created_at=now)
    survey.full_clean(validate_constraints=False)
    save_unique(survey, message=f"{year} 年度满意度调查已设立（每年一次）", code="survey_exists", field="year")
    audit.record(actor=actor, action="membership.survey.opened", obj=survey, now=now)
    return survey


def _clean_scores(scores: Any) -> dict[str, int]:
    if not isinstance(scores, dict):
        raise ApplicationError('评分应为对象，如 {"overall": 5}', code="survey_scores", field="scores")
    stray = sorted(set(scores) - {code for code, _ in ASPECTS})
    if stray:
        raise ApplicationError(f"没有评价项目：{'、'.join(stray)}", code="survey_scores", field=f"scores.{stray[0]}")
    cleaned = {}
    for code, label in ASPECTS:
        value = scores.get(code)
        if isinstance(value, bool) or value not in SCORES:
            raise ApplicationError(f"请为“{label}”选择 1 至 5 分", code="survey_scores", field=f"scores.{code}")
        cleaned[code] = int(value)
    return cleaned


def _check_answerable(actor: User | None, survey: Survey, member: Member, today: dt.date) -> None:
    if member.organization_id != survey.organization_id:
        raise NotFound("未找到该会员")
    if actor is not None and not selectors.voter_members(actor, as_of=today).filter(pk=member.pk).exists():
        raise NotFound("未找到该会员")
    if not survey.opens_on <= today <= survey.closes_on or survey.published_at is not None:
        raise ApplicationError(
            f"{survey.year} 年度满意度调查的作答时间为 {survey.opens_on:%Y-%m-%d} 至 {survey.closes_on:%Y-%m-%d}",
            code="survey_closed",
            status=409,
        )


def _reshuffle(survey: Survey) -> None:
    """Rewrite the survey's answers under fresh random keys in random order.

    Rows are otherwise stored in the order they were inserted (SQLite rowid, PostgreSQL heap order and xmin);
    with the participations and the audit entries in that same order, the k-th answer would be the k-th
    member's. After the rewrite every answer row carries the same transaction and a position that says nothing.
    """
    scores = list(SurveyAnswer.objects.filter(survey=survey).values_list("scores", flat=True))
    SurveyAnswer.objects.filter(survey=survey).delete()
    rows = sorted((SurveyAnswer(id=uuid.uuid4(), survey=survey, scores=s) for s in scores), key=lambda a: a.id)
    SurveyAnswer.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def survey_answer(
    *, actor: User | None, survey: Survey, member: Member, scores: Any, now: dt.datetime
) -> SurveyParticipation:
    """A current representative answers for its member, once per member; the answer is stored unlinked."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)  # answers of one survey are rewritten one at a time
    _check_answerable(actor, survey, member, clock.local_date(now))
    cleaned = _clean_scores(scores)
    try:
        with transaction.atomic():
            participation = SurveyParticipation.objects.create(survey=survey, member=member)
    except IntegrityError:
        raise ApplicationError(
            f"{member.name} 已参加 {survey.year} 年度满意度调查，每个会员只能作答一次",
            code="survey_answered",
            status=409,
        ) from None
    SurveyAnswer.objects.create(id=uuid.uuid4(), survey=survey, scores=cleaned)
    _reshuffle(survey)
    # the audit names the survey only, never the member or the scores: the answer stays unlinked
    audit.record(actor=None, action="membership.survey.answered", obj=survey, now=now)
    return participation


def _disclosure_data(survey: Survey, results: dict[str, Any]) -> dict[str, Any]:
    rows = [
        {
            "aspect": a["label"],
            "average": f"{a['average']:.2f}",
            "distribution": "；".join(f"{s}分 {n}" for s, n in a["distribution"].items()),
        }
        for a in results["aspects"]
    ]
    fields = {
        "survey_period": f"{survey.opens_on:%Y-%m-%d} 至 {survey.closes_on:%Y-%m-%d}",
        "members": results["members"],
        "respondents": results["respondents"],
        "summary": "每个会员一份匿名答卷，按 1 至 5 分评价；本表为汇总结果。",
    }
    return {"fields": fields, "rows": rows}


@transaction.atomic
def survey_publish(*, actor: User | None, survey: Survey, now: dt.datetime) -> Disclosure:
    """Publish the aggregate as the year's public `member_satisfaction` disclosure (DIS-1)."""
    require_staff(actor, survey.organization, STAFF_ONLY)
    survey = Survey.objects.select_for_update(of=("self",)).select_related("organization").get(pk=survey.pk)
    today = clock.local_date(now)
    if survey.published_at is not None:
        raise ApplicationError("该年度调查结果已公开", code="survey_published", status=409)
    if today <= survey.closes_on:
        raise ApplicationError(f"调查于 {survey.closes_on:%Y-%m-%d} 截止，截止后方可公开结果", code="survey_open")
    results = survey_results(survey, as_of=today)
    if not results["shown"]:
        raise ApplicationError(
            f"作答会员少于 {results['min_respondents']} 个，为保护匿名不公开结果", code="survey_too_few"
        )
    version = disclosure.disclosure_draft(
        actor=actor,
        organization=survey.organization,
        item_type=DISCLOSURE_TYPE,
        period=str(survey.year),
        data=_disclosure_data(survey, results),
        now=now,
    )
    version = disclosure.version_publish(actor=actor, version=version, now=now)
    survey.published_at = now
    survey.save(update_fields=["published_at"])
    audit.record(actor=actor, action="membership.survey.published", obj=survey, now=now)
    return Disclosure.objects.get(pk=version.disclosure_id)
