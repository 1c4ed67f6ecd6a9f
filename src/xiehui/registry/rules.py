"""Registry rules REG-1 … REG-8 (社会团体登记管理条例; 004 §1-3; GB 32100-2015).

Pure functions over values: services call them and turn a failure into an
ApplicationError that cites the rule id.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from xiehui.core import clock
from xiehui.core.models import Level
from xiehui.core.rules import declare, rule

from . import search


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one fact: the rule id, the message and the facts behind it."""

    rule_id: str
    message: str
    field: str | None = None


REG1 = declare(
    "REG-1",
    title="成立登记条件",
    basis="《社会团体登记管理条例》第十条",
    min_individual_members=50,
    min_unit_members=30,
    min_mixed_members=50,
    min_funds_national=Decimal("100000"),
    min_funds_local=Decimal("30000"),
    min_fulltime_staff=1,
)
REG2 = declare(
    "REG-2",
    title="名称规则",
    basis="《社会团体登记管理条例》第十条、第十三条；004 第3条",
    reserved_words=("中国", "全国", "中华"),
)
REG3 = declare("REG-3", title="登记审查期限", basis="《社会团体登记管理条例》第十二条", decision_days=60)
REG4 = declare("REG-4", title="法定代表人不得兼任", basis="《社会团体登记管理条例》")
REG5 = declare("REG-5", title="变更登记期限", basis="《社会团体登记管理条例》第十八条", filing_days=30)
REG7 = declare(
    "REG-7", title="直接登记与脱钩（五分离）", basis="004 第1-2条；2015年《行业协会商会与行政机关脱钩总体方案》"
)
REG8 = declare("REG-8", title="统一社会信用代码", basis="GB 32100-2015")

NAME_SUFFIXES = ("同业公会", "联合会", "促进会", "协会", "商会", "行业")


def min_funds(level: str) -> Decimal:
    return REG1.parameters["min_funds_national"] if level == Level.NATIONAL else REG1.parameters["min_funds_local"]


@rule("REG-1", title=REG1.title, basis=REG1.basis, **REG1.parameters)
def registration_conditions(
    *,
    level: str,
    individual_members: int,
    unit_members: int,
    activity_funds: Decimal,
    domicile: str,
    fulltime_staff: int,
) -> list[Finding]:
    """Every unmet condition of REG-1, each with the figure required and the figure given."""
    p = REG1.parameters
    findings: list[Finding] = []
    if individual_members and unit_members:
        if individual_members + unit_members < p["min_mixed_members"]:
            findings.append(
                Finding(
                    "REG-1",
                    f"个人会员和单位会员混合组成的，会员总数应不少于 {p['min_mixed_members']} 个，"
                    f"当前为 {individual_members + unit_members} 个",
                    "individual_members",
                )
            )
    elif unit_members:
        if unit_members < p["min_unit_members"]:
            findings.append(
                Finding(
                    "REG-1", f"单位会员应不少于 {p['min_unit_members']} 个，当前为 {unit_members} 个", "unit_members"
                )
            )
    elif individual_members < p["min_individual_members"]:
        findings.append(
            Finding(
                "REG-1",
                f"个人会员应不少于 {p['min_individual_members']} 个，当前为 {individual_members} 个",
                "individual_members",
            )
        )
    required = min_funds(level)
    if activity_funds < required:
        scope = "全国性" if level == Level.NATIONAL else "地方性"
        findings.append(
            Finding(
                "REG-1",
                f"{scope}社会团体的活动资金应不少于 {required:,.0f} 元，当前为 {activity_funds:,.2f} 元",
                "activity_funds",
            )
        )
    if not domicile.strip():
        findings.append(Finding("REG-1", "须有固定的住所", "domicile"))
    if fulltime_staff < p["min_fulltime_staff"]:
        findings.append(Finding("REG-1", "须有与其业务活动相适应的专职工作人员", "fulltime_staff"))
    return findings


def canonical_name(name: str) -> str:
    """Names compare after NFKC and with all white space removed."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@rule("REG-2", title=REG2.title, basis=REG2.basis, **REG2.parameters)
def name_reserved_words(*, name: str, level: str) -> list[Finding]:
    """中国/全国/中华 are for national bodies only."""
    used = [w for w in REG2.parameters["reserved_words"] if w in canonical_name(name)]
    if used and level != Level.NATIONAL:
        return [Finding("REG-2", f"名称中的“{used[0]}”仅限全国性社会团体使用", "name")]
    return []


def name_core(name: str, region_names: list[str]) -> str:
    """The business words of a name: without region names and generic suffixes."""
    core = canonical_name(name)
    for region in sorted(region_names, key=len, reverse=True):
        core = core.replace(region, "")
    for suffix in NAME_SUFFIXES:
        core = core.replace(suffix, "")
    return core


def name_similarity(a_core: str, b_core: str) -> float:
    """Jaccard similarity of the bigrams of two name cores (1.0 when one contains the other)."""
    if not a_core or not b_core:
        return 0.0
    if a_core in b_core or b_core in a_core:
        return 1.0
    a, b = set(search.bigrams(a_core)), set(search.bigrams(b_core))
    return len(a & b) / len(a | b) if a | b else 0.0


def region_name_forms(full_names: list[str]) -> list[str]:
    """'山东省' -> ['山东省', '山东']: the forms a region name takes inside an association's name."""
    forms: list[str] = []
    for name in full_names:
        forms.append(name)
        for suffix in ("省", "市", "县", "区", "自治州", "自治县", "地区", "盟", "旗"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                forms.append(name[: -len(suffix)])
    return forms


def decision_due(complete_on: dt.date) -> dt.date:
    """REG-3: decide within 60 days of a complete application."""
    return clock.add_days(complete_on, REG3.parameters["decision_days"])


def filing_due(decided_on: dt.date) -> dt.date:
    """REG-5: a change is filed within 30 days of the decision to change."""
    return clock.add_days(decided_on, REG5.parameters["filing_days"])


def deadline_state(due_on: dt.date, as_of: dt.date) -> str:
    """'overdue' after the due day, 'due_soon' within 7 days, else 'ok'."""
    if as_of > due_on:
        return "overdue"
    if (due_on - as_of).days <= 7:
        return "due_soon"
    return "ok"
