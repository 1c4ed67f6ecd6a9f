"""Uploaded documents: type sniffed from the content (not the name), size limited."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from xiehui.core.errors import ApplicationError

DOCUMENT_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


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
    return str(kind.mime)
