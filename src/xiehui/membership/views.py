"""The members directory of the workspace: the association's staff list, export and record their members and
the users who represent them (joining, exits, classes, delegates, figures: views_members.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web.access import staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors, services
from .forms import MemberFilterForm, MemberForm, RepresentativeForm
from .models import Member
from .views_members import form_error

CSV_HEADER = ["会员名称", "会员类型", "统一社会信用代码", "会员类别", "入会日期", "会员代表"]


def _representatives(member: Member) -> str:
    return "、".join(str(r.user) for r in member.representatives.all() if r.until is None)


def _csv(org: Organization, qs: Any) -> StreamingHttpResponse:
    rows = (
        [m.name, m.get_kind_display(), m.uscc, m.member_class, m.joined_on.isoformat(), _representatives(m)]
        for m in qs.iterator(chunk_size=2000)
    )
    return csv_response(f"members-{org.uscc}.csv", CSV_HEADER, rows)


@staff_required
def workspace_members(request: Request) -> HttpResponse | StreamingHttpResponse:
    org = registry.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    form = MemberFilterForm(request.GET or None)
    qs = form.apply(selectors.members_of(org, as_of=clock.today()))
    if request.GET.get("export") == "csv":
        return _csv(org, qs)
    page = paginate(request, qs)
    template = "membership/_member_rows.html" if request.htmx else "membership/workspace_members.html"
    return render(request, template, {"org": org, "form": form, "page": page})


@staff_required
def workspace_member_new(request: Request) -> HttpResponse:
    org = registry.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    form = MemberForm(request.POST or None, initial={"joined_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_record(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已登记会员：{member.name}")
            return redirect("membership:workspace_member", pk=member.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return render(request, "membership/workspace_member_new.html", {"org": org, "form": form})


def member_page(
    request: Request, member: Member, *, form: Any = None, end: Any = None, status: int = 200
) -> HttpResponse:
    """The member's page: facts, representatives, and (while current) the forms that end the membership."""
    from .views_members import end_forms

    context = {
        "org": member.organization,
        "member": member,
        "form": form or RepresentativeForm(initial={"since": clock.today()}),
        "representatives": member.representatives.select_related("user"),
        "exit": selectors.exit_of(member),
        "end": end or end_forms(member),
        "delegates": member.delegates.all(),
    }
    return render(request, "membership/workspace_member.html", context, status=status)


@staff_required
def workspace_member(request: Request, pk: int) -> HttpResponse:
    """One member of the staff's own association (404 for any other) and its representatives."""
    member = selectors.member_get_for_staff(actor=request.user, pk=pk)
    form = RepresentativeForm(request.POST or None, initial={"since": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_add(actor=request.user, member=member, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"已添加会员代表：{form.cleaned_data['user']}")
            return redirect("membership:workspace_member", pk=member.pk)
        except ApplicationError as exc:
            form_error(form, exc)
    return member_page(request, member, form=form)
