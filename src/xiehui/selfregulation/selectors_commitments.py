"""Reads of integrity commitments: the pledges in force and their history, and social evaluation (BL-2).

`rating_summary` / `rating_summaries` are what later domains read (grade
evaluation, SUP-2 key inspection): plain functions of an association and a date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When

from xiehui.core import clock
from xiehui.core.cursor import keyset_page
from xiehui.core.errors import NotFound
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization
from xiehui.registry.selectors import Actor

from . import pledges as catalogue
from .models import PledgeSignature, Rating, RatingReport, RatingStatus

SCORES = (1, 2, 3, 4, 5)
USCC_SHAPE = re.compile(r"[0-9A-Z]{18}", re.ASCII)


# -- pledges ----------------------------------------------------------------------------------------------


@dataclass
class PledgeOverview:
    """The letter in force (the newest published) and the earlier ones, newest first."""

    in_force: PledgeSignature | None
    history: list[PledgeSignature]


def pledge_overview(organization: Organization) -> PledgeOverview:
    """One query: every published letter of the association."""
    rows = list(
        PledgeSignature.objects.filter(organization=organization, published_at__isnull=False).order_by(
            "-published_at", "-pk"
        )
    )
    return PledgeOverview(in_force=rows[0] if rows else None, history=rows[1:])


def pledge_in_force(organization: Organization) -> PledgeSignature | None:
    return (
        PledgeSignature.objects.filter(organization=organization, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def pledge_items(signature: PledgeSignature) -> list[catalogue.StandardPledge]:
    """The standard pledges a letter signed, in catalogue order (codes no longer catalogued are skipped)."""
    signed = set(signature.pledges or [])
    return [p for p in catalogue.STANDARD if p.code in signed]


# -- ratings: the summary later domains read ---------------------------------------------------------------


@dataclass
class RatingSummary:
    """Visible ratings of an association made on or before `as_of` (of `year` if given)."""

    as_of: dt.date
    year: int | None
    count: int = 0
    average: Decimal | None = None  # one decimal, rounded half up; None without ratings
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))
    members: int = 0  # made by representatives of current members when rating
    public: int = 0


def _before_end_of(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)


def rating_summaries(
    organization_ids: Iterable[int], *, year: int | None = None, as_of: dt.date
) -> dict[int, RatingSummary]:
    """Summaries of many associations in one query; hidden ratings count nowhere (moderation as it stands now)."""
    ids = list(organization_ids)
    qs = Rating.objects.filter(
        organization_id__in=ids, status=RatingStatus.VISIBLE, created_at__lt=_before_end_of(as_of)
    )
    if year is not None:
        qs = qs.filter(year=year)
    rows = qs.values("organization_id").annotate(
        n=Count("id"),
        total=Sum("score"),
        members=Count("id", filter=Q(as_member=True)),
        **{f"s{score}": Count("id", filter=Q(score=score)) for score in SCORES},
    )
    found = {row["organization_id"]: row for row in rows.order_by()}
    summaries = {}
    for org_id in ids:
        row = found.get(org_id)
        summary = RatingSummary(as_of=as_of, year=year)
        if row is not None and row["n"]:
            summary.count = row["n"]
            summary.average = (Decimal(row["total"]) / Decimal(row["n"])).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            summary.distribution = {score: row[f"s{score}"] for score in SCORES}
            summary.members = row["members"]
            summary.public = row["n"] - row["members"]
        summaries[org_id] = summary
    return summaries


def rating_summary(organization: Organization, *, year: int | None = None, as_of: dt.date) -> RatingSummary:
    """Count, average (1 decimal), distribution 1..5 and members vs public of the visible ratings (BL-2)."""
    return rating_summaries([organization.pk], year=year, as_of=as_of)[organization.pk]


# -- ratings: pages and lists ------------------------------------------------------------------------------


def rater_label(rating: Rating) -> str:
    """The rater as the public sees them: the first character of the name, the rest masked."""
    name = rating.rater.display_name or rating.rater.username
    return name[:1] + "*" * min(max(len(name) - 1, 1), 3)


def ratings_visible(organization: Organization, *, year: int | None = None) -> QuerySet[Rating]:
    qs = Rating.objects.filter(organization=organization, status=RatingStatus.VISIBLE).select_related("rater")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-pk")


def own_rating(actor: Actor, organization: Organization, year: int) -> Rating | None:
    if actor is None or not actor.is_authenticated:
        return None
    return Rating.objects.filter(organization=organization, rater_id=actor.pk, year=year).first()


def reported_by(actor: Actor, rating_ids: Sequence[int]) -> set[int]:
    """Which of these ratings the actor has already reported."""
    if actor is None or not actor.is_authenticated or not rating_ids:
        return set()
    return set(
        RatingReport.objects.filter(reporter_id=actor.pk, rating_id__in=list(rating_ids)).values_list(
            "rating_id", flat=True
        )
    )


def rating_get(*, pk: int) -> Rating:
    """A visible rating (what anyone may see and report)."""
    rating = Rating.objects.select_related("organization", "rater").filter(pk=pk, status=RatingStatus.VISIBLE).first()
    if rating is None:
        raise NotFound("未找到该评价")
    return rating


def _moderation_scope(actor: Actor) -> QuerySet[Rating]:
    """The ratings the actor moderates: those of associations within an officer's jurisdiction, none otherwise."""
    qs = Rating.objects.select_related("organization", "rater", "moderated_by")
    prefix = registry.officer_prefix(actor)
    if prefix is None:
        return qs.none()
    return qs.filter(organization__authority_region__code__startswith=prefix) if prefix else qs


