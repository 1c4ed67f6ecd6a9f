"""Builders shared by the fee-standard tests (FEE-1); no tests here.

A passed fee Resolution is made directly with the governance models (the
governance and voting services are written in parallel), then handed to
`fee_standard_decide` as voting's publish will.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xiehui.conftest import NOW
from xiehui.core.codes import make_uscc
from xiehui.core.models import User
from xiehui.governance.models import MatterKind, Organ, OrganKind, Resolution
from xiehui.membership import services, services_fees
from xiehui.membership.models import FeeStandard, Member, MemberClass
from xiehui.registry.models import Organization

CLASSES = ["会长单位", "副会长单位", "理事单位", "会员单位"]
FOUR = [("会长单位", "50000"), ("副会长单位", "20000"), ("理事单位", "8000.50"), ("会员单位", "2000")]
SERVICES = "行业信息、培训、权益维护"


def define_classes(org: Organization, names: list[str] = CLASSES) -> None:
    for i, name in enumerate(names):
        MemberClass.objects.create(organization=org, name=name, position=i)


def propose(
    org: Organization,
    tiers: list[tuple[str, Any]] | None = None,
    *,
    effective_on: dt.date = dt.date(2027, 1, 1),
    title: str = "会费标准",
    actor: User | None = None,
    **kw: Any,
) -> FeeStandard:
    return services_fees.fee_standard_propose(
        actor=actor,
        organization=org,
        title=title,
        services_covered=SERVICES,
        effective_on=effective_on,
        tiers=list(FOUR if tiers is None else tiers),
        now=NOW,
        **kw,
    )


def resolution(
    org: Organization,
    *,
    adopted_on: dt.date,
    passed: bool = True,
    published_on: dt.date | None = None,
    number: str | None = None,
) -> Resolution:
    organ, _ = Organ.objects.get_or_create(organization=org, kind=OrganKind.DELEGATE_ASSEMBLY)
    n = Resolution.objects.filter(organization=org).count() + 1
    return Resolution.objects.create(
        organization=org,
        organ=organ,
        number=number or f"{adopted_on.year}-{n}",
        matter=MatterKind.FEE_STANDARD,
        title="会费标准表决",
        decision="通过" if passed else "未通过",
        votes_for=40 if passed else 10,
        votes_against=5,
        votes_abstain=1,
        present=46,
        entitled=60,
        passed=passed,
        adopted_on=adopted_on,
        published_to_members_on=published_on,
        recorded_at=NOW,
    )


def decide(standard: FeeStandard, *, adopted_on: dt.date, passed: bool = True, **kw: Any) -> FeeStandard:
    """As voting does: the roll freezes (BALLOTING), then the published result decides."""
    services_fees.fee_standard_balloting(standard=standard, now=NOW)
    res = resolution(standard.organization, adopted_on=adopted_on, passed=passed, **kw)
    return services_fees.fee_standard_decide(standard=standard, passed=passed, resolution=res, now=NOW)


def adopted(org: Organization, *, effective_on: dt.date, adopted_on: dt.date | None = None, **kw: Any) -> FeeStandard:
    standard = propose(org, effective_on=effective_on, title=f"{effective_on.year}年会费标准")
    return decide(standard, adopted_on=adopted_on or effective_on - dt.timedelta(days=60), **kw)


def member_of(org: Organization, user: User, *, member_class: str = "理事单位", n: int = 1) -> Member:
    member = services.member_record(
        actor=None,
        organization=org,
        kind="enterprise",
        name=f"{org.name[:4]}会员公司{n}",
        uscc=make_uscc(region_code="370100", body=f"MF{org.pk % 100:02d}{n:04d}", category="91"),
        member_class=member_class,
        joined_on=dt.date(2020, 1, 1),
        now=NOW,
    )
    services.representative_add(actor=None, member=member, user=user, since=dt.date(2020, 1, 1), now=NOW)
    return member
