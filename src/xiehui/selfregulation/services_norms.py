"""Self-regulation norms and the integrity body (000 二(一); 004 §9): draft, adopt, publish, amend, repeal.

A norm's text lives in versions. A version is drafted, adopted by a meeting's
resolution (SR-1: a 行规行约 by the member assembly; every norm by a majority of
the votes cast), then published; a published version is never changed (the
database refuses too, core/immutable.py): an amendment is a new version with its
reason. Audit codes: selfregulation.norm.drafted / .edited / .discarded /
.adopted / .published / .amended / .repealed; selfregulation.integrity_body.set.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.db import transaction
from django.db.models import Max

from xiehui.core import audit, clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import User
from xiehui.registry import selectors as registry
from xiehui.registry.models import Organization

from . import rules
from .models import IntegrityBody, Norm, NormKind, NormVersion, Organ

# T/<association code> <sequence>—<year>; spaces, "-", "–", "－" and "—" are all accepted and normalised.
STANDARD_CODE = re.compile(r"^T\s*/\s*([A-Z]+)\s*(\d+(?:\.\d+)*)\s*[-–－—]+\s*((?:19|20)\d{2})$", re.ASCII)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MAX_VOTES = 1_000_000  # far above any meeting; keeps counts within every database's integer column
VERSION_FIELDS = ("text", "scope", "issued_on", "effective_on", "reason")
ADOPTION_FIELDS = (
    "organ",
    "meeting",
    "meeting_on",
    "resolution",
    "attendance",
    "votes_for",
    "votes_against",
    "votes_abstain",
)


# -- checks ---------------------------------------------------------------------------------------------


def _require_staff(actor: User | None, organization: Organization) -> None:
    # actor None is the system (demo data); people must be staff of the association itself
    if actor is not None and not registry.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以制定和发布自律规范")


def _required(value: str | None, *, field: str, label: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"请填写{label}", code="required", field=field)
    if max_length is not None and len(value) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 字", code="too_long", field=field)
    return value


def clean_standard_code(code: str) -> str:
    """A group standard's number in its normal form `T/JNJZ 001—2026` (lenient about spaces and dashes)."""
    # full-width letters and digits (Ｔ／ＪＮＪＺ　００１) become ASCII, so one standard has one number
    match = STANDARD_CODE.match(unicodedata.normalize("NFKC", code or "").strip().upper())
    if match is None:
        raise ApplicationError(
            "团体标准编号应为“T/社会团体代号 顺序号—年代号”的格式，如 T/JNJZ 001—2026",
            code="invalid_standard_code",
            field="code",
        )
    letters, number, year = match.groups()
    code = f"T/{letters} {number}—{year}"
    if len(code) > 40:
        raise ApplicationError("团体标准编号不能超过 40 个字符", code="too_long", field="code")
    return code


def _clean_heading(
    *, organization: Organization, kind: str, title: str, code: str, norm: Norm | None = None
) -> tuple[str, str, str]:
    """Kind, title and code checked: group standards carry a unique T/ number, other kinds none."""
    if kind not in NormKind.values:
        raise ApplicationError("请选择规范类别", code="invalid_kind", field="kind")
    title = _required(title, field="title", label="名称", max_length=200)
    code = (code or "").strip()
    if kind != NormKind.GROUP_STANDARD:
        if code:
            raise ApplicationError("只有团体标准填写标准编号，其他类别请留空", code="code_not_allowed", field="code")
        return kind, title, ""
    if not code:
        raise ApplicationError("团体标准须填写标准编号，如 T/JNJZ 001—2026", code="required", field="code")
    code = clean_standard_code(code)
    taken = Norm.objects.filter(organization=organization, code=code)
    if norm is not None:
        taken = taken.exclude(pk=norm.pk)
    if taken.exists():
        raise ApplicationError(f"本会已有编号为 {code} 的团体标准", code="duplicate_code", field="code", status=409)
    return kind, title, code


def _check_dates(issued_on: dt.date | None, effective_on: dt.date | None) -> None:
    if issued_on and effective_on and effective_on < issued_on:
        raise ApplicationError("实施日期不能早于发布日期", code="effective_before_issued", field="effective_on")


