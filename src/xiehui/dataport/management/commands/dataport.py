"""`xiehui dataport flush|prune`: import the query audit's journal files that no live worker holds; delete
the files of bulk exports past their keeping time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiehui.core import clock
from xiehui.dataport import journal, services


class Command(BaseCommand):
    help = (
        "Data port maintenance: `flush` imports the query audit journal (files of finished or crashed workers); "
        "`prune` deletes bulk exports older than XIEHUI_EXPORT_KEEP_DAYS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["flush", "prune"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "prune":
            count = services.exports_prune(now=clock.now())
            self.stdout.write(f"批量导出：删除 {count} 个过期导出的文件")
            return
        count = journal.import_ready()
        pending = len(list(journal.directory().glob("*.jsonl"))) + len(list(journal.directory().glob("*.ready")))
        self.stdout.write(f"查询审计：导入 {count} 条记录；仍由运行中的进程持有的日志文件 {pending} 个")
