"""What a key may reach: a scope per domain, and the operations that touch personal information.

The scope of an operation is the domain whose `api` module declares it (the operation id django-ninja
derives, `xiehui_<domain>_api…`), so a domain landing later gets its scope without a table to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

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

_PARAM = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class Operation:
    id: str
    scope: str
    personal: bool


@dataclass
class _Node:
    """One path segment of the operation tree: literal children first, then segments with parameters."""

    literal: dict[str, _Node] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], _Node]] = field(default_factory=list)
    operations: dict[str, Operation] = field(default_factory=dict)  # method -> operation


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


@cache
def _tree() -> _Node:
    """The operations by path segment: a lookup walks the request's segments (no scan of every URL pattern)."""
    root = _Node()
    for (method, path), operation in _operations().items():
        node = root
        for segment in path.strip("/").split("/"):
            if "{" not in segment:
                node = node.literal.setdefault(segment, _Node())
                continue
            regex = re.compile("^" + "[^/]+".join(re.escape(part) for part in _PARAM.split(segment)) + "$")
            found = next((child for pattern, child in node.patterns if pattern.pattern == regex.pattern), None)
            if found is None:
                found = _Node()
                node.patterns.append((regex, found))
            node = found
        node.operations[method] = operation
    return root


def _walk(node: _Node, segments: list[str]) -> _Node | None:
    if not segments:
        return node
    head, rest = segments[0], segments[1:]
    child = node.literal.get(head)
    if child is not None and (found := _walk(child, rest)) is not None and found.operations:
        return found
    for pattern, candidate in node.patterns:
        if pattern.match(head) and (found := _walk(candidate, rest)) is not None and found.operations:
            return found
    return None


def operation_for(method: str, path: str) -> Operation | None:
    """The operation a request reaches, or None for an unknown path or method (the port answers 404/405)."""
    node = _walk(_tree(), path.strip("/").split("/"))
    return node.operations.get(method) if node is not None else None


def scope_label(code: str) -> str:
    return SCOPES.get(code, "数据端口" if code in OPEN_SCOPES else code)


def warm() -> None:
    """Build the operation table at start-up (wsgi.py), not on a worker's first keyed request (~2 s)."""
    _tree()
