"""Disclosure's part of `xiehui demo`.

山东省物流与采购联合会 (staff_wuliu) discloses everything: charter, organs,
leaders, services, its 2025 financial report (published, then corrected with a
reason), members-only income statements and fee report. 青岛市软件行业协会 has
a charter only (so its completeness is low). A deterministic sample of other
associations published some items, on time or late, so the officers' DIS-3
table has spread.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import services
from .models import ChangeKind

SEED = 20261123
CHARTER = (
    "第一章 总则\n第一条 本会名称为{name}。\n第二条 本会是由本行业企业自愿组成的全省性、行业性、非营利性社会组织。\n"
    "第三条 本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观，遵守社会道德风尚。\n"
    "第二章 业务范围\n第四条 本会的业务范围：行业自律、标准制定、培训交流、信息服务、政府委托事项。"
)


def _publish(actor: User | None, org: Organization, item_type: str, data: dict[str, Any], at: dt.datetime, **kw: Any):  # type: ignore[no-untyped-def]
    version = services.disclosure_draft(actor=actor, organization=org, item_type=item_type, data=data, now=at, **kw)
    return services.version_publish(actor=actor, version=version, now=at)


def _featured(staff: User, org: Organization, now: dt.datetime) -> None:
    base = now - dt.timedelta(days=300)
    _publish(
        staff,
        org,
        "charter",
        {
            "fields": {
                "adopted_on": "2021-06-18",
                "adopted_by": "第五届会员代表大会第一次会议",
                "text": CHARTER.format(name=org.name),
            }
        },
        base,
        effective_on=dt.date(2021, 6, 18),
    )
    _publish(
        staff,
        org,
        "organs",
        {
            "fields": {
                "structure": "会员代表大会为最高权力机构；理事会、常务理事会为执行机构；"
                "设监事会；秘书处为常设办事机构。"
            },
            "rows": [
                {"name": "秘书处", "duties": "日常事务、会员服务", "head": "张建国"},
                {"name": "冷链物流分会", "duties": "冷链物流行业自律与服务", "head": "李海"},
            ],
        },
        base,
        effective_on=dt.date(2021, 6, 18),
    )
    _publish(
        staff,
        org,
        "leaders",
        {
            "fields": {"term": "第五届（2021—2026）"},
            "rows": [
                {"name": "王志强", "post": "会长", "unit": "山东顺达物流集团有限公司"},
                {"name": "刘敏", "post": "副会长", "unit": "济南泉城供应链管理有限公司"},
                {"name": "张建国", "post": "秘书长", "unit": "本会秘书处"},
                {"name": "孙颖", "post": "监事长", "unit": "青岛港湾国际货运代理有限公司"},
            ],
        },
        base,
        effective_on=dt.date(2021, 6, 18),
    )
    _publish(
        staff,
        org,
        "service_commitments",
        {
            "fields": {"summary": "本会面向全行业提供服务，会员与非会员同等对待。"},
            "rows": [
                {
                    "service": "物流行业统计与景气指数发布",
                    "content": "按月发布山东省物流业景气指数",
                    "method": "网站公开",
                    "recipients": "全社会",
                    "fee": "免费",
                },
                {
                    "service": "物流从业人员职业技能培训",
                    "content": "供应链管理师等培训",
                    "method": "线下授课",
                    "recipients": "会员及非会员企业",
                    "fee": "按物价核定标准，会员与非会员同价",
                },
            ],
        },
        base,
        effective_on=dt.date(2025, 1, 10),
    )
    report = _publish(
        staff,
        org,
        "financial_report",
        {
            "fields": {
                "income": "3862000.00",
                "expense": "3415600.00",
                "net_assets": "1280000.00",
                "auditor": "山东正信会计师事务所",
            }
        },
        dt.datetime(2026, 4, 20, 10, tzinfo=clock.SHANGHAI),
        period="2025",
    )
    fix = services.version_new(
        actor=staff,
        disclosure=report.disclosure,
        change_kind=ChangeKind.CORRECTION,
        reason="审计报告定稿后调整：本年费用合计含计提折旧 12,400 元，原公开数字漏计",
        data={
            "fields": {
                "income": "3862000.00",
                "expense": "3428000.00",
                "net_assets": "1267600.00",
                "auditor": "山东正信会计师事务所",
            }
        },
        now=dt.datetime(2026, 5, 8, 9, tzinfo=clock.SHANGHAI),
    )
    services.version_publish(actor=staff, version=fix, now=dt.datetime(2026, 5, 8, 9, tzinfo=clock.SHANGHAI))
    _publish(
        staff,
        org,
        "donations",
        {
            "fields": {"total": "50000.00"},
            "rows": [{"donor": "山东顺达物流集团有限公司", "amount": "50000.00", "purpose": "行业人才培训"}],
        },
        dt.datetime(2026, 4, 20, 11, tzinfo=clock.SHANGHAI),
        period="2025",
    )
    for period, published in (
        ("2025H1", dt.datetime(2025, 7, 20, 9, tzinfo=clock.SHANGHAI)),
        ("2025H2", dt.datetime(2026, 1, 25, 9, tzinfo=clock.SHANGHAI)),
        ("2026H1", dt.datetime(2026, 7, 28, 9, tzinfo=clock.SHANGHAI)),
    ):
        _publish(
            staff,
            org,
            "income_expenditure",
            {
                "fields": {"income": "1930000.00", "expense": "1710000.00"},
                "rows": [
                    {"item": "会费收入", "income": "820000.00"},
                    {"item": "培训服务收入", "income": "760000.00"},
                    {"item": "人员费用", "expense": "910000.00"},
                ],
            },
            published,
            period=period,
        )
    _publish(
        staff,
        org,
        "fee_income",
        {
            "fields": {"income": "820000.00", "spent": "805000.00"},
            "rows": [
                {"use": "会员服务与行业调研", "amount": "505000.00"},
                {"use": "秘书处运行", "amount": "300000.00"},
            ],
        },
        dt.datetime(2026, 5, 20, 9, tzinfo=clock.SHANGHAI),
        period="2025",
    )
    _publish(
        staff,
        org,
        "funding_received",
        {"fields": {"total": "0.00", "summary": "本年度未接受资助。"}},
        dt.datetime(2026, 5, 20, 10, tzinfo=clock.SHANGHAI),
        period="2025",
    )
    _publish(
        staff,
        org,
        "major_activities",
        {
            "fields": {
                "held_on": "2026-09-16",
                "place": "济南",
                "description": "第十届山东物流与供应链发展大会",
                "cost": "186000.00",
            }
        },
        dt.datetime(2026, 9, 30, 9, tzinfo=clock.SHANGHAI),
        title="第十届山东物流与供应链发展大会",
        effective_on=dt.date(2026, 9, 16),
    )


@extension(order=30)
def load(users: dict[str, User], now: dt.datetime) -> str:
    featured = Organization.objects.get(name="山东省物流与采购联合会")
    _featured(users["staff_wuliu"], featured, now)
    ruanjian = Organization.objects.get(name="青岛市软件行业协会")
    _publish(
        users["staff_ruanjian"],
        ruanjian,
        "charter",
        {
            "fields": {
                "adopted_on": "2019-04-12",
                "adopted_by": "第三届会员大会第一次会议",
                "text": CHARTER.format(name=ruanjian.name),
            }
        },
        now - dt.timedelta(days=90),
        effective_on=dt.date(2019, 4, 12),
    )
    rng = random.Random(SEED)
    others = list(
        Organization.objects.filter(status="registered")
        .exclude(pk__in=[featured.pk, ruanjian.pk])
        .order_by("id")
        .values_list("id", flat=True)
    )
    sample = Organization.objects.filter(pk__in=rng.sample(others, min(120, len(others))))
    count = 0
    for org in sample:
        published = dt.datetime(2026, 5, rng.randint(1, 31), 10, tzinfo=clock.SHANGHAI) + dt.timedelta(
            days=rng.choice((0, 0, 0, 20))
        )
        _publish(
            None,
            org,
            "financial_report",
            {
                "fields": {
                    "income": f"{rng.randrange(200_000, 5_000_000)}.00",
                    "expense": f"{rng.randrange(150_000, 4_000_000)}.00",
                    "net_assets": f"{rng.randrange(50_000, 2_000_000)}.00",
                }
            },
            published,
            period="2025",
        )
        count += 1
        if rng.random() < 0.5:
            _publish(
                None,
                org,
                "charter",
                {
                    "fields": {
                        "adopted_on": "2020-05-01",
                        "adopted_by": "会员大会",
                        "text": CHARTER.format(name=org.name),
                    }
                },
                published,
                effective_on=dt.date(2020, 5, 1),
            )
            count += 1
    return f"信息公开：山东省物流与采购联合会全部公开事项（含一次更正）；另 {len(sample)} 个协会公开 {count} 项"
