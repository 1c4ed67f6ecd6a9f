"""Governance's part of `xiehui demo` (after membership, order 15).

山东省物流与采购联合会: its organs, the third term (2022-2027) elected by the delegate congress with the
audit before it, its leaders (one a retired official with approval), meetings with resolutions, charter
version 1 and a cooperation matter decided by the council. 济南市建筑装饰协会: a term that ended on
30 June 2025 without re-election and a president past 70, so the console's governance flags show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from stdnum.cn import ric

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.membership.models import Member
from xiehui.registry.models import Organization

from . import services
from .models import (
    Appointment,
    Importance,
    MatterKind,
    Meeting,
    OfficialStatus,
    Organ,
    OrganKind,
    Post,
    Resolution,
    Term,
)

D = dt.date
FEATURED = "山东省物流与采购联合会"
OVERDUE = "济南市建筑装饰协会"


def _id(born: dt.date, seq: int) -> str:
    body = f"370100{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.SHANGHAI)


def _organs(staff: User, org: Organization, assembly_size: int) -> dict[str, Organ]:
    sizes = [
        (OrganKind.ASSEMBLY, assembly_size, "章程第十四条"),
        (OrganKind.COUNCIL, 15, "章程第二十二条"),
        (OrganKind.STANDING_COUNCIL, 7, "章程第二十六条"),
        (OrganKind.SUPERVISORS, 3, "章程第三十条"),
        (OrganKind.PRESIDENT_OFFICE, 6, "章程第二十八条"),
    ]
    now = _at(D(2022, 5, 10))
    return {
        str(kind): services.organ_set(
            actor=staff, organization=org, kind=kind, size=size, charter_clause=clause, now=now
        )
        for kind, size, clause in sizes
    }


def _resolution(
    staff: User, org: Organization, organ: Organ, meeting: Meeting, *, present: int, adopted_on: dt.date, **kw: Any
) -> Resolution:
    return services.resolution_record(
        actor=staff,
        organization=org,
        organ=organ,
        meeting=meeting,
        votes_for=present,
        votes_against=0,
        votes_abstain=0,
        present=present,
        entitled=organ.size,
        passed=True,
        adopted_on=adopted_on,
        now=_at(adopted_on),
        **kw,
    )


LEADERS = [
    # (post, name, birth date, official status, retired on, member class, approval)
    (Post.VICE_PRESIDENT, "刘志刚", D(1959, 4, 12), OfficialStatus.RETIRED, D(2019, 4, 30), "", "鲁组干函〔2022〕15号"),
    (Post.VICE_PRESIDENT, "赵红梅", D(1971, 9, 3), OfficialStatus.NONE, None, "副会长单位", ""),
    (Post.SECRETARY_GENERAL, "陈晓梅", D(1978, 2, 20), OfficialStatus.NONE, None, "", ""),
    (Post.CHIEF_SUPERVISOR, "孙建华", D(1966, 11, 8), OfficialStatus.NONE, None, "理事单位", ""),
]


def _leaders(staff: User, org: Organization, term: Term, election: Resolution) -> list[Appointment]:
    nominated_on = D(2022, 6, 10)
    units = {m.member_class: m for m in Member.objects.filter(organization=org).order_by("pk")}
    rep = org.legal_representative
    common = {"actor": staff, "organization": org, "term": term, "on": nominated_on, "now": _at(nominated_on)}
    out = [
        services.leader_nominate(
            name=rep.name,
            id_number=rep.id_number,
            post=post,
            member_unit=units.get("会长单位"),
            **common,  # type: ignore[arg-type]
        )
        for post in (Post.PRESIDENT, Post.LEGAL_REPRESENTATIVE)
    ]
    for i, (post, name, born, status, retired, unit, approval) in enumerate(LEADERS, start=1):
        out.append(
            services.leader_nominate(
                name=name,
                id_number=_id(born, i),
                post=post,
                official_status=status,
                retired_on=retired,
                member_unit=units.get(unit) if unit else None,
                approval_document=approval,
                approved_on=D(2022, 6, 1) if approval else None,
                **common,  # type: ignore[arg-type]
            )
        )
    services.appointments_elect(
        resolution=election, appointments=out, on=election.adopted_on, now=_at(election.adopted_on)
    )
    return out


def _featured(staff: User, org: Organization) -> str:
    members = Member.objects.filter(organization=org, left_on__isnull=True).count()
    organs = _organs(staff, org, members or 60)
    assembly = organs[OrganKind.ASSEMBLY]
    services.financial_audit_record(
        actor=staff,
        organization=org,
        occasion="reelection",
        auditor="山东正信会计师事务所有限公司",
        report_number="鲁正信审字〔2022〕第0518号",
        period_start=D(2017, 7, 1),
        period_end=D(2022, 3, 31),
        reported_on=D(2022, 5, 18),
        now=_at(D(2022, 5, 20)),
    )
    term = services.term_open(
        actor=staff,
        organization=org,
        number=3,
        starts_on=D(2022, 6, 28),
        ends_on=D(2027, 6, 27),
        now=_at(D(2022, 6, 28)),
    )
    congress = services.meeting_record(
        actor=staff,
        organization=org,
        organ=assembly,
        title="第三届会员代表大会第一次会议",
        held_on=D(2022, 6, 28),
        place="济南市历下区经十路 9777 号",
        attended=assembly.size,
        minutes="一、审议第二届理事会工作报告和财务报告；\n二、审议章程修正案；\n三、选举第三届负责人。",
        now=_at(D(2022, 6, 28)),
    )
    election = _resolution(
        staff,
        org,
        assembly,
        congress,
        matter=MatterKind.ELECTION,
        title="选举第三届会长、副会长、秘书长、监事长",
        decision="以无记名投票方式选举产生第三届负责人",
        present=assembly.size,
        adopted_on=D(2022, 6, 28),
    )
    charter = _resolution(
        staff,
        org,
        assembly,
        congress,
        matter=MatterKind.CHARTER,
        title="章程修正案",
        decision="通过《山东省物流与采购联合会章程》修正案",
        present=assembly.size,
        adopted_on=D(2022, 6, 28),
    )
    services.charter_version_record(
        actor=staff,
        organization=org,
        resolution=charter,
        effective_on=D(2022, 6, 28),
        now=_at(D(2022, 6, 28)),
        text="第一章 总则\n第一条 本会名称为山东省物流与采购联合会。\n……\n第十四条 本会的最高权力机构是会员代表大会。",
    )
    leaders = _leaders(staff, org, term, election)
    council = organs[OrganKind.COUNCIL]
    meeting = services.meeting_record(
        actor=staff,
        organization=org,
        organ=council,
        title="第三届理事会第五次会议",
        held_on=D(2025, 3, 20),
        attended=13,
        minutes="审议与山东交通学院共建物流人才实训基地事项。",
        now=_at(D(2025, 3, 20)),
    )
    cooperation = _resolution(
        staff,
        org,
        council,
        meeting,
        matter=MatterKind.COOPERATION,
        importance=Importance.IMPORTANT,
        title="与山东交通学院共建物流人才实训基地",
        decision="同意共建，由秘书处签署合作协议",
        present=13,
        adopted_on=D(2025, 3, 20),
    )
    services.cooperation_matter_record(
        actor=staff,
        organization=org,
        title="共建物流人才实训基地",
        partner="山东交通学院",
        importance=Importance.IMPORTANT,
        on=D(2025, 3, 20),
        resolution=cooperation,
        now=_at(D(2025, 3, 21)),
    )
    office = organs[OrganKind.PRESIDENT_OFFICE]
    services.meeting_record(
        actor=staff,
        organization=org,
        organ=office,
        title="2026年第一次会长办公会",
        held_on=D(2026, 1, 15),
        attended=6,
        minutes="研究2026年度工作要点。",
        now=_at(D(2026, 1, 15)),
    )
    return f"{FEATURED} 5 个组织机构、第三届（2022—2027）{len(leaders)} 项任职、3 次会议、章程第1版、1 项合作事项"


def _overdue(staff: User, org: Organization) -> str:
    now = _at(D(2020, 6, 30))
    for kind, size in ((OrganKind.ASSEMBLY, 80), (OrganKind.COUNCIL, 21), (OrganKind.SUPERVISOR, 1)):
        services.organ_set(actor=staff, organization=org, kind=kind, size=size, now=now)
    term = services.term_open(
        actor=staff, organization=org, number=2, starts_on=D(2020, 7, 1), ends_on=D(2025, 6, 30), now=now
    )
    a = services.leader_nominate(
        actor=staff,
        organization=org,
        term=term,
        name="钱国栋",
        id_number=_id(D(1955, 3, 1), 21),
        post=Post.PRESIDENT,
        on=D(2020, 6, 20),
        now=now,
    )
    services.appointment_confirm(actor=staff, appointment=a, starts_on=D(2020, 7, 1), now=now)
    return f"{OVERDUE} 第2届于2025-06-30届满未换届、会长已超70周岁（控制台“法人治理监管”可见）"


@extension(order=16)
def load(users: dict[str, User], now: dt.datetime) -> str:
    featured = _featured(users["staff_wuliu"], Organization.objects.get(name=FEATURED))
    overdue = _overdue(users["staff_jianzhuang"], Organization.objects.get(name=OVERDUE))
    return f"法人治理：{featured}；{overdue}"