def rating_get_for_moderator(*, actor: Actor, pk: int) -> Rating:
    """A rating, hidden or not, for the officers of its association's jurisdiction (404 for everyone else)."""
    rating = _moderation_scope(actor).filter(pk=pk).first()
    if rating is None:
        raise NotFound("未找到该评价")
    return rating


@dataclass
class ModerationFilters:
    status: str = ""  # "" all | "pending" reported and not yet reviewed | "visible" | "hidden"
    q: str = ""  # association name or USCC


def moderation_queue(*, actor: Actor, filters: ModerationFilters) -> QuerySet[Rating]:
    """Ratings of the jurisdiction, the reported ones not reviewed since their last report first."""
    latest = RatingReport.objects.filter(rating=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    qs = _moderation_scope(actor).annotate(last_reported_at=Subquery(latest))
    qs = qs.annotate(
        pending=Case(
            When(
                Q(last_reported_at__isnull=False)
                & (Q(moderated_at__isnull=True) | Q(last_reported_at__gt=F("moderated_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if filters.status == "pending":
        qs = qs.filter(pending=True)
    elif filters.status in RatingStatus.values:
        qs = qs.filter(status=filters.status)
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "").upper()
        # a USCC is 18 ASCII letters and digits; an 18-character association name is searched as a name
        is_uscc = USCC_SHAPE.fullmatch(compact) is not None
        qs = qs.filter(organization__uscc=compact) if is_uscc else qs.filter(organization__name__contains=q)
    return qs.order_by("-pending", "-reports", "-created_at", "-pk")


def rating_reports(rating: Rating) -> QuerySet[RatingReport]:
    return rating.abuse_reports.select_related("reporter").order_by("-created_at", "-pk")


# -- the API's page ---------------------------------------------------------------------------------------


def rating_page(qs: QuerySet[Rating], *, cursor: str, limit: int) -> tuple[list[Rating], str | None]:
    """Keyset page over (created_at desc, id desc), newest first (core/cursor.py): new ratings never shift or
    repeat rows already paged."""
    return keyset_page(qs, ordering=("-created_at", "-pk"), cursor=cursor, limit=limit)
