"""Fixtures of the data port's tests: an administrator, and keys issued through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xiehui.conftest import PASSWORD
from xiehui.core import clock
from xiehui.core.models import Role
from xiehui.core.services import user_create
from xiehui.dataport import services
from xiehui.dataport.scopes import SCOPES


@pytest.fixture
def admin(db):  # type: ignore[no-untyped-def]
    return user_create(actor=None, username="admin", password=PASSWORD, role=Role.ADMIN)


@pytest.fixture
def issue(world):  # type: ignore[no-untyped-def]
    """`issue(**overrides)` -> (key, secret): Jinan's department key, every scope unless told otherwise."""

    def make(**overrides: Any):  # type: ignore[no-untyped-def]
        now = overrides.pop("now", clock.now())
        arguments = {
            "actor": world.officer_jinan,
            "department": world.department.department,
            "system_name": "企业信用信息共享平台",
            "scopes": list(SCOPES),
            "personal_data": False,
            "rate_per_minute": 1000,
            "daily_quota": 100_000,
            "expires_on": clock.local_date(now) + dt.timedelta(days=365),
            "now": now,
            **overrides,
        }
        return services.key_issue(**arguments)

    return make


def keyed(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})
