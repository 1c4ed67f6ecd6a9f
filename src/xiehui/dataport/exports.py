"""Bulk exports of the port's datasets (the register, the credit lists, public disclosures) as CSV, XLSX and
JSON Lines, written by a background task in constant memory, with a manifest.

A dataset is read in keyset chunks by primary key, so memory stays flat however large the register is.
The chunks are separate statements, not one snapshot: every row is at least as new as the manifest's
`as_of`, and the manifest's `feed_cursor` (the change feed's position when the export started) is where a
mirror replays `GET /api/v1/events` from to converge; replaying a change already in the file is harmless
(feed events carry the whole current record).

CSV and XLSX use the register's import layout (`registry.importer.COLUMNS`, Chinese headers and labels), so
`xiehui import` reads them back; cells that a spreadsheet would take for a formula are prefixed with an
apostrophe (web/exports.safe_cell), which the importer removes again. JSON Lines carries the API's field
names and codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Aggregate, CharField, Max, OuterRef, QuerySet, Subquery

from xiehui.core import clock, pii
from xiehui.core.models import AuditEntry
from xiehui.credit import selectors as credit
from xiehui.credit.models import Listing
from xiehui.disclosure import catalogue
from xiehui.disclosure.models import Disclosure
from xiehui.registry.models import Level, Organization, OrganizationKind, OrganizationStatus
from xiehui.web.exports import FORMULA_STARTS

logger = logging.getLogger(__name__)

CHUNK = 5000  # rows read per statement
XLSX_SHEET_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet; larger exports go on to another sheet
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Column:
    key: str  # JSON Lines field (the API's name)
    header: str  # CSV/XLSX header (the import template's name where it has one)
    labels: dict[str, str] | None = None  # CSV/XLSX show a code's label (JSON Lines keep the code)
    kind: str = "text"  # how CSV/XLSX write it: text (typed by people), code, list, datetime (CELLS)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    scope: str  # the key scope that reaches it (dataport/scopes.py)
    personal: bool
    columns: tuple[Column, ...]
    queryset: Callable[[str], QuerySet]  # jurisdiction prefix ('' = all) -> rows, any order
    rows: Callable[[list[Any]], list[tuple[Any, ...]]]  # a chunk (raw rows or objects) -> rows in column order
    description: str


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


REGISTER_COLUMNS = (
    Column("uscc", "统一社会信用代码", kind="code"),
    Column("name", "名称"),
    Column("kind", "类型", _labels(OrganizationKind.choices)),
    Column("level", "登记层级", _labels(Level.choices)),
    Column("authority_region", "登记管理机关区划代码", kind="code"),
    Column("region", "住所区划代码", kind="code"),
    Column("domicile", "住所"),
    Column("industries", "行业代码", kind="list"),
    Column("business_scope", "业务范围"),
    Column("legal_representative", "法定代表人"),
    Column("activity_funds", "活动资金", kind="code"),
    Column("registered_on", "成立登记日期", kind="code"),
    Column("fulltime_staff", "专职工作人员数", kind="code"),
    Column("status", "登记状态", _labels(OrganizationStatus.choices)),
    Column("status_changed_on", "登记状态变更日期", kind="code"),
    Column("short_name", "简称"),
    Column("premises", "办公场所"),
    Column("website", "网站"),
    Column("contact_phone", "联系电话"),
    Column("updated_at", "更新时间", kind="datetime"),
)
ID_COLUMN = Column("legal_representative_id_number", "法定代表人身份证号码", kind="code")
PERSONAL_REGISTER_COLUMNS = (*REGISTER_COLUMNS[:10], ID_COLUMN, *REGISTER_COLUMNS[10:])
REGISTER_FIELDS = ("id", "uscc", "name", "kind", "level", "authority_region_id", "region_id", "domicile",
                   "business_scope", "legal_representative__name", "activity_funds", "registered_on", "fulltime_staff",
                   "status", "status_changed_on", "short_name", "premises", "website", "contact_phone",
                   "updated_at")  # fmt: skip


class _Joined(Aggregate):
    """The group's values joined by ';' (SQLite GROUP_CONCAT, PostgreSQL STRING_AGG); order them after."""

    function, template, output_field = "GROUP_CONCAT", "%(function)s(%(expressions)s, ';')", CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


