"""`xiehui dataport flush`: import the query audit's journal files that no live worker holds."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiehui.dataport import journal


class Command(BaseCommand):
    help = "Data port maintenance: `flush` imports the query audit journal (files of finished or crashed workers)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["flush"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = journal.import_ready()
        pending = len(list(journal.directory().glob("*.jsonl"))) + len(list(journal.directory().glob("*.ready")))
        self.stdout.write(f"查询审计：导入 {count} 条记录；仍由运行中的进程持有的日志文件 {pending} 个")
