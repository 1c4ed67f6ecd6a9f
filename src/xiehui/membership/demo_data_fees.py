"""Fee standards in `xiehui demo`: the featured association's member classes and a draft for the assembly's ballot.

Nothing is adopted here: a fee standard takes effect only through a passed ballot
(FEE-1), which the voting demo holds on this draft.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import services_fees as services
from .models import FeeStandard, MemberClass

ORGANIZATION = "山东省物流与采购联合会"
DRAFT_TITLE = "2027年会费标准（草案）"
CLASSES = [
    ("会长单位", "会长所在单位"),
    ("副会长单位", "副会长所在单位"),
    ("理事单位", "理事所在单位"),
    ("会员单位", "其他单位会员"),
]
TIERS = [
    ("会长单位", Decimal("50000.00")),
    ("副会长单位", Decimal("20000.00")),
    ("理事单位", Decimal("8000.00")),
    ("会员单位", Decimal("2000.00")),
]
SERVICES = (
    "1. 行业政策解读与宣讲、年度行业发展报告；\n"
    "2. 物流与采购统计数据和价格指数的会员专享查询；\n"
    "3. 每年不少于 4 次免费专业培训（供应链管理、冷链、安全生产）；\n"
    "4. 会员权益维护：涉企收费、合同纠纷的调解与法律咨询；\n"
    "5. 协会主办展会、供需对接活动的会员优惠。"
)


@extension(order=17)
def load(users: dict[str, User], now: dt.datetime) -> str:
    org = Organization.objects.get(name=ORGANIZATION)
    if not MemberClass.objects.filter(organization=org).exists():  # the members demo may have defined them
        for position, (name, description) in enumerate(CLASSES, start=1):
            MemberClass.objects.get_or_create(
                organization=org, name=name, defaults={"position": position, "description": description}
            )
    if not FeeStandard.objects.filter(organization=org, title=DRAFT_TITLE).exists():
        services.fee_standard_propose(
            actor=None,
            organization=org,
            title=DRAFT_TITLE,
            services_covered=SERVICES,
            effective_on=dt.date(2027, 1, 1),
            tiers=list(TIERS),
            now=now,
        )
    return f"会费标准：{ORGANIZATION} 会员类别 4 类；“{DRAFT_TITLE}”4 档，待会员代表大会无记名投票表决"
