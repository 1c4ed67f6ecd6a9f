"""Pledge and social-evaluation pages: the association signs its pledges (workspace), the public rates and
reports ratings (portal), officers moderate them (console)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.selectors import audit_trail
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web.access import not_found_page, officer_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors_commitments as selectors
from . import services_commitments as services
from .forms_commitments import PledgeSignForm, RatingFilterForm, RatingForm, RatingModerateForm, RatingReportForm
from .models import Rating
from .rules import BL2


def _form_error(form: Any, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _org(request: Request, uscc: str) -> Organization:
    return registry.organization_get(actor=request.user, uscc=uscc)


def _portal_ratings_url(org: Organization) -> str:
    return reverse("registry:portal_detail", args=[org.uscc]) + "#ratings"


# -- workspace: pledges ----------------------------------------------------------------------------------


@staff_required
def workspace_pledges(request: Request) -> HttpResponse:
    """Choose the pledges and the signatory, preview the letter, confirm: it is signed and published."""
    org = registry.staff_organization(request.user)
    if org is None:
        return redirect("registry:workspace_home")
    form = PledgeSignForm(request.POST or None, initial={"signed_on": clock.today()})
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action != "edit" and form.is_valid():
        try:
            if action == "confirm":
                services.pledge_sign(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
                messages.success(request, "诚信承诺书已签署并公开，原承诺书转入历史记录。")
                return redirect("selfregulation:workspace_pledges")
            _, text = services.pledge_letter(organization=org, now=clock.now(), **form.cleaned_data)
            context = {"org": org, "form": PledgeSignForm(request.POST, hidden=True), "text": text}
            return render(request, "selfregulation/pledge_preview.html", {**context, **form.cleaned_data})
        except ApplicationError as exc:
            _form_error(form, exc)
    overview = selectors.pledge_overview(org)
    items = selectors.pledge_items(overview.in_force) if overview.in_force else []
    context = {"org": org, "form": form, "overview": overview, "items": items}
    return render(request, "selfregulation/pledge_workspace.html", context)


# -- portal: ratings -------------------------------------------------------------------------------------


@not_found_page
def rating_list(request: Request, uscc: str) -> HttpResponse:
    """Every visible rating of an association, newest first (htmx: the rows only)."""
    org = _org(request, uscc)
    page = paginate(request, selectors.ratings_visible(org))
    reported = selectors.reported_by(request.user, [r.pk for r in page.items])
    for rating in page.items:
        rating.rater_label = selectors.rater_label(rating)  # type: ignore[attr-defined]
    context = {"org": org, "page": page, "ratings": page.items, "reported": reported}
    if request.htmx:
        return render(request, "selfregulation/_rating_rows.html", context)
    context["summary"] = selectors.rating_summary(org, as_of=clock.today())
    return render(request, "selfregulation/rating_list.html", context)


@login_required
@not_found_page
def rating_new(request: Request, uscc: str) -> HttpResponse:
    org = _org(request, uscc)
    refusal = services.rating_refusal(request.user, org)
    year = clock.today().year
    own = selectors.own_rating(request.user, org, year) if refusal is None else None
    form = RatingForm(request.POST or None)
    if request.method == "POST" and refusal is None and own is None and form.is_valid():
        try:
            services.rating_submit(actor=request.user, organization=org, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"感谢您的评价：已记录您对{org.name}的 {year} 年度评价。")
            return redirect(_portal_ratings_url(org))
        except ApplicationError as exc:
            _form_error(form, exc)
    context = {"org": org, "form": form, "refusal": refusal, "own": own, "year": year, "rule": BL2}
    return render(request, "selfregulation/rating_form.html", context, status=403 if refusal else 200)


@login_required
@not_found_page
def rating_report(request: Request, pk: int) -> HttpResponse:
    rating = selectors.rating_get(pk=pk)
    form = RatingReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_report(actor=request.user, rating=rating, now=clock.now(), **form.cleaned_data)
            messages.success(request, "已收到您的举报，登记管理机关将核查处理。")
            return redirect(_portal_ratings_url(rating.organization))
        except ApplicationError as exc:
            _form_error(form, exc)
    rating.rater_label = selectors.rater_label(rating)  # type: ignore[attr-defined]
    return render(request, "selfregulation/rating_report.html", {"rating": rating, "form": form})


# -- console: moderation ---------------------------------------------------------------------------------

CSV_HEADER = [
    "协会",
    "统一社会信用代码",
    "年度",
    "评分",
    "评价内容",
    "评价人类别",
    "评价时间",
    "状态",
    "被举报次数",
    "处理人",
    "处理时间",
    "处理理由",
]


def _csv_row(r: Rating) -> list[Any]:
    return [
        r.organization.name,
        r.organization.uscc,
        r.year,
        r.score,
        r.comment,
        "会员" if r.as_member else "社会公众",
        clock.local_date(r.created_at).isoformat(),
        r.get_status_display(),
        r.reports,
        str(r.moderated_by) if r.moderated_by else "",
        r.moderated_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if r.moderated_at else "",
        r.moderation_reason,
    ]


@officer_required
def console_ratings(request: Request) -> HttpResponse | StreamingHttpResponse:
    form = RatingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ModerationFilters(status=data.get("status") or "", q=data.get("q") or "")
    qs = selectors.moderation_queue(actor=request.user, filters=filters)
    if request.GET.get("export") == "csv":
        return csv_response("ratings.csv", CSV_HEADER, (_csv_row(r) for r in qs.iterator(chunk_size=2000)))
    return render(request, "selfregulation/rating_console_queue.html", {"form": form, "page": paginate(request, qs)})


@officer_required
def console_rating(request: Request, pk: int) -> HttpResponse:
    rating = selectors.rating_get_for_moderator(actor=request.user, pk=pk)
    form = RatingModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_moderate(actor=request.user, rating=rating, now=clock.now(), **form.cleaned_data)
            messages.success(request, "已处理")
            return redirect("selfregulation:console_rating", pk=rating.pk)
        except ApplicationError as exc:
            _form_error(form, exc)
    context = {
        "rating": rating,
        "form": form,
        "reports": selectors.rating_reports(rating),
        "audit": audit_trail(object_type="selfregulation.rating", object_id=str(rating.pk)),
    }
    return render(request, "selfregulation/rating_console_detail.html", context)
