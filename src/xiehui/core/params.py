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


@transaction.atomic
def parameter_set(*, actor: User, key: str, value: Any, note: str, now: dt.datetime) -> Parameter:
    """Override a parameter; the value must have the default's type (an int stays an int)."""
    try:
        fallback = default(key)
    except KeyError:
        raise ApplicationError(f"不存在规则参数“{key}”", code="parameter_unknown", field="key") from None
    if type(value) is not type(fallback):
        raise ApplicationError(
            f"参数“{key}”应为{type(fallback).__name__}类型的值", code="parameter_type", field="value"
        )
    if isinstance(value, int) and value < 0:
        raise ApplicationError(f"参数“{key}”不能为负数", code="parameter_negative", field="value")
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
