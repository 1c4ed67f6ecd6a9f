"""Reads of the yearly satisfaction survey: only aggregates, and none below the anonymity threshold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from xiehui.core.errors import NotFound
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from .models import Member, Survey, SurveyAnswer, SurveyParticipation
from .selectors import members_of

ASPECTS: tuple[tuple[str, str], ...] = (
    ("services", "服务质量"),
    ("rights", "会员权益保障"),
    ("transparency", "信息公开"),
    ("fees", "会费与收费"),
    ("overall", "总体满意度"),
)
ASPECT_LABELS = dict(ASPECTS)
SCORES = (1, 2, 3, 4, 5)
MIN_RESPONDENTS = 3  # fewer answers than this could be traced back to a member: nothing is shown


def surveys_of(organization: Organization) -> QuerySet[Survey]:
    return Survey.objects.filter(organization=organization).order_by("-year")


def survey_get_for_staff(*, actor: Actor, pk: int) -> Survey:
    org = registry.staff_organization(actor)
    survey = Survey.objects.select_related("organization").filter(organization=org, pk=pk).first() if org else None
    if survey is None:
        raise NotFound("未找到该满意度调查")
    return survey


def open_survey(organization: Organization, *, as_of: dt.date) -> Survey | None:
    """The survey members can answer on as_of (opens_on <= as_of <= closes_on), if any."""
    return (
        Survey.objects.filter(organization=organization, opens_on__lte=as_of, closes_on__gte=as_of)
        .order_by("-year")
        .first()
    )


def open_surveys_for(members: list[Member], *, as_of: dt.date) -> dict[int, tuple[Survey, bool]]:
    """For each member: the open survey of its association and whether the member answered it (two queries)."""
    org_ids = {m.organization_id for m in members}
    surveys: dict[int, Survey] = {}
    open_qs = Survey.objects.filter(organization_id__in=org_ids, opens_on__lte=as_of, closes_on__gte=as_of)
    for survey in open_qs.order_by("-year"):
        surveys.setdefault(survey.organization_id, survey)
    answered = set(
        SurveyParticipation.objects.filter(
            survey__in=list(surveys.values()), member__in=[m.pk for m in members]
        ).values_list("survey_id", "member_id")
    )
    out: dict[int, tuple[Survey, bool]] = {}
    for m in members:
        found = surveys.get(m.organization_id)
        if found is not None:
            out[m.pk] = (found, (found.pk, m.pk) in answered)
    return out


def survey_results(survey: Survey, *, as_of: dt.date) -> dict[str, Any]:
    """Aggregates for evaluation and disclosure: respondents, average and distribution per aspect.

    The aspects are withheld (`shown` False) while the survey is open — comparing the distribution before and
    after one more member answered would reveal that member's scores — and below MIN_RESPONDENTS, where a
    member could be identified.
    """
    respondents = SurveyParticipation.objects.filter(survey=survey).count()
    members = members_of(survey.organization, as_of=survey.closes_on).count()
    closed = as_of > survey.closes_on
    shown = closed and respondents >= MIN_RESPONDENTS
    aspects: list[dict[str, Any]] = []
    if shown:
        tallies = {code: dict.fromkeys(SCORES, 0) for code, _ in ASPECTS}
        for scores in SurveyAnswer.objects.filter(survey=survey).values_list("scores", flat=True).iterator():
            for code, score in scores.items():
                if code in tallies and score in tallies[code]:
                    tallies[code][score] += 1
        for code, label in ASPECTS:
            dist = tallies[code]
            n = sum(dist.values())
            average = round(sum(s * c for s, c in dist.items()) / n, 2) if n else None
            aspects.append({"code": code, "label": label, "count": n, "average": average, "distribution": dist})
    return {
        "year": survey.year,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "members": members,
        "respondents": respondents,
        "response_rate": round(respondents / members, 4) if members else None,
        "closed": closed,
        "shown": shown,
        "min_respondents": MIN_RESPONDENTS,
        "aspects": aspects,
        "published_at": survey.published_at,
    }
