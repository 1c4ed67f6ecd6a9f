"""The one error type that services raise (conventions: "One error type")."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal with a Chinese message for people and a stable code for machines.

    `field` names the input that is wrong (form field or API body field) where
    there is one; `extra` carries machine-readable detail (e.g. the rule id and
    the facts that decided it, or per-row import errors).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        field: str | None = None,
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.status = status
        self.extra = extra or {}


class NotFound(ApplicationError):
    """A row that does not exist or that the actor may not see (never reveal which)."""

    def __init__(self, message: str = "未找到该记录", *, code: str = "not_found") -> None:
        super().__init__(message, code=code, status=404)


class PermissionDenied(ApplicationError):
    """The actor is known to see the row but may not do this to it."""

    def __init__(self, message: str = "您无权执行此操作", *, code: str = "forbidden") -> None:
        super().__init__(message, code=code, status=403)
