"""Self-regulation's part of `xiehui demo`.

山东省物流与采购联合会 adopted a 行规行约 at its member congress (SR-1), a
group standard that was later amended, a service standard, and an initiative
that was repealed; it has a self-regulation and integrity body.
"""

from __future__ import annotations

import datetime as dt

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import pledges
from . import services_commitments as commitments
from . import services_norms as norms
from .models import NormKind, Organ

CONVENTION = (
    "第一条 为规范本省物流行业经营秩序，维护公平竞争，根据本会章程，制定本公约。\n"
    "第二条 会员单位应当诚信经营，明码标价，不得以低于成本的价格恶意竞争。\n"
    "第三条 会员单位不得泄露客户商业秘密，不得无故拒绝承运合法货物。\n"
    "第四条 违反本公约的，由本会自律与诚信工作委员会调查核实，视情节予以提醒、通报或依章程处理。"
)
STANDARD = (
    "1 范围\n本文件规定了冷链物流企业温控运输的服务要求、温度监测与记录、交接与异常处置。\n"
    "2 规范性引用文件\nGB/T 28577 冷链物流分类与基本要求"
)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.SHANGHAI)


def _adopted_and_published(
    staff: User, version, organ: str, meeting: str, day: dt.date, resolution: str, votes: tuple[int, int, int]
):  # type: ignore[no-untyped-def]
    attendance = sum(votes) + 2
    norms.norm_adopt(
        actor=staff,
        version=version,
        organ=organ,
        meeting=meeting,
        meeting_on=day,
        resolution=resolution,
        attendance=attendance,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        now=_at(day),
    )
    return norms.norm_publish(actor=staff, version=version, now=_at(day + dt.timedelta(days=3)))


def _norms(staff: User, org: Organization) -> int:
    convention = norms.norm_draft(
        actor=staff,
        organization=org,
        kind=NormKind.CONVENTION,
        title="山东省物流行业自律公约",
        text=CONVENTION,
        scope="本会全体会员单位",
        issued_on=dt.date(2024, 3, 20),
        effective_on=dt.date(2024, 4, 1),
        now=_at(dt.date(2024, 2, 1)),
    )
    _adopted_and_published(
        staff,
        convention,
        Organ.ASSEMBLY,
        "第五届会员代表大会第三次会议",
        dt.date(2024, 3, 15),
        "鲁物联〔2024〕3号",
        (186, 4, 6),
    )
    standard = norms.norm_draft(
        actor=staff,
        organization=org,
        kind=NormKind.GROUP_STANDARD,
        title="冷链物流温控运输服务规范",
        code="T/SDWL 001—2025",
        text=STANDARD,
        scope="从事冷链运输的物流企业",
        issued_on=dt.date(2025, 5, 10),
        effective_on=dt.date(2025, 7, 1),
        now=_at(dt.date(2025, 4, 1)),
    )
    _adopted_and_published(
        staff, standard, Organ.COUNCIL, "第五届理事会第七次会议", dt.date(2025, 5, 6), "鲁物联〔2025〕9号", (41, 0, 2)
    )
    amended = norms.norm_amend(
        actor=staff,
        norm=standard.norm,
        text=STANDARD + "\n3 温度记录保存期限由 1 年延长至 2 年。",
        scope="从事冷链运输的物流企业",
        issued_on=dt.date(2026, 6, 10),
        effective_on=dt.date(2026, 8, 1),
        reason="依据会员单位反馈，延长温度记录保存期限以便追溯",
        now=_at(dt.date(2026, 5, 20)),
    )
    _adopted_and_published(
        staff, amended, Organ.COUNCIL, "第五届理事会第十次会议", dt.date(2026, 6, 5), "鲁物联〔2026〕6号", (39, 1, 1)
    )
    service = norms.norm_draft(
        actor=staff,
        organization=org,
        kind=NormKind.SERVICE,
        title="会员服务标准",
        text="本会对会员与非会员提供同等标准的公共服务，服务请求 3 个工作日内答复。",
        now=_at(dt.date(2025, 2, 1)),
    )
    _adopted_and_published(
        staff,
        service,
        Organ.STANDING_COUNCIL,
        "第五届常务理事会第五次会议",
        dt.date(2025, 2, 20),
        "鲁物联〔2025〕2号",
        (15, 0, 0),
    )
    initiative = norms.norm_draft(
        actor=staff,
        organization=org,
        kind=NormKind.INITIATIVE,
        title="关于疫情期间保障物资运输的倡议",
        text="倡议会员单位优先保障生活物资运输，不哄抬运价。",
        now=_at(dt.date(2022, 4, 1)),
    )
    published = _adopted_and_published(
        staff,
        initiative,
        Organ.PRESIDENT_OFFICE,
        "会长办公会",
        dt.date(2022, 4, 2),
        "会长办公会纪要〔2022〕1号",
        (7, 0, 0),
    )
    norms.norm_repeal(
        actor=staff,
        norm=published.norm,
        repealed_on=dt.date(2023, 3, 1),
        organ=Organ.PRESIDENT_OFFICE,
        resolution="会长办公会纪要〔2023〕2号",
        reason="倡议所针对的情形已不存在",
        now=_at(dt.date(2023, 3, 1)),
    )
    norms.integrity_body_set(
        actor=staff,
        organization=org,
        name="自律与诚信工作委员会",
        established_on=dt.date(2021, 9, 1),
        head="刘敏",
        members="刘敏（主任）、孙颖、王海涛、陈晓",
        duties="组织制定和实施行规行约；受理对会员失信行为的投诉；开展诚信评价和宣传。",
        contact="0531-88880000",
        now=_at(dt.date(2021, 9, 1)),
    )
    return 4


RATINGS = [
    ("member", 5, "统计数据及时，培训收费与非会员一致，服务规范。"),
    ("public", 4, "景气指数很有参考价值，希望增加分地区数据。"),
    ("staff_ruanjian", 4, "行业交流活动组织有序。"),
]


def _commitments(users: dict[str, User], org: Organization, now: dt.datetime) -> int:
    everything = [p.code for p in pledges.STANDARD]
    commitments.pledge_sign(
        actor=users["staff_wuliu"],
        organization=org,
        pledges=everything,
        signatory="王志强",
        signatory_title="会长",
        signed_on=dt.date(2025, 3, 1),
        now=_at(dt.date(2025, 3, 1)),
    )
    for username, score, comment in RATINGS:
        commitments.rating_submit(actor=users[username], organization=org, score=score, comment=comment, now=now)
    return len(RATINGS)


@extension(order=35)
def load(users: dict[str, User], now: dt.datetime) -> str:
    org = Organization.objects.get(name="山东省物流与采购联合会")
    count = _norms(users["staff_wuliu"], org)
    ratings = _commitments(users, org, now)
    return (
        f"自律规范：山东省物流与采购联合会 {count} 项（行规行约经会员代表大会通过、团体标准修订一次、倡议已废止）"
        f"及自律与诚信工作委员会；签署全部诚信承诺；社会评价 {ratings} 条"
    )
