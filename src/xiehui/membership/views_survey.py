"""Workspace pages of the yearly satisfaction survey: open it, read the aggregate, publish it (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request
from xiehui.web.access import staff_required

from . import selectors_survey as selectors
from . import services_survey as services
from .forms_members import SurveyForm
from .views_members import _org, form_error


@staff_required
def workspace_surveys(request: Request) -> HttpResponse:
    org = _org(request)
    today = clock.today()
    form = SurveyForm(request.POST or None, initial={"year": today.year, "opens_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_open(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已设立 {survey.year} 年度会员满意度调查")
            return redirect("membership:workspace_survey", pk=survey.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    context = {"org": org, "form": form, "surveys": selectors.surveys_of(org)}
    return render(request, "membership/workspace_surveys.html", context)


@staff_required
def workspace_survey(request: Request, pk: int) -> HttpResponse:
    survey = selectors.survey_get_for_staff(actor=request.user, pk=pk)
    context = {
        "org": survey.organization,
        "survey": survey,
        "results": selectors.survey_results(survey, as_of=clock.today()),
        "can_publish": survey.published_at is None and clock.today() > survey.closes_on,
    }
    return render(request, "membership/workspace_survey.html", context)


@staff_required
@require_POST
def workspace_survey_publish(request: Request, pk: int) -> HttpResponse:
    survey = selectors.survey_get_for_staff(actor=request.user, pk=pk)
    try:
        disclosure = services.survey_publish(actor=request.user, survey=survey, now=clock.now())
        messages.success(request, f"已公开 {survey.year} 年度会员满意度调查结果")
        return redirect("disclosure:workspace_item", pk=disclosure.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("membership:workspace_survey", pk=survey.pk)
