"""Fee standards (FEE-1): drafted by staff, balloted by the assembly, decided by the published result.

Life of a standard: DRAFT (staff edit or discard it) → BALLOTING (voting froze the roll
of a fee-standard ballot on it) → ADOPTED or REJECTED (voting publishes the result as a
governance Resolution and calls `fee_standard_decide` in the same transaction). An adopted
standard is in force from its effective date until the next adopted one takes effect
(it is then SUPERSEDED from that date). Nothing else adopts a standard: FEE-1 allows a fee
only by a passed ballot of the member (representative) assembly.

Audit codes: membership.fee_standard.proposed / .updated / .discarded / .balloting /
.reopened / .adopted / .rejected / .superseded; membership.fee_resolution.published.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.governance.models import MatterKind, Resolution
from xiehui.registry.models import Organization

from . import rules_fees as rules
from .models import FeeStandard, FeeStandardStatus, FeeTier
from .services import require_staff

Status = FeeStandardStatus


STAFF_ONLY = "只有本协会工作人员可以起草会费标准"


def _locked(standard: FeeStandard) -> FeeStandard:
    return FeeStandard.objects.select_for_update(of=("self",)).select_related("organization").get(pk=standard.pk)


def _require_status(standard: FeeStandard, *allowed: str, doing: str) -> None:
    if standard.status not in allowed:
        raise ApplicationError(
            f"“{standard.title}”当前状态为{standard.get_status_display()}，不能{doing}",
            code="fee_standard_status",
            status=409,
            extra={"status": standard.status},
        )


def tiers_of(standard: FeeStandard) -> list[tuple[str, Decimal]]:
    return [(t.member_class, t.amount) for t in standard.tiers.order_by("position")]


def _snapshot(standard: FeeStandard, tiers: list[tuple[str, Decimal]]) -> dict[str, Any]:
    return {
        "title": standard.title,
        "services_covered": standard.services_covered,
        "effective_on": standard.effective_on,
        "tiers": [[name, str(amount)] for name, amount in tiers],
    }


def _write_tiers(standard: FeeStandard, tiers: list[tuple[str, Decimal]]) -> None:
    standard.tiers.all().delete()
    rows = [FeeTier(standard=standard, position=i + 1, member_class=c, amount=a) for i, (c, a) in enumerate(tiers)]
    for row in rows:
        row.full_clean(exclude=["standard"])
    FeeTier.objects.bulk_create(rows)


@transaction.atomic
def fee_standard_propose(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    services_covered: str,
    effective_on: dt.date | None,
    tiers: list[tuple[str, Any]],
    now: dt.datetime,
    branch: str = "",
) -> FeeStandard:
    """Draft a fee standard for the assembly's ballot (FEE-1 checked; branches set no fees)."""
    require_staff(actor, organization, STAFF_ONLY)
    data = rules.clean_standard(
        organization=organization,
        title=title,
        services_covered=services_covered,
        effective_on=effective_on,
        tiers=tiers,
        branch=branch,
    )
    standard = FeeStandard(
        organization=organization,
        title=data["title"],
        services_covered=data["services_covered"],
        effective_on=data["effective_on"],
        status=Status.DRAFT,
        created_at=now,
        created_by=actor,
    )
    standard.full_clean(exclude=["created_by"])  # None for the system (the column is nullable, the form field not)
    standard.save()
    _write_tiers(standard, data["tiers"])
    audit.record(
        actor=actor,
        action="membership.fee_standard.proposed",
        obj=standard,
        changes=_snapshot(standard, data["tiers"]),
        now=now,
    )
    return standard


@transaction.atomic
def fee_standard_update(
    *,
    actor: User | None,
    standard: FeeStandard,
    title: str,
    services_covered: str,
    effective_on: dt.date | None,
    tiers: list[tuple[str, Any]],
    now: dt.datetime,
    branch: str = "",
) -> FeeStandard:
    """Edit a draft; once its ballot's roll is frozen the text the members vote on is fixed."""
    standard = _locked(standard)
    require_staff(actor, standard.organization, STAFF_ONLY)
    _require_status(standard, Status.DRAFT, doing="修改（表决开始后，表决文本不得变更）")
    data = rules.clean_standard(
        organization=standard.organization,
        title=title,
        services_covered=services_covered,
        effective_on=effective_on,
        tiers=tiers,
        branch=branch,
    )
    before = _snapshot(standard, tiers_of(standard))
    standard.title, standard.services_covered = data["title"], data["services_covered"]
    standard.effective_on = data["effective_on"]
    standard.full_clean(exclude=["created_by"])
    standard.save(update_fields=["title", "services_covered", "effective_on"])
    _write_tiers(standard, data["tiers"])
    changes = audit.diff(before, _snapshot(standard, data["tiers"]))
    audit.record(actor=actor, action="membership.fee_standard.updated", obj=standard, changes=changes, now=now)
    return standard


@transaction.atomic
def fee_standard_discard(*, actor: User | None, standard: FeeStandard, now: dt.datetime) -> None:
    """Delete a draft that never went to a ballot."""
    standard = _locked(standard)
    require_staff(actor, standard.organization, STAFF_ONLY)
    _require_status(standard, Status.DRAFT, doing="删除")
    if standard.ballots.exists():  # type: ignore[attr-defined]
        raise ApplicationError("该草案已设立表决，不能删除；请先取消表决", code="fee_standard_has_ballot", status=409)
    audit.record(
        actor=actor,
        action="membership.fee_standard.discarded",
        obj=standard,
        changes=_snapshot(standard, tiers_of(standard)),
        now=now,
    )
    standard.delete()


