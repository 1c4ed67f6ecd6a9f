"""Importing the register from CSV or XLSX as authorities keep it: every row checked, all or nothing.

The file is read whole, every row validated (codes, dates, numbers, REG-1, REG-2
identical names and REG-4 legal representatives, within the file and against the
register, and the officer's jurisdiction) and every error reported by row and column
in Chinese. Only a file without errors is loaded, in one transaction, through the bulk
path (bulk.organizations_bulk_prepare / _write, as organizations_bulk_load does).

In the console an ImportJob runs as a background task (tasks.py). Validation commits
its progress as it goes, outside any transaction, so the polling page sees it; the
load that follows is one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import secrets
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from stdnum.cn import ric

from xiehui.core import audit, clock, pii
from xiehui.core.codes import clean_uscc, make_uscc
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import LEVEL_PREFIX_LENGTH, NATIONAL_REGION_CODE, Industry, Level, Person, Region, User
from xiehui.web.exports import unsafe_cell

from . import rules, selectors
from .bulk import BulkOrganization, organizations_bulk_prepare, organizations_bulk_write
from .models import (
    ApplicationStatus,
    ImportJob,
    Organization,
    OrganizationStatus,
    RegisteredItemChange,
    RegistrationApplication,
)
from .services import check_authority
from .validators import clean_id_number

logger = logging.getLogger(__name__)

# The columns as authorities keep them; 登记状态 may be left out (then 正常登记).
COLUMNS = (
    "统一社会信用代码", "名称", "类型", "登记层级", "登记管理机关区划代码", "住所区划代码", "住所", "行业代码",
    "业务范围", "法定代表人", "法定代表人身份证号码", "活动资金", "成立登记日期", "专职工作人员数", "登记状态",
)  # fmt: skip
OPTIONAL_COLUMNS = frozenset({"登记状态"})
MAX_ERRORS = 1000  # errors kept on the job; the rest are counted
CHUNK = 500  # rows validated between progress updates
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an XLSX that inflates beyond this is refused (zip bomb)

# Accepted spellings (the register's own labels first, then common short forms).
KIND_WORDS = {"行业协会": "association", "协会": "association", "商会": "chamber", "联合会": "federation",
              "促进会": "promotion", "同业公会": "society"}  # fmt: skip
LEVEL_WORDS = {"全国性": "national", "省级": "provincial", "市级": "municipal", "县级": "county",
               "全国": "national", "省": "provincial", "市": "municipal", "地市级": "municipal", "县": "county",
               "县区级": "county"}  # fmt: skip
STATUS_WORDS = {"正常登记": "registered", "撤销登记": "revoked", "注销登记": "deregistered", "正常": "registered",
                "存续": "registered", "撤销": "revoked", "注销": "deregistered"}  # fmt: skip
MASKED_COLUMNS = frozenset({"法定代表人身份证号码"})  # shown masked in error lists, never stored in clear


@dataclass
class ImportResult:
    total_rows: int
    records: list[BulkOrganization]
    errors: list[dict[str, Any]]
    error_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def error_entry(row: int | None, column: str, message: str, value: Any = "") -> dict[str, Any]:
    return {"row": row, "column": column, "value": _text(value)[:100], "message": message}


def error_line(error: dict[str, Any]) -> str:
    """'第 12 行「统一社会信用代码」：校验位错误…' (the console's and the command's wording)."""
    where = f"第 {error['row']} 行" if error.get("row") else "文件"
    column = f"「{error['column']}」" if error.get("column") else ""
    return f"{where}{column}：{error['message']}"


# -- reading the file -----------------------------------------------------------------------


def sniff(*, name: str, size: int, head: bytes) -> str:
    """'csv' or 'xlsx' from the content (not only the name); refuse anything else with a reason."""
    limit = settings.XIEHUI_MAX_UPLOAD_BYTES
    if size == 0:
        raise ApplicationError(f"文件“{name}”为空", code="upload_empty", field="file")
    if size > limit:
        raise ApplicationError(
            f"文件“{name}”大小 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB；请分批导入",
            code="upload_too_large",
            field="file",
        )
    lower = name.lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError(
            "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV", code="upload_xls", field="file"
        )
    if lower.endswith(".xlsx"):
        raise ApplicationError(
            f"文件“{name}”不是有效的 XLSX 文件（XLSX 是 zip 压缩包，该文件不是）；请在 Excel 中另存为 .xlsx 或 CSV",
            code="upload_not_xlsx",
            field="file",
        )
    if lower.endswith((".csv", ".txt")):
        if b"\x00" in head:
            raise ApplicationError(f"文件“{name}”不是文本格式的 CSV 文件", code="upload_not_csv", field="file")
        return "csv"
    raise ApplicationError("仅支持 CSV 或 XLSX 文件（按文件内容识别）", code="upload_type", field="file")


def read_rows(data: bytes, kind: str) -> list[list[Any]]:
    return _read_xlsx(data) if kind == "xlsx" else _read_csv(data)


def _read_csv(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030 编码", code="csv_encoding")
    if "\x00" in text:
        raise ApplicationError("CSV 文件中含有非文本内容", code="upload_not_csv")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ApplicationError(f"CSV 文件格式错误：{exc}", code="csv_format") from exc


def _read_xlsx(data: bytes) -> list[list[Any]]:
    bad = ApplicationError("无法读取 XLSX 文件：文件已损坏，或不是 Excel 工作簿", code="xlsx_invalid")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise ApplicationError("XLSX 文件解压后过大，拒绝读取", code="xlsx_too_large")
    except zipfile.BadZipFile as exc:
        raise bad from exc
    if "xl/workbook.xml" not in names:
        raise ApplicationError("该文件是 zip 压缩包，但不是 Excel 工作簿（.xlsx）", code="xlsx_not_workbook")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except ApplicationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a broken file
        raise bad from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unsafe_cell(str(value)).strip()  # an export's "'=…" cell (web/exports.safe_cell) reads as "=…"


def _header_key(cell: Any) -> str:
    """Headers compare without spaces, a BOM, required-field stars or a bracketed note (名称（必填） = 名称)."""
    return re.sub(r"[\s*＊\ufeff]|（[^）]*）|\([^)]*\)", "", _text(cell))


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """(index of the header row, column -> position); refuse missing or repeated columns."""
    index = next((i for i, row in enumerate(rows) if any(_text(c) for c in row)), None)
    if index is None:
        raise ApplicationError("文件中没有数据", code="import_empty")
    positions: dict[str, int] = {}
    for position, cell in enumerate(rows[index]):
        key = _header_key(cell)
        if key in COLUMNS:
            if key in positions:
                raise ApplicationError(f"列「{key}」出现了两次", code="import_duplicate_column")
            positions[key] = position
    missing = [c for c in COLUMNS if c not in positions and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ApplicationError(
            "缺少必填列：" + "、".join(f"「{c}」" for c in missing) + "（请使用导入模板的表头）",
            code="import_missing_columns",
            extra={"missing": missing},
        )
    return index, positions


# -- one row ----------------------------------------------------------------------------------


class CellError(Exception):
    """A cell's value is wrong; the message names what is wrong (the column is known to the caller)."""


