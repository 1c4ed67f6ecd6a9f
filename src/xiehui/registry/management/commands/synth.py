"""`xiehui synth --orgs N`: append a large synthetic register for benchmarks.

Bodies are as complete as the demo's (grams, industries, history, decoupling items, an
encrypted legal representative each: REG-4 holds, and encryption costs ~15 µs a person, so
one person per body is affordable). USCC bodies are `HC` + 6 digits per authority, after the
highest already present, so runs append without colliding with the demo (`MJ…`) or each
other; identity numbers use sequence codes 500-999, which the demo never does.

A worker process generates and prepares the batches (names, grams, encryption: about half
the CPU time) while this process writes them, one transaction per batch.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import time
import traceback
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Max
from django.db.models.functions import Substr

from xiehui.core import clock
from xiehui.core.models import Industry, Level, Region
from xiehui.registry.bulk import PreparedBatch, organizations_bulk_prepare, organizations_bulk_write
from xiehui.registry.demo_data import RegisterGenerator, SyntheticIdentities, places
from xiehui.registry.models import Organization, RegisteredItemChange

BODY_PREFIX = "HC"  # 合成; the USCC alphabet has no S, so not "SY"
LEVEL_SHARES = {Level.PROVINCIAL: 0.01, Level.MUNICIPAL: 0.14, Level.COUNTY: 0.85}


class Command(BaseCommand):
    help = "Append N synthetic organisations to the register (bulk, for benchmarks); progress on stderr."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orgs", type=int, required=True, help="how many organisations to add")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--batch", type=int, default=5000, help="organisations per transaction")
        parser.add_argument("--no-worker", action="store_true", help="prepare batches in this process")

    def handle(self, *args: Any, **opts: Any) -> None:
        total, size = opts["orgs"], opts["batch"]
        if total < 1 or size < 1:
            raise CommandError("--orgs 和 --batch 须为正整数")
        plan = SynthPlan(seed=opts["seed"], total=total, size=size, now=clock.now())
        if connection.vendor == "sqlite":
            # A large page cache keeps the indexes being extended in memory (the default is 2 MB).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        started, done = time.perf_counter(), 0
        for batch in plan.batches() if opts["no_worker"] else _in_worker(plan):
            organizations_bulk_write(actor=None, batch=batch, now=plan.now)
            done += len(batch.organizations)
            elapsed = time.perf_counter() - started
            sys.stderr.write(f"\r{done:,}/{total:,} 个社会团体  {done / elapsed:,.0f} 个/秒  {elapsed:,.0f} 秒")
            sys.stderr.flush()
        sys.stderr.write("\n")
        self.stdout.write(f"已追加 {total:,} 个合成社会团体，用时 {time.perf_counter() - started:,.1f} 秒。")


class SynthPlan:
    """What to generate, knowing what the register already holds (read here, before any worker starts)."""

    def __init__(self, *, seed: int, total: int, size: int, now: Any) -> None:
        self.total, self.size, self.now = total, size, now
        self.gen, self.serials, self.first = _prepare(seed)

    def batches(self) -> Iterator[PreparedBatch]:
        identities = SyntheticIdentities()
        levels, weights = list(LEVEL_SHARES), list(LEVEL_SHARES.values())
        gen, serials = self.gen, self.serials
        for start in range(0, self.total, self.size):
            records = []
            for index in range(self.first + start, self.first + min(start + self.size, self.total)):
                level = gen.rng.choices(levels, weights=weights)[0]
                authority = gen.authority(level)
                serials[authority.code] = serials.get(authority.code, 0) + 1
                if serials[authority.code] > 999_999:
                    raise CommandError(f"登记管理机关 {authority.code} 的合成代码已用尽")
                number, seq = identities.number(index)
                records.append(
                    gen.organization(
                        level=level,
                        uscc_body=f"{BODY_PREFIX}{serials[authority.code]:06d}",
                        representative=(gen.person_name(male=seq % 2 == 1), number),
                        authority=authority,
                    )
                )
            yield organizations_bulk_prepare(records, now=self.now, source=RegisteredItemChange.Source.REGISTRATION)


def _in_worker(plan: SynthPlan) -> Iterator[PreparedBatch]:
    """The plan's batches, prepared in a forked process (it never touches the database connection)."""
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue(maxsize=3)
    worker = context.Process(target=_produce, args=(plan, queue), daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, str):
                raise CommandError(f"生成合成数据时出错：\n{item}")
            yield item
        worker.join()
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join()


def _produce(plan: SynthPlan, queue: Any) -> None:
    try:
        for batch in plan.batches():
            queue.put(batch)
        queue.put(None)
    except BaseException:
        queue.put(traceback.format_exc())


def _prepare(seed: int) -> tuple[RegisterGenerator, dict[str, int], int]:
    """The generator (knowing every name already taken), the last HC serial per authority, the next person index."""
    synthetic = Organization.objects.annotate(body=Substr("uscc", 9, 2)).filter(body=BODY_PREFIX)
    serials, first = {}, 0
    for authority, top, n in (
        synthetic.values("authority_region_id")
        .annotate(top=Max("uscc"), n=Count("id"))
        .values_list("authority_region_id", "top", "n")
    ):
        serials[authority] = int(top[10:16])
        first += n
    rows = Region.objects.filter(code__startswith="37").values_list("code", "name", "full_name", "kind", "parent_id")
    sections = dict(Industry.objects.filter(kind=Industry.Kind.DIVISION).values_list("code", "section_id"))
    # A run that appends gets its own random stream, so it does not replay the previous run's names.
    run_seed = int.from_bytes(hashlib.sha256(f"{seed}:{first}".encode()).digest()[:8], "big")
    gen = RegisterGenerator(
        seed=run_seed,
        places=places(list(rows)),
        industry_sections=sections,
        specialties=0.15,
        plain_attempts=1,
    )
    for authority, name in Organization.objects.values_list("authority_region_id", "name").iterator(chunk_size=20000):
        gen.taken.add(gen.name_key(authority, name))
    return gen, serials, first