def _register(prefix: str) -> QuerySet:
    qs = Organization.objects.all()
    return qs.filter(authority_region__code__startswith=prefix) if prefix else qs


def _register_values(prefix: str) -> QuerySet:
    """REGISTER_FIELDS and the industry codes, in one statement (a correlated subquery per row)."""
    links = Organization.industries.through.objects.filter(organization_id=OuterRef("pk"))
    codes = links.values("organization_id").annotate(codes=_Joined("industry_id")).values("codes")  # type: ignore[misc]
    return _register(prefix).annotate(industry_codes=Subquery(codes)).values_list(*REGISTER_FIELDS, "industry_codes")


def _money(value: Any) -> str:
    """An amount as the register writes it (300000.00): SQLite hands back int or float, PostgreSQL Decimal."""
    return format(value, ".2f") if isinstance(value, Decimal) else f"{value:.2f}"


def _day(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()


def _moment(value: Any) -> dt.datetime:
    """SQLite hands back a naive datetime (or its text) in UTC (USE_TZ), PostgreSQL an aware one."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _codes(joined: str | None) -> list[str]:
    return sorted(joined.split(";")) if joined else []


def _register_rows(chunk: list[Any], *, personal: bool = False) -> list[tuple[Any, ...]]:
    """Raw rows of _register_values (the database's own types) -> rows in column order, the same on both databases."""
    rows = [
        (*r[1:8], _codes(r[20]), r[8], r[9], _money(r[10]), _day(r[11]), r[12], r[13], _day(r[14]), *r[15:19],
         _moment(r[19]))
        for r in chunk
    ]  # fmt: skip
    if not personal:
        return rows
    found = Organization.objects.filter(id__gte=chunk[0][0], id__lte=chunk[-1][0]).values_list(
        "id", "legal_representative__id_number_encrypted"
    )  # the chunk is a range of ids
    secrets = {org_id: pii.decrypt(token) for org_id, token in found}
    return [(*row[:10], secrets[r[0]], *row[10:]) for r, row in zip(chunk, rows, strict=True)]  # ID after the name


LISTING_COLUMNS = (
    Column("uscc", "统一社会信用代码", kind="code"),
    Column("organization_name", "名称"),
    Column("list_kind", "名录", _labels(Listing._meta.get_field("list_kind").flatchoices)),
    Column("ground", "列入事由", _labels(Listing._meta.get_field("ground").flatchoices)),
    Column("rule_id", "规则", kind="code"),
    Column("basis", "依据"),
    Column("facts", "事实"),
    Column("start_on", "列入日期", kind="code"),
    Column("earliest_removal_on", "最早可移出日期", kind="code"),
    Column("authority_region", "登记管理机关区划代码", kind="code"),
)


def _listings(prefix: str) -> QuerySet:
    qs = credit.public_listings(filters=credit.ListingFilters(), as_of=clock.today())  # in force (CR-P)
    return qs.filter(authority_region__code__startswith=prefix) if prefix else qs


def _listing_rows(chunk: list[Listing]) -> list[tuple[Any, ...]]:
    return [
        (
            x.organization.uscc,
            x.organization.name,
            x.list_kind,
            x.ground,
            x.rule_id,
            x.basis,
            x.facts,
            _day(x.start_on),
            _day(x.earliest_removal_on),
            x.authority_region_id,
        )
        for x in chunk
    ]


DISCLOSURE_COLUMNS = (
    Column("uscc", "统一社会信用代码", kind="code"),
    Column("organization_name", "名称"),
    Column("item_type", "公开事项", {t.code: t.title for t in catalogue.TYPES}),
    Column("period", "期间"),
    Column("title", "标题"),
    Column("version", "版本", kind="code"),
    Column("effective_on", "生效日期", kind="code"),
    Column("first_published_at", "首次公开时间", kind="datetime"),
    Column("published_at", "当前版本公开时间", kind="datetime"),
    Column("body", "正文"),
)


def _disclosures(prefix: str) -> QuerySet:
    qs = Disclosure.objects.filter(current__isnull=False, members_only=False)  # public items only (DIS-2)
    return qs.filter(organization__authority_region__code__startswith=prefix) if prefix else qs


def _disclosure_rows(chunk: list[Disclosure]) -> list[tuple[Any, ...]]:
    out = []
    for d in chunk:
        version = d.current
        assert version is not None
        out.append(
            (d.organization.uscc, d.organization.name, d.item_type, d.period, d.title, version.number,
             _day(version.effective_on), d.first_published_at, d.published_at, version.body)
        )  # fmt: skip
    return out


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("registry", "社会团体登记名录（公开登记事项）", "registry", False, REGISTER_COLUMNS,
                _register_values, _register_rows,
                "全部社会团体的公开登记事项；CSV/XLSX 采用登记导入模板的列名"),
        Dataset("registry_personal", "社会团体登记名录（含法定代表人身份证号码）", "registry", True,
                PERSONAL_REGISTER_COLUMNS, _register_values,
                lambda chunk: _register_rows(chunk, personal=True),
                "含个人信息：登记管理机关（本辖区）、系统管理员及获准访问个人信息的部门密钥可用；可由导入功能导回"),
        Dataset("credit", "活动异常名录与严重违法失信名单（在列）", "credit", False, LISTING_COLUMNS,
                lambda p: _listings(p).select_related("organization"), _listing_rows,
                "现行有效的列入记录（已移出的不含）"),
        Dataset("disclosure", "信息公开（公开事项的现行版本）", "disclosure", False, DISCLOSURE_COLUMNS,
                lambda p: _disclosures(p).select_related("organization", "current"), _disclosure_rows,
                "各社会团体已公开的、面向社会公开的事项（仅会员可见的不含）"),
    )
}  # fmt: skip