def _require_draft(version: NormVersion) -> None:
    """Only a draft (not yet adopted) may be edited; a published version never (DIS-4)."""
    if version.published_at is not None:
        raise ApplicationError(
            f"第 {version.number} 版已于 {clock.local_date(version.published_at):%Y-%m-%d} 发布，不能修改；"
            "如需修改，请提出修订（新版本）并说明理由",
            code="version_published",
            status=409,
            extra={"rule_id": "DIS-4"},
        )
    if version.adopted_at is not None:
        raise ApplicationError(
            f"第 {version.number} 版已经会议审议通过，不能再修改；如需修改，请删除该版本后重新起草",
            code="version_adopted",
            status=409,
        )


def _require_not_repealed(norm: Norm) -> None:
    if norm.repealed_on is not None:
        raise ApplicationError(
            f"该规范已于 {norm.repealed_on:%Y-%m-%d} 废止，不能再修订或发布", code="norm_repealed", status=409
        )


def _sr1_refusal(message: str, *, field: str | None, code: str, status: int = 400) -> ApplicationError:
    """A refusal under SR-1, citing the rule in the message and in the machine-readable detail."""
    text = f"{message}（SR-1：{rules.SR1.title}）"
    return ApplicationError(
        text,
        code=code,
        field=field,
        status=status,
        extra={"rule_id": "SR-1", "findings": [{"rule": "SR-1", "field": field, "message": text}]},
    )


def _check_organ(norm: Norm, organ: str, *, action: str) -> None:
    if organ not in Organ.values:
        raise ApplicationError("请选择审议机构", code="invalid_organ", field="organ")
    if norm.kind == NormKind.CONVENTION and organ != Organ.ASSEMBLY:
        raise _sr1_refusal(
            f"行规行约须经会员（代表）大会审议{action}，{Organ(organ).label}无权{action}",
            field="organ",
            code="sr1_assembly_required",
        )


def _check_votes(attendance: int, votes_for: int, votes_against: int, votes_abstain: int) -> None:
    for field, value, label in (
        ("attendance", attendance, "出席人数"),
        ("votes_for", votes_for, "赞成票数"),
        ("votes_against", votes_against, "反对票数"),
        ("votes_abstain", votes_abstain, "弃权票数"),
    ):
        if value is None or value < 0:
            raise ApplicationError(f"请填写{label}（不小于 0 的整数）", code="required", field=field)
        if value > MAX_VOTES:
            raise ApplicationError(f"{label} {value} 超过上限 {MAX_VOTES}，请核对", code="too_large", field=field)
    if attendance == 0:
        raise ApplicationError("出席人数应大于 0", code="no_attendance", field="attendance")
    cast = votes_for + votes_against + votes_abstain
    if cast > attendance:
        raise ApplicationError(
            f"赞成、反对、弃权票数合计 {cast} 超过出席人数 {attendance}",
            code="votes_exceed_attendance",
            field="attendance",
        )
    if votes_for * 2 <= cast:
        raise _sr1_refusal(
            f"赞成票 {votes_for} 未超过表决票数 {cast} 的半数，决议未通过",
            field="votes_for",
            code="sr1_majority_required",
        )


def _locked_version(version: NormVersion) -> NormVersion:
    """Re-read under a row lock so that two actions on one version never interleave."""
    return NormVersion.objects.select_for_update(of=("self",)).select_related("norm__organization").get(pk=version.pk)


def _locked_norm(norm: Norm) -> Norm:
    return Norm.objects.select_for_update(of=("self",)).select_related("organization", "current").get(pk=norm.pk)


def _pending(norm: Norm) -> NormVersion | None:
    return norm.versions.filter(published_at__isnull=True).first()


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# -- drafting -------------------------------------------------------------------------------------------


