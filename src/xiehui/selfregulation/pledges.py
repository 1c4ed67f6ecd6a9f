"""The standard integrity pledges (000 二(三); 004 §14, §17), each naming the complaint ground it answers to.

A complaint (SUP-1) names the pledge it says was broken; the public page links
every signed pledge to the complaint form with that ground preselected.
"""

from __future__ import annotations

from dataclasses import dataclass

from xiehui.supervision.models import Pledge as Ground


@dataclass(frozen=True)
class StandardPledge:
    code: str
    text: str
    basis: str
    ground: str  # supervision.models.Pledge: what a complaint about breaking it is filed under


STANDARD: tuple[StandardPledge, ...] = (
    StandardPledge(
        "no_forced_membership",
        "不强制入会，不以入会作为提供服务或办理事项的条件",
        "000 二(三)；004 第14条",
        Ground.FORCED_MEMBERSHIP,
    ),
    StandardPledge(
        "no_apportioned_fees",
        "不摊派会费，会费标准经会员（代表）大会无记名投票表决通过",
        "000 二(三)；FEE-1",
        Ground.APPORTIONED_FEES,
    ),
    StandardPledge("no_forced_services", "不强行服务，不强制会员接受有偿服务", "000 二(三)", Ground.FORCED_SERVICES),
    StandardPledge("no_arbitrary_ratings", "不搞乱评比、乱培训、乱表彰", "000 二(三)", Ground.ARBITRARY_RATINGS),
    StandardPledge("no_slush_funds", "不设立“小金库”，收支全部纳入本会财务统一核算", "000 二(三)", Ground.SLUSH_FUNDS),
    StandardPledge("within_charter", "不超出章程规定的业务范围开展活动", "000 二(三)", Ground.BEYOND_CHARTER),
    StandardPledge("no_exclusivity", "不限制会员加入其他行业协会商会", "004 第14条", Ground.DISCRIMINATION),
    StandardPledge(
        "equal_treatment",
        "政府委托事项对会员与非会员一视同仁，不搞差别待遇",
        "004 第14条；MEM-1",
        Ground.DISCRIMINATION,
    ),
    StandardPledge(
        "no_forced_paid_activities",
        "不强制会员参加各类有偿培训、会议、展览、宣传、评比等活动",
        "004 第17条",
        Ground.FORCED_PAID_SERVICES,
    ),
    StandardPledge(
        "truthful_disclosure", "公开的信息真实、准确、完整，及时更正", "000 二(二)；DIS-4", Ground.FALSE_DISCLOSURE
    ),
)
BY_CODE = {p.code: p for p in STANDARD}


def text_of(codes: list[str]) -> str:
    """The pledge letter as signed, one numbered line per pledge, in catalogue order."""
    chosen = [p for p in STANDARD if p.code in codes]
    return "\n".join(f"{i}. {p.text}" for i, p in enumerate(chosen, start=1))
