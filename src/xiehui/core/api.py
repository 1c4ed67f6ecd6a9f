"""The API's shared parts: the NinjaAPI factory, problem details, authentication, pagination."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Protocol

from annotated_types import Ge, Le
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, django_auth
from pydantic import BeforeValidator, StrictBool

from . import clock, services
from .cursor import CURSOR_DESCRIPTION, CURSOR_MAX_LENGTH, NEXT_CURSOR_DESCRIPTION, keyset_page
from .errors import ApplicationError
from .models import User
from .selectors import capped_count

PROBLEM_TYPE = "application/problem+json"
logger = logging.getLogger("xiehui.api")


class Problem(Schema):
    """RFC 9457 problem details, with a stable machine code and the Chinese message."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


# Declared on every operation so that clients (and schemathesis) know every error shape.
ERRORS: dict[int, type[Problem]] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
TITLES = {
    400: "请求无效",
    401: "未认证",
    403: "无权访问",
    404: "未找到",
    409: "冲突",
    422: "输入校验未通过",
    429: "请求过于频繁",
    500: "服务器错误",
}


def problem(
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    code: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        JSONRenderer().render(request, body, response_status=status), status=status, content_type=PROBLEM_TYPE
    )
    return response


class BearerToken(HttpBearer):
    """`Authorization: Bearer xh_…` personal tokens (core.ApiToken), and `xhk_…` department keys."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if token.startswith("xhk_"):  # a department key, already checked by dataport's gate middleware
            return getattr(request, "dataport_account", None)
        user = services.api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def session_auth(request: HttpRequest) -> Any:
    """Session login; officer roles must have passed two-factor verification.

    A request without a logged-in session is simply unauthenticated (401): the
    CSRF check (403) only applies to requests that carry a session.
    """
    session_user = getattr(request, "user", None)
    if session_user is None or not session_user.is_authenticated:
        return None
    user = django_auth(request)
    if user and getattr(user, "requires_two_factor", False) and not user.is_verified():
        return None
    return user


AUTH = [BearerToken(), session_auth]


def optional_actor(request: HttpRequest) -> User | AnonymousUser:
    """For public endpoints: the token's or session's user if any, else anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        account = getattr(request, "dataport_account", None)  # a department key (dataport's gate)
        user = account or services.api_token_authenticate(header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if getattr(user, "requires_two_factor", False) and not user.is_verified():
            return AnonymousUser()
        return user
    return AnonymousUser()


class DataPortAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document gives error responses their real media type."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
        return schema


def build_api() -> NinjaAPI:
    api = DataPortAPI(
        title="协会 数据端口 xiehui data port",
        version="1",
        description=(
            "行业协会商会登记、公开与信用数据端口（004 第10条）。公开数据无需凭证（生产环境按客户端地址限流）；"
            "有关部门的业务系统使用数据端口密钥（Authorization: Bearer xhk_…，按数据范围、个人信息授权、"
            "每分钟上限和每日配额控制，超限返回 429 与 Retry-After，每次调用记入查询审计）；"
            "协会和个人使用会话或个人令牌（Bearer xh_…）。错误采用 RFC 9457 problem details。"
        ),
        urls_namespace="api-v1",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        errors = exc.extra.get("findings") or exc.extra.get("errors")
        return problem(request, status=exc.status, detail=exc.message, code=exc.code, field=exc.field, errors=errors)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", ""), "type": e.get("type")}
            for e in exc.errors
        ]
        where = "；".join(f"{e['location']}: {e['message']}" for e in errors[:5])
        return problem(request, status=422, detail=f"输入校验未通过：{where}", code="validation_error", errors=errors)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, status=401, detail="需要登录或有效的访问令牌", code="unauthenticated")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = "请求体不是有效的 JSON" if exc.status_code == 400 else str(exc)
        return problem(request, status=exc.status_code, detail=detail, code=code)

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # e.g. "Content-Type: multipart/form-data" without a boundary: the body cannot be read
        return problem(request, status=400, detail=f"请求体不是有效的 multipart/form-data：{exc}", code="bad_request")

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, status=404, detail="未找到", code="not_found")

    if not settings.DEBUG:

        @api.exception_handler(Exception)
        def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
            logger.exception("unhandled error in %s %s", request.method, request.path)
            return problem(request, status=500, detail="服务器内部错误，请稍后重试", code="server_error")

    return api


# -- strict input types: pydantic's lax mode would take 0 as a date (seconds since 1970) and true as 1 ----

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# A query date: every string it admits is empty or a real day of 2000-2099, so the schema promises
# nothing the server refuses. Operations document it (json_schema_extra) and parse it with `query_date`.
DATE_PATTERN = (
    r"^((20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))"
    r"|(20[0-9]{2}-(0[13-9]|1[0-2])-(29|30))"
    r"|(20[0-9]{2}-(0[13578]|1[02])-31)"
    r"|(20([02468][048]|[13579][26])-02-29))?$"
)


