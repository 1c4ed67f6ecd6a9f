"""What people do with the credit lists: officers' listing decisions, removal applications, objections.

Rule listings are opened and ended by the engine (credit/rules.py); everything
here goes through credit/listings.py as well, so each listing and each ending
has its numbered decision and its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xiehui.core import audit, clock, params
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_store
from xiehui.core.models import User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from .listings import Ending, end_many, open_many
from .models import EndReason, Ground, Listing, ListKind, Objection, RemovalApplication, RequestStatus

PENDING = (RequestStatus.SUBMITTED, RequestStatus.VERIFIED)


def require_authority(actor: User, organization: Organization) -> None:
    """Credit decisions on an association are taken by its registration authority."""
    if not registry.officer_decides(
        actor, authority_region_id=organization.authority_region_id, level=organization.level
    ):
        raise PermissionDenied("只有该社会团体的登记管理机关工作人员可以作出此决定")


def require_staff(actor: User, organization: Organization) -> None:
    if not registry.staff_of(actor, organization):
        raise PermissionDenied("只有该社会团体的工作人员可以提出申请或异议")


def _required(value: str, field: str, label: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    return value.strip()


def list_kind_of(ground: str) -> ListKind:
    return ListKind.ABNORMAL if ground.startswith("A") else ListKind.SERIOUS


@dataclass(frozen=True)
class RemovalDates:
    earliest_removal_on: dt.date | None
    auto_removal_on: dt.date | None
    parameters: dict[str, int]


def removal_dates(*, list_kind: str, rectifiable: bool, start_on: dt.date) -> RemovalDates:
    """Earliest (CR-S) or automatic (CR-A, nothing to rectify) removal date and the parameters used."""
    if list_kind == ListKind.SERIOUS:
        months = params.value("CR-S.removal_months")
        return RemovalDates(clock.add_calendar_months(start_on, months), None, {"CR-S.removal_months": months})
    if not rectifiable:
        months = params.value("CR-A.auto_removal_months")
        return RemovalDates(None, clock.add_calendar_months(start_on, months), {"CR-A.auto_removal_months": months})
    return RemovalDates(None, None, {"CR-A.removal_working_days": params.value("CR-A.removal_working_days")})


# Grounds whose facts the platform does not hold: an officer decides them. The others follow from facts
# recorded in supervision (penalties, orders, letters, court entries, reports) and the rules list them.
MANUAL_GROUNDS = (Ground.A2, Ground.A6, Ground.S2, Ground.S8)


def _manual_key(organization: Organization, ground: str, on: dt.date) -> str:
    stem = f"manual:{ground}:{on.isoformat()}:"
    taken = Listing.objects.filter(organization=organization, key__startswith=stem).count()
    return f"{stem}{taken + 1}"


@transaction.atomic
def listing_decide(
    *,
    actor: User,
    organization: Organization,
    ground: str,
    basis: str,
    facts: str,
    rectifiable: bool = True,
    now: dt.datetime,
) -> Listing:
    """An officer of the authority lists the association on a ground the platform cannot see (A2, A6, S2, S8…)."""
    require_authority(actor, organization)
    if ground not in Ground.values:
        raise ApplicationError("请选择列入事由", code="ground_invalid", field="ground")
    if ground not in MANUAL_GROUNDS:
        raise ApplicationError(
            f"“{Ground(ground).label}”由规则根据平台记录的事实自动列入（CR-{ground}）：请录入相应的行政处罚、"
            "整改通知、住所信函或失信被执行人记录，列入将随规则引擎运行生成",
            code="ground_automatic",
            field="ground",
        )
    # one decision at a time per association, so that two decisions on one day get distinct keys
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    basis = _required(basis, "basis", "列入依据")
    facts = _required(facts, "facts", "列入事实")
    today = clock.local_date(now)
    kind = list_kind_of(ground)
    rectifiable = rectifiable if kind == ListKind.ABNORMAL else True
    dates = removal_dates(list_kind=kind, rectifiable=rectifiable, start_on=today)
    listing = Listing(
        organization=organization,
        authority_region_id=organization.authority_region_id,
        list_kind=kind,
        ground=ground,
        rule_id=f"CR-{ground}",
        key=_manual_key(organization, ground, today),
        source=Listing.Source.OFFICER,
        basis=basis[:300],
        facts=facts,
        parameters=dates.parameters,
        rectifiable=rectifiable,
        start_on=today,
        earliest_removal_on=dates.earliest_removal_on,
        auto_removal_on=dates.auto_removal_on,
        decided_by=actor,
        created_at=now,
        updated_at=now,
    )
    listing.full_clean()
    open_many([listing], actor=actor, now=now)
    return listing


def _restarted_earliest(listing: Listing) -> tuple[dt.date | None, Listing | None]:
    """CR-X: a new listing event while the 2 years run restarts them from that event (as the engine does)."""
    months = params.value("CR-S.removal_months")
    later = (
        Listing.objects.filter(organization_id=listing.organization_id, start_on__gt=listing.start_on)
        .exclude(pk=listing.pk)
        .exclude(end_reason=EndReason.OBJECTION_UPHELD)  # a corrected listing never was: it restarts nothing
        .order_by("start_on", "pk")
    )
    anchor, cause = listing.start_on, None
    for other in later:
        if other.start_on >= clock.add_calendar_months(anchor, months):
            break
        anchor, cause = other.start_on, other
    restarted = clock.add_calendar_months(anchor, months)
    earliest = listing.earliest_removal_on
    if earliest is None or restarted > earliest:
        return restarted, cause
    return earliest, None


def _check_removal_allowed(listing: Listing, today: dt.date, obligation_met: bool) -> None:
    if listing.list_kind == ListKind.ABNORMAL:
        if not listing.rectifiable and listing.auto_removal_on:
            raise ApplicationError(
                f"该列入无需整改，将于 {listing.auto_removal_on:%Y-%m-%d} 自动移出（CR-A），无需申请",
                code="removal_automatic",
            )
        return
    if listing.ground == Ground.S7:
        raise ApplicationError(
            "因被吊销登记证书或撤销登记列入的，注销登记完成后移出（CR-S7），不受理移出申请", code="removal_s7"
        )
    if listing.ground == Ground.S1 and obligation_met:
        return
    earliest, later = _restarted_earliest(listing)
    if earliest is not None and today < earliest:
        restart = f"；因 {later.start_on:%Y-%m-%d} 新的列入事由，期限重新计算（CR-X）" if later else ""
        raise ApplicationError(
            f"列入严重违法失信名单满 {params.value('CR-S.removal_months')} 个月且未再发生列入事由的，方可申请移出"
            f"（CR-S）：最早可于 {earliest:%Y-%m-%d} 申请{restart}",
            code="removal_too_early",
            extra={"rule_id": "CR-S", "earliest_removal_on": earliest.isoformat()},
        )


@transaction.atomic
def removal_apply(
    *,
    actor: User,
    listing: Listing,
    statement: str,
    obligation_met: bool = False,
    documents: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> RemovalApplication:
    """The association applies to be removed (CR-A after rectification; CR-S after the period)."""
    listing = Listing.objects.select_for_update().select_related("organization").get(pk=listing.pk)
    require_staff(actor, listing.organization)
    statement = _required(statement, "statement", "申请理由及整改情况")
    today = clock.local_date(now)
    if listing.ended_on is not None:
        raise ApplicationError("该列入记录已移出，无需申请", code="listing_ended")
    if listing.removal_applications.filter(status__in=PENDING).exists():
        raise ApplicationError("该列入已有一份待处理的移出申请，请等待决定", code="removal_pending")
    _check_removal_allowed(listing, today, obligation_met)
    if obligation_met and listing.ground == Ground.S1:
        statement = f"【已履行相关义务（CR-S1）】{statement}"
    application = RemovalApplication(listing=listing, statement=statement, filed_on=today, filed_by=actor)
    application.full_clean()
    application.save()
    attachments_store(owner=application, uploads=documents, actor=actor, purpose="removal", field="documents")
    audit.record(
        actor=actor,
        action="credit.removal.applied",
        obj=application,
        changes={"listing": listing.pk, "filed_on": today, "obligation_met": obligation_met},
        now=now,
    )
    return application


def _locked_application(application: RemovalApplication, actor: User) -> RemovalApplication:
    locked = (
        RemovalApplication.objects.select_for_update()
        .select_related("listing", "listing__organization")
        .get(pk=application.pk)
    )
    require_authority(actor, locked.listing.organization)
    return locked


@transaction.atomic
def removal_verify(*, actor: User, application: RemovalApplication, note: str, now: dt.datetime) -> RemovalApplication:
    """The authority records what it verified; the decision is due within CR-A.removal_working_days working days."""
    application = _locked_application(application, actor)
    note = _required(note, "note", "核实情况")
    if application.status != RequestStatus.SUBMITTED:
        raise ApplicationError("只有待核实的申请可以登记核实情况", code="removal_not_submitted")
    today = clock.local_date(now)
    days = params.value("CR-A.removal_working_days")
    application.status = RequestStatus.VERIFIED
    application.verified_on = today
    application.verified_by = actor
    application.verification_note = note
    application.decision_due_on = clock.add_working_days(today, days)
    application.save()
    audit.record(
        actor=actor,
        action="credit.removal.verified",
        obj=application,
        changes={
            "verified_on": today,
            "decision_due_on": application.decision_due_on,
            "CR-A.removal_working_days": days,
        },
        now=now,
    )
    return application


def _decide(request: RemovalApplication | Objection, actor: User, status: str, reason: str, today: dt.date) -> None:
    """Close a removal application or an objection with the decision and its reason."""
    request.status = status
    request.decided_on = today
    request.decided_by = actor
    request.reason = reason
    request.save()


@transaction.atomic
def removal_approve(
    *, actor: User, application: RemovalApplication, reason: str = "", now: dt.datetime
) -> RemovalApplication:
    """Remove the listing as applied for: a numbered removal decision is issued."""
    application = _locked_application(application, actor)
    if application.status != RequestStatus.VERIFIED:
        raise ApplicationError("请先登记核实情况，再作出移出决定", code="removal_not_verified")
    listing = Listing.objects.select_for_update().select_related("organization").get(pk=application.listing_id)
    if listing.ended_on is not None:
        raise ApplicationError("该列入记录已移出", code="listing_ended")
    today = clock.local_date(now)
    reason = (reason or "").strip() or application.verification_note
    _decide(application, actor, RequestStatus.APPROVED, reason, today)
    end_many([Ending(listing, today, EndReason.REMOVAL_APPROVED, reason)], actor=actor, now=now)
    audit.record(actor=actor, action="credit.removal.approved", obj=application, changes={"decided_on": today}, now=now)
    return application


@transaction.atomic
def removal_reject(
    *, actor: User, application: RemovalApplication, reason: str, now: dt.datetime
) -> RemovalApplication:
    """Refuse the removal, with reasons."""
    application = _locked_application(application, actor)
    reason = _required(reason, "reason", "不予移出的理由")
    if application.status not in PENDING:
        raise ApplicationError("该申请已作出决定", code="removal_decided")
    today = clock.local_date(now)
    _decide(application, actor, RequestStatus.REJECTED, reason, today)
    audit.record(
        actor=actor,
        action="credit.removal.rejected",
        obj=application,
        changes={"decided_on": today, "reason": reason},
        now=now,
    )
    return application


@transaction.atomic
def objection_file(
    *,
    actor: User,
    listing: Listing,
    statement: str,
    defence: str = "",
    evidence: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> Objection:
    """The association objects to a listing with a statement, its defence and evidence (CR-O)."""
    listing = Listing.objects.select_for_update().select_related("organization").get(pk=listing.pk)
    require_staff(actor, listing.organization)
    statement = _required(statement, "statement", "陈述")
    if listing.ended_on is not None:
        raise ApplicationError("该列入记录已移出，不再受理异议", code="listing_ended")
    if listing.objections.filter(status__in=PENDING).exists():
        raise ApplicationError("该列入已有一份待核查的异议，请等待决定", code="objection_pending")
    today = clock.local_date(now)
    days = params.value("CR-O.decide_working_days")
    objection = Objection(
        listing=listing,
        statement=statement,
        defence=(defence or "").strip(),
        filed_on=today,
        filed_by=actor,
        due_on=clock.add_working_days(today, days),
    )
    objection.full_clean()
    objection.save()
    attachments_store(owner=objection, uploads=evidence, actor=actor, purpose="objection", field="evidence")
    audit.record(
        actor=actor,
        action="credit.objection.filed",
        obj=objection,
        changes={
            "listing": listing.pk,
            "filed_on": today,
            "due_on": objection.due_on,
            "CR-O.decide_working_days": days,
        },
        now=now,
    )
    return objection


def _locked_objection(objection: Objection, actor: User) -> Objection:
    locked = (
        Objection.objects.select_for_update().select_related("listing", "listing__organization").get(pk=objection.pk)
    )
    require_authority(actor, locked.listing.organization)
    if locked.status not in PENDING:
        raise ApplicationError("该异议已作出决定", code="objection_decided")
    return locked


@transaction.atomic
def objection_uphold(*, actor: User, objection: Objection, reason: str, now: dt.datetime) -> Objection:
    """The objection is well founded: the listing is corrected (ended) with a removal decision."""
    objection = _locked_objection(objection, actor)
    reason = _required(reason, "reason", "核查意见")
    listing = Listing.objects.select_for_update().select_related("organization").get(pk=objection.listing_id)
    if listing.ended_on is not None:
        raise ApplicationError("该列入记录已移出", code="listing_ended")
    today = clock.local_date(now)
    _decide(objection, actor, RequestStatus.APPROVED, reason, today)
    end_many([Ending(listing, today, EndReason.OBJECTION_UPHELD, reason)], actor=actor, now=now)
    # A removal application still pending has nothing left to decide: the listing is gone.
    for application in listing.removal_applications.filter(status__in=PENDING):
        _decide(application, actor, RequestStatus.APPROVED, f"异议成立，列入已更正：{reason}", today)
    audit.record(
        actor=actor,
        action="credit.objection.upheld",
        obj=objection,
        changes={"decided_on": today, "reason": reason},
        now=now,
    )
    return objection


@transaction.atomic
def objection_dismiss(*, actor: User, objection: Objection, reason: str, now: dt.datetime) -> Objection:
    """The objection is not well founded: the listing stands, with the reasons recorded."""
    objection = _locked_objection(objection, actor)
    reason = _required(reason, "reason", "核查意见")
    today = clock.local_date(now)
    _decide(objection, actor, RequestStatus.REJECTED, reason, today)
    audit.record(
        actor=actor,
        action="credit.objection.dismissed",
        obj=objection,
        changes={"decided_on": today, "reason": reason},
        now=now,
    )
    return objection
