"""The featured association's membership story for `xiehui demo` (called by demo_data.load, order 15)."""

from __future__ import annotations

import datetime as dt

from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import services, services_members, services_survey
from .models import DelegateMethod, ExitReason, Member, MemberKind

FEATURED = "山东省物流与采购联合会"
CLASSES = [
    ("会长单位", "会长所在单位"),
    ("副会长单位", "副会长所在单位"),
    ("理事单位", "理事所在单位"),
    ("会员单位", "其他单位会员"),
]
# (name, class, joined_on): members that leave in the story, and others that answer the surveys
EXTRA = [
    ("济南齐鲁快运有限公司", "会员单位", dt.date(2019, 5, 1)),
    ("淄博齐星物流有限公司", "会员单位", dt.date(2020, 4, 1)),
    ("德州运通仓储有限公司", "会员单位", dt.date(2021, 6, 1)),
    ("临沂商城国际物流园有限公司", "理事单位", dt.date(2021, 3, 1)),
    ("济宁运河港物流有限公司", "会员单位", dt.date(2022, 9, 1)),
]
PENDING = [
    ("威海远洋冷链物流有限公司", "会员单位", "孙海", "13905310001", dt.date(2026, 11, 2)),
    ("聊城鲁西供应链管理有限公司", "理事单位", "高敏", "13905310002", dt.date(2026, 11, 12)),
]
SURVEY_SCORES = [
    {"services": 5, "rights": 4, "transparency": 4, "fees": 3, "overall": 4},
    {"services": 4, "rights": 4, "transparency": 5, "fees": 4, "overall": 4},
    {"services": 3, "rights": 4, "transparency": 3, "fees": 2, "overall": 3},
    {"services": 5, "rights": 5, "transparency": 4, "fees": 4, "overall": 5},
    {"services": 4, "rights": 3, "transparency": 4, "fees": 3, "overall": 4},
]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI)


def define_classes(org: Organization) -> None:
    for position, (name, description) in enumerate(CLASSES, start=1):
        services_members.member_class_add(
            actor=None,
            organization=org,
            name=name,
            position=position,
            description=description,
            now=at(dt.date(2018, 1, 2)),
        )


def _uscc(org: Organization, n: int) -> str:
    return make_uscc(region_code=org.authority_region_id, body=f"MA{org.pk % 1000:03d}{n:03d}", category="91")


def _extra_members(org: Organization) -> list[Member]:
    return [
        services.member_record(
            actor=None,
            organization=org,
            kind=MemberKind.ENTERPRISE,
            name=name,
            uscc=_uscc(org, 20 + i),
            member_class=cls,
            joined_on=joined,
            now=at(joined),
        )
        for i, (name, cls, joined) in enumerate(EXTRA)
    ]


def _applications(org: Organization, users: dict[str, User]) -> None:
    staff = users["staff_wuliu"]
    for i, (name, cls, contact, phone, day) in enumerate(PENDING):
        services_members.application_submit(
            actor=staff,
            organization=org,
            kind=MemberKind.ENTERPRISE,
            name=name,
            uscc=_uscc(org, 40 + i),
            member_class=cls,
            contact_name=contact,
            contact_phone=phone,
            statement="自愿申请入会，遵守协会章程。",
            now=at(day),
        )
    joined = services_members.application_submit(
        actor=staff,
        organization=org,
        kind=MemberKind.ENTERPRISE,
        name="日照港航物流有限公司",
        uscc=_uscc(org, 45),
        member_class="会员单位",
        contact_name="郑涛",
        contact_phone="0633-8881234",
        now=at(dt.date(2026, 4, 10)),
    )
    services_members.application_approve(
        actor=None,
        application=joined,
        organ="理事会",
        clause="章程第十条",
        note="第三届理事会第六次会议审议通过",
        now=at(dt.date(2026, 4, 28)),
    )
    # the demo member applies to another association: /my/ shows it pending (MEM-1: nobody asks about this one)
    other = Organization.objects.get(name="济南市建筑装饰协会")
    services_members.application_submit(
        actor=users["member"],
        organization=other,
        kind=MemberKind.ENTERPRISE,
        name="山东顺达物流集团有限公司",
        uscc=_uscc(org, 50),
        contact_name="刘强",
        contact_phone="13905319999",
        now=at(dt.date(2026, 11, 18)),
    )


def _exits(extra: list[Member]) -> None:
    services_members.member_exit(
        actor=None,
        member=extra[0],
        reason=ExitReason.FEES,
        note="经营规模缩减，书面申请退会",
        effective_on=dt.date(2025, 6, 30),
        now=at(dt.date(2025, 6, 10)),
    )
    services_members.member_exit(
        actor=None,
        member=extra[1],
        reason=ExitReason.BUSINESS_CHANGE,
        note="主营业务转为制造业",
        effective_on=dt.date(2026, 3, 31),
        now=at(dt.date(2026, 3, 16)),
    )
    services_members.member_expel(
        actor=None,
        member=extra[2],
        organ="理事会",
        charter_clause="章程第十四条",
        decision_number="鲁物采理〔2026〕3号",
        note="严重违反协会自律公约，经理事会表决除名",
        effective_on=dt.date(2026, 8, 20),
        now=at(dt.date(2026, 8, 20)),
    )


def _delegates(org: Organization, users: dict[str, User]) -> None:
    members = list(Member.objects.filter(organization=org, left_on__isnull=True).order_by("joined_on", "pk")[:6])
    for member in members:
        services_members.delegate_record(
            actor=None,
            member=member,
            name=f"{member.name[:2]}代表",
            method=DelegateMethod.ELECTED,
            since=dt.date(2024, 6, 1),
            until=dt.date(2029, 5, 31),
            basis="第三届会员代表大会选举（章程第十八条）",
            user=users["member"] if member.representatives.filter(user=users["member"]).exists() else None,
            now=at(dt.date(2024, 6, 1)),
        )


def _surveys(org: Organization) -> None:
    answering = list(Member.objects.filter(organization=org, left_on__isnull=True).order_by("pk"))[1:]
    s2025 = services_survey.survey_open(
        actor=None,
        organization=org,
        year=2025,
        opens_on=dt.date(2025, 12, 1),
        closes_on=dt.date(2026, 1, 15),
        now=at(dt.date(2025, 11, 25)),
    )
    for member, scores in zip(answering, SURVEY_SCORES, strict=False):
        services_survey.survey_answer(
            actor=None, survey=s2025, member=member, scores=scores, now=at(dt.date(2025, 12, 10))
        )
    services_survey.survey_publish(actor=None, survey=s2025, now=at(dt.date(2026, 2, 2)))
    s2026 = services_survey.survey_open(
        actor=None,
        organization=org,
        year=2026,
        opens_on=dt.date(2026, 11, 1),
        closes_on=dt.date(2026, 12, 31),
        now=at(dt.date(2026, 10, 28)),
    )
    for member, scores in zip(answering[:4], reversed(SURVEY_SCORES), strict=False):
        services_survey.survey_answer(
            actor=None, survey=s2026, member=member, scores=scores, now=at(dt.date(2026, 11, 5))
        )


def load_featured(users: dict[str, User]) -> str:
    org = Organization.objects.get(name=FEATURED)
    extra = _extra_members(org)
    _applications(org, users)
    _exits(extra)
    _delegates(org, users)
    _surveys(org)
    return (
        "会员类别 4 类、入会申请 4 份（2 份待审批）、2025—2026 年退会 3 个（含除名 1 个）、"
        "会员代表 6 名、满意度调查 2 次"
    )