@transaction.atomic
def norm_draft(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    title: str,
    code: str = "",
    text: str,
    scope: str = "",
    issued_on: dt.date | None = None,
    effective_on: dt.date | None = None,
    now: dt.datetime,
) -> NormVersion:
    """Start a norm as a draft (version 1); it is adopted by a meeting, then published."""
    _require_staff(actor, organization)
    kind, title, code = _clean_heading(organization=organization, kind=kind, title=title, code=code)
    text = _required(text, field="text", label="正文")
    _check_dates(issued_on, effective_on)
    norm = Norm(organization=organization, kind=kind, title=title, code=code, created_by=actor, created_at=now)
    norm.full_clean()
    norm.save()
    version = NormVersion(
        norm=norm,
        number=1,
        text=text,
        scope=scope.strip(),
        issued_on=issued_on,
        effective_on=effective_on,
        created_by=actor,
        created_at=now,
    )
    version.full_clean()
    version.save()
    audit.record(
        actor=actor,
        action="selfregulation.norm.drafted",
        obj=norm,
        changes={"kind": kind, "title": title, "code": code, "version": version.number},
        now=now,
    )
    return version


@transaction.atomic
def norm_draft_edit(
    *,
    actor: User | None,
    version: NormVersion,
    kind: str,
    title: str,
    code: str,
    text: str,
    scope: str,
    issued_on: dt.date | None,
    effective_on: dt.date | None,
    reason: str = "",
    now: dt.datetime,
) -> NormVersion:
    """Edit a draft that no meeting has adopted yet; a published norm keeps its kind, name and number."""
    version = _locked_version(version)
    norm = version.norm
    _require_staff(actor, norm.organization)
    _require_draft(version)
    _require_not_repealed(norm)
    kind, title, code = _clean_heading(organization=norm.organization, kind=kind, title=title, code=code, norm=norm)
    if norm.current_id is not None:
        for field, value, label in (("kind", kind, "类别"), ("title", title, "名称"), ("code", code, "标准编号")):
            if getattr(norm, field) != value:
                raise ApplicationError(
                    f"该规范已发布，{label}不能修改；修订只改变正文、适用范围和日期",
                    code="heading_frozen",
                    field=field,
                )
    text = _required(text, field="text", label="正文")
    if version.number > 1:
        reason = _required(reason, field="reason", label="修订理由")
    _check_dates(issued_on, effective_on)
    before = {**_snapshot(norm, ("kind", "title", "code")), **_snapshot(version, VERSION_FIELDS)}
    norm.kind, norm.title, norm.code = kind, title, code
    version.text, version.scope, version.issued_on, version.effective_on = text, scope.strip(), issued_on, effective_on
    version.reason = reason.strip() if version.number > 1 else ""
    norm.full_clean()
    norm.save(update_fields=["kind", "title", "code"])
    version.full_clean()
    version.save(update_fields=list(VERSION_FIELDS))
    after = {**_snapshot(norm, ("kind", "title", "code")), **_snapshot(version, VERSION_FIELDS)}
    audit.record(
        actor=actor,
        action="selfregulation.norm.edited",
        obj=norm,
        changes={"version": version.number, **audit.diff(before, after)},
        now=now,
    )
    return version


@transaction.atomic
def norm_discard(*, actor: User | None, version: NormVersion, now: dt.datetime) -> Norm | None:
    """Delete a version never published; a norm never published goes with it. Returns the norm if it remains."""
    version = _locked_version(version)
    norm = version.norm
    _require_staff(actor, norm.organization)
    if version.published_at is not None:
        raise ApplicationError(
            f"第 {version.number} 版已发布，不能删除；如需停止执行，请废止该规范",
            code="version_published",
            status=409,
            extra={"rule_id": "DIS-4"},
        )
    audit.record(
        actor=actor,
        action="selfregulation.norm.discarded",
        obj=norm,
        changes={
            "version": version.number,
            "state": version.state,
            **_snapshot(version, VERSION_FIELDS + ADOPTION_FIELDS),
        },
        now=now,
    )
    version.delete()
    if norm.current_id is None:
        norm.delete()
        return None
    return norm


# -- adoption and publication ---------------------------------------------------------------------------


