"""Governance pages: the association's workspace (organs, terms, leaders, audits, meetings and resolutions,
charter versions, cooperation matters) and the console's governance flags within the jurisdiction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web.access import officer_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors, services
from .forms import (
    AppointmentFilterForm,
    AuditForm,
    CharterForm,
    ConfirmForm,
    CooperationForm,
    EndForm,
    FlagFilterForm,
    MeetingForm,
    NominateForm,
    OrganForm,
    ResolutionForm,
    TermExtendForm,
    TermForm,
)
from .models import Appointment
from .rules import GOV6


def _org(request: Request) -> Organization:
    org = registry.staff_organization(request.user)
    if org is None:
        raise NotFound("您尚未关联任何协会")
    return org


def _form_error(form: Any, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _handle(
    request: Request, form: Any, save: Callable[[dict[str, Any]], Any], success: str, to: str, *args: Any
) -> HttpResponse | None:
    """Run the service on a valid POST; a refusal becomes the form's errors (rule id and fact)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ApplicationError as exc:
        _form_error(form, exc)
        form.refusals = exc.extra.get("refusals") or []
        return None
    messages.success(request, success)
    return redirect(to, *args)


def _page(request: Request, template: str, context: dict[str, Any], form: Any = None) -> HttpResponse:
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


# -- overview and organs ---------------------------------------------------------------------------------


@staff_required
def workspace_home(request: Request) -> HttpResponse:
    org = _org(request)
    form = OrganForm(request.POST or None)
    done = _handle(
        request,
        form,
        lambda d: services.organ_set(actor=request.user, organization=org, now=clock.now(), **d),
        "组织机构已保存",
        "governance:workspace_home",
    )
    if done:
        return done
    today = clock.today()
    terms = selectors.terms_of(org, as_of=today)
    context = {
        "org": org,
        "organs": selectors.organs_of(org),
        "current": next((t for t in terms if t.current), None),
        "leaders": list(selectors.leaders_of(org, as_of=today)),
        "flags": list(selectors.open_flags_of(org)[:20]),
        "today": today,
    }
    return _page(request, "governance/workspace_home.html", context, form)


# -- terms -----------------------------------------------------------------------------------------------


@staff_required
def workspace_terms(request: Request) -> HttpResponse:
    org = _org(request)
    form = TermForm(request.POST or None)
    done = _handle(
        request,
        form,
        lambda d: services.term_open(actor=request.user, organization=org, now=clock.now(), **d),
        "届次已登记",
        "governance:workspace_terms",
    )
    if done:
        return done
    context = {"org": org, "terms": selectors.terms_of(org, as_of=clock.today())}
    return _page(request, "governance/workspace_terms.html", context, form)


@staff_required
def workspace_term_extend(request: Request, pk: int) -> HttpResponse:
    org = _org(request)
    term = selectors.term_get(org, pk)
    form = TermExtendForm(request.POST or None, org=org)
    done = _handle(
        request,
        form,
        lambda d: services.term_extend(actor=request.user, term=term, now=clock.now(), **d),
        "延期换届已登记",
        "governance:workspace_terms",
    )
    return done or _page(request, "governance/workspace_term_extend.html", {"org": org, "term": term}, form)


# -- leaders and appointments ----------------------------------------------------------------------------

CSV_HEADER = [
    "届次",
    "职务",
    "姓名",
    "身份证号码（脱敏）",
    "状态",
    "任职日期",
    "离任日期",
    "会员单位",
    "领取薪酬",
    "审批文号",
]


def _csv_row(a: Appointment) -> list[Any]:
    return [
        a.term.number,
        a.get_post_display(),
        a.person.name,
        a.person.id_number_masked,
        a.get_status_display(),
        a.starts_on.isoformat() if a.starts_on else "",
        a.ends_on.isoformat() if a.ends_on else "",
        a.member_unit.name if a.member_unit else "",
        "是" if a.paid else "否",
        a.approval_document,
    ]


@staff_required
def workspace_leaders(request: Request) -> HttpResponse | StreamingHttpResponse:
    org = _org(request)
    form = AppointmentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.appointments_of(
        org, q=data.get("q") or "", status=data.get("status") or "", term=str(data.get("term") or "")
    )
    if request.GET.get("export") == "csv":
        return csv_response("leaders.csv", CSV_HEADER, (_csv_row(a) for a in qs.iterator(chunk_size=500)))
    return render(
        request, "governance/workspace_leaders.html", {"org": org, "filter": form, "page": paginate(request, qs)}
    )


@staff_required
def workspace_nominate(request: Request) -> HttpResponse:
    org = _org(request)
    form = NominateForm(request.POST or None, org=org, initial={"on": clock.today()})
    done = _handle(
        request,
        form,
        lambda d: services.leader_nominate(actor=request.user, organization=org, now=clock.now(), **d),
        "已提名；任职条件检查均已通过",
        "governance:workspace_leaders",
    )
    return done or _page(request, "governance/workspace_nominate.html", {"org": org}, form)


