"""The member's page `/my/` (face `member_home`) and what a member does from it: leave, answer the survey,
follow and withdraw applications; and the join page of an association."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Role
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.web import panels
from xiehui.web.access import role_required

from . import selectors, selectors_survey, services_survey
from . import services_members as services
from .forms_members import ApplicationForm, ExitForm, SurveyAnswerForm
from .views_members import form_error

member_required = role_required(Role.MEMBER)
applicant_required = role_required(Role.MEMBER, Role.PUBLIC)


def _associations(request: Request) -> list[dict[str, object]]:
    """Every member the user represents (current and past), with the open survey of its association."""
    today = clock.today()
    current = list(selectors.voter_members(request.user, as_of=today))
    current_ids = {m.pk for m in current}
    surveys = selectors_survey.open_surveys_for(current, as_of=today)
    rows = []
    for member in selectors.representations_of(request.user).order_by("organization__name", "name"):
        survey, answered = surveys.get(member.pk, (None, False))
        rows.append({"member": member, "current": member.pk in current_ids, "survey": survey, "answered": answered})
    return rows


@member_required
def my_home(request: Request) -> HttpResponse:
    context = {
        "associations": _associations(request),
        "applications": selectors.my_applications(request.user)[:50],
        "panels": panels.panels("member_home", request, request.user),
    }
    return render(request, "membership/my_home.html", context)


@applicant_required
def my_applications(request: Request) -> HttpResponse:
    """The public's own applications (member representatives see them on /my/)."""
    context = {"associations": [], "applications": selectors.my_applications(request.user)[:50], "panels": []}
    return render(request, "membership/my_home.html", context)


@member_required
def my_leave(request: Request, pk: int) -> HttpResponse:
    """Leave: the reason, a note and the day; it takes effect that day, no approval (MEM-1)."""
    today = clock.today()
    member = selectors.voter_members(request.user, as_of=today).filter(pk=pk).first()
    if member is None:
        raise NotFound("未找到该会员")
    form = ExitForm(request.POST or None, initial={"effective_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.member_exit(actor=request.user, member=member, now=clock.now(), **form.cleaned_data)
            messages.success(
                request, f"{member.name} 自 {record.effective_on:%Y-%m-%d} 起退出{member.organization.name}"
            )
            return redirect("membership:my_home")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "membership/my_leave.html", {"member": member, "form": form})


@member_required
def my_survey(request: Request, pk: int) -> HttpResponse:
    """Answer the association's open survey for a member the user represents (once per member)."""
    today = clock.today()
    member = selectors.voter_members(request.user, as_of=today).filter(pk=pk).first()
    survey = selectors_survey.open_survey(member.organization, as_of=today) if member else None
    if member is None or survey is None:
        raise NotFound("当前没有可作答的满意度调查")
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_survey.survey_answer(
                actor=request.user, survey=survey, member=member, scores=form.scores(), now=clock.now()
            )
            messages.success(request, "感谢作答：答卷已匿名保存")
            return redirect("membership:my_home")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "membership/my_survey.html", {"member": member, "survey": survey, "form": form})


@applicant_required
@require_POST
def my_application_withdraw(request: Request, pk: int) -> HttpResponse:
    app = selectors.application_get(actor=request.user, pk=pk)
    try:
        services.application_withdraw(actor=request.user, application=app, now=clock.now())
        messages.success(request, f"已撤回向{app.organization.name}提交的入会申请")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("membership:my_home" if request.user.role == Role.MEMBER else "membership:my_applications")


@applicant_required
def join(request: Request, uscc: str) -> HttpResponse:
    """Apply to join an association (for oneself; joining is voluntary and asks nothing about other memberships)."""
    org = registry.organization_get(actor=request.user, uscc=uscc)
    form = ApplicationForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已向{org.name}提交入会申请，请等待该会按章程审批")
            return redirect("membership:my_home" if request.user.role == Role.MEMBER else "membership:my_applications")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "membership/application_form.html", {"org": org, "form": form, "workspace": False})