@transaction.atomic
def norm_adopt(
    *,
    actor: User | None,
    version: NormVersion,
    organ: str,
    meeting: str,
    meeting_on: dt.date | None,
    resolution: str,
    attendance: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    now: dt.datetime,
) -> NormVersion:
    """Record the meeting and resolution that adopted a draft (SR-1)."""
    version = _locked_version(version)
    norm = version.norm
    _require_staff(actor, norm.organization)
    _require_draft(version)
    _require_not_repealed(norm)
    _check_organ(norm, organ, action="通过")
    meeting = _required(meeting, field="meeting", label="会议名称", max_length=100)
    if meeting_on is None:
        raise ApplicationError("请填写会议日期", code="required", field="meeting_on")
    if meeting_on > clock.local_date(now):
        raise ApplicationError("会议日期不能晚于今天", code="date_in_future", field="meeting_on")
    resolution = _required(resolution, field="resolution", label="决议文号", max_length=100)
    _check_votes(attendance, votes_for, votes_against, votes_abstain)
    version.organ, version.meeting, version.meeting_on, version.resolution = organ, meeting, meeting_on, resolution
    version.attendance, version.votes_for = attendance, votes_for
    version.votes_against, version.votes_abstain = votes_against, votes_abstain
    version.adopted_at = now
    version.full_clean()
    version.save(update_fields=[*ADOPTION_FIELDS, "adopted_at"])
    audit.record(
        actor=actor,
        action="selfregulation.norm.adopted",
        obj=norm,
        changes={"version": version.number, "rule_id": "SR-1", **_snapshot(version, ADOPTION_FIELDS)},
        now=now,
    )
    return version


def _check_publishable(norm: Norm, version: NormVersion) -> None:
    if version.published_at is not None:
        raise ApplicationError(f"第 {version.number} 版已发布", code="version_published", status=409)
    if version.adopted_at is None:
        raise _sr1_refusal(
            "该版本尚未经会议审议通过，请先录入审议会议和决议", field=None, code="sr1_not_adopted", status=409
        )
    if norm.kind == NormKind.GROUP_STANDARD:
        if not version.scope.strip():
            raise ApplicationError("发布团体标准前请填写适用范围", code="required", field="scope")
        if version.effective_on is None:
            raise ApplicationError("发布团体标准前请填写实施日期", code="required", field="effective_on")


@transaction.atomic
def norm_publish(*, actor: User | None, version: NormVersion, now: dt.datetime) -> NormVersion:
    """Publish an adopted version: it becomes the norm's current text; earlier versions stay as history."""
    version = _locked_version(version)
    norm = _locked_norm(version.norm)
    _require_staff(actor, norm.organization)
    _require_not_repealed(norm)
    _check_publishable(norm, version)
    previous = norm.current.number if norm.current is not None else None
    version.published_at = now
    version.published_by = actor
    if version.issued_on is None:
        version.issued_on = clock.local_date(now)
    version.save(update_fields=["published_at", "published_by", "issued_on"])
    norm.current = version
    norm.published_at = now
    norm.save(update_fields=["current", "published_at"])
    audit.record(
        actor=actor,
        action="selfregulation.norm.published",
        obj=norm,
        changes={"version": version.number, "previous": previous, "issued_on": version.issued_on},
        now=now,
    )
    return version


# -- amendment and repeal ---------------------------------------------------------------------------------