@dataclass
class ReferenceData:
    """Code tables and the actor's reach, loaded once per file."""

    regions: dict[str, Region]
    divisions: set[str]
    sections: set[str]
    prefix: str  # the jurisdiction prefix rows must fall within ('' = everywhere)
    today: dt.date

    @classmethod
    def load(cls, *, actor: User | None, today: dt.date) -> ReferenceData:
        industries = list(Industry.objects.values_list("code", "kind"))
        return cls(
            regions={r.code: r for r in Region.objects.all()},
            divisions={c for c, k in industries if k == Industry.Kind.DIVISION},
            sections={c for c, k in industries if k == Industry.Kind.SECTION},
            prefix=actor_prefix(actor),
            today=today,
        )


@dataclass
class ParsedRow:
    number: int
    cells: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        value = self.cells.get(column)
        if column in MASKED_COLUMNS and _text(value):
            value = pii.mask(_text(value))
        self.errors.append(error_entry(self.number, column, message, value))

    def ok(self, *columns: str) -> bool:
        return all(c in self.values for c in columns)


def _required(value: Any) -> str:
    text = _text(value)
    if not text:
        raise CellError("不能为空")
    return text


def _limited(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _required(value)
        if len(text) > limit:
            raise CellError(f"不能超过 {limit} 个字符，当前 {len(text)} 个")
        return text

    return parse


def _uscc(value: Any) -> str:
    if isinstance(value, float):
        raise CellError("请以文本格式保存统一社会信用代码（数字格式会丢失位数）")
    try:
        return clean_uscc(_required(value))
    except ApplicationError as exc:
        raise CellError(exc.message.removeprefix("统一社会信用代码")) from exc


def _choice(words: dict[str, str], what: str) -> Callable[[Any], str]:
    canonical: dict[str, str] = {}
    for word, value in words.items():
        canonical.setdefault(value, word)  # the first spelling of each value is the register's label
    labels = "、".join(canonical.values())

    def parse(value: Any) -> str:
        text = _required(value)
        if text in words:
            return words[text]
        if text in words.values():
            return text
        raise CellError(f"“{text}”不是有效的{what}，可填：{labels}")

    return parse


def _region_code(value: Any) -> str:
    text = _required(value)
    if not re.fullmatch(r"\d{6}", text):
        raise CellError("应为 6 位数字的行政区划代码（GB/T 2260）")
    return text


def _industries(value: Any) -> tuple[str, ...]:
    codes: list[str] = []
    for piece in re.split(r"[、;；,，\s]+", _required(value)):
        if piece:
            code = piece.upper().zfill(2) if piece.isdigit() else piece.upper()
            if code not in codes:
                codes.append(code)
    if not codes:
        raise CellError("不能为空")
    return tuple(codes)


def _id_number(value: Any) -> str:
    if isinstance(value, int | float):
        raise CellError("请以文本格式保存身份证号码（数字格式会丢失末位）")
    try:
        return clean_id_number(_required(value))
    except ApplicationError as exc:
        raise CellError(exc.message.removeprefix("居民身份证号码")) from exc


def _funds(value: Any) -> Decimal:
    text = re.sub(r"[,，\s元]", "", _required(value))
    factor = Decimal(1)
    if text.endswith("万"):
        text, factor = text[:-1], Decimal(10000)
    try:
        amount = (Decimal(text) * factor).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise CellError("应为金额（元），如 300000 或 30万") from exc
    if amount < 0 or amount >= Decimal("1e12"):
        raise CellError("金额超出范围")
    return amount


DATE_PATTERNS = (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
                 r"(\d{4})年(\d{1,2})月(\d{1,2})日")  # fmt: skip


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100000:
        return from_excel(value).date()  # an Excel date cell formatted as a number
    text = _required(value)
    for pattern in DATE_PATTERNS:
        match = re.fullmatch(pattern + r"(?: 00:00(?::00)?)?", text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError as exc:
                raise CellError(f"日期“{text}”不存在") from exc
    raise CellError("日期格式应为 YYYY-MM-DD，如 2015-06-01")


def _count(value: Any) -> int:
    text = _required(value)
    if not re.fullmatch(r"\d+(\.0+)?", text):
        raise CellError("应为不小于 0 的整数")
    return int(float(text))


def _optional_status(value: Any) -> str:
    return _choice(STATUS_WORDS, "登记状态")(value) if _text(value) else OrganizationStatus.REGISTERED


PARSERS: dict[str, Callable[[Any], Any]] = {
    "统一社会信用代码": _uscc,
    "名称": lambda v: rules.canonical_name(_limited(100)(v)),
    "类型": _choice(KIND_WORDS, "社会团体类型"),
    "登记层级": _choice(LEVEL_WORDS, "登记层级"),
    "登记管理机关区划代码": _region_code,
    "住所区划代码": _region_code,
    "住所": _limited(200),
    "行业代码": _industries,
    "业务范围": _required,
    "法定代表人": _limited(50),
    "法定代表人身份证号码": _id_number,
    "活动资金": _funds,
    "成立登记日期": _date,
    "专职工作人员数": _count,
    "登记状态": _optional_status,
}


def parse_row(number: int, cells: dict[str, Any], ref: ReferenceData) -> ParsedRow:
    """Each cell on its own, then the checks that tie cells together."""
    row = ParsedRow(number, cells)
    for column, parse in PARSERS.items():
        try:
            row.values[column] = parse(cells.get(column))
        except CellError as exc:
            row.error(column, str(exc))
    _check_codes(row, ref)
    _check_rules(row, ref)
    return row


def _check_codes(row: ParsedRow, ref: ReferenceData) -> None:
    v = row.values
    for column in ("登记管理机关区划代码", "住所区划代码"):
        if column in v and v[column] not in ref.regions:
            row.error(column, f"行政区划代码 {v[column]} 不存在")
            del v[column]
    if "行业代码" in v:
        for code in v["行业代码"]:
            if code in ref.sections:
                row.error("行业代码", f"“{code}”是门类代码，请填写两位数字的大类代码（GB/T 4754-2017）")
            elif code not in ref.divisions:
                row.error("行业代码", f"行业代码“{code}”不存在（GB/T 4754-2017 大类）")
    if row.ok("登记层级", "登记管理机关区划代码"):
        authority = ref.regions[v["登记管理机关区划代码"]]
        try:
            check_authority(v["登记层级"], authority)
        except ApplicationError as exc:
            row.error("登记管理机关区划代码", exc.message)
            return
        if not authority.code.startswith(ref.prefix):
            row.error("登记管理机关区划代码", f"“{authority}”不在您的管辖范围内，不能导入")
        if "住所区划代码" in v:
            reach = authority.code[: LEVEL_PREFIX_LENGTH[Level(v["登记层级"])]]
            if not v["住所区划代码"].startswith(reach):
                row.error("住所区划代码", f"住所所在区划不在登记管理机关“{authority}”的辖区内")
        if "统一社会信用代码" in v:
            expected = NATIONAL_REGION_CODE if v["登记层级"] == Level.NATIONAL else authority.code
            if v["统一社会信用代码"][2:8] != expected:
                row.error("统一社会信用代码", f"第 3-8 位应为登记管理机关的区划代码 {expected}（REG-8）")


def _check_rules(row: ParsedRow, ref: ReferenceData) -> None:
    v = row.values
    if row.ok("名称", "登记层级"):
        for finding in rules.name_reserved_words(name=v["名称"], level=v["登记层级"]):
            row.error("名称", f"{finding.message}（{finding.rule_id}）")
    if row.ok("活动资金", "登记层级") and v["活动资金"] < rules.min_funds(v["登记层级"]):
        row.error("活动资金", f"不得低于 {rules.min_funds(v['登记层级']):,.0f} 元（REG-1）")
    if "成立登记日期" in v and not dt.date(1949, 10, 1) <= v["成立登记日期"] <= ref.today:
        row.error("成立登记日期", "日期应在 1949-10-01 与今天之间")


# -- the whole file ---------------------------------------------------------------------------


@dataclass
class _Seen:
    """What earlier rows of the file used: USCCs, names per authority, identity numbers."""

    usccs: dict[str, int] = field(default_factory=dict)
    names: dict[tuple[str, str], int] = field(default_factory=dict)
    persons: dict[str, tuple[int, str, bool]] = field(default_factory=dict)  # hash -> (row, name, registered)


def validate_file(
    data: bytes, name: str, *, actor: User | None, today: dt.date, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Read and check every row; ApplicationError for a file that cannot be read at all."""
    rows = read_rows(data, sniff(name=name, size=len(data), head=data[:8]))
    header_index, positions = _header(rows)
    body = [
        (number, {c: row[p] if p < len(row) else None for c, p in positions.items()})
        for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2)
        if any(_text(c) for c in row)
    ]
    if not body:
        raise ApplicationError("文件中只有表头，没有数据行", code="import_no_rows")
    ref = ReferenceData.load(actor=actor, today=today)
    seen, error_count = _Seen(), 0
    records: list[BulkOrganization] = []
    errors: list[dict[str, Any]] = []
    for start in range(0, len(body), CHUNK):
        parsed = [parse_row(number, cells, ref) for number, cells in body[start : start + CHUNK]]
        _check_against_file_and_register(parsed, seen)
        for row in parsed:
            row.errors.sort(key=lambda e: COLUMNS.index(e["column"]))
            error_count += len(row.errors)
            if row.errors:
                errors.extend(row.errors[: max(0, MAX_ERRORS - len(errors))])
            elif not error_count:
                records.append(_record(row))
        if progress is not None:
            progress(min(start + CHUNK, len(body)), len(body))
    return ImportResult(len(body), records if not error_count else [], errors, error_count)


def _check_against_file_and_register(parsed: Sequence[ParsedRow], seen: _Seen) -> None:
    """USCC unique; REG-2 identical names per authority; REG-4 one body per legal representative."""
    v = [r.values for r in parsed]
    taken_usccs = set(
        Organization.objects.filter(uscc__in=[x["统一社会信用代码"] for x in v if "统一社会信用代码" in x])
        .values_list("uscc", flat=True)
    )  # fmt: skip
    taken_names = _registered_names([(x["登记管理机关区划代码"], x["名称"]) for x in v if "名称" in x
                                     and "登记管理机关区划代码" in x])  # fmt: skip
    hashes = {pii.index_hash(x["法定代表人身份证号码"]) for x in v if "法定代表人身份证号码" in x}
    persons, representing = _persons(hashes)
    for row in parsed:
        _check_uscc(row, seen, taken_usccs)
        _check_name(row, seen, taken_names)
        _check_person(row, seen, persons, representing)


def _registered_names(candidates: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """(authority, name key) of registered bodies and pending applications holding one of the names (REG-2).

    Latin letters compare without case, as selectors.identical_names does: names without
    them are looked up exactly (indexed), the rare others one by one.
    """
    pending = [ApplicationStatus.SUBMITTED, ApplicationStatus.INCOMPLETE]
    sources = (
        Organization.objects.filter(status=OrganizationStatus.REGISTERED),
        RegistrationApplication.objects.filter(status__in=pending),
    )
    plain = [name for _, name in candidates if not _LATIN.search(name)]
    found = {(a, name_key(n)) for qs in sources for a, n in qs.filter(name__in=plain).values_list(
        "authority_region_id", "name")}  # fmt: skip
    for authority, name in candidates:
        if _LATIN.search(name) and any(qs.filter(authority_region_id=authority, name__iexact=name).exists()
                                       for qs in sources):  # fmt: skip
            found.add((authority, name_key(name)))
    return found


_LATIN = re.compile(r"[A-Za-z]")


def name_key(name: str) -> str:
    """Names compare with Latin letters folded (济南市BIM协会 = 济南市bim协会)."""
    return name.lower()


def _persons(hashes: set[str]) -> tuple[dict[str, tuple[int, str]], dict[int, str]]:
    """Persons already known by identity-number hash, and the registered body each represents."""
    persons = {h: (pk, name) for h, pk, name in Person.objects.filter(id_number_hash__in=hashes).values_list(
        "id_number_hash", "pk", "name")}  # fmt: skip
    representing = dict(
        Organization.objects.filter(
            legal_representative_id__in=[pk for pk, _ in persons.values()], status=OrganizationStatus.REGISTERED
        ).values_list("legal_representative_id", "name")
    )
    return persons, representing


def _check_uscc(row: ParsedRow, seen: _Seen, taken: set[str]) -> None:
    uscc = row.values.get("统一社会信用代码")
    if uscc is None:
        return
    if uscc in taken:
        row.error("统一社会信用代码", "该代码已在登记库中")
    elif uscc in seen.usccs:
        row.error("统一社会信用代码", f"与第 {seen.usccs[uscc]} 行重复")
    else:
        seen.usccs[uscc] = row.number


def _check_name(row: ParsedRow, seen: _Seen, taken: set[tuple[str, str]]) -> None:
    v = row.values
    if not row.ok("名称", "登记管理机关区划代码", "登记状态") or v["登记状态"] != OrganizationStatus.REGISTERED:
        return
    key = (v["登记管理机关区划代码"], name_key(v["名称"]))
    if key in taken:
        row.error("名称", "同一登记管理机关辖区内已有名称相同的社会团体或申请（REG-2）")
    elif key in seen.names:
        row.error("名称", f"与第 {seen.names[key]} 行名称相同，且登记管理机关相同（REG-2）")
    else:
        seen.names[key] = row.number


def _check_person(
    row: ParsedRow, seen: _Seen, persons: dict[str, tuple[int, str]], representing: dict[int, str]
) -> None:
    v = row.values
    if not row.ok("法定代表人身份证号码", "法定代表人", "登记状态"):
        return
    digest = pii.index_hash(v["法定代表人身份证号码"])
    registered = v["登记状态"] == OrganizationStatus.REGISTERED
    known = persons.get(digest)
    if known is not None and known[1] != v["法定代表人"]:
        row.error("法定代表人", "与该身份证号码在登记库中登记的姓名不一致")
    elif known is not None and registered and known[0] in representing:
        row.error("法定代表人身份证号码", f"该人已担任“{representing[known[0]]}”的法定代表人（REG-4）")
    earlier = seen.persons.get(digest)
    if earlier is None:
        seen.persons[digest] = (row.number, v["法定代表人"], registered)
    elif earlier[1] != v["法定代表人"]:
        row.error("法定代表人", f"与第 {earlier[0]} 行身份证号码相同但姓名不同")
    elif registered and earlier[2]:
        row.error("法定代表人身份证号码", f"与第 {earlier[0]} 行为同一人，不得担任两个社会团体的法定代表人（REG-4）")
    elif registered:
        seen.persons[digest] = (row.number, v["法定代表人"], True)


def _record(row: ParsedRow) -> BulkOrganization:
    v = row.values
    return BulkOrganization(
        uscc=v["统一社会信用代码"], name=v["名称"], kind=v["类型"], level=v["登记层级"],
        authority_region_id=v["登记管理机关区划代码"], region_id=v["住所区划代码"], domicile=v["住所"],
        industry_codes=v["行业代码"], business_scope=v["业务范围"], representative_name=v["法定代表人"],
        representative_id_number=v["法定代表人身份证号码"], activity_funds=v["活动资金"],
        registered_on=v["成立登记日期"], fulltime_staff=v["专职工作人员数"], status=v["登记状态"],
    )  # fmt: skip


def load(*, actor: User | None, result: ImportResult, now: dt.datetime) -> int:
    """Write a validated file's organisations, all or nothing."""
    if not result.ok:
        raise ApplicationError("文件未通过校验，未导入任何数据", code="import_invalid")
    batch = organizations_bulk_prepare(result.records, now=now, source=RegisteredItemChange.Source.IMPORT)
    return organizations_bulk_write(actor=actor, batch=batch, now=now).count


def actor_prefix(actor: User | None) -> str:
    """The region prefix an importer reaches: '' for the console command (no user), an officer's jurisdiction."""
    if actor is None:
        return ""
    prefix = actor.jurisdiction_prefix
    if prefix is None:
        raise PermissionDenied("只有登记管理机关工作人员可以导入登记数据")
    return prefix


# -- import jobs (console) --------------------------------------------------------------------

FINISHED = (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED, ImportJob.Status.ERROR)


@transaction.atomic
def import_job_create(*, actor: User, upload: UploadedFile, now: dt.datetime) -> ImportJob:
    """Accept an uploaded register file (type sniffed, size limited) and queue its import."""
    actor_prefix(actor)
    name = (upload.name or "import").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = sniff(name=name, size=upload.size or 0, head=head)
    job = ImportJob(original_name=name, created_by=actor, created_at=now)
    job.file.save(f"{secrets.token_hex(8)}.{kind}", ContentFile(upload.read()), save=False)
    job.full_clean(exclude=["errors"])  # an empty error list is the valid start
    job.save()
    audit.record(actor=actor, action="registry.import_job.created", obj=job, object_label=f"导入 {name}", now=now,
                 changes={"file": name, "size": upload.size})  # fmt: skip
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import import_job_task

    import_job_task.enqueue(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """Validate (progress committed as it goes), then load everything in one transaction; idempotent."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    )
    if not claimed:  # already run (a task delivered twice) or running elsewhere
        return job
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        result = validate_file(
            data,
            job.original_name,
            actor=job.created_by,
            today=clock.today(),
            progress=lambda done, total: _job_update(job, processed_rows=done, total_rows=total),
        )
        if not result.ok:
            _job_failed(job, result.errors, result.error_count)
        else:
            _job_load(job, result)
    except ApplicationError as exc:
        _job_failed(job, [error_entry(None, "", exc.message)], 1)
    except Exception:
        logger.exception("import job %s failed", job_id)
        _job_update(
            job,
            status=ImportJob.Status.ERROR,
            finished_at=clock.now(),
            errors=[error_entry(None, "", "处理出错，未导入任何数据；请联系系统管理员")],
        )
    _discard_file(job)
    job.refresh_from_db()
    return job


def _discard_file(job: ImportJob) -> None:
    """The upload holds identity numbers in clear: once processed, only the register keeps them (encrypted)."""
    if job.file.name:
        job.file.storage.delete(job.file.name)
        _job_update(job, file="")


def _job_update(job: ImportJob, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _job_failed(job: ImportJob, errors: list[dict[str, Any]], count: int) -> None:
    if count > len(errors):
        errors = [*errors, error_entry(None, "", f"另有 {count - len(errors)} 处错误未列出")]
    now = clock.now()
    with transaction.atomic():
        _job_update(job, status=ImportJob.Status.FAILED, errors=errors, finished_at=now)
        audit.record(actor=job.created_by, action="registry.import_job.failed", obj=job, now=now,
                     object_label=f"导入 {job.original_name}", changes={"errors": count})  # fmt: skip


def _job_load(job: ImportJob, result: ImportResult) -> None:
    now = clock.now()
    batch = organizations_bulk_prepare(result.records, now=now, source=RegisteredItemChange.Source.IMPORT)
    with transaction.atomic():
        created = organizations_bulk_write(actor=job.created_by, batch=batch, now=now).count
        _job_update(job, status=ImportJob.Status.SUCCEEDED, created_count=created, finished_at=now,
                    processed_rows=result.total_rows)  # fmt: skip
        audit.record(actor=job.created_by, action="registry.import_job.succeeded", obj=job, now=now,
                     object_label=f"导入 {job.original_name}", changes={"created": created})  # fmt: skip


# Reads of import jobs: an officer sees the jobs they started (selectors' rule: not found, not forbidden).


def import_job_list(*, actor: Any) -> QuerySet[ImportJob]:
    if not selectors.is_officer(actor):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=actor).order_by("-created_at", "-id")


def import_job_get(*, actor: Any, pk: int) -> ImportJob:
    job = import_job_list(actor=actor).filter(pk=pk).first()
    if job is None:
        raise NotFound("未找到该导入任务")
    return job


def import_job_finished(job: ImportJob) -> bool:
    return job.status in FINISHED


# -- the template -----------------------------------------------------------------------------


def template_rows() -> list[list[str]]:
    """The header and one example row (valid codes) for the downloadable CSV template."""
    n17 = "37010219850312002"
    return [
        list(COLUMNS),
        [
            make_uscc(region_code="370100", body="MJ990001"), "济南市示例行业协会", "行业协会", "市级", "370100",
            "370102", "山东省济南市历下区示例路 1 号", "65、72", "行业自律、行业服务、调查研究、培训交流",
            "张示例", n17 + ric.calc_check_digit(n17 + "0"), "300000", "2015-06-01", "3", "正常登记",
        ],
    ]  # fmt: skip
