"""Uploaded documents and attachments: type sniffed from the content (not the name), size limited.

A PDF is opened as well: one that carries active content (scripts, launch actions, embedded files,
rich media, XFA forms), is encrypted or cannot be parsed is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Iterable, Iterator

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Attachment, User

DOCUMENT_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}

# What a PDF may not carry: kind -> (what the message names, the short form in its advice), in message order.
PDF_ACTIVE_CONTENT = {
    "javascript": ("脚本（JavaScript）", "脚本"),
    "launch": ("启动外部程序的动作（Launch）", "启动动作"),
    "embedded_file": ("嵌入文件（EmbeddedFile）", "嵌入文件"),
    "rich_media": ("富媒体内容（RichMedia）", "富媒体内容"),
    "xfa": ("XFA 动态表单（XFA）", "XFA 表单"),
}
# The PDF names that reveal each kind, wherever they stand (a key, or an /S, /Type, /Subtype value).
# Any name starting with RichMedia (annotation subtype, RichMediaExecute action, ...) is rich media.
_PDF_NAMES = {
    "JS": "javascript",
    "JavaScript": "javascript",
    "Launch": "launch",
    "EmbeddedFile": "embedded_file",
    "EmbeddedFiles": "embedded_file",
    "EF": "embedded_file",  # the embedded stream of a file specification, whose /Type is optional
    "FileAttachment": "embedded_file",
    "GoToE": "embedded_file",
    "XFA": "xfa",
}
_RICH_MEDIA = "RichMedia"
# Bounds that keep a hostile file from making the walk loop or take long (ordinary PDFs stay far below:
# about four objects a page, a tenth of a millisecond each).
PDF_MAX_OBJECTS = 10_000
PDF_MAX_NODES = 2_000_000
PDF_MAX_SECONDS = 3.0
PDF_MAX_REPAIR_BYTES = 20_000_000  # searched (slowly) for objects the cross-reference table does not define
# Not walked: the logical structure of a tagged PDF (often most of its objects) triggers no action; the
# annotations it points to are reached from the pages, which is where a viewer finds them.
_PDF_NOT_WALKED = frozenset({"/StructTreeRoot"})

_DELIMITERS = rb"\x00\t\n\x0c\r /\[\]<>(){}%"
_NAME_WITH_ESCAPE = re.compile(rb"/[^" + _DELIMITERS + rb"]*#[^" + _DELIMITERS + rb"]*")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAME = re.compile(
    rb"/("
    + b"|".join(re.escape(n.encode()) for n in sorted(_PDF_NAMES, key=len, reverse=True))
    + rb"|RichMedia[^"
    + _DELIMITERS
    + rb"]*)(?=["
    + _DELIMITERS
    + rb"]|\Z)"
)


class _PdfTooComplex(Exception):
    """The walk of a PDF's objects ran past its bounds."""


