"""`xiehui serve` reports a failed server to whoever started it (a supervisor restarts on a non-zero exit)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from xiehui.core.management.commands import serve


@pytest.mark.parametrize("code", [0, 3])
def test_serve_exits_with_granians_status(monkeypatch, code):  # type: ignore[no-untyped-def]
    ran: list[list[str]] = []

    def run(cmd: list[str], check: bool) -> Any:
        ran.append(cmd)
        return subprocess.CompletedProcess(cmd, code)

    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic here
    monkeypatch.setattr(serve.subprocess, "run", run)
    if code:
        with pytest.raises(CommandError) as raised:
            call_command("serve", "--no-worker", "--port", "8123")
        assert raised.value.returncode == 3 and "status 3" in str(raised.value)
    else:
        call_command("serve", "--no-worker", "--port", "8123")
    assert ran and ran[0][ran[0].index("--port") + 1] == "8123"