def _iso_text(value: Any) -> Any:
    """Dates come as "YYYY-MM-DD" text only (lax parsing would take 0 or "0" as seconds since 1970)."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError("日期应为 YYYY-MM-DD 格式的字符串")
    return value


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """Whether If-None-Match names this entity tag (weak comparison, RFC 9110 §13.1.2) or is "*"."""
    return etag_in(request.headers.get("If-None-Match", ""), etag)


def etag_in(sent: str, etag: str) -> bool:
    """The same, from the header's value (the fast lane reads it from the WSGI environ)."""
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return sent.strip() == "*" or etag.removeprefix("W/") in tags


def query_date(value: str, *, field: str = "as_of") -> dt.date:
    """A `DATE_PATTERN` query value as a date, today when empty; a 400 naming the field otherwise."""
    if not value:
        return clock.today()
    if not re.match(DATE_PATTERN, value):
        raise ApplicationError(f"{field} 应为 YYYY-MM-DD 格式的日期（2000—2099 年）", code="invalid_date", field=field)
    return dt.date.fromisoformat(value)


def _number(value: Any) -> Any:
    """Counts and ids come as JSON numbers only (lax parsing would take "12" or true)."""
    if isinstance(value, str | bool):
        raise ValueError("应为整数")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
Count = Annotated[int, BeforeValidator(_number)]
# Booleans as JSON true/false only (lax parsing would take 0, 1 or "yes").
Flag = StrictBool
# Optional bounded counts: the bounds must precede the validator inside the union, or the OpenAPI
# document shows pydantic's "ge"/"le" instead of JSON Schema's minimum/maximum.
TermNumberIn = Annotated[int, Ge(1), Le(999), BeforeValidator(_number)]
HeadcountIn = Annotated[int, Ge(0), Le(1_000_000), BeforeValidator(_number)]
EntitledIn = Annotated[int, Ge(1), Le(1_000_000), BeforeValidator(_number)]


class PageMeta(Schema):
    count: int
    count_exact: bool
    limit: int
    offset: int


class CursorOut(Schema):
    """Where the next page starts (core/cursor.py): pass it as `cursor`."""

    next_cursor: str | None = Field(..., description=NEXT_CURSOR_DESCRIPTION)


class Page(PageMeta):
    """A page's totals, the offset asked for, and the cursor of the next page (as CursorOut: one base class each,
    so that every schema class is reached once from Schema)."""

    next_cursor: str | None = Field(..., description=NEXT_CURSOR_DESCRIPTION)


# A list answered as a bare JSON array (so in v1) gives its next page's cursor in a header instead.
NEXT_CURSOR_HEADER = "Next-Cursor"
NEXT_CURSOR_HEADER_DOC: dict[str, Any] = {
    "responses": {
        200: {
            "headers": {
                NEXT_CURSOR_HEADER: {
                    "description": "下一页的游标（不透明），作为 cursor 传入；最后一页没有此响应头",
                    "schema": {"type": "string"},
                }
            }
        }
    }
}

# A list's `cursor` query parameter: as a function parameter, and as a field of a query schema.
CURSOR = Query("", max_length=CURSOR_MAX_LENGTH, description=CURSOR_DESCRIPTION)


def cursor_field() -> Any:
    return Field("", max_length=CURSOR_MAX_LENGTH, description=CURSOR_DESCRIPTION)


def list_page(
    qs: QuerySet,
    *,
    ordering: Sequence[str] | None,
    limit: int,
    offset: int,
    cursor: str,
    capped: bool = False,
    keys_first: bool = False,
) -> dict[str, Any]:
    """A `Page` of `qs`: the keyset page (core/cursor.py) with its total; `capped` counts at most 10,000 rows."""
    rows, next_cursor = keyset_page(
        qs, ordering=ordering, cursor=cursor, limit=limit, offset=offset, keys_first=keys_first
    )
    count, exact = capped_count(qs) if capped else (qs.count(), True)
    return {
        "items": rows,
        "count": count,
        "count_exact": exact,
        "limit": limit,
        "offset": offset,
        "next_cursor": next_cursor,
    }


class AttachmentOut(Schema):
    """An attached document (core/files.py): download it from the page that lists it."""

    id: int
    original_name: str
    size: int
    mime: str
    sha256: str


class WhyOut(Schema):
    """Why an effect exists: the rule, its basis, the parameter values used and the facts (core/engine.explain)."""

    rule_id: str
    title: str
    basis: str
    parameters: dict[str, Any]
    facts: str


class PageQuery(Protocol):
    limit: int
    offset: int
    cursor: str


def meta_page(
    qs: QuerySet, query: PageQuery, *, ordering: Sequence[str], present: Callable[[list[Any]], list[Any]]
) -> dict[str, Any]:
    """A page laid out as the membership lists answer (the totals and the offset under `meta`): the count capped,
    the keys found first, the rows shown by `present`."""
    page = list_page(
        qs,
        ordering=ordering,
        limit=query.limit,
        offset=query.offset,
        cursor=query.cursor,
        capped=True,
        keys_first=True,
    )
    items, next_cursor = present(page.pop("items")), page.pop("next_cursor")
    return {"items": items, "meta": page, "next_cursor": next_cursor}