# -- cells -------------------------------------------------------------------------------------------------


_FORMULA = frozenset(FORMULA_STARTS)  # one-character starts


def _typed(value: str) -> str:
    """Text typed by people (names, addresses, facts): a formula-looking cell is neutralised (safe_cell)."""
    return "'" + value if value[:1] in _FORMULA else value


CELLS: dict[str, Callable[[Any], str] | None] = {
    "text": _typed,
    "code": None,  # codes, numbers, amounts, dates (ISO): written as they are (csv writes None as "")
    "list": ";".join,
    "datetime": lambda v: v.astimezone(clock.SHANGHAI).isoformat(timespec="seconds"),
}


def _cells(columns: Sequence[Column]) -> Callable[[tuple[Any, ...]], list[Any]]:
    """A row as the CSV/XLSX row the importer reads: labels for choices, ';' between codes, ISO dates.

    Only the columns that need it are touched (at a million rows, every call per cell counts)."""
    changes: list[tuple[int, Callable[[Any], Any]]] = []
    for i, c in enumerate(columns):
        change = (lambda v, labels=c.labels: labels.get(v, v)) if c.labels is not None else CELLS[c.kind]
        if change is not None:
            changes.append((i, change))

    def row(values: tuple[Any, ...]) -> list[Any]:
        out = list(values)
        for i, change in changes:
            if (v := out[i]) is not None:
                out[i] = change(v)
        return out

    return row


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.SHANGHAI).isoformat()
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


_dumps = json.JSONEncoder(ensure_ascii=False, default=_json_value).encode


# -- writers: each takes chunks of records and a path, and returns the rows written ------------------------------


Rows = Iterator[list[tuple[Any, ...]]]


