"""`xiehui audit verify`: walk the SM3 hash chain of the audit log (core/audit.py).

Prints how many entries were checked; at the first broken link (an edited entry, a
deleted one, a missing tail) prints which entry and why and exits with status 1.
Meant for a nightly timer and for after every restore (docs/operations.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xiehui.core import audit


class Command(BaseCommand):
    help = "Audit log tools. `verify`: check the SM3 hash chain; exit 1 at the first broken link."

    def add_arguments(self, parser: Any) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        subcommands.add_parser("verify", help="check every entry's hash and link; exit 1 at the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()

    def _verify(self) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败（seq={result.broken_seq}）：{result.reason}；此前 {result.checked} 条完好。",
                returncode=1,
            )
        self.stdout.write(f"审计日志校验通过：共 {result.checked} 条记录，哈希链完整（OK）。")