@staff_required
def workspace_appointment(request: Request, pk: int) -> HttpResponse:
    """One appointment with its evaluated checks; confirm (appoint) a nominee or end the post."""
    org = _org(request)
    appointment = selectors.appointment_get(org, pk)
    action = request.POST.get("action", "")
    confirm = ConfirmForm(request.POST if action == "confirm" else None, org=org, initial={"starts_on": clock.today()})
    end = EndForm(request.POST if action == "end" else None, initial={"ends_on": clock.today()})
    here = ("governance:workspace_appointment", appointment.pk)
    done = _handle(
        request,
        confirm,
        lambda d: services.appointment_confirm(actor=request.user, appointment=appointment, now=clock.now(), **d),
        "已任职",
        *here,
    ) or _handle(
        request,
        end,
        lambda d: services.appointment_end(actor=request.user, appointment=appointment, now=clock.now(), **d),
        "已办理离任（撤回提名）",
        *here,
    )
    if done:
        return done
    bound = confirm if confirm.is_bound else end
    context = {"org": org, "a": appointment, "confirm": confirm, "end": end}
    return _page(request, "governance/workspace_appointment.html", context, bound)


# -- audits, meetings, resolutions -----------------------------------------------------------------------


@staff_required
def workspace_audits(request: Request) -> HttpResponse:
    org = _org(request)
    form = AuditForm(request.POST or None)
    done = _handle(
        request,
        form,
        lambda d: services.financial_audit_record(actor=request.user, organization=org, now=clock.now(), **d),
        "财务审计已登记",
        "governance:workspace_audits",
    )
    context = {"org": org, "page": paginate(request, selectors.audits_of(org))}
    return done or _page(request, "governance/workspace_audits.html", context, form)


@staff_required
def workspace_meetings(request: Request) -> HttpResponse:
    org = _org(request)
    form = MeetingForm(request.POST or None, org=org, initial={"held_on": clock.today()})
    done = _handle(
        request,
        form,
        lambda d: services.meeting_record(actor=request.user, organization=org, now=clock.now(), **d),
        "会议已登记",
        "governance:workspace_meetings",
    )
    page = paginate(request, selectors.meetings_of(org, q=request.GET.get("q", "").strip()))
    return done or _page(request, "governance/workspace_meetings.html", {"org": org, "page": page}, form)


@staff_required
def workspace_meeting(request: Request, pk: int) -> HttpResponse:
    org = _org(request)
    meeting = selectors.meeting_get(org, pk)
    initial = {
        "organ": meeting.organ_id,
        "meeting": meeting.pk,
        "entitled": meeting.entitled,
        "adopted_on": meeting.held_on,
    }
    initial["present"] = meeting.attended
    form = ResolutionForm(request.POST or None, org=org, initial=initial)
    done = _handle(
        request,
        form,
        lambda d: services.resolution_record(actor=request.user, organization=org, now=clock.now(), **d),
        "决议已登记",
        "governance:workspace_meeting",
        meeting.pk,
    )
    context = {"org": org, "meeting": meeting, "rule": GOV6}
    return done or _page(request, "governance/workspace_meeting.html", context, form)


@staff_required
def workspace_resolutions(request: Request) -> HttpResponse:
    org = _org(request)
    form = ResolutionForm(request.POST or None, org=org, initial={"adopted_on": clock.today()})
    done = _handle(
        request,
        form,
        lambda d: services.resolution_record(actor=request.user, organization=org, now=clock.now(), **d),
        "决议已登记",
        "governance:workspace_resolutions",
    )
    qs = selectors.resolutions_of(org, q=request.GET.get("q", "").strip(), matter=request.GET.get("matter", ""))
    context = {"org": org, "page": paginate(request, qs), "rule": GOV6}
    return done or _page(request, "governance/workspace_resolutions.html", context, form)


# -- charter and cooperation -----------------------------------------------------------------------------


@staff_required
def workspace_charter(request: Request) -> HttpResponse:
    org = _org(request)
    form = CharterForm(request.POST or None, org=org)
    done = _handle(
        request,
        form,
        lambda d: services.charter_version_record(actor=request.user, organization=org, now=clock.now(), **d),
        "章程版本已登记",
        "governance:workspace_charter",
    )
    today = clock.today()
    context = {
        "org": org,
        "versions": list(selectors.charter_versions_of(org)),
        "in_force": selectors.charter_in_force(org, as_of=today),
    }
    return done or _page(request, "governance/workspace_charter.html", context, form)


@staff_required
def workspace_cooperation(request: Request) -> HttpResponse:
    org = _org(request)
    form = CooperationForm(request.POST or None, org=org, initial={"on": clock.today()})
    done = _handle(
        request,
        form,
        lambda d: services.cooperation_matter_record(actor=request.user, organization=org, now=clock.now(), **d),
        "合作事项已登记",
        "governance:workspace_cooperation",
    )
    routes = selectors.routes(org, as_of=clock.today())
    context = {"org": org, "page": paginate(request, selectors.cooperation_of(org)), "routes": routes}
    return done or _page(request, "governance/workspace_cooperation.html", context, form)


# -- console ---------------------------------------------------------------------------------------------

FLAG_CSV = ["协会", "统一社会信用代码", "登记管理机关区划", "规则", "事项", "事实", "发现日期"]


@officer_required
def console_flags(request: Request) -> HttpResponse | StreamingHttpResponse:
    """Overdue re-elections, leaders over age or terms, officials in posts, within the jurisdiction."""
    form = FlagFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.governance_flags_for(
        request.user, q=(data.get("q") or "").strip(), region=data.get("region") or "", rule_id=data.get("rule") or ""
    )
    if request.GET.get("export") == "csv":
        rows = (
            [
                f.organization.name,
                f.organization.uscc,
                f.organization.authority_region_id,
                f.rule_id,
                f.subject,
                f.facts,
                f.raised_on,
            ]
            for f in qs.iterator(chunk_size=2000)
        )
        return csv_response("governance_flags.csv", FLAG_CSV, rows)
    return render(request, "governance/console_flags.html", {"form": form, "page": paginate(request, qs)})
