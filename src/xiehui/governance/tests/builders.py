"""Governance state for tests, built through the real services (org_a of the `world` fixture)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stdnum.cn import ric

from xiehui.conftest import NOW
from xiehui.governance import services
from xiehui.governance.models import Appointment, MatterKind, OfficialStatus, Organ, OrganKind, Post, Resolution, Term
from xiehui.registry.models import Organization

D = dt.date


def idn(born: dt.date, seq: int = 1, area: str = "370100") -> str:
    """A valid resident identity number for a birth date."""
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def organs(org: Organization) -> dict[str, Organ]:
    sizes = {
        OrganKind.ASSEMBLY: 90,
        OrganKind.COUNCIL: 30,
        OrganKind.STANDING_COUNCIL: 10,
        OrganKind.SUPERVISORS: 3,
        OrganKind.PRESIDENT_OFFICE: 7,
    }
    return {
        str(kind): services.organ_set(
            actor=None, organization=org, kind=kind, size=size, charter_clause="第十五条", now=NOW
        )
        for kind, size in sizes.items()
    }


def term(org: Organization, starts: dt.date = D(2022, 6, 30), ends: dt.date = D(2027, 6, 30), **kw: Any) -> Term:
    return services.term_open(actor=None, organization=org, starts_on=starts, ends_on=ends, now=NOW, **kw)


def audit(org: Organization, reported_on: dt.date, occasion: str = "reelection") -> Any:
    return services.financial_audit_record(
        actor=None,
        organization=org,
        occasion=occasion,
        auditor="山东正信会计师事务所",
        report_number=f"鲁正信审字〔{reported_on.year}〕{reported_on:%m%d}号",
        period_start=D(reported_on.year - 1, 1, 1),
        period_end=D(reported_on.year - 1, 12, 31),
        reported_on=reported_on,
        now=NOW,
    )


def resolution(org: Organization, organ: Organ, *, matter: str = MatterKind.ORDINARY, **kw: Any) -> Resolution:
    base: dict[str, Any] = dict(
        title="议题",
        decision="通过",
        votes_for=60,
        votes_against=0,
        votes_abstain=0,
        present=90,
        entitled=90,
        passed=True,
        adopted_on=D(2026, 3, 1),
    )
    base.update(kw)
    return services.resolution_record(actor=None, organization=org, organ=organ, matter=matter, now=NOW, **base)


def nominate(
    org: Organization,
    t: Term,
    *,
    name: str = "王会长",
    born: dt.date = D(1965, 3, 1),
    seq: int = 1,
    post: str = Post.PRESIDENT,
    on: dt.date = D(2022, 6, 30),
    status: str = OfficialStatus.NONE,
    **kw: Any,
) -> Appointment:
    return services.leader_nominate(
        actor=None,
        organization=org,
        term=t,
        name=name,
        id_number=idn(born, seq),
        post=post,
        on=on,
        official_status=status,
        now=NOW,
        **kw,
    )


def serve(org: Organization, t: Term, *, starts_on: dt.date | None = None, **kw: Any) -> Appointment:
    a = nominate(org, t, **kw)
    return services.appointment_confirm(actor=None, appointment=a, starts_on=starts_on or t.starts_on, now=NOW)