def _write_csv(path: Path, columns: Sequence[Column], chunks: Rows) -> int:
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in columns])
        row = _cells(columns)
        for chunk in chunks:
            writer.writerows([row(r) for r in chunk])
            rows += len(chunk)
    return rows


def _write_jsonl(path: Path, columns: Sequence[Column], chunks: Rows) -> int:
    rows, keys = 0, [c.key for c in columns]
    moments = [i for i, c in enumerate(columns) if c.kind == "datetime"]
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for chunk in chunks:
            for r in chunk:
                record = dict(zip(keys, r, strict=True))
                for i in moments:
                    if r[i] is not None:
                        record[keys[i]] = r[i].astimezone(clock.SHANGHAI).isoformat()
                fh.write(_dumps(record) + "\n")
            rows += len(chunk)
    return rows


def _write_xlsx(path: Path, columns: Sequence[Column], chunks: Rows) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # rows go straight to a temporary file: constant memory
    header, row = [c.header for c in columns], _cells(columns)
    rows, sheet, in_sheet = 0, None, XLSX_SHEET_ROWS
    for chunk in chunks:
        for r in chunk:
            if in_sheet == XLSX_SHEET_ROWS:
                sheet = book.create_sheet(title=f"数据{len(book.worksheets) + 1}")
                sheet.append(header)
                in_sheet = 0
            assert sheet is not None
            sheet.append(row(r))
            in_sheet += 1
        rows += len(chunk)
    if sheet is None:
        book.create_sheet(title="数据1").append(header)
    book.save(path)
    return rows


WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "xlsx": _write_xlsx}


def _digest(path: Path) -> str:
    sm3 = hashlib.new("sm3")
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            sm3.update(block)
    return sm3.hexdigest()


# -- running a dataset ------------------------------------------------------------------------------------------


def chunks(dataset: Dataset, prefix: str, progress: Callable[[int], None] | None = None) -> Rows:
    """The dataset's rows in primary-key order, CHUNK at a time (one statement each).

    A values_list() dataset is read with the SQL Django compiles for it but without the ORM's row conversion
    (three times faster at a million rows; the dataset's `rows` normalises the few typed columns)."""
    qs, last, done = dataset.queryset(prefix), None, 0
    raw = getattr(qs, "_fields", None) is not None  # values_list(): rows are tuples with the pk first
    while True:
        page = (qs.order_by("pk") if last is None else qs.filter(pk__gt=last).order_by("pk"))[:CHUNK]
        if raw:
            sql, params = page.query.sql_with_params()
            with connections[page.db].cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        else:
            rows = list(page)
        if not rows:
            return
        last = rows[-1][0] if raw else rows[-1].pk
        yield dataset.rows(rows)
        done += len(rows)
        if progress is not None:
            progress(done)
        if len(rows) < CHUNK:
            return


def feed_position() -> str:
    """The change feed's cursor now: `GET /api/v1/events?since=` this cursor gives what changes afterwards."""
    return str(AuditEntry.objects.aggregate(seq=Max("seq"))["seq"] or 0)


def write(
    dataset: Dataset, fmt: str, directory: Path, *, prefix: str = "", progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Write one dataset in one format into `directory` with its manifest; returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    as_of, cursor = clock.now(), feed_position()
    name = f"{dataset.name}.{fmt}"
    path = directory / name
    rows = WRITERS[fmt](path, dataset.columns, chunks(dataset, prefix, progress))
    manifest = {
        "dataset": dataset.name,
        "title": dataset.title,
        "format": fmt,
        "as_of": as_of.astimezone(clock.SHANGHAI).isoformat(),
        "feed_cursor": cursor,
        "jurisdiction": prefix,
        "personal": dataset.personal,
        "columns": [{"key": c.key, "header": c.header} for c in dataset.columns],
        "row_count": rows,
        "files": [{"name": name, "rows": rows, "bytes": path.stat().st_size, "sm3": _digest(path)}],
        "generated_at": clock.now().astimezone(clock.SHANGHAI).isoformat(),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