@transaction.atomic
def norm_amend(
    *,
    actor: User | None,
    norm: Norm,
    text: str,
    scope: str,
    issued_on: dt.date | None,
    effective_on: dt.date | None,
    reason: str,
    now: dt.datetime,
) -> NormVersion:
    """Start an amendment: a new version (number + 1) as a draft with its reason; adopted and published again."""
    norm = _locked_norm(norm)
    _require_staff(actor, norm.organization)
    _require_not_repealed(norm)
    if norm.current_id is None:
        raise ApplicationError("该规范尚未发布，请直接修改草案", code="norm_not_published", field=None, status=409)
    pending = _pending(norm)
    if pending is not None:
        raise ApplicationError(
            f"该规范已有未发布的第 {pending.number} 版（{pending.state_label}），请先发布或删除后再提出新的修订",
            code="pending_version_exists",
            status=409,
            extra={"version_id": pending.pk},
        )
    text = _required(text, field="text", label="正文")
    reason = _required(reason, field="reason", label="修订理由")
    _check_dates(issued_on, effective_on)
    number = (norm.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = NormVersion(
        norm=norm,
        number=number,
        text=text,
        scope=scope.strip(),
        issued_on=issued_on,
        effective_on=effective_on,
        reason=reason,
        created_by=actor,
        created_at=now,
    )
    version.full_clean()
    version.save()
    audit.record(
        actor=actor,
        action="selfregulation.norm.amended",
        obj=norm,
        changes={"version": number, "reason": reason},
        now=now,
    )
    return version


@transaction.atomic
def norm_repeal(
    *,
    actor: User | None,
    norm: Norm,
    repealed_on: dt.date | None,
    organ: str,
    resolution: str,
    reason: str,
    now: dt.datetime,
) -> Norm:
    """Repeal a published norm by a resolution; it stays on the public page marked 已废止 with date and reason."""
    norm = _locked_norm(norm)
    _require_staff(actor, norm.organization)
    _require_not_repealed(norm)
    if norm.current is None:
        raise ApplicationError("该规范尚未发布，无需废止；可直接删除草案", code="norm_not_published", status=409)
    pending = _pending(norm)
    if pending is not None:
        raise ApplicationError(
            f"该规范有未发布的第 {pending.number} 版，请先删除该版本再废止", code="pending_version_exists", status=409
        )
    _check_organ(norm, organ, action="废止")
    if repealed_on is None:
        raise ApplicationError("请填写废止日期", code="required", field="repealed_on")
    if repealed_on > clock.local_date(now):
        raise ApplicationError("废止日期不能晚于今天", code="date_in_future", field="repealed_on")
    published_on = clock.local_date(norm.current.published_at)  # type: ignore[arg-type]
    if repealed_on < published_on:
        raise ApplicationError(
            f"废止日期不能早于现行版本的发布日期 {published_on:%Y-%m-%d}",
            code="repealed_before_published",
            field="repealed_on",
        )
    norm.repeal_resolution = _required(resolution, field="resolution", label="废止决议文号", max_length=100)
    norm.repeal_reason = _required(reason, field="reason", label="废止理由")
    norm.repealed_on, norm.repeal_organ = repealed_on, organ
    norm.full_clean()
    norm.save(update_fields=["repealed_on", "repeal_organ", "repeal_resolution", "repeal_reason"])
    audit.record(
        actor=actor,
        action="selfregulation.norm.repealed",
        obj=norm,
        changes={
            "repealed_on": repealed_on,
            "organ": organ,
            "resolution": norm.repeal_resolution,
            "reason": norm.repeal_reason,
        },
        now=now,
    )
    return norm


# -- integrity body ---------------------------------------------------------------------------------------


@transaction.atomic
def integrity_body_set(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    established_on: dt.date | None,
    head: str,
    members: str = "",
    duties: str,
    contact: str = "",
    now: dt.datetime,
) -> IntegrityBody:
    """Record or update the association's self-regulation and integrity body (自律与诚信工作机构)."""
    _require_staff(actor, organization)
    body = IntegrityBody.objects.select_for_update().filter(organization=organization).first()
    fields = ("name", "established_on", "head", "members", "duties", "contact")
    before = _snapshot(body, fields) if body is not None else {}
    if established_on is None:
        raise ApplicationError("请填写设立日期", code="required", field="established_on")
    if established_on > clock.local_date(now):
        raise ApplicationError("设立日期不能晚于今天", code="date_in_future", field="established_on")
    contact = contact.strip()
    if len(contact) > 100:
        raise ApplicationError("联系方式不能超过 100 字", code="too_long", field="contact")
    if MOBILE.search(contact):
        raise ApplicationError(
            "联系方式将向社会公开，请填写办公电话或邮箱，不要填写个人手机号", code="personal_contact", field="contact"
        )
    values = {
        "name": _required(name, field="name", label="机构名称", max_length=100),
        "established_on": established_on,
        "head": _required(head, field="head", label="负责人", max_length=50),
        "members": members.strip(),
        "duties": _required(duties, field="duties", label="工作职责"),
        "contact": contact,
    }
    if body is None:
        body = IntegrityBody(organization=organization, updated_at=now, **values)
    else:
        for key, value in values.items():
            setattr(body, key, value)
        body.updated_at = now
    body.full_clean()
    body.save()
    audit.record(
        actor=actor,
        action="selfregulation.integrity_body.set",
        obj=body,
        changes=audit.diff(before, _snapshot(body, fields)),
        now=now,
    )
    return body
