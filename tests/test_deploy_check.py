"""Production settings pass Django's deployment checks, refuse to start without secrets, and send CSP headers."""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
import subprocess
import sys

import pytest

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def xiehui(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `xiehui` command (manage.py as an entry point) in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "xiehui", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    # A clean environment: no XIEHUI_* of the developer's, and no DJANGO_ALLOW_ASYNC_UNSAFE (set for the
    # browser tests, and rightly refused by the deployment checks).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XIEHUI_", "DJANGO_"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        XIEHUI_ENV="production",
        XIEHUI_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        XIEHUI_PII_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        XIEHUI_ALLOWED_HOSTS="xiehui.example.gov.cn",
        XIEHUI_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="xiehui.settings",
    )
    env.update(overrides)
    return env


def test_production_settings_pass_deploy_checks(tmp_path):
    result = xiehui("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "no issues" in result.stdout


def test_production_settings_enable_https_cookies_hsts_and_csp(tmp_path):
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG, "
        "'csp': 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ssl": True,
        "hsts": 31536000,
        "session": True,
        "csrf": True,
        "debug": False,
        "csp": True,
    }


@pytest.mark.parametrize("variable", ["XIEHUI_SECRET_KEY", "XIEHUI_PII_KEY"])
def test_production_refuses_to_start_without_secret(tmp_path, variable):
    env = production_env(tmp_path)
    del env[variable]
    result = xiehui("check", env=env)
    assert result.returncode != 0
    assert f"environment variable {variable} is required" in result.stderr


def test_response_carries_strict_csp_and_denies_framing(db, client):
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}
    assert "'self'" in directives["script-src"]
    assert not any("unsafe-inline" in source or "unsafe-eval" in source for source in directives["script-src"])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