def check_document(upload: UploadedFile, *, field: str = "documents") -> str:
    """Return the sniffed content type or refuse with a message naming the file."""
    name = upload.name or "文件"
    size = upload.size or 0
    limit = settings.XIEHUI_MAX_UPLOAD_BYTES
    if size == 0:
        raise ApplicationError(f"文件“{name}”为空", code="upload_empty", field=field)
    if size > limit:
        raise ApplicationError(
            f"文件“{name}”大小 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB",
            code="upload_too_large",
            field=field,
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ApplicationError(
            f"文件“{name}”的类型不受支持，仅接受 PDF、PNG、JPEG（按文件内容识别，而非扩展名）",
            code="upload_type",
            field=field,
        )
    if kind.mime == "application/pdf":
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        check_pdf(data, name=name, field=field)
    return str(kind.mime)


def check_pdf(data: bytes, *, name: str, field: str = "documents") -> None:
    """Refuse a PDF that carries active content, is encrypted or cannot be parsed."""
    found = _pdf_raw_findings(data)
    problem = None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            problem = "encrypted"
        else:
            found |= _pdf_walk(reader, len(data))
    except _PdfTooComplex:
        problem = "complex"
    except Exception:  # whatever the parser trips on, the file is not a PDF we can vouch for
        problem = "invalid"
    if found:
        kinds = [kind for kind in PDF_ACTIVE_CONTENT if kind in found]
        what = "、".join(PDF_ACTIVE_CONTENT[kind][0] for kind in kinds)
        short = "、".join(PDF_ACTIVE_CONTENT[kind][1] for kind in kinds)
        raise ApplicationError(
            f"文件“{name}”含有{what}，出于安全原因不予接收；请导出为不含{short}的 PDF 后重新上传",
            code="upload_active_content",
            field=field,
            extra={"found": kinds},
        )
    if problem is not None:
        message = {
            "encrypted": f"文件“{name}”已加密（设有密码或权限限制），无法检查其内容；请导出为未加密的 PDF 后重新上传",
            "complex": f"文件“{name}”结构过于复杂，无法完成安全检查；请重新导出为普通 PDF 后上传",
            "invalid": f"文件“{name}”不是有效的 PDF 文件（可能已损坏或不完整）；请重新导出后上传",
        }[problem]
        raise ApplicationError(message, code="upload_invalid_pdf", field=field, extra={"problem": problem})


def _pdf_name_kind(name: str) -> str | None:
    """The kind of active content a PDF name (without its slash, escapes decoded) reveals, if any."""
    return "rich_media" if name.startswith(_RICH_MEDIA) else _PDF_NAMES.get(name)


def _pdf_walk(reader: PdfReader, size: int) -> set[str]:
    """Walk the object graph from the trailer, bounded, and collect the kinds of active content named in it.

    /OpenAction, /AA, /Next chains, outlines, annotations and form fields all lie on the graph, so an action
    they point to is judged by its own /S (and /JS) like any other dictionary.
    """
    trailer = reader.trailer
    root = trailer.get("/Root")
    if not isinstance(root.get_object() if isinstance(root, IndirectObject) else root, DictionaryObject):
        raise ValueError("no document catalog")
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [trailer]
    nodes = searched = 0
    deadline = time.monotonic() + PDF_MAX_SECONDS
    while stack:
        node = stack.pop()
        nodes += 1
        if nodes > PDF_MAX_NODES:
            raise _PdfTooComplex
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref not in seen:
                seen.add(ref)
                if len(seen) > PDF_MAX_OBJECTS or time.monotonic() > deadline:
                    raise _PdfTooComplex
                if not _pdf_defined(reader, node):
                    # pypdf searches the whole file for it, as a repairing viewer would: some are damage,
                    # many in a large file are a file built to cost time
                    searched += size
                    if searched > PDF_MAX_REPAIR_BYTES:
                        raise ValueError("too many references to undefined objects")
                stack.append(reader.get_object(node))
        elif isinstance(node, DictionaryObject):  # stream objects too: their dictionary, not their data
            for key, value in node.items():
                stack.append(key)
                if key not in _PDF_NOT_WALKED:
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, NameObject) and (kind := _pdf_name_kind(node[1:])):
            found.add(kind)
    return found


def _pdf_defined(reader: PdfReader, ref: IndirectObject) -> bool:
    """Whether the cross-reference table (or stream) defines the object."""
    if ref.generation == 0 and ref.idnum in reader.xref_objStm:
        return True
    return ref.idnum in reader.xref.get(ref.generation, {})


def _pdf_raw_findings(data: bytes) -> set[str]:
    """A second net over the raw bytes outside stream data, with #xx escapes in names decoded."""
    found: set[str] = set()
    for part in _pdf_outside_streams(data):
        text = _NAME_WITH_ESCAPE.sub(_pdf_unescape_name, part) if b"#" in part else part
        for match in _ACTIVE_NAME.finditer(text):
            kind = _pdf_name_kind(match.group(1).decode("latin-1"))
            if kind:
                found.add(kind)
    return found


def _pdf_unescape_name(match: re.Match[bytes]) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))


def _pdf_outside_streams(data: bytes) -> Iterator[bytes]:
    """The parts of a PDF between stream data (where names are objects, not compressed or image bytes)."""
    pos = 0
    start = data.find(b"stream", pos)
    while start >= 0:
        after = start + 6
        # the keyword, not the end of `endstream` or of a longer word, followed by its end of line
        if not data[start - 1 : start].isalpha() and data[after : after + 1] in (b"\r", b"\n"):
            yield data[pos:start]
            end = data.find(b"endstream", after)
            if end < 0:
                return
            pos = end + 9
            start = data.find(b"stream", pos)
        else:
            start = data.find(b"stream", after)
    yield data[pos:]


def attachments_store(
    *, owner: models.Model, uploads: Iterable[UploadedFile], actor: User | None, purpose: str = "", field: str = "files"
) -> list[Attachment]:
    """Check every upload first (nothing is written if one is refused), then store them all for `owner`."""
    uploads = list(uploads)
    mimes = [check_document(upload, field=field) for upload in uploads]
    stored = []
    owner_type = ContentType.objects.get_for_model(owner)
    for upload, mime in zip(uploads, mimes, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            content_type=owner_type,
            object_id=str(owner.pk),
            purpose=purpose,
            original_name=(upload.name or "file")[:200],
            size=upload.size or 0,
            mime=mime,
            sha256=digest.hexdigest(),
            uploaded_by=actor if actor is not None and actor.pk else None,
            uploaded_at=clock.now(),
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def attachments_of(owner: models.Model, *, purpose: str | None = None) -> list[Attachment]:
    """The attachments of one record, oldest first."""
    qs = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(owner), object_id=str(owner.pk))
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return list(qs)
