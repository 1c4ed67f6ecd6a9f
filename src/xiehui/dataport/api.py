"""The data port's own operations: a department key reads its scopes, limits and use."""

from __future__ import annotations

from typing import Any

from ninja import Router

from xiehui.core import clock
from xiehui.core.api import AUTH, ERRORS
from xiehui.core.errors import ApplicationError
from xiehui.core.typing import Request

from . import selectors
from .models import DataPortKey
from .schemas import KeySelfOut

router = Router(tags=["数据端口"])


@router.get("/dataport/key", response={200: KeySelfOut, **ERRORS}, auth=AUTH)
def get_own_key(request: Request) -> dict[str, Any]:
    """The calling department key: scopes, personal-data grant, limits, today's use and expiry."""
    key = DataPortKey.objects.select_related("department").filter(account=request.auth).first()
    if key is None:
        raise ApplicationError("该接口仅供数据端口密钥调用", code="not_a_key", status=403)
    usage = selectors.key_usage(key, now=clock.now())
    return {
        "prefix": key.prefix,
        "department": key.department.name,
        "system_name": key.system_name,
        "scopes": key.scopes,
        "personal_data": key.personal_data,
        "rate_per_minute": key.rate_per_minute,
        "daily_quota": key.daily_quota,
        "expires_at": key.expires_at,
        **usage,
    }
