"""Configurable rule parameters: the default from the rule catalogue, overridden by a stored row.

Every effect and refusal that depends on a parameter shows the value in force,
so `values()` returns the whole set for a rule and `value()` one of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from . import audit, rules
from .errors import ApplicationError
from .models import Parameter, User


def _split(key: str) -> tuple[str, str]:
    rule_id, _, name = key.partition(".")
    return rule_id, name


def default(key: str) -> Any:
    rule_id, name = _split(key)
    spec = rules.REGISTRY.get(rule_id)
    if spec is None or name not in spec.parameters:
        raise KeyError(f"unknown rule parameter {key}")
    return spec.parameters[name]


def overrides() -> dict[str, Any]:
    """Every stored override, read once (the engine reads this at the start of a tick)."""
    return dict(Parameter.objects.values_list("key", "value"))


def value(key: str, *, stored: dict[str, Any] | None = None) -> Any:
    """The value in force for "<rule id>.<name>"."""
    fallback = default(key)
    table = overrides() if stored is None else stored
    return table.get(key, fallback)


def values(rule_id: str, *, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """All parameters of one rule with the values in force."""
    spec = rules.get(rule_id)
    table = overrides() if stored is None else stored
    return {name: table.get(f"{rule_id}.{name}", fallback) for name, fallback in spec.parameters.items()}


def catalogue(*, stored: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every configurable parameter with its rule, default and value in force (for the console)."""
    table = overrides() if stored is None else stored
    rows = []
    for spec in sorted(rules.REGISTRY.values(), key=lambda s: s.id):
        for name, fallback in spec.parameters.items():
            key = f"{spec.id}.{name}"
            rows.append(
                {
                    "key": key,
                    "rule_id": spec.id,
                    "title": spec.title,
                    "name": name,
                    "default": fallback,
                    "value": table.get(key, fallback),
                    "overridden": key in table,
                }
            )
    return rows


TYPE_NAMES = {int: "整数", list: "整数列表", str: "文本", bool: "是或否"}


def out_of_bounds(key: str, value: Any, fallback: Any) -> str:
    """Why a value cannot be put in force (empty if it can): every rule reads it on every run.

    Counts, days, months and amounts are positive integers; a month is 1-12 and a
    day 1-31; a list (reminder days) is of distinct positive integers; a year is a year.
    """
    name = key.partition(".")[2]
    if type(value) is not type(fallback):
        return f"应为{TYPE_NAMES.get(type(fallback), '与默认值相同类型的值')}"
    if isinstance(value, list):
        if not value or any(type(v) is not int or v < 1 for v in value) or len(set(value)) != len(value):
            return "应为不重复的正整数列表，如 [30, 7, 1]"
        return ""
    if isinstance(value, int):
        if name.endswith("_month"):
            return "" if 1 <= value <= 12 else "应为 1 至 12 的月份"
        if name.endswith("_day"):
            return "" if 1 <= value <= 31 else "应为 1 至 31 的日期"
        if name.endswith("_year"):
            return "" if 2000 <= value <= 2100 else "应为 2000 至 2100 之间的年份"
        return "" if value >= 1 else "应为正整数"
    return ""


@transaction.atomic
def parameter_set(*, actor: User, key: str, value: Any, note: str, now: dt.datetime) -> Parameter:
    """Override a parameter; the value must have the default's type (an int stays an int)."""
    try:
        fallback = default(key)
    except KeyError:
        raise ApplicationError(f"不存在规则参数“{key}”", code="parameter_unknown", field="key") from None
    problem = out_of_bounds(key, value, fallback)
    if problem:
        raise ApplicationError(f"参数“{key}”{problem}", code="parameter_invalid", field="value")
    if not note.strip():
        raise ApplicationError("请填写调整理由", code="parameter_note_required", field="note")
    before = Parameter.objects.filter(key=key).values_list("value", flat=True).first()
    row, _ = Parameter.objects.update_or_create(
        key=key, defaults={"value": value, "note": note.strip(), "changed_by": actor, "changed_at": now}
    )
    audit.record(
        actor=actor,
        action="core.parameter.set",
        obj=row,
        changes=audit.diff({"value": fallback if before is None else before}, {"value": value}),
        now=now,
    )
    return row
