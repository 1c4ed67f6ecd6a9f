"""Ballot pages: the staff's workspace (set up, freeze, attendance desk, close, publish), the voter's phone
pages (vote, the receipt shown once), and the ballot page with its bulletin board and receipt check."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from xiehui.core import clock
from xiehui.core.errors import ApplicationError, NotFound
from xiehui.core.models import Role
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.web.access import not_found_page, role_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors, services, services_cast, services_close
from .forms import BallotFilterForm, BallotForm, CancelForm, CastForm, ReceiptForm, RollSearchForm, add_service_error
from .models import Attendance, Ballot, BallotQuestion, CastBallot
from .rules import CHOICES

member_required = role_required(Role.MEMBER)
ATTENDANCE_ROWS = 30


def _staff_org(request: Request) -> Organization:
    org = registry.staff_organization(request.user)
    if org is None:
        raise NotFound("您的账户尚未关联协会，请联系管理员")
    return org


# -- workspace ---------------------------------------------------------------------------------------------

CSV_HEADER = ["表决事项", "类型", "状态", "投票开始", "投票结束", "应到", "实到", "投票数", "是否通过", "名册摘要(SM3)"]


def _csv_row(b: Ballot) -> list[Any]:
    passed = "" if b.passed is None else ("通过" if b.passed else "未通过")
    moments = [m.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") for m in (b.opens_at, b.closes_at)]
    return [
        b.title,
        b.get_kind_display(),
        b.get_status_display(),
        *moments,
        b.roll_size,
        b.present,
        b.cast,
        passed,
        b.roll_digest,
    ]


@staff_required
def workspace_list(request: Request) -> HttpResponseBase:
    org = _staff_org(request)
    form = BallotFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.ballot_list(
        actor=request.user, organization=org, on=clock.today(), q=data.get("q") or "", status=data.get("status") or ""
    )
    if request.GET.get("format") == "csv":
        return csv_response(f"ballots-{clock.today().isoformat()}.csv", CSV_HEADER, map(_csv_row, qs.iterator()))
    return render(request, "voting/workspace_list.html", {"org": org, "form": form, "page": paginate(request, qs)})


@staff_required
def workspace_new(request: Request) -> HttpResponse:
    org = _staff_org(request)
    form = BallotForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.ballot_create(actor=request.user, organization=org, data=form.to_input(), now=clock.now())
            messages.success(request, "投票已创建。请核对后冻结名册（BAL-1）。")
            return redirect("voting:workspace_detail", pk=ballot.pk)
        except ApplicationError as exc:
            add_service_error(form, exc)
    return render(request, "voting/workspace_form.html", {"org": org, "form": form})


@staff_required
def workspace_edit(request: Request, pk: int) -> HttpResponse:
    ballot = selectors.staff_ballot_get(actor=request.user, pk=pk)
    form = BallotForm(request.POST or None, organization=ballot.organization, initial=BallotForm.initial_of(ballot))
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_update(actor=request.user, ballot=ballot, data=form.to_input(), now=clock.now())
            messages.success(request, "投票已保存。")
            return redirect("voting:workspace_detail", pk=ballot.pk)
        except ApplicationError as exc:
            add_service_error(form, exc)
    return render(request, "voting/workspace_form.html", {"org": ballot.organization, "form": form, "ballot": ballot})


@staff_required
def workspace_detail(request: Request, pk: int) -> HttpResponse:
    ballot = selectors.staff_ballot_get(actor=request.user, pk=pk)
    context = {
        "org": ballot.organization,
        "ballot": ballot,
        "questions": list(ballot.questions.all()),
        "attendance_count": Attendance.objects.filter(ballot=ballot).count(),
        "cancel_form": CancelForm(),
        "now": clock.now(),
    }
    return render(request, "voting/workspace_detail.html", context)


ACTIONS = {
    "freeze": (services.ballot_freeze, "名册已冻结，人数和摘要已公布（BAL-1）。"),
    "close": (services_close.ballot_close, "投票已结束并完成计票。"),
    "publish": (services_close.ballot_publish, "结果已公布，公告板已向会员开放。"),
}


@staff_required
@require_POST
def workspace_action(request: Request, pk: int, action: str) -> HttpResponse:
    ballot = selectors.staff_ballot_get(actor=request.user, pk=pk)
    if action not in ACTIONS and action != "cancel":
        raise NotFound()
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.ballot_cancel(actor=request.user, ballot=ballot, reason=reason, now=clock.now())
            messages.success(request, "投票已取消。")
        else:
            service, done = ACTIONS[action]
            service(actor=request.user, ballot=ballot, now=clock.now())
            messages.success(request, done)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("voting:workspace_detail", pk=ballot.pk)


@staff_required
def workspace_attendance(request: Request, pk: int) -> HttpResponse:
    """The attendance desk of an in-meeting ballot: find the voter on the roll, register them present."""
    ballot = selectors.staff_ballot_get(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            entry = selectors.roll_entry_get(ballot, request.POST.get("entry") or 0)
            services.attendance_register(actor=request.user, ballot=ballot, roll_entry=entry, now=clock.now())
            messages.success(request, f"已登记“{entry.label}”出席。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?{urlencode({'q': request.POST.get('q', '')[:60]})}")
    form = RollSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    present = set(Attendance.objects.filter(ballot=ballot).values_list("roll_entry_id", flat=True))
    rows = list(selectors.roll_search(ballot, q)[:ATTENDANCE_ROWS])
    context = {"org": ballot.organization, "ballot": ballot, "form": form, "rows": rows, "present": present, "q": q}
    return render(request, "voting/workspace_attendance.html", context)


# -- voters and the public ------------------------------------------------------------------------------------


@not_found_page
def ballot_detail(request: Request, pk: int) -> HttpResponse:
    """The ballot's page: roll size and digest (BAL-1), window, questions; the voter's entries; the result."""
    now = clock.now()
    ballot = selectors.ballot_get(actor=request.user, pk=pk, on=clock.local_date(now))
    entries = selectors.voter_entries(request.user, now=now, ballot=ballot) if request.user.is_authenticated else []
    context = {
        "ballot": ballot,
        "questions": list(ballot.questions.all()),
        "entries": entries,
        "bulletin": selectors.bulletin_visible(request.user, ballot),
    }
    return render(request, "voting/ballot_detail.html", context)


@never_cache
@member_required
def ballot_vote(request: Request, pk: int, entry: int) -> HttpResponse:
    """The phone page: one question per card, large choices; on success the receipt is shown once."""
    now = clock.now()
    ballot = selectors.ballot_get(actor=request.user, pk=pk, on=clock.local_date(now))
    mine = next((e for e in selectors.voter_entries(request.user, now=now, ballot=ballot) if e.entry.pk == entry), None)
    if mine is None:
        raise NotFound("您不是该投票的投票人")
    questions = list(ballot.questions.all())
    form = CastForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            code = services_cast.ballot_cast(
                voter_user=request.user, ballot=ballot, roll_entry=mine.entry, choices=form.choices(), now=clock.now()
            )
            return render(request, "voting/receipt.html", {"ballot": ballot, "code": code})
        except ApplicationError as exc:
            add_service_error(form, exc)
    return render(request, "voting/vote.html", {"ballot": ballot, "mine": mine, "form": form})


def _labels(questions: list[BallotQuestion]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for q in questions:
        options = {c["key"]: c["name"] for c in q.candidates} if q.kind == "elect" else CHOICES[q.kind]
        labels[str(q.position)] = options
    return labels


def bulletin_rows(questions: list[BallotQuestion], rows: list[CastBallot]) -> list[dict[str, Any]]:
    """Each cast ballot as people read it: its digest and, per question, the chosen labels (空白 when blank)."""
    labels = _labels(questions)
    return [
        {
            "digest": row.receipt_digest,
            "choices": [
                "、".join(labels[pos].get(key, key) for key in row.choices.get(pos, [])) or "（空白）" for pos in labels
            ],
        }
        for row in rows
    ]


@never_cache
@not_found_page
@ratelimit(
    group=services_cast.RECEIPT_CHECK_GROUP,
    key="user_or_ip",
    rate=services_cast.RECEIPT_CHECK_RATE,
    method="POST",
    block=False,
)
def ballot_bulletin(request: Request, pk: int) -> HttpResponse:
    """The bulletin board (every receipt digest with its choices, the tally) and the receipt check (by POST:
    a code in a URL would sit in access logs beside the voter's address; rate-limited per user or address)."""
    ballot = selectors.ballot_get(actor=request.user, pk=pk, on=clock.today())
    if not selectors.bulletin_visible(request.user, ballot):
        raise NotFound("计票结果尚未公布")
    questions = list(ballot.questions.all())
    form = ReceiptForm(request.POST or None)
    found, checked, status = None, False, 200
    if request.method == "POST" and getattr(request, "limited", False):
        form.is_valid()
        form.add_error("code", "核对次数过多，请一小时后再试")
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            found, checked = services_cast.receipt_check(ballot=ballot, code=form.cleaned_data["code"]), True
        except ApplicationError as exc:
            add_service_error(form, exc)
    page = paginate(request, selectors.bulletin(ballot), size=50)
    page.items = bulletin_rows(questions, page.items)
    context = {
        "ballot": ballot,
        "questions": questions,
        "form": form,
        "found": bulletin_rows(questions, [found])[0] if found else None,
        "checked": checked,
        "page": page,
    }
    return render(request, "voting/bulletin.html", context, status=status)
