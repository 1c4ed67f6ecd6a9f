"""Writes of integrity commitments: the signed standard pledges (000 二(三); 004 §14, §17) and social
evaluation (BL-2): rating an association, reporting a rating as abusive, moderating it.

A pledge letter is published as it is signed and never changed afterwards (the
database refuses updates of published rows); signing again is a new letter that
supersedes the old one, which stays in the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from xiehui.core import audit, clock, params
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import Role, User
from xiehui.membership.selectors import represents_member_of
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from . import pledges as catalogue
from .models import PledgeSignature, Rating, RatingReport, RatingStatus
from .rules import BL2

SIGNATORY_MAX = 50
REPORT_REASON_MAX = 200
MODERATION_REASON_MAX = 2000
# Who rates (BL-2: "members and the public"): member representatives, self-registered members of the public,
# and staff of other associations (they are the public to the rated one). Every other role acts for a
# government body or the platform and is refused.
RATER_ROLES = frozenset({Role.MEMBER, Role.PUBLIC, Role.STAFF})
MODERATE_ACTIONS = ("hide", "restore")


# -- pledges ----------------------------------------------------------------------------------------------


def _require_staff(actor: User | None, organization: Organization) -> None:
    # actor None: the system (demo data); otherwise only the association's own staff sign for it
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以签署和公开诚信承诺")


def pledge_letter(
    *,
    organization: Organization,
    pledges: list[str],
    signatory: str,
    signatory_title: str,
    signed_on: dt.date,
    now: dt.datetime,
) -> tuple[list[str], str]:
    """Check a letter before it is signed (the preview uses it too): the codes in catalogue order and the text."""
    unknown = sorted(set(pledges) - set(catalogue.BY_CODE))
    if unknown:
        raise ApplicationError(f"未知的承诺事项：{'、'.join(unknown)}", code="pledge_unknown", field="pledges")
    codes = [p.code for p in catalogue.STANDARD if p.code in set(pledges)]
    if not codes:
        raise ApplicationError("请至少选择一项承诺", code="pledge_none", field="pledges")
    for field, value, label in (("signatory", signatory, "签署人"), ("signatory_title", signatory_title, "签署人职务")):
        if not value.strip():
            raise ApplicationError(f"请填写{label}", code="required", field=field)
        if len(value.strip()) > SIGNATORY_MAX:
            raise ApplicationError(f"{label}不超过 {SIGNATORY_MAX} 字", code="too_long", field=field)
    if signed_on > clock.local_date(now):
        raise ApplicationError("签署日期不能晚于今天", code="signed_in_future", field="signed_on")
    current = (
        PledgeSignature.objects.filter(organization=organization, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
    if current is not None and signed_on < current.signed_on:
        raise ApplicationError(
            f"签署日期不能早于现行承诺书的签署日期 {current.signed_on:%Y-%m-%d}",
            code="signed_before_current",
            field="signed_on",
        )
    return codes, catalogue.text_of(codes)


@transaction.atomic
def pledge_sign(
    *,
    actor: User | None,
    organization: Organization,
    pledges: list[str],
    signatory: str,
    signatory_title: str,
    signed_on: dt.date,
    now: dt.datetime,
) -> PledgeSignature:
    """Sign and publish the standard pledges in one step; a later letter supersedes this one."""
    _require_staff(actor, organization)
    # Serialise signings of one association so that "the newest is in force" has one answer.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    codes, text = pledge_letter(
        organization=organization,
        pledges=pledges,
        signatory=signatory,
        signatory_title=signatory_title,
        signed_on=signed_on,
        now=now,
    )
    signature = PledgeSignature(
        organization=organization,
        pledges=codes,
        text=text,
        signatory=signatory.strip(),
        signatory_title=signatory_title.strip(),
        signed_on=signed_on,
        created_by=actor,
        published_at=now,  # written once, published as it is written: never updated afterwards
    )
    signature.full_clean()
    signature.save()
    audit.record(
        actor=actor,
        action="selfregulation.pledge.signed",
        obj=signature,
        now=now,
        changes={"pledges": codes, "signatory": signature.signatory, "signed_on": signed_on},
    )
    return signature


# -- ratings (BL-2) ----------------------------------------------------------------------------------------


def rating_refusal(actor: Actor, organization: Organization) -> ApplicationError | None:
    """Why this actor may not rate this association at all (BL-2), or None if they may."""
    if actor is None or not actor.is_authenticated:
        return ApplicationError("请先登录后再评价", code="login_required", status=401)
    role = getattr(actor, "role", None)
    if role not in RATER_ROLES or getattr(actor, "is_superuser", False):
        label = Role(role).label if role in Role.values else "该角色"
        return ApplicationError(
            f"{label}不参与社会评价：社会评价由会员和社会公众作出（BL-2）",
            code="rating_role_refused",
            status=403,
            extra={"rule": BL2.id},
        )
    if registry.staff_of(actor, organization):
        return ApplicationError(
            "协会工作人员不能评价本协会（BL-2）", code="rating_own_association", status=403, extra={"rule": BL2.id}
        )
    return None


def _already_rated(year: int) -> ApplicationError:
    return ApplicationError(
        f"您已对该协会作出 {year} 年度评价，每人每年度只能评价一次（BL-2）",
        code="rating_exists",
        status=409,
        extra={"rule": BL2.id, "year": year},
    )


def _check_rating(score: Any, comment: str) -> tuple[int, str]:
    limits = params.values(BL2.id)
    low, high = limits["min_score"], limits["max_score"]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ApplicationError(f"评分应为 {low} 至 {high} 分的整数（BL-2）", code="rating_score", field="score")
    comment = (comment or "").strip()
    if len(comment) > limits["comment_max"]:
        raise ApplicationError(
            f"评价内容不超过 {limits['comment_max']} 字，当前 {len(comment)} 字（BL-2）",
            code="rating_comment_too_long",
            field="comment",
        )
    return score, comment


@transaction.atomic
def rating_submit(
    *, actor: User, organization: Organization, score: int, comment: str = "", now: dt.datetime
) -> Rating:
    """A member or member of the public rates an association once per calendar year (BL-2)."""
    refusal = rating_refusal(actor, organization)
    if refusal is not None:
        raise refusal
    score, comment = _check_rating(score, comment)
    today = clock.local_date(now)
    if Rating.objects.filter(organization=organization, rater=actor, year=today.year).exists():
        raise _already_rated(today.year)
    rating = Rating(
        organization=organization,
        rater=actor,
        year=today.year,
        score=score,
        comment=comment,
        as_member=represents_member_of(actor, organization, today),
        created_at=now,
    )
    rating.full_clean(validate_constraints=False)  # the one-per-year constraint is answered below
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # a second submission racing the first
        raise _already_rated(today.year) from None
    audit.record(
        actor=actor,
        action="selfregulation.rating.submitted",
        obj=rating,
        now=now,
        changes={"score": score, "year": today.year, "as_member": rating.as_member},
    )
    return rating


@transaction.atomic
def rating_report(*, actor: User, rating: Rating, reason: str, now: dt.datetime) -> RatingReport:
    """Anyone logged in reports a visible rating as abusive, once; the officers of the jurisdiction decide."""
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("请先登录后再举报", code="login_required", status=401)
    if rating.status != RatingStatus.VISIBLE:
        raise NotFound("未找到该评价")
    if rating.rater_id == actor.pk:
        raise ApplicationError("不能举报自己的评价", code="report_own_rating")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写举报理由", code="required", field="reason")
    if len(reason) > REPORT_REASON_MAX:
        raise ApplicationError(f"举报理由不超过 {REPORT_REASON_MAX} 字", code="too_long", field="reason")
    if RatingReport.objects.filter(rating=rating, reporter=actor).exists():
        raise ApplicationError("您已举报过该评价，请等待登记管理机关处理", code="report_exists", status=409)
    report = RatingReport(rating=rating, reporter=actor, reason=reason, created_at=now)
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ApplicationError("您已举报过该评价，请等待登记管理机关处理", code="report_exists", status=409) from None
    Rating.objects.filter(pk=rating.pk).update(reports=F("reports") + 1)
    rating.refresh_from_db(fields=["reports"])
    audit.record(actor=actor, action="selfregulation.rating.reported", obj=rating, now=now, changes={"reason": reason})
    return report


def may_moderate(actor: Actor, organization: Organization) -> bool:
    """Only officers whose jurisdiction covers the association's authority (BL-2); nobody else, admins included."""
    prefix = registry.officer_prefix(actor)
    return prefix is not None and organization.authority_region_id.startswith(prefix)


