"""FEE-1 fee standards (000 二(四)；民发〔2014〕166号).

Two halves:
- `clean_standard()`: what a fee standard must say before it can go to the assembly's
  ballot — at most `max_tiers` tiers by member class, each a fixed amount (no rates, no
  ranges), the services the fee covers, an effective date; branches set no fees.
  Services call it when a draft is proposed or edited and again when the ballot freezes.
- the engine: a passed fee-standard resolution must be published to all members within
  `publication_days` of its adoption; reminders 7 and 1 days before the deadline, a flag
  from the day after it (cleared when published).

A fee standard never takes effect except through a passed ballot of the member
(representative) assembly: voting publishes the resolution and calls
`services_fees.fee_standard_decide`; there is no service that adopts one directly.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from xiehui.core import engine, params
from xiehui.core.errors import ApplicationError
from xiehui.core.rules import declare
from xiehui.registry.models import Organization

from .models import MemberClass

FEE1 = declare(
    "FEE-1",
    title="会费标准由会员（代表）大会无记名投票表决（到会2/3以上、到会过半数通过），"
    "固定金额、不超过4档、不设浮动，说明对应服务；决议30日内向全体会员公开；分支机构不得单独制定会费标准",
    basis="000 二(四)；民发〔2014〕166号",
    quorum_num=2,
    quorum_den=3,
    max_tiers=4,
    publication_days=30,
)

REMINDER_DAYS = (7, 1)  # days before the publication deadline
MAX_AMOUNT = Decimal("9999999999.99")  # FeeTier.amount: max_digits=12, decimal_places=2
TITLE_MAX, CLASS_MAX = 100, 30
PLAIN_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$", re.ASCII)
RATE_OR_RANGE = re.compile(r"[%％‰~～至到—–]|\d\s*-\s*\d|以上|以下|比例|浮动")


def refusal(message: str, *, field: str | None, status: int = 400, **facts: Any) -> ApplicationError:
    """A refusal under FEE-1, citing the rule in the message, the code and the detail."""
    text = f"FEE-1：{message}"
    finding = {"rule": "FEE-1", "field": field, "message": text}
    return ApplicationError(
        text, code="FEE-1", field=field, status=status, extra={"rule_id": "FEE-1", "findings": [finding], **facts}
    )


def parse_amount(value: Any, *, field: str) -> Decimal:
    """One fixed yearly amount in yuan, at most two decimals; rates ("1%") and ranges ("1000-2000") are refused."""
    if isinstance(value, bool):
        raise ApplicationError("会费金额应为数字", code="invalid_amount", field=field)
    if isinstance(value, Decimal | int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = unicodedata.normalize("NFKC", str(value or "")).strip().replace(",", "").replace("元", "")
    if not text:
        raise ApplicationError("请填写会费金额（元）", code="required", field=field)
    if RATE_OR_RANGE.search(text):
        raise refusal(
            f"会费应为固定金额，不得按比例、区间或浮动收取（“{str(value)[:30]}”）；请填写一个金额，如 2000.00",
            field=field,
        )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ApplicationError(
            f"会费金额“{str(value)[:30]}”不是有效的金额，如 2000.00", code="invalid_amount", field=field
        ) from None
    if not amount.is_finite():
        raise ApplicationError(
            f"会费金额“{str(value)[:30]}”不是有效的金额，如 2000.00", code="invalid_amount", field=field
        )
    if amount < 0:
        raise ApplicationError("会费金额不能为负数", code="invalid_amount", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError("会费金额最多保留两位小数（精确到分）", code="invalid_amount", field=field)
    if amount > MAX_AMOUNT:
        raise ApplicationError(f"会费金额不能超过 {MAX_AMOUNT:,} 元", code="invalid_amount", field=field)
    return amount.quantize(Decimal("0.01"))


def clean_tiers(
    organization: Organization, tiers: Sequence[tuple[str, Any]], *, stored: dict[str, Any] | None = None
) -> list[tuple[str, Decimal]]:
    """The tiers checked: 1 to max_tiers, distinct classes (of the charter's classes when it defines them)."""
    max_tiers = params.value("FEE-1.max_tiers", stored=stored)
    if not tiers:
        raise ApplicationError("请至少填写一档会费（会员类别和金额）", code="required", field="tiers")
    if len(tiers) > max_tiers:
        raise refusal(
            f"会费标准最多设 {max_tiers} 档，本标准有 {len(tiers)} 档；请合并会员类别",
            field="tiers",
            tiers=len(tiers),
            max_tiers=max_tiers,
        )
    defined = list(MemberClass.objects.filter(organization=organization).values_list("name", flat=True))
    seen: set[str] = set()
    out: list[tuple[str, Decimal]] = []
    for index, (member_class, amount) in enumerate(tiers):
        name = (member_class or "").strip()
        field = f"tiers.{index}.member_class"
        if not name:
            raise ApplicationError(f"第 {index + 1} 档：请填写会员类别", code="required", field=field)
        if len(name) > CLASS_MAX:
            raise ApplicationError(f"第 {index + 1} 档：会员类别不能超过 {CLASS_MAX} 字", code="too_long", field=field)
        if defined and name not in defined:
            raise ApplicationError(
                f"第 {index + 1} 档：本会章程未设“{name}”这一会员类别（已设：{'、'.join(defined)}）",
                code="unknown_member_class",
                field=field,
            )
        if name in seen:
            raise ApplicationError(
                f"第 {index + 1} 档：会员类别“{name}”重复，每个类别只能有一个固定金额",
                code="duplicate_member_class",
                field=field,
            )
        seen.add(name)
        out.append((name, parse_amount(amount, field=f"tiers.{index}.amount")))
    return out


def check_branch(branch: str | None) -> None:
    """Branches (分支机构) set no fees of their own: only the association's assembly does."""
    if (branch or "").strip():
        raise refusal(
            f"分支机构不得单独制定会费标准（“{branch.strip()[:50]}”）；会费标准只能由本会会员（代表）大会表决通过",  # type: ignore[union-attr]
            field="branch",
        )


def clean_standard(
    *,
    organization: Organization,
    title: str,
    services_covered: str,
    effective_on: dt.date | None,
    tiers: Sequence[tuple[str, Any]],
    branch: str | None = "",
) -> dict[str, Any]:
    """Every FEE-1 requirement on the text of a standard; returns the cleaned values."""
    check_branch(branch)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写标准名称", code="required", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"标准名称不能超过 {TITLE_MAX} 字", code="too_long", field="title")
    services_covered = (services_covered or "").strip()
    if not services_covered:
        raise refusal("须说明会费对应的服务项目", field="services_covered")
    if effective_on is None:
        raise ApplicationError("请填写生效日期", code="required", field="effective_on")
    return {
        "title": title,
        "services_covered": services_covered,
        "effective_on": effective_on,
        "tiers": clean_tiers(organization, tiers),
    }


# --- the engine: publication of a passed fee-standard resolution to all members ---------------------------


@engine.loader
def fee_resolutions(lo: int, hi: int, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Passed fee-standard resolutions adopted on or before `as_of`, for organisations lo..hi."""
    from xiehui.governance.models import MatterKind, Resolution

    out: dict[int, dict[str, Any]] = {}
    rows = (
        Resolution.objects.filter(
            organization_id__gte=lo,
            organization_id__lte=hi,
            matter=MatterKind.FEE_STANDARD,
            passed=True,
            adopted_on__lte=as_of,
        )
        .order_by()
        .values("organization_id", "id", "number", "adopted_on", "published_to_members_on")
    )
    for row in rows:
        out.setdefault(row["organization_id"], {}).setdefault("fee_resolutions", []).append(row)
    return out


def publication_deadline(adopted_on: dt.date, days: int) -> dt.date:
    return adopted_on + dt.timedelta(days=days)


@engine.evaluator(stage=10)
def fee_1_publication(f: engine.OrgFacts, ctx: engine.Context) -> Iterator[engine.Effect]:
    """FEE-1: a passed fee resolution unpublished to members `publication_days` after adoption is flagged."""
    values = ctx.params("FEE-1")
    for r in f.fee_resolutions:
        due = publication_deadline(r["adopted_on"], values["publication_days"])
        published = r["published_to_members_on"]
        published = published if published is not None and published <= ctx.as_of else None
        label = f"会费标准决议 {r['number']}（{r['adopted_on']:%Y-%m-%d} 通过）"
        if ctx.as_of > due and (published is None or published > due):
            facts = f"{label}应于{due:%Y-%m-%d}前向全体会员公布，至{due + dt.timedelta(days=1):%Y-%m-%d}仍未公布"
            if published is not None:
                facts += f"；已于{published:%Y-%m-%d}公布"
            yield engine.Effect(
                "flag",
                f"FEE-1:{r['id']}",
                "FEE-1",
                due + dt.timedelta(days=1),
                facts,
                until=published,
                parameters=values,
                data={"subject": f"会费标准决议 {r['number']} 逾期未向会员公布"},
            )
        if ctx.as_of > due:
            continue
        for days in REMINDER_DAYS:
            remind_on = due - dt.timedelta(days=days)
            if remind_on <= ctx.as_of and (published is None or published > remind_on):
                yield engine.Effect(
                    "reminder",
                    f"FEE-1:{r['id']}:R{days}",
                    "FEE-1",
                    remind_on,
                    f"{label}应于{due:%Y-%m-%d}前向全体会员公布，距截止还有{days}天",
                    parameters=values,
                    data={"subject": f"会费标准决议 {r['number']} 将于{days}天后截止公布", "due_on": due},
                )
