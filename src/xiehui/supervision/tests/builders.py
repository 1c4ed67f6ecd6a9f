"""Facts for rule tests, written straight to the tables the engine reads (the services have their own tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from xiehui.core import engine
from xiehui.core.models import User
from xiehui.registry.models import Organization
from xiehui.supervision.models import (
    AddressLetter,
    AnnualReport,
    Complaint,
    CourtListEntry,
    Penalty,
    RectificationOrder,
    ReportStatus,
)

_serial = itertools.count(1)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _user() -> User:
    return User.objects.filter(role="officer").first() or User.objects.create(username=f"recorder{next(_serial)}")


def report(org: Organization, year: int, submitted_on: dt.date | None, *, full_time_staff: int = 3) -> AnnualReport:
    return AnnualReport.objects.create(
        organization=org,
        year=year,
        status=ReportStatus.SUBMITTED if submitted_on else ReportStatus.DRAFT,
        full_time_staff=full_time_staff,
        staff_total=max(full_time_staff, 3),
        created_by=_user(),
        first_submitted_on=submitted_on,
        submitted_on=submitted_on,
    )


def order(
    org: Organization, issued_on: dt.date, deadline: dt.date, *, completed_on: dt.date | None = None, status: str = ""
) -> RectificationOrder:
    return RectificationOrder.objects.create(
        organization=org,
        number=f"测试责改字〔{issued_on.year}〕第{next(_serial)}号",
        source=RectificationOrder.Source.OFFICER,
        ground="未按章程召开会员大会",
        basis="条例第三十条",
        facts="测试事实",
        issued_on=issued_on,
        deadline=deadline,
        completed_on=completed_on,
        status=status or ("completed" if completed_on else "open"),
    )


def penalty(org: Organization, kind: str, on: dt.date, amount: int | None = None) -> Penalty:
    return Penalty.objects.create(
        organization=org,
        kind=kind,
        decision_number=f"测试罚字〔{on.year}〕第{next(_serial)}号",
        decided_on=on,
        amount=Decimal(amount) if amount is not None else None,
        legal_basis="条例第三十条",
        facts="测试事实",
        recorded_by=_user(),
        recorded_at=NOW,
    )


def letter(org: Organization, sent_on: dt.date, returned_on: dt.date | None, *, signed: bool = False) -> AddressLetter:
    return AddressLetter.objects.create(
        organization=org, sent_on=sent_on, returned_on=returned_on, signed=signed, recorded_by=_user()
    )


def court(org: Organization, listed_on: dt.date, removed_on: dt.date | None = None) -> CourtListEntry:
    return CourtListEntry.objects.create(
        organization=org,
        case_number=f"（{listed_on.year}）鲁01执{next(_serial)}号",
        court="济南市中级人民法院",
        listed_on=listed_on,
        removed_on=removed_on,
        recorded_by=_user(),
        recorded_at=NOW,
    )


def complaint(
    org: Organization, filed_on: dt.date, due_on: dt.date, *, answered_on: dt.date | None = None, outcome: str = ""
) -> Complaint:
    return Complaint.objects.create(
        code=f"T{next(_serial):011d}",
        organization=org,
        authority_region_id=org.authority_region_id,
        pledge="forced_membership",
        description="强制要求入会并收取会费",
        filed_on=filed_on,
        due_on=due_on,
        answered_on=answered_on,
        outcome=outcome,
        status="answered" if answered_on else "received",
    )


def tick(as_of: dt.date, *orgs: Organization, dry_run: bool = False) -> engine.TickResult:
    """Run the engine as of a day, for the given associations (all if none given)."""
    return engine.tick(as_of=as_of, dry_run=dry_run, org_ids=[o.pk for o in orgs] or None, now=NOW)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