@transaction.atomic
def rating_moderate(*, actor: User, rating: Rating, action: str, reason: str = "", now: dt.datetime) -> Rating:
    """Hide an abusive rating (with the reason) or restore / keep it; a hidden rating leaves the page and figures."""
    if not may_moderate(actor, rating.organization):
        raise NotFound("未找到该评价")
    if action not in MODERATE_ACTIONS:
        raise ApplicationError("处理方式应为屏蔽（hide）或恢复显示（restore）", code="moderate_action", field="action")
    reason = (reason or "").strip()
    if action == "hide" and not reason:
        raise ApplicationError("屏蔽评价须写明理由", code="required", field="reason")
    if len(reason) > MODERATION_REASON_MAX:
        raise ApplicationError(f"处理理由不超过 {MODERATION_REASON_MAX} 字", code="too_long", field="reason")
    if action == "hide" and rating.status == RatingStatus.HIDDEN:
        raise ApplicationError("该评价已被屏蔽", code="rating_already_hidden")
    before = rating.status
    rating.status = RatingStatus.HIDDEN if action == "hide" else RatingStatus.VISIBLE
    rating.moderated_by = actor
    rating.moderated_at = now
    rating.moderation_reason = reason
    rating.full_clean(validate_constraints=False)
    rating.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
    audit.record(
        actor=actor,
        action=f"selfregulation.rating.{'hidden' if action == 'hide' else 'restored'}",
        obj=rating,
        now=now,
        changes={"status": {"before": before, "after": rating.status}, "reason": reason},
    )
    return rating
