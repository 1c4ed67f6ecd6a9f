"""`xiehui tick`: arguments, summary, dry run, one association, bad dates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xiehui.core.models import TickRun
from xiehui.credit.models import Listing

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("tick", *args, stdout=out)
    return out.getvalue()


def test_it_lists_late_reporters_and_prints_a_summary(world):
    out = run("--as-of", "2026-06-01")
    assert "规则引擎评估日 2026-06-01" in out and "2 个社会团体" in out
    assert "列入名录：2（listing.opened）" in out
    assert Listing.objects.count() == 2
    assert TickRun.objects.get().counts["listing.opened"] == 2


def test_a_second_run_reports_nothing_new(world):
    run("--as-of", "2026-06-01")
    assert "无新的效果" in run("--as-of", "2026-06-01")


def test_dry_run_stores_nothing(world):
    out = run("--as-of", "2026-06-01", "--dry-run")
    assert "试运行" in out and "列入名录：2" in out
    assert not Listing.objects.exists() and not TickRun.objects.exists()


def test_one_association_by_uscc(world):
    out = run("--as-of", "2026-06-01", "--association", world.org_b.uscc.lower())
    assert "1 个社会团体" in out
    assert list(Listing.objects.values_list("organization_id", flat=True)) == [world.org_b.pk]


def test_unknown_association_is_an_error(world):
    with pytest.raises(CommandError, match="未找到统一社会信用代码"):
        run("--association", "91370000MA3C0000X1")


def test_bad_date_is_an_error(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", "2026-13-01")
