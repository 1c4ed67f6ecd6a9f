"""The catalogue of rules: every rule the code enforces, with its id, basis and parameters.

A domain declares its rules in its own `rules.py` with `@rule(...)`; the
declaration is what explanations cite ("why was this refused?") and what the
rules engine (`xiehui tick`, issue 3) evaluates as of a date. Parameters marked
configurable in docs/domain are named here with their defaults, so every
explanation can show the value in force.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    basis: str
    parameters: dict[str, Any] = field(default_factory=dict)


REGISTRY: dict[str, RuleSpec] = {}


def declare(rule_id: str, *, title: str, basis: str, **parameters: Any) -> RuleSpec:
    """Declare a rule once; declaring the same id twice is a programming error."""
    if rule_id in REGISTRY and REGISTRY[rule_id] != RuleSpec(rule_id, title, basis, parameters):
        raise ValueError(f"rule {rule_id} declared twice with different content")
    spec = RuleSpec(rule_id, title, basis, parameters)
    REGISTRY[rule_id] = spec
    return spec


def rule(rule_id: str, *, title: str, basis: str, **parameters: Any) -> Callable[[F], F]:
    """Decorator form of `declare` for the function that implements the rule."""
    spec = declare(rule_id, title=title, basis=basis, **parameters)

    def wrap(func: F) -> F:
        func.rule = spec  # type: ignore[attr-defined]
        return func

    return wrap


def get(rule_id: str) -> RuleSpec:
    return REGISTRY[rule_id]
