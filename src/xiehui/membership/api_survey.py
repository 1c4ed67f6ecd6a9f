"""The yearly satisfaction survey on the data port: staff open and publish, representatives answer once."""

from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.responses import Status

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS, Problem
from xiehui.core.errors import NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry

from . import selectors, selectors_survey
from . import services_survey as services
from .models import Survey
from .schemas import SurveyAnsweredOut, SurveyAnswerIn, SurveyCreateIn, SurveyOut, SurveyPublishedOut, SurveyResultsOut

router = Router(tags=["membership 会员"])
CONFLICT_ERRORS: dict[int, type[Problem]] = {**ERRORS, 409: Problem}


def _results(survey: Survey) -> dict[str, Any]:
    results = selectors_survey.survey_results(survey, as_of=clock.today())
    for aspect in results["aspects"]:
        aspect["distribution"] = {str(k): v for k, v in aspect["distribution"].items()}
    return results


@router.get("/organizations/{uscc}/surveys", response={200: list[SurveyOut], **ERRORS}, auth=AUTH)
def list_surveys(request: Request, uscc: str) -> list[Survey]:
    """The association's yearly satisfaction surveys (its staff)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    if not registry.staff_of(request.auth, org):
        raise NotFound("未找到该协会")
    return list(selectors_survey.surveys_of(org))


@router.post("/organizations/{uscc}/surveys", response={201: SurveyOut, **CONFLICT_ERRORS}, auth=AUTH)
def create_survey(request: Request, uscc: str, payload: SurveyCreateIn) -> Status[Survey]:
    """Open the year's survey between two dates (one per year; staff)."""
    org = registry.organization_get(actor=request.auth, uscc=uscc)
    if not registry.staff_of(request.auth, org):
        raise NotFound("未找到该协会")
    return Status(201, services.survey_open(actor=request.auth, organization=org, now=clock.now(), **payload.dict()))


@router.post("/surveys/{survey_id}/answers", response={201: SurveyAnsweredOut, **CONFLICT_ERRORS}, auth=AUTH)
def answer_survey(request: Request, survey_id: int, payload: SurveyAnswerIn) -> Status[dict[str, Any]]:
    """Answer for a member the caller represents, once per member; the answer is stored without any link to it."""
    member = selectors.voter_members(request.auth, as_of=clock.today()).filter(pk=payload.member_id).first()
    survey = Survey.objects.filter(pk=survey_id).first()
    if member is None or survey is None or survey.organization_id != member.organization_id:
        raise NotFound("未找到该调查或会员")
    services.survey_answer(actor=request.auth, survey=survey, member=member, scores=payload.scores, now=clock.now())
    return Status(201, {"survey_id": survey.pk, "member_id": member.pk, "answered": True})


@router.get("/surveys/{survey_id}/results", response={200: SurveyResultsOut, **ERRORS}, auth=AUTH)
def get_survey_results(request: Request, survey_id: int) -> dict[str, Any]:
    """Aggregates only, per aspect once the survey has closed and 3 or more members answered (staff)."""
    return _results(selectors_survey.survey_get_for_staff(actor=request.auth, pk=survey_id))


@router.post("/surveys/{survey_id}/publish", response={201: SurveyPublishedOut, **CONFLICT_ERRORS}, auth=AUTH)
def publish_survey(request: Request, survey_id: int) -> Status[dict[str, Any]]:
    """Publish the aggregate as the public member_satisfaction disclosure of the survey's year (staff)."""
    survey = selectors_survey.survey_get_for_staff(actor=request.auth, pk=survey_id)
    disclosure = services.survey_publish(actor=request.auth, survey=survey, now=clock.now())
    return Status(201, {"survey_id": survey.pk, "disclosure_id": disclosure.pk})
