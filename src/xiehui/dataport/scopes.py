"""What a key may reach: a scope per domain, and the operations that touch personal information.

The scope of an operation is the domain whose `api` module declares it (the operation id django-ninja
derives, `xiehui_<domain>_api…`), so a domain landing later gets its scope without a table to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.urls import Resolver404, resolve

SCOPES: dict[str, str] = {
    "registry": "登记名录",
    "supervision": "年报、监督检查与投诉",
    "credit": "信用名单",
    "disclosure": "信息公开",
    "selfregulation": "行规行约、承诺与评价",
    "membership": "会员与会费",
    "governance": "法人治理",
    "voting": "无记名投票",
}
# Reached by every key whatever its scopes: a key reading its own limits and use.
OPEN_SCOPES = frozenset({"dataport"})

# Operations whose answers carry personal information (PIPL: names with identity or contact data of natural
# persons): a key reaches them only with `personal_data`, and every such request is flagged in the audit.
PERSONAL_OPERATIONS = frozenset(
    {
        "xiehui_registry_api_list_applications",
        "xiehui_registry_api_get_application",
        "xiehui_supervision_api_complaints_list_complaints",
        "xiehui_supervision_api_complaints_get_complaint",
        "xiehui_supervision_api_complaints_reveal_complaint_contact",
        "xiehui_membership_api_list_members",
        "xiehui_membership_api_members_list_applications",
        "xiehui_membership_api_members_get_application",
        "xiehui_membership_api_members_list_delegates",
        "xiehui_governance_api_list_leaders",
        "xiehui_governance_api_list_appointments",
    }
)

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Operation:
    id: str
    scope: str
    personal: bool


@cache
def _operations() -> dict[tuple[str, str], Operation]:
    """(method, OpenAPI path) -> operation, read once per process from the API's own document."""
    from xiehui.api import api

    table = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            op_id = operation["operationId"]
            scope = op_id.split("_")[1] if op_id.startswith("xiehui_") else ""
            table[(method.upper(), path)] = Operation(op_id, scope, op_id in PERSONAL_OPERATIONS)
    return table


def operation_for(method: str, path: str) -> Operation | None:
    """The operation a request reaches, or None for an unknown path or method (the port answers 404/405)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return _operations().get((method, "/" + _ROUTE_PARAM.sub(r"{\1}", match.route)))


def scope_label(code: str) -> str:
    return SCOPES.get(code, "数据端口" if code in OPEN_SCOPES else code)


def warm() -> None:
    """Build the operation table at start-up (wsgi.py), not on a worker's first keyed request (~2 s)."""
    _operations()
