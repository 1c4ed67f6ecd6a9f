"""Pages for fee standards (FEE-1).

Workspace (staff): the association's standards (filter, search, pages, CSV), drafting up to
`max_tiers` tier rows, the detail with its ballots, resolution and FEE-1 publication status,
and recording the day the resolution was published to members. Console (officers in
jurisdiction) and the member's page read the same detail, read-only; members see adopted
standards only. Adoption is never a page here: it comes from the assembly's ballot (voting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Role
from xiehui.core.typing import Request
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization
from xiehui.web.access import officer_required, role_required, staff_required
from xiehui.web.exports import csv_response
from xiehui.web.paging import paginate

from . import selectors_fees as selectors
from . import services_fees as services
from .forms_fees import FeeFilterForm, FeePublishForm, FeeStandardForm, tier_formset
from .models import FeeStandard, MemberClass

member_required = role_required(Role.MEMBER)


def _staff_org(request: Request) -> Organization:
    org = registry_selectors.staff_organization(request.user)
    if org is None:
        raise ApplicationError("您的账户尚未关联协会，请联系管理员", code="no_organization", status=404)
    return org


def _filters(form: FeeFilterForm) -> selectors.FeeFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.FeeFilters(q=data.get("q") or "", status=data.get("status") or "")


@staff_required
def workspace_fees(request: Request) -> HttpResponseBase:
    org = _staff_org(request)
    form = FeeFilterForm(request.GET or None)
    qs = selectors.fee_standard_list(actor=request.user, organization=org, filters=_filters(form), as_of=clock.today())
    if request.GET.get("format") == "csv":
        return _csv(qs)
    page = paginate(request, qs)
    in_force = selectors.fee_standard_in_force(org, as_of=clock.today())
    context = {"org": org, "form": form, "page": page, "in_force": in_force}
    return render(request, "membership/fees/workspace_list.html", context)


def _csv(qs: Any) -> HttpResponseBase:
    header = ["标准名称", "状态", "生效日期", "表决通过日期", "决议文号", "废止日期", "会费档次"]

    def rows() -> Any:
        for s in qs.iterator(chunk_size=500):
            tiers = "；".join(f"{t.member_class} {t.amount} 元" for t in s.tiers.all())
            number = s.resolution.number if s.resolution else ""
            yield [
                s.title,
                s.get_status_display(),
                s.effective_on,
                s.adopted_on or "",
                number,
                s.superseded_on or "",
                tiers,
            ]

    return csv_response("fee-standards.csv", header, rows())


def _classes(org: Organization) -> list[str]:
    return list(MemberClass.objects.filter(organization=org).values_list("name", flat=True))


def _put_error(form: FeeStandardForm, formset: Any, exc: ApplicationError) -> None:
    """Put a refusal on the field it names, on its tier row (`tiers.N.<field>`), or on the form."""
    field = exc.field or ""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "tiers" and parts[1].isdigit():
        index = formset.row_of[int(parts[1])]
        formset.forms[index].add_error(parts[2], exc.message)
    else:
        form.add_error(field if field in form.fields else None, exc.message)


def _tiers(formset: Any) -> list[tuple[str, str]]:
    """The filled rows, remembering which row each tier came from (to put its error there)."""
    formset.row_of = [i for i, f in enumerate(formset.forms) if f.filled]
    return [
        (formset.forms[i].cleaned_data["member_class"], formset.forms[i].cleaned_data["amount"]) for i in formset.row_of
    ]


def _standard_form(
    request: Request, org: Organization, call: Callable[..., FeeStandard], initial: dict[str, Any], tiers: list
) -> tuple[FeeStandardForm, Any, FeeStandard | None]:
    rows = max(params.value("FEE-1.max_tiers"), 1)
    form = FeeStandardForm(request.POST or None, initial=initial)
    formset = tier_formset(rows)(request.POST or None, initial=tiers, prefix="tiers", classes=_classes(org))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            return form, formset, call(now=clock.now(), tiers=_tiers(formset), **form.cleaned_data)
        except ApplicationError as exc:
            _put_error(form, formset, exc)
    return form, formset, None


@staff_required
def workspace_fee_new(request: Request) -> HttpResponse:
    org = _staff_org(request)

    def call(**data: Any) -> FeeStandard:
        return services.fee_standard_propose(actor=request.user, organization=org, **data)

    form, formset, standard = _standard_form(request, org, call, {}, [])
    if standard is not None:
        messages.success(request, "会费标准草案已保存；须经会员（代表）大会无记名投票表决通过后方可执行")
        return redirect("membership:fee_workspace_detail", pk=standard.pk)
    context = {"org": org, "form": form, "formset": formset, "mode": "new"}
    return render(request, "membership/fees/workspace_form.html", context)


@staff_required
def workspace_fee_edit(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get_for_staff(actor=request.user, pk=pk)

    def call(**data: Any) -> FeeStandard:
        return services.fee_standard_update(actor=request.user, standard=standard, **data)

    initial = {
        "title": standard.title,
        "services_covered": standard.services_covered,
        "effective_on": standard.effective_on,
    }
    tiers = [{"member_class": t.member_class, "amount": t.amount} for t in standard.tiers.all()]
    form, formset, saved = _standard_form(request, standard.organization, call, initial, tiers)
    if saved is not None:
        messages.success(request, "草案已保存")
        return redirect("membership:fee_workspace_detail", pk=standard.pk)
    context = {"org": standard.organization, "form": form, "formset": formset, "mode": "edit", "standard": standard}
    return render(request, "membership/fees/workspace_form.html", context)


def _detail_context(standard: FeeStandard, **extra: Any) -> dict[str, Any]:
    return {
        "standard": standard,
        "tiers": list(standard.tiers.all()),
        "ballots": selectors.ballots_of(standard),
        "publication": selectors.publication(standard, as_of=clock.today()),
        "in_force": selectors.fee_standard_in_force(standard.organization, as_of=clock.today()),
        **extra,
    }


@staff_required
def workspace_fee(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get_for_staff(actor=request.user, pk=pk)
    publish_form = FeePublishForm(initial={"published_on": clock.today()})
    context = _detail_context(standard, face="workspace", publish_form=publish_form)
    return render(request, "membership/fees/detail.html", context)


@staff_required
@require_POST
def workspace_fee_discard(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get_for_staff(actor=request.user, pk=pk)
    try:
        services.fee_standard_discard(actor=request.user, standard=standard, now=clock.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("membership:fee_workspace_detail", pk=pk)
    messages.success(request, f"草案“{standard.title}”已删除")
    return redirect("membership:fee_workspace_list")


@staff_required
@require_POST
def workspace_fee_publish(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get_for_staff(actor=request.user, pk=pk)
    form = FeePublishForm(request.POST)
    if standard.resolution is None or not standard.resolution.passed:
        messages.error(request, "该标准尚无通过的表决决议")
    elif not form.is_valid():
        messages.error(request, "请填写有效的公布日期")
    else:
        try:
            services.fee_resolution_publish(
                actor=request.user,
                resolution=standard.resolution,
                on=form.cleaned_data["published_on"],
                now=clock.now(),
            )
            messages.success(request, "已记录决议向全体会员公布的日期")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("membership:fee_workspace_detail", pk=pk)


@officer_required
def console_fee(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get(actor=request.user, pk=pk, as_of=clock.today())
    return render(request, "membership/fees/detail.html", _detail_context(standard, face="console"))


@member_required
def my_fee(request: Request, pk: int) -> HttpResponse:
    standard = selectors.fee_standard_get(actor=request.user, pk=pk, as_of=clock.today())
    return render(request, "membership/fees/detail.html", _detail_context(standard, face="member"))
