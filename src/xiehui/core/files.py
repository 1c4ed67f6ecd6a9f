"""Uploaded documents and attachments: type sniffed from the content (not the name), size limited."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Attachment, User

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
