"""`xiehui import FILE [--dry-run]`: import the register from CSV or XLSX, all or nothing.

Every row is validated first and every error printed by row and column; only a file
without errors is written, in one transaction. Run without --user the command acts for
the system (no jurisdiction limit); with --user it acts as that officer, limited to
their jurisdiction, and the audit log names them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.registry import importer

ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = "Import the register from a CSV or XLSX file (all or nothing); errors by row and column."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV (UTF-8/GB18030) or XLSX file with the template's header row")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--user", help="act as this officer (jurisdiction and audit); default: system")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        actor = self._actor(opts["user"])
        started = time.perf_counter()
        try:
            result = importer.validate_file(path.read_bytes(), path.name, actor=actor, today=clock.today(),
                                            progress=_progress)  # fmt: skip
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        sys.stderr.write("\n")
        if not result.ok:
            for error in result.errors[:ERRORS_PRINTED]:
                self.stderr.write(importer.error_line(error))
            raise CommandError(
                f"校验未通过：共 {result.error_count} 处错误（{result.total_rows} 行），未导入任何数据。"
            )
        if opts["dry_run"]:
            self.stdout.write(f"校验通过：{result.total_rows} 行全部有效；--dry-run，未写入。")
            return
        created = importer.load(actor=actor, result=result, now=clock.now())  # one transaction
        self.stdout.write(f"已导入 {created} 个社会团体，用时 {time.perf_counter() - started:.1f} 秒。")

    def _actor(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None or user.jurisdiction_prefix is None:
            raise CommandError(f"用户 {username} 不存在或不是登记管理机关工作人员")
        return user


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r已校验 {done:,}/{total:,} 行")
    sys.stderr.flush()
