"""The catalogue of disclosure item types (DIS-1, DIS-2) as data.

Each type says who may read it (audience), how often it is published (cadence),
which deadline rule applies (DIS-3, parameters in `rules.py`) and which
structured fields it carries. Items other domains already hold (the register's
registered items, the annual work report, the signed pledges) name their
`source` and are shown from there, never typed twice.

Cadences:
- standing: one current version that must exist; each change is a new version
  published within DIS-3.change_days of the change (`effective_on`).
- event: one item per event (a major asset change, a trip abroad), published
  within DIS-3.change_days of the event; none is required.
- yearly: one item per year, due DIS-3.yearly_due_month/day of the next year.
- halfyearly: one item per half year (period "2025H1"), due DIS-3.halfyear_days
  after the half ends.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from xiehui.core.errors import ApplicationError

PUBLIC = "public"
MEMBERS = "members"
AUDIENCES = {PUBLIC: "向社会公开", MEMBERS: "向会员公开"}

STANDING, EVENT, YEARLY, HALFYEARLY = "standing", "event", "yearly", "halfyearly"
CADENCES = {STANDING: "发生变化时更新", EVENT: "逐项公开", YEARLY: "每年", HALFYEARLY: "每半年"}

FIELD_KINDS = ("text", "textarea", "date", "money", "integer", "url")
MAX_ROWS = 200


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class ItemType:
    code: str
    title: str
    audience: str
    cadence: str
    basis: str  # "DIS-1" / "DIS-2" and the clause
    fields: tuple[FieldSpec, ...] = ()
    rows: tuple[FieldSpec, ...] = ()  # columns of a repeating table (leaders, services, donations …)
    rows_label: str = ""
    required: bool = True  # counts towards DIS-3 completeness
    source: str = ""  # another domain holds it: "registry", "annual_report", "pledges"
    order: int = 50
    description: str = ""

    @property
    def members_only(self) -> bool:
        return self.audience == MEMBERS

    @property
    def audience_label(self) -> str:
        return AUDIENCES[self.audience]

    @property
    def cadence_label(self) -> str:
        return CADENCES[self.cadence]

    @property
    def typed(self) -> bool:
        """Whether association staff type this item (False: shown from the domain that holds it)."""
        return not self.source


F = FieldSpec
SUMMARY = F("summary", "概要说明", "textarea", required=False)
TYPES: tuple[ItemType, ...] = (
    # --- DIS-1: public (000 二(二); 004 §15) ---
    ItemType(
        "registration",
        "登记证书及登记事项",
        PUBLIC,
        STANDING,
        "DIS-1；004 第15条",
        source="registry",
        order=1,
        description="由登记管理机关登记信息自动公开",
    ),
    ItemType(
        "charter",
        "章程",
        PUBLIC,
        STANDING,
        "DIS-1；000 二(二)",
        fields=(
            F("adopted_on", "章程通过日期", "date"),
            F("adopted_by", "通过会议", help="如：第三届会员代表大会第二次会议"),
            F("approved_on", "核准日期", "date", required=False),
            F("text", "章程全文", "textarea"),
        ),
        order=2,
    ),
    ItemType(
        "organs",
        "组织机构",
        PUBLIC,
        STANDING,
        "DIS-1；000 二(二)",
        fields=(
            F(
                "structure",
                "机构设置",
                "textarea",
                help="会员（代表）大会、理事会、常务理事会、监事会、秘书处及分支机构",
            ),
        ),
        rows=(F("name", "机构名称"), F("duties", "职责"), F("head", "负责人", required=False)),
        rows_label="内设机构与分支机构",
        order=3,
    ),
    ItemType(
        "leaders",
        "负责人及理事会成员",
        PUBLIC,
        STANDING,
        "DIS-1；000 二(二)",
        fields=(F("term", "届次", help="如：第三届（2024—2029）"),),
        rows=(
            F("name", "姓名"),
            F("post", "职务", help="会长、副会长、秘书长、理事、监事"),
            F("unit", "工作单位", required=False),
        ),
        rows_label="负责人、理事和监事",
        order=4,
    ),
    ItemType(
        "credit_commitments",
        "信用承诺",
        PUBLIC,
        STANDING,
        "DIS-1；000 二(三)",
        source="pledges",
        order=5,
        description="由协会签署的诚信承诺自动公开",
    ),
    ItemType(
        "service_commitments",
        "服务事项及服务承诺",
        PUBLIC,
        STANDING,
        "DIS-1；000 二(三)；004 第15条",
        fields=(SUMMARY,),
        rows=(
            F("service", "服务项目"),
            F("content", "服务内容"),
            F("method", "服务方式"),
            F("recipients", "服务对象"),
            F("fee", "收费标准", help="免费服务请填“免费”"),
        ),
        rows_label="服务项目",
        order=6,
        description="服务内容、服务方式、服务对象和收费标准的公开承诺",
    ),
    ItemType(
        "government_matters",
        "承接政府转移职能和委托事项",
        PUBLIC,
        EVENT,
        "DIS-1；004 第7条",
        fields=(
            F("matter", "事项名称"),
            F("department", "委托部门"),
            F("basis", "依据文件", required=False),
            F("period", "承接期限", required=False),
            F("how", "实施方式", "textarea"),
        ),
        required=False,
        order=7,
    ),
    ItemType(
        "donations",
        "接受捐赠情况",
        PUBLIC,
        YEARLY,
        "DIS-1；000 二(二)",
        fields=(F("total", "捐赠收入合计（元）", "money"), SUMMARY),
        rows=(F("donor", "捐赠方"), F("amount", "金额（元）", "money"), F("purpose", "用途", required=False)),
        rows_label="捐赠明细",
        order=8,
    ),
    ItemType(
        "trust_votes",
        "信任投票结果及会员评价",
        PUBLIC,
        EVENT,
        "DIS-1；000 二(四)",
        fields=(F("held_on", "投票日期", "date"), F("meeting", "会议"), SUMMARY),
        rows=(
            F("leader", "负责人"),
            F("post", "职务"),
            F("trust", "信任票", "integer"),
            F("distrust", "不信任票", "integer"),
            F("abstain", "弃权票", "integer"),
        ),
        rows_label="投票结果",
        required=False,
        order=9,
    ),
    ItemType(
        "financial_report",
        "年度财务报告",
        PUBLIC,
        YEARLY,
        "DIS-1；000 二(二)",
        fields=(
            F("income", "本年收入合计（元）", "money"),
            F("expense", "本年费用合计（元）", "money"),
            F("net_assets", "年末净资产（元）", "money"),
            F("auditor", "审计机构", required=False),
            SUMMARY,
        ),
        order=10,
    ),
    ItemType(
        "asset_changes",
        "重大资产变动",
        PUBLIC,
        EVENT,
        "DIS-1；000 二(二)",
        fields=(
            F("description", "变动事项", "textarea"),
            F("amount", "涉及金额（元）", "money"),
            F("decided_by", "决策机构", help="如：第三届理事会第五次会议"),
        ),
        required=False,
        order=11,
    ),
    ItemType(
        "social_responsibility",
        "社会责任报告",
        PUBLIC,
        YEARLY,
        "000 二(三)（探索发布年度社会责任报告）",
        fields=(F("summary", "报告摘要", "textarea"),),
        required=False,
        order=12,
    ),
    ItemType(
        "member_satisfaction",
        "会员满意度调查结果",
        PUBLIC,
        YEARLY,
        "DIS-1；000 二(四)；004 第16条",
        fields=(
            F("survey_period", "调查时间", help="如：2026-11-01 至 2026-11-30"),
            F("members", "调查时会员数", "integer"),
            F("respondents", "参与会员数", "integer"),
            SUMMARY,
        ),
        rows=(
            F("aspect", "评价项目"),
            F("average", "平均分（5分制）"),
            F("distribution", "评分分布", help="1分至5分各有多少会员"),
        ),
        rows_label="分项结果",
        required=False,
        order=13,
        description="每年一次、每个会员一份的匿名满意度调查汇总结果（少于3个会员作答的项目不公开）",
    ),
    # --- DIS-2: members only (000 二(二)) ---
    ItemType(
        "major_activities",
        "重大活动",
        MEMBERS,
        EVENT,
        "DIS-2；000 二(二)",
        fields=(
            F("held_on", "活动日期", "date"),
            F("place", "地点"),
            F("description", "活动内容", "textarea"),
            F("cost", "支出（元）", "money", required=False),
        ),
        required=False,
        order=20,
    ),
    ItemType(
        "income_expenditure",
        "收支情况",
        MEMBERS,
        HALFYEARLY,
        "DIS-2；000 二(二)",
        fields=(F("income", "收入合计（元）", "money"), F("expense", "支出合计（元）", "money"), SUMMARY),
        rows=(
            F("item", "项目"),
            F("income", "收入（元）", "money", required=False),
            F("expense", "支出（元）", "money", required=False),
        ),
        rows_label="收支明细",
        order=21,
    ),
    ItemType(
        "trips_abroad",
        "出国（境）考察",
        MEMBERS,
        EVENT,
        "DIS-2；000 二(二)",
        fields=(
            F("destination", "国家（地区）"),
            F("departed_on", "出发日期", "date"),
            F("returned_on", "返回日期", "date"),
            F("purpose", "任务", "textarea"),
            F("cost", "费用（元）", "money"),
            F("funded_by", "经费来源"),
        ),
        rows=(F("name", "团组成员"), F("unit", "单位及职务")),
        rows_label="团组成员",
        required=False,
        order=22,
    ),
    ItemType(
        "funding_received",
        "接受捐赠资助情况",
        MEMBERS,
        YEARLY,
        "DIS-2；000 二(二)",
        fields=(F("total", "合计（元）", "money"), SUMMARY),
        rows=(F("source", "捐赠资助方"), F("amount", "金额（元）", "money"), F("use", "使用情况")),
        rows_label="捐赠资助及使用明细",
        order=23,
    ),
    ItemType(
        "annual_work_report",
        "年度工作报告",
        MEMBERS,
        YEARLY,
        "DIS-2；《社会团体登记管理条例》第二十八条",
        source="annual_report",
        order=24,
        description="由报送登记管理机关的年度工作报告自动向会员公开",
    ),
    ItemType(
        "fee_income",
        "会费收支情况",
        MEMBERS,
        YEARLY,
        "DIS-2；FEE-1；000 二(四)",
        fields=(F("income", "会费收入（元）", "money"), F("spent", "会费支出（元）", "money"), SUMMARY),
        rows=(F("use", "支出用途"), F("amount", "金额（元）", "money")),
        rows_label="会费使用明细",
        order=25,
    ),
)
BY_CODE: dict[str, ItemType] = {t.code: t for t in TYPES}


def get(code: str) -> ItemType:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ApplicationError(f"未知的公开事项类型：{code}", code="unknown_item_type", field="item_type") from None


def typed_types() -> list[ItemType]:
    return [t for t in TYPES if t.typed]


# --- periods --------------------------------------------------------------------------------------------

# ASCII digits only: `\d` would also take "２０２５" or "٢٠٢٥", a second slot for the same year that DIS-3 never finds.
PERIOD = {YEARLY: re.compile(r"([0-9]{4})"), HALFYEARLY: re.compile(r"([0-9]{4})H([12])")}
FIRST_PERIOD_YEAR = 1900  # "0000" has no calendar day; no association discloses a period before this


def period_end(cadence: str, period: str) -> dt.date:
    """The last day of a yearly ("2025") or half-yearly ("2025H1") period."""
    match = PERIOD[cadence].fullmatch(period)
    if match is None:
        raise ValueError(period)
    year = int(match.group(1))
    if cadence == YEARLY or match.group(2) == "2":
        return dt.date(year, 12, 31)
    return dt.date(year, 6, 30)


def period_label(cadence: str, period: str) -> str:
    if cadence == YEARLY:
        return f"{period}年度"
    if cadence == HALFYEARLY:
        return f"{period[:4]}年{'上' if period.endswith('H1') else '下'}半年"
    return ""


def item_label(item: ItemType, period: str) -> str:
    """ "2025年度财务报告", "2025年上半年收支情况", "章程"."""
    prefix = period_label(item.cadence, period)
    title = item.title.removeprefix("年度") if prefix.endswith("年度") else item.title
    return prefix + title


def clean_period(item: ItemType, period: str, *, today: dt.date) -> str:
    """Check a period for a periodic item ("" for the others); a period must have ended to be disclosed."""
    # full-width input ("２０２５ｈ１", typed with a Chinese input method) reads as what it looks like
    period = unicodedata.normalize("NFKC", period or "").strip().upper()
    if item.cadence not in PERIOD:
        return ""
    example = "2025" if item.cadence == YEARLY else "2025H1 或 2025H2"
    match = PERIOD[item.cadence].fullmatch(period)
    if match is None:
        raise ApplicationError(f"“{item.title}”的期间应写作 {example}", code="period_format", field="period")
    if int(match.group(1)) < FIRST_PERIOD_YEAR:
        raise ApplicationError(
            f"期间“{period}”的年份应不早于 {FIRST_PERIOD_YEAR} 年，请写作 {example}",
            code="period_format",
            field="period",
        )
    if period_end(item.cadence, period) >= today:
        raise ApplicationError(
            f"{period_label(item.cadence, period)}尚未结束，不能公开“{item.title}”",
            code="period_not_ended",
            field="period",
        )
    return period


# --- structured fields ------------------------------------------------------------------------------------


def clean_value(spec: FieldSpec, raw: Any, where: str, field_name: str) -> Any:
    value = "" if raw is None else str(raw).strip()
    if not value:
        if spec.required:
            raise ApplicationError(f"{where}请填写“{spec.label}”", code="required", field=field_name)
        return ""
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ApplicationError(
                f"{where}“{spec.label}”应为 YYYY-MM-DD 格式的日期", code="invalid_date", field=field_name
            ) from None
    if spec.kind == "money":
        try:
            amount = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ApplicationError(
                f"{where}“{spec.label}”应为金额（元），如 12800.00", code="invalid_money", field=field_name
            ) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
            raise ApplicationError(f"{where}“{spec.label}”应为不小于 0 的金额", code="invalid_money", field=field_name)
        return str(amount.quantize(Decimal("0.01")).copy_abs())  # "-0" is 0.00, never a negative zero on the page
    if spec.kind == "integer":
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            raise ApplicationError(
                f"{where}“{spec.label}”应为不小于 0 的整数", code="invalid_integer", field=field_name
            )
        return int(value)
    if spec.kind == "url" and not re.match(r"^https?://\S+$", value):
        raise ApplicationError(
            f"{where}“{spec.label}”应为以 http:// 或 https:// 开头的网址", code="invalid_url", field=field_name
        )
    limit = 20000 if spec.kind == "textarea" else 200
    if len(value) > limit:
        raise ApplicationError(f"{where}“{spec.label}”不能超过 {limit} 字", code="too_long", field=field_name)
    return value


def clean_data(item: ItemType, data: dict[str, Any]) -> dict[str, Any]:
    """Validate an item's structured fields and table rows; refuse naming the field (and row) that is wrong.

    Returns {"fields": {...}, "rows": [{...}, ...]} with dates as ISO strings and money as strings of 2 decimals.
    """
    if not item.typed:
        raise ApplicationError(f"“{item.title}”由其他业务自动公开，无需填报", code="item_not_typed", field="item_type")
    fields_in = data.get("fields") or {}
    if not isinstance(fields_in, dict):
        raise ApplicationError("fields 应为对象", code="invalid_fields", field="fields")
    unknown = sorted(set(fields_in) - {spec.name for spec in item.fields})
    if unknown:
        raise ApplicationError(
            f"“{item.title}”没有字段：{'、'.join(unknown)}", code="unknown_field", field=f"fields.{unknown[0]}"
        )
    fields = {spec.name: clean_value(spec, fields_in.get(spec.name), "", f"fields.{spec.name}") for spec in item.fields}
    rows_in = data.get("rows") or []
    if not isinstance(rows_in, list) or any(not isinstance(row, dict) for row in rows_in):
        raise ApplicationError("rows 应为对象数组", code="invalid_rows", field="rows")
    if rows_in and not item.rows:
        raise ApplicationError(f"“{item.title}”没有明细表", code="no_rows", field="rows")
    if len(rows_in) > MAX_ROWS:
        raise ApplicationError(f"明细最多 {MAX_ROWS} 行", code="too_many_rows", field="rows")
    rows = []
    for index, row in enumerate(rows_in, start=1):
        if not any(str(v).strip() for v in row.values() if v is not None):
            continue  # a blank row in a form is not a row
        names = {spec.name for spec in item.rows}
        stray = sorted(set(row) - names)
        if stray:
            raise ApplicationError(
                f"第 {index} 行没有字段：{'、'.join(stray)}", code="unknown_field", field=f"rows.{index - 1}.{stray[0]}"
            )
        rows.append(
            {
                spec.name: clean_value(
                    spec, row.get(spec.name), f"{item.rows_label}第 {index} 行", f"rows.{index - 1}.{spec.name}"
                )
                for spec in item.rows
            }
        )
    return {"fields": fields, "rows": rows}
