"""`xiehui tick --as-of YYYY-MM-DD [--dry-run] [--association USCC]`: run the rules engine (core/engine.py).

Evaluates every registered rule for every association as of the date and
applies the effects (listings, removals, flags, orders, reminders, inspection
cases). Idempotent: run it daily from a timer (docs/operations.md); running it
again, or for each day in turn, leaves the same state as running it once.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiehui.core import clock, engine
from xiehui.core.errors import ApplicationError

LABELS = {
    "listing.opened": "列入名录",
    "listing.opened_and_ended": "其中已期满移出",
    "listing.ended": "移出名录",
    "listing.dates_moved": "移出日期重新计算（CR-X）",
    "flag.raised": "逾期标记",
    "flag.cleared": "逾期标记解除",
    "order.issued": "自动下达整改通知",
    "reminder.sent": "到期提醒",
    "inspection.opened": "启动重点检查",
}


class Command(BaseCommand):
    help = "Evaluate every rule for every association as of a date and apply the effects (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", dest="as_of", help="the date to evaluate (YYYY-MM-DD); default today")
        parser.add_argument("--dry-run", action="store_true", help="compute and report the effects, store nothing")
        parser.add_argument("--association", metavar="USCC", help="only this association")
        parser.add_argument("--chunk", type=int, default=2000, help="associations per transaction (default 2000)")
        parser.add_argument("--quiet", action="store_true", help="no progress line")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = self._as_of(options["as_of"])
        only = None
        if options["association"]:
            found = engine.ORGANIZATIONS["find"](options["association"].strip().upper())
            if found is None:
                raise CommandError(f"未找到统一社会信用代码为 {options['association']} 的社会团体")
            only = [found]
        show = not options["quiet"] and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                sys.stderr.write(f"\r已评估 {done}/{total} 个社会团体（{done * 100 // max(total, 1)}%）")
                sys.stderr.flush()

        try:
            result = engine.tick(
                as_of=as_of, dry_run=options["dry_run"], org_ids=only, chunk=options["chunk"], progress=progress
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if show:
            sys.stderr.write("\n")
        mode = "（试运行，未保存）" if result.dry_run else ""
        self.stdout.write(
            f"规则引擎评估日 {as_of:%Y-%m-%d}{mode}：{result.organizations} 个社会团体，用时 {result.seconds:.1f} 秒"
        )
        if not result.counts:
            self.stdout.write("  无新的效果（状态已是最新）")
        for key, count in sorted(result.counts.items()):
            if count:
                self.stdout.write(f"  {LABELS.get(key, key)}：{count}（{key}）")

    def _as_of(self, value: str | None) -> dt.date:
        if not value:
            return clock.today()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD 格式的日期，收到“{value}”") from None