@transaction.atomic
def fee_standard_balloting(*, standard: FeeStandard, now: dt.datetime) -> FeeStandard:
    """DRAFT → BALLOTING when a fee ballot's roll is frozen (voting); FEE-1 is checked once more."""
    standard = _locked(standard)
    _require_status(standard, Status.DRAFT, doing="提交表决")
    rules.clean_tiers(standard.organization, tiers_of(standard))
    standard.status = Status.BALLOTING
    standard.save(update_fields=["status"])
    audit.record(actor=None, action="membership.fee_standard.balloting", obj=standard, now=now)
    return standard


@transaction.atomic
def fee_standard_reopen(*, standard: FeeStandard, now: dt.datetime) -> FeeStandard:
    """BALLOTING → DRAFT when its ballot is cancelled before a result (voting)."""
    standard = _locked(standard)
    _require_status(standard, Status.BALLOTING, doing="退回草案")
    standard.status = Status.DRAFT
    standard.save(update_fields=["status"])
    audit.record(actor=None, action="membership.fee_standard.reopened", obj=standard, now=now)
    return standard


def _check_resolution(standard: FeeStandard, resolution: Resolution, passed: bool) -> None:
    if resolution.organization_id != standard.organization_id or resolution.matter != MatterKind.FEE_STANDARD:
        raise ApplicationError("该决议不是本会关于会费标准的决议", code="fee_resolution_mismatch", field="resolution")
    if bool(resolution.passed) != passed:
        raise ApplicationError("表决结果与决议记载不一致", code="fee_resolution_mismatch", field="resolution")


@transaction.atomic
def fee_standard_decide(
    *, standard: FeeStandard, passed: bool, resolution: Resolution, now: dt.datetime
) -> FeeStandard:
    """The ballot's published result: ADOPTED (superseding the earlier standard from the effective date) or REJECTED."""
    standard = _locked(standard)
    _require_status(standard, Status.BALLOTING, doing="记载表决结果")
    _check_resolution(standard, resolution, passed)
    standard.resolution = resolution
    if not passed:
        standard.status = Status.REJECTED
        standard.save(update_fields=["status", "resolution"])
        audit.record(
            actor=None,
            action="membership.fee_standard.rejected",
            obj=standard,
            changes={"resolution": resolution.number, "adopted_on": resolution.adopted_on},
            now=now,
        )
        return standard
    standard.status, standard.adopted_on = Status.ADOPTED, resolution.adopted_on
    _supersede(standard, now)
    standard.save(update_fields=["status", "adopted_on", "resolution", "superseded_on"])
    audit.record(
        actor=None,
        action="membership.fee_standard.adopted",
        obj=standard,
        changes={
            "resolution": resolution.number,
            "adopted_on": resolution.adopted_on,
            "effective_on": standard.effective_on,
        },
        now=now,
    )
    return standard


def _supersede(standard: FeeStandard, now: dt.datetime) -> None:
    """Adopted standards in force on the new one's effective date end then; one taking effect later ends it.

    An earlier standard already ending later (a standard adopted before for a later date) is cut back too, so
    the recorded periods never overlap.
    """
    adopted = FeeStandard.objects.select_for_update().filter(
        organization_id=standard.organization_id, status__in=(Status.ADOPTED, Status.SUPERSEDED)
    )
    for old in adopted.exclude(pk=standard.pk).order_by("effective_on", "pk"):
        if old.effective_on > standard.effective_on:
            # adopted earlier for a later date: the new standard is in force only until that one takes effect
            if standard.superseded_on is None or old.effective_on < standard.superseded_on:
                standard.status, standard.superseded_on = Status.SUPERSEDED, old.effective_on
        elif old.superseded_on is None or old.superseded_on > standard.effective_on:
            before = old.superseded_on
            old.status, old.superseded_on = Status.SUPERSEDED, standard.effective_on
            old.save(update_fields=["status", "superseded_on"])
            audit.record(
                actor=None,
                action="membership.fee_standard.superseded",
                obj=old,
                changes={"superseded_on": {"before": before, "after": standard.effective_on}, "by": standard.pk},
                now=now,
            )


@transaction.atomic
def fee_resolution_publish(*, actor: User | None, resolution: Resolution, on: dt.date, now: dt.datetime) -> Resolution:
    """Record the day a passed fee resolution was published to all members (FEE-1: within 30 days)."""
    resolution = Resolution.objects.select_for_update().select_related("organization").get(pk=resolution.pk)
    require_staff(actor, resolution.organization, STAFF_ONLY)
    if resolution.matter != MatterKind.FEE_STANDARD:
        raise ApplicationError("该决议不是会费标准决议", code="fee_resolution_mismatch", field="resolution")
    if resolution.published_to_members_on is not None:
        raise ApplicationError(
            f"决议 {resolution.number} 已于 {resolution.published_to_members_on:%Y-%m-%d} 向会员公布",
            code="fee_resolution_published",
            status=409,
        )
    if on is None:
        raise ApplicationError("请填写公布日期", code="required", field="on")
    if on < resolution.adopted_on:
        raise ApplicationError(
            f"公布日期不能早于决议日期 {resolution.adopted_on:%Y-%m-%d}", code="before_adoption", field="on"
        )
    if on > clock.local_date(now):
        raise ApplicationError("公布日期不能晚于今天", code="future_date", field="on")
    resolution.published_to_members_on = on
    resolution.save(update_fields=["published_to_members_on"])
    audit.record(
        actor=actor,
        action="membership.fee_resolution.published",
        obj=resolution,
        changes={"published_to_members_on": on},
        now=now,
    )
    return resolution
