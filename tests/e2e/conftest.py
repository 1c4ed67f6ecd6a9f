"""Browser journeys: Playwright (sync) with Debian's Chromium against pytest-django's live server.

See docs/stack.md ("Browser tests"): no `playwright install`; Chromium and a CJK font
come from apt (`make browser-deps`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# The fixed world lives in src/xiehui/conftest.py, which only applies under src/;
# importing its fixtures here makes them (and MD5 password hashing) apply to the journeys.
from xiehui import conftest as world_conftest
from xiehui.conftest import login

_fast_passwords = world_conftest._fast_passwords
world = world_conftest.world

# The sync Playwright API runs an event loop in the test thread; Django's ORM
# calls made there (building the world, reading results) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screenshots for humans (not asserted); test-results/ is gitignored.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """Run transactional tests (journeys, schemathesis) after every plain `db` test, as Django does.

    pytest-django sorts them so, but pytest then regroups items by session-scoped
    parametrized fixtures (Playwright's `browser_name`), which can move the journeys
    before `db` tests; a transactional test's flush would leave those without the
    migration data (regions, industries). Sorting again last restores Django's order.
    """
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    django_order(items)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run `make browser-deps` (apt-get install chromium fonts-noto-cjk)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):  # type: ignore[no-untyped-def]
    # zh-CN so that LocaleMiddleware serves the Chinese pages whatever the machine's locale.
    return {**browser_context_args, "base_url": live_server.url, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def _test_thread_connections(django_db_setup):  # type: ignore[no-untyped-def]
    """The test thread's database connections, taken before Playwright starts."""
    from django.db import connections

    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session", autouse=True)
def _same_connections_under_playwright(_test_thread_connections, playwright):  # type: ignore[no-untyped-def]
    """Keep the test thread on the connections that created the test database.

    Playwright's sync API runs an event loop in the test thread; Django's connection
    handler (asgiref.local.Local) then stores connections per context, so the journeys
    would get new connection objects, without the serialized migration data that
    `django_db_serialized_rollback` restores and not the object shared with the live
    server. (Seen when a plain `db` test runs before the first journey.)
    """
    from django.db import connections

    for alias, connection in _test_thread_connections.items():
        connections[alias] = connection


@pytest.fixture
def e2e_world(transactional_db, django_db_serialized_rollback, live_server, world):  # type: ignore[no-untyped-def]
    """The fixed world, committed so that the live server's thread sees it.

    `transactional_db` commits the rows (and flushes them afterwards);
    `django_db_serialized_rollback` restores the migration data (regions,
    industries, the audit chain head) that the flush removes, so every journey
    starts from the same database.
    """
    return world


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """`shot(page, "name")` saves a full-page screenshot to test-results/e2e-<name>.png."""

    def take(page, name: str) -> None:  # type: ignore[no-untyped-def]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"e2e-{name}.png"), full_page=True)

    return take


@pytest.fixture
def logged_in_context(new_context, live_server):  # type: ignore[no-untyped-def]
    """`logged_in_context(user)`: a browser context carrying a session made by `login()` (verified for officers)."""

    def make(user):  # type: ignore[no-untyped-def]
        client = login(Client(), user)
        context = new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context

    return make
