"""Membership's part of `xiehui demo`: members of the featured associations (the demo member represents one);
for 山东省物流与采购联合会 also its member classes, applications, exits in 2025 and 2026, delegates and the
satisfaction surveys of 2025 (published) and 2026 (open, with answers). Dates are fixed: the output is the same
on every run."""

from __future__ import annotations

import datetime as dt

from xiehui.core.codes import make_uscc
from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import services
from .demo_data_members import define_classes, load_featured
from .models import MemberKind

MEMBERS = {
    "山东省物流与采购联合会": [
        ("山东顺达物流集团有限公司", "会长单位"),
        ("济南泉城供应链管理有限公司", "副会长单位"),
        ("青岛港湾国际货运代理有限公司", "理事单位"),
        ("烟台海联冷链物流有限公司", "会员单位"),
        ("潍坊鸢都仓储服务有限公司", "会员单位"),
    ],
    "济南市建筑装饰协会": [("济南华艺装饰工程有限公司", "会长单位"), ("济南匠心建筑装饰有限公司", "会员单位")],
    "青岛市软件行业协会": [("青岛海纳云软件有限公司", "会长单位"), ("青岛蓝海数智科技有限公司", "理事单位")],
}


@extension(order=15)
def load(users: dict[str, User], now: dt.datetime) -> str:
    count = 0
    define_classes(Organization.objects.get(name="山东省物流与采购联合会"))
    for name, members in MEMBERS.items():
        org = Organization.objects.get(name=name)
        for i, (member_name, member_class) in enumerate(members, start=1):
            member = services.member_record(
                actor=None,
                organization=org,
                kind=MemberKind.ENTERPRISE,
                name=member_name,
                uscc=make_uscc(
                    region_code=org.authority_region_id, body=f"MA{org.pk % 1000:03d}{i:03d}", category="91"
                ),
                member_class=member_class,
                joined_on=dt.date(2018 + i % 5, 3, 1),
                now=now,
            )
            count += 1
            if name == "山东省物流与采购联合会" and i == 1:
                services.representative_add(
                    actor=None, member=member, user=users["member"], since=member.joined_on, now=now
                )
    featured = load_featured(users)
    return f"会员：{count} 个会员单位；演示账户 member 为山东省物流与采购联合会会长单位的会员代表；{featured}"
