"""Helpers shared by the membership tests of joining, exits, delegates, figures and the survey."""

from __future__ import annotations

import datetime as dt

from xiehui.conftest import NOW
from xiehui.core.codes import make_uscc
from xiehui.membership import services, services_members
from xiehui.membership.models import Member, MembershipApplication

TODAY = NOW.date()


def uscc(n: int) -> str:
    return make_uscc(region_code="370100", body=f"MB{n:06d}", category="91")


def member(org, n: int, *, joined: dt.date = dt.date(2020, 1, 1), rep=None, now=NOW, member_class: str = "") -> Member:  # type: ignore[no-untyped-def]
    m = services.member_record(
        actor=None,
        organization=org,
        kind="enterprise",
        name=f"会员公司{n}",
        uscc=uscc(n),
        member_class=member_class,
        joined_on=joined,
        now=now,
    )
    if rep is not None:
        services.representative_add(actor=None, member=m, user=rep, since=joined, now=now)
    return m


def application(org, actor, n: int = 1, **kw) -> MembershipApplication:  # type: ignore[no-untyped-def]
    data = dict(
        kind="enterprise", name=f"申请公司{n}", uscc=uscc(500 + n), contact_name="王五", contact_phone="13800001234"
    )
    data.update(kw)
    return services_members.application_submit(actor=actor, organization=org, now=NOW, **data)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=NOW.tzinfo)
