"""Disclosure writes: draft, edit, attach, publish, and correct or update by a new version (DIS-1 … DIS-4).

A published version is never changed: every function here refuses to touch one,
and the database refuses too (core/immutable.py). Audit codes:
disclosure.version.drafted / .edited / .discarded / .published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from xiehui.core import audit, clock, files
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import Attachment, User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import catalogue
from .models import ChangeKind, Disclosure, DisclosureVersion

MAX_ATTACHMENTS = 10
ATTACHMENT_PURPOSE = "disclosure"


def _require_staff(actor: User | None, organization: Organization) -> None:
    # actor None is the system (demo data); people must be staff of the association itself
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以编辑和公开信息")


def _require_draft(version: DisclosureVersion) -> None:
    if not version.is_draft:
        raise ApplicationError(
            f"第 {version.number} 版已于 {clock.local_date(version.published_at):%Y-%m-%d} 公开，不能修改（DIS-4）；"  # type: ignore[arg-type]
            "如需更正，请发布新版本并说明理由",
            code="version_published",
            field="version",
            status=409,
            extra={"rule_id": "DIS-4"},
        )


def _check_effective_on(item: catalogue.ItemType, effective_on: dt.date | None, today: dt.date) -> dt.date | None:
    if item.cadence in (catalogue.STANDING, catalogue.EVENT):
        if effective_on is None:
            what = "事项发生日期" if item.cadence == catalogue.EVENT else "事项生效或变更日期"
            raise ApplicationError(f"请填写{what}（用于计算公开时限，DIS-3）", code="required", field="effective_on")
        if effective_on > today:
            raise ApplicationError("事项发生日期不能晚于今天", code="date_in_future", field="effective_on")
        return effective_on
    return None


def _attach(version: DisclosureVersion, uploads: Iterable[UploadedFile], actor: User | None) -> None:
    uploads = list(uploads)
    if not uploads:
        return
    existing = Attachment.objects.filter(object_id=str(version.pk), purpose=ATTACHMENT_PURPOSE).count()
    if existing + len(uploads) > MAX_ATTACHMENTS:
        raise ApplicationError(
            f"每个版本最多 {MAX_ATTACHMENTS} 个附件：本版本已有 {existing} 个，此次又选择了 {len(uploads)} 个，"
            f"请减少 {existing + len(uploads) - MAX_ATTACHMENTS} 个",
            code="too_many_files",
            field="files",
            extra={"limit": MAX_ATTACHMENTS, "existing": existing},
        )
    files.attachments_store(owner=version, uploads=uploads, actor=actor, purpose=ATTACHMENT_PURPOSE, field="files")


def _carry_attachments(source: DisclosureVersion | None, target: DisclosureVersion) -> None:
    """A new version starts with the files of the version it replaces (the stored files are shared, never rewritten)."""
    if source is None:
        return
    for attachment in files.attachments_of(source, purpose=ATTACHMENT_PURPOSE):
        attachment.pk = None
        attachment.object_id = str(target.pk)
        attachment.save(force_insert=True)


def _slot(item: catalogue.ItemType, period: str) -> str | None:
    return None if item.cadence == catalogue.EVENT else f"{item.code}:{period}"


def _title(item: catalogue.ItemType, period: str, title: str) -> str:
    if item.cadence == catalogue.EVENT:
        title = title.strip()
        if not title:
            raise ApplicationError("请填写标题，如“2026年3月赴德国考察”", code="required", field="title")
        if len(title) > 200:
            raise ApplicationError("标题不能超过 200 字", code="too_long", field="title")
        return title
    return catalogue.item_label(item, period)


@transaction.atomic
def disclosure_draft(
    *,
    actor: User | None,
    organization: Organization,
    item_type: str,
    period: str = "",
    title: str = "",
    data: dict[str, Any],
    body: str = "",
    effective_on: dt.date | None = None,
    uploads: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> DisclosureVersion:
    """Start a new item as a draft (version 1); an item that already exists gets a new version instead."""
    _require_staff(actor, organization)
    item = catalogue.get(item_type)
    today = clock.local_date(now)
    period = catalogue.clean_period(item, period, today=today)
    cleaned = catalogue.clean_data(item, data)
    effective_on = _check_effective_on(item, effective_on, today)
    slot = _slot(item, period)
    if slot is not None:
        existing = Disclosure.objects.filter(organization=organization, slot=slot).first()
        if existing is not None:
            label = catalogue.item_label(item, period)
            raise ApplicationError(
                f"“{label}”已存在，请在该事项下编辑草稿或发布新版本",
                code="disclosure_exists",
                field="item_type",
                status=409,
                extra={"disclosure_id": existing.pk},
            )
    disclosure = Disclosure(
        organization=organization,
        item_type=item.code,
        period=period,
        title=_title(item, period, title),
        slot=slot,
        members_only=item.members_only,
        created_by=actor,
        created_at=now,
    )
    disclosure.full_clean()
    disclosure.save()
    version = DisclosureVersion(
        disclosure=disclosure,
        number=1,
        change_kind=ChangeKind.FIRST,
        data=cleaned,
        body=body.strip(),
        effective_on=effective_on,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    version.full_clean()
    version.save()
    _attach(version, uploads, actor)
    audit.record(
        actor=actor,
        action="disclosure.version.drafted",
        obj=version,
        now=now,
        changes={"item_type": {"before": None, "after": item.code}},
    )
    return version


@transaction.atomic
def version_new(
    *,
    actor: User | None,
    disclosure: Disclosure,
    change_kind: str,
    reason: str,
    data: dict[str, Any],
    body: str = "",
    effective_on: dt.date | None = None,
    uploads: Iterable[UploadedFile] = (),
    now: dt.datetime,
) -> DisclosureVersion:
    """A correction (更正: the published text was wrong) or an update (变更: the facts changed) as a new draft version.

    The reason is required and is shown beside the version for as long as the item is public (DIS-4).
    """
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    _require_staff(actor, disclosure.organization)
    item = disclosure.spec
    if not disclosure.is_published:
        raise ApplicationError("该事项尚未公开，请直接编辑草稿", code="not_published", field="disclosure", status=409)
    if DisclosureVersion.objects.filter(disclosure=disclosure, published_at__isnull=True).exists():
        raise ApplicationError(
            "该事项已有未公开的草稿，请先编辑或删除该草稿", code="draft_exists", field="disclosure", status=409
        )
    if change_kind not in (ChangeKind.CORRECTION, ChangeKind.UPDATE):
        raise ApplicationError("版本类型应为“更正”或“事项变更”", code="change_kind", field="change_kind")
    if change_kind == ChangeKind.UPDATE and item.cadence != catalogue.STANDING:
        raise ApplicationError(f"“{item.title}”按期或逐项公开，只能更正", code="change_kind", field="change_kind")
    reason = reason.strip()
    if len(reason) < 4:
        raise ApplicationError(
            "请说明更正或变更的原因（至少 4 个字），原因将随新版本一并公开", code="reason_required", field="reason"
        )
    cleaned = catalogue.clean_data(item, data)
    today = clock.local_date(now)
    current = disclosure.current
    if change_kind == ChangeKind.UPDATE:
        effective_on = _check_effective_on(item, effective_on, today)
    else:
        effective_on = (
            current.effective_on if current is not None else None
        )  # a correction does not move the facts' date
    number = (disclosure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DisclosureVersion(
        disclosure=disclosure,
        number=number,
        change_kind=change_kind,
        data=cleaned,
        body=body.strip(),
        effective_on=effective_on,
        reason=reason,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    version.full_clean()
    version.save()
    _carry_attachments(current, version)
    _attach(version, uploads, actor)
    audit.record(
        actor=actor,
        action="disclosure.version.drafted",
        obj=version,
        now=now,
        changes={"change_kind": {"before": None, "after": change_kind}},
    )
    return version


@transaction.atomic
def draft_update(
    *,
    actor: User | None,
    version: DisclosureVersion,
    data: dict[str, Any],
    body: str = "",
    effective_on: dt.date | None = None,
    reason: str | None = None,
    title: str | None = None,
    uploads: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[int] = (),
    now: dt.datetime,
) -> DisclosureVersion:
    """Edit a draft (never a published version)."""
    version = (
        DisclosureVersion.objects.select_for_update().select_related("disclosure__organization").get(pk=version.pk)
    )
    disclosure = version.disclosure
    _require_staff(actor, disclosure.organization)
    _require_draft(version)
    item = disclosure.spec
    before = {
        "data": version.data,
        "body": version.body,
        "effective_on": version.effective_on,
        "reason": version.reason,
    }
    version.data = catalogue.clean_data(item, data)
    version.body = body.strip()
    if version.change_kind != ChangeKind.CORRECTION:
        version.effective_on = _check_effective_on(item, effective_on, clock.local_date(now))
    if version.number > 1 and reason is not None:
        if len(reason.strip()) < 4:
            raise ApplicationError("请说明更正或变更的原因（至少 4 个字）", code="reason_required", field="reason")
        version.reason = reason.strip()
    if title is not None and item.cadence == catalogue.EVENT and not disclosure.is_published:
        disclosure.title = _title(item, "", title)
        disclosure.save(update_fields=["title"])
    version.updated_at = now
    version.full_clean()
    version.save()
    removed = list(remove_attachments)
    if removed:
        Attachment.objects.filter(pk__in=removed, object_id=str(version.pk), purpose=ATTACHMENT_PURPOSE).delete()
    _attach(version, uploads, actor)
    after = {"data": version.data, "body": version.body, "effective_on": version.effective_on, "reason": version.reason}
    audit.record(
        actor=actor, action="disclosure.version.edited", obj=version, now=now, changes=audit.diff(before, after)
    )
    return version


@transaction.atomic
def draft_discard(*, actor: User | None, version: DisclosureVersion, now: dt.datetime) -> None:
    """Delete a draft; an item that was never published goes with its only draft."""
    version = (
        DisclosureVersion.objects.select_for_update().select_related("disclosure__organization").get(pk=version.pk)
    )
    disclosure = version.disclosure
    _require_staff(actor, disclosure.organization)
    _require_draft(version)
    audit.record(actor=actor, action="disclosure.version.discarded", obj=version, now=now)
    Attachment.objects.filter(object_id=str(version.pk), purpose=ATTACHMENT_PURPOSE).delete()
    version.delete()
    if not disclosure.is_published:
        disclosure.delete()


@transaction.atomic
def version_publish(*, actor: User | None, version: DisclosureVersion, now: dt.datetime) -> DisclosureVersion:
    """Publish a draft: it becomes the current version, write-once from now on; earlier versions stay visible."""
    version = (
        DisclosureVersion.objects.select_for_update().select_related("disclosure__organization").get(pk=version.pk)
    )
    disclosure = Disclosure.objects.select_for_update().get(pk=version.disclosure_id)
    _require_staff(actor, disclosure.organization)
    _require_draft(version)
    item = disclosure.spec
    catalogue.clean_data(item, version.data)  # a draft saved under an older catalogue must still be complete
    if version.number > 1 and not version.reason:
        raise ApplicationError("新版本须说明更正或变更的原因", code="reason_required", field="reason")
    version.published_at = now
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by"])
    disclosure.current = version
    disclosure.published_at = now
    if disclosure.first_published_at is None:
        disclosure.first_published_at = now
    disclosure.save(update_fields=["current", "published_at", "first_published_at"])
    audit.record(
        actor=actor,
        action="disclosure.version.published",
        obj=disclosure,
        object_type="disclosure.disclosure",
        now=now,
        changes={
            "version": {"before": version.number - 1 or None, "after": version.number},
            "change_kind": {"before": None, "after": version.change_kind},
        },
    )
    return version
