"""The rules engine behind `xiehui tick` (issue 3): rules read facts as of a date and return effects.

How it stays idempotent and order-independent
---------------------------------------------
A rule never looks at "today"; it computes, from the facts dated on or before
`as_of`, the *whole* set of effects that should exist by then, each with a
natural key ("CR-A1:2025") and the dates it holds from and, where the rule ends
it by itself, until. The appliers then reconcile that desired set with the
rows already stored: create what is missing, end what the rule has ended,
update what a later fact moved (CR-X), and never touch a row whose key is not
produced (facts only accrue; a row ended by a person stays ended). Because
every date comes from the facts and not from the run, running tick twice, or
day by day, leaves the same rows as running it once at the end. Reminders are
the one exception by design: a reminder is only produced while its deadline is
still ahead, so a run after the deadline does not send stale reminders.

How a domain plugs in (in its AppConfig.ready, by importing its rules module)
---------------------------------------------------------------------------
- `@loader`: bulk-load the facts of a chunk of organisations (id range) into
  per-organisation attributes of `OrgFacts`.
- `@evaluator(stage=N)`: a function (facts, ctx) -> iterable of Effect. Stages
  run in order and see the effects of earlier stages in `facts.effects`, so the
  serious list can read the abnormal list, and key inspection the serious list.
- `applier(kind)`: reconcile one kind of effect with its table for a chunk.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection, transaction

from . import clock, params, rules
from .models import TickRun


@dataclass(frozen=True)
class Effect:
    """One effect a rule says should exist as of the evaluated date."""

    kind: str  # "listing", "flag", "order", "reminder", "inspection"
    key: str  # natural key, unique per organisation within its kind
    rule_id: str
    on: dt.date  # the day it takes hold (listed, raised, issued, reminded, opened)
    facts: str  # what caused it, in Chinese, with the dates that decided it
    until: dt.date | None = None  # the day the rule itself ends it, if it has come
    parameters: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)  # kind-specific fields

    @property
    def basis(self) -> str:
        return rules.get(self.rule_id).basis


class OrgFacts:
    """The facts of one organisation, filled by the loaders; `effects` grows as stages run."""

    def __init__(self, org_id: int, org: Mapping[str, Any]) -> None:
        self.org_id = org_id
        self.org = org
        self.effects: list[Effect] = []

    def __getattr__(self, name: str) -> Any:
        # A loader that found no rows for this organisation leaves the attribute unset.
        if name.startswith("__"):
            raise AttributeError(name)
        return []

    def of_kind(self, kind: str) -> list[Effect]:
        return [e for e in self.effects if e.kind == kind]


class Context:
    """The evaluated day and the parameters in force, read once per run and cached (rules read them per row)."""

    def __init__(self, as_of: dt.date, stored: Mapping[str, Any]) -> None:
        self.as_of = as_of
        self.stored = dict(stored)  # parameter overrides
        self._values: dict[str, Any] = {}
        self._params: dict[str, dict[str, Any]] = {}
        self.memo: dict[Any, Any] = {}  # for rules' own per-run values (e.g. a year's report deadline)

    def param(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            value = self._values[key] = params.value(key, stored=self.stored)
            return value

    def params(self, rule_id: str) -> dict[str, Any]:
        """All parameters of a rule (shared per run: read, do not modify)."""
        try:
            return self._params[rule_id]
        except KeyError:
            found = self._params[rule_id] = params.values(rule_id, stored=self.stored)
            return found


Loader = Callable[[int, int, dt.date], Mapping[int, Mapping[str, Any]]]
Evaluator = Callable[[OrgFacts, Context], Iterable[Effect]]


class Applier(Protocol):
    def __call__(
        self, desired: Mapping[int, list[Effect]], lo: int, hi: int, ctx: Context, now: dt.datetime
    ) -> Counter[str]: ...


LOADERS: list[Loader] = []
EVALUATORS: list[tuple[int, Evaluator]] = []
APPLIERS: dict[str, Applier] = {}
OrgIds = Callable[[list[int] | None], list[int]]
OrgRows = Callable[[int, int, list[int] | None], list[dict[str, Any]]]
ORGANIZATIONS: dict[str, Any] = {}


def loader(func: Loader) -> Loader:
    LOADERS.append(func)
    return func


def evaluator(*, stage: int) -> Callable[[Evaluator], Evaluator]:
    def wrap(func: Evaluator) -> Evaluator:
        EVALUATORS.append((stage, func))
        EVALUATORS.sort(key=lambda pair: pair[0])
        return func

    return wrap


def applier(kind: str) -> Callable[[Applier], Applier]:
    def wrap(func: Applier) -> Applier:
        APPLIERS[kind] = func
        return func

    return wrap


def organizations(*, ids: OrgIds, rows: OrgRows, find: Callable[[str], int | None]) -> None:
    """Register the source of organisations (the registry) without core importing it.

    `ids(only)` lists the ids to evaluate in ascending order; `rows(lo, hi, only)`
    gives each one's basic facts (id, uscc, name, registered_on, status, ...);
    `find(uscc)` gives one id.
    """
    ORGANIZATIONS.update(ids=ids, rows=rows, find=find)


def evaluate(facts: OrgFacts, ctx: Context) -> list[Effect]:
    """Run every evaluator in stage order for one organisation."""
    for _stage, func in EVALUATORS:
        facts.effects.extend(e for e in func(facts, ctx) if e.on <= ctx.as_of)
    return facts.effects


@dataclass
class TickResult:
    as_of: dt.date
    dry_run: bool
    organizations: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class _DryRun(Exception):
    pass


def tick(
    *,
    as_of: dt.date,
    dry_run: bool = False,
    org_ids: list[int] | None = None,
    chunk: int = 2000,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> TickResult:
    """Evaluate every rule for every organisation (or the given ones) as of a date and apply the effects."""
    if not ORGANIZATIONS:
        raise RuntimeError("no organisation source registered with the rules engine")
    started = time.perf_counter()
    now = now or clock.now()
    if connection.vendor == "sqlite":
        # A batch over the whole register: a 128 MB page cache (the default is 2 MB) keeps the
        # indexes it reads and writes in memory on a large database (docs/benchmarks.md, tick).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-131072")
    result = TickResult(as_of=as_of, dry_run=dry_run)
    ctx = Context(as_of=as_of, stored=params.overrides())
    all_ids = ORGANIZATIONS["ids"](org_ids)
    total = len(all_ids)
    for start in range(0, total, chunk):
        part = all_ids[start : start + chunk]
        lo, hi = part[0], part[-1]
        try:
            with transaction.atomic():
                counts = _tick_chunk(lo, hi, part if org_ids is not None else None, ctx, now)
                if dry_run:
                    result.counts.update(counts)
                    raise _DryRun
        except _DryRun:
            pass
        else:
            result.counts.update(counts)
        result.organizations += len(part)
        if progress is not None:
            progress(result.organizations, total)
    result.seconds = time.perf_counter() - started
    if not dry_run:
        TickRun.objects.create(
            as_of=as_of,
            started_at=now,
            seconds=round(result.seconds, 3),
            organizations=result.organizations,
            counts=dict(sorted(result.counts.items())),
        )
    return result


def _tick_chunk(lo: int, hi: int, only: list[int] | None, ctx: Context, now: dt.datetime) -> Counter[str]:
    orgs = ORGANIZATIONS["rows"](lo, hi, only)
    facts = {row["id"]: OrgFacts(row["id"], row) for row in orgs}
    for load in LOADERS:
        for org_id, attrs in load(lo, hi, ctx.as_of).items():
            target = facts.get(org_id)
            if target is not None:
                target.__dict__.update(attrs)
    desired: dict[str, dict[int, list[Effect]]] = {kind: {} for kind in APPLIERS}
    for org_id, org_facts in facts.items():
        for effect in evaluate(org_facts, ctx):
            desired.setdefault(effect.kind, {}).setdefault(org_id, []).append(effect)
    counts: Counter[str] = Counter()
    for kind, apply in APPLIERS.items():
        by_org = {org_id: effects for org_id, effects in desired.get(kind, {}).items() if org_id in facts}
        counts.update(apply(by_org, lo, hi, ctx, now))
    return +counts  # drop zero counts


def explain(*, rule_id: str, facts: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The answer to "why": the rule, its title and basis, the parameter values used and the facts."""
    spec = rules.REGISTRY.get(rule_id)
    return {
        "rule_id": rule_id,
        "title": spec.title if spec else "",
        "basis": spec.basis if spec else "",
        "parameters": dict(parameters or {}),
        "facts": facts,
    }
