"""Complaints about associations (SUP-1): filed by anyone, triaged, investigated and answered in time.

The complainant's identity (name, phone) is stored for the handling officers only
(selectors_complaints.complainant_identity); the public follows a complaint by its
unguessable code and sees only the public steps (ComplaintEvent.public).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xiehui.core import audit, clock, params
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_store
from xiehui.core.models import User
from xiehui.registry import selectors as registry_selectors
from xiehui.registry.models import Organization

from ..models import Complaint, ComplaintEvent, ComplaintStatus, Pledge
from .orders import require_deciding_officer

# Codes are read over the phone: no 0/O, 1/I/L. 12 characters of 31 give ~59 bits (unguessable).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 5000
# Mainland mobile numbers, or landlines with an area code (0531-12345678, 053112345678, optional extension).
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
# How often one client address may file (portal and data port share the count).
FILING_RATE = "5/h"
FILING_RATE_GROUP = "supervision.complaint.file"
ATTACHMENT_PURPOSE = "complaint"
MAX_ATTACHMENTS = 10

OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING)
CLOSED_STATUSES = (ComplaintStatus.ANSWERED, ComplaintStatus.DISMISSED)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """Codes compare in upper case, ignoring spaces and dashes people add when copying."""
    return re.sub(r"[\s-]", "", code).upper()


def answer_due_on(filed_on: dt.date) -> dt.date:
    """SUP-1: the answer is due `answer_days` calendar days after filing (60 by default)."""
    return clock.add_days(filed_on, params.value("SUP-1.answer_days"))


def clean_phone(phone: str) -> str:
    value = re.sub(r"[\s()（）]", "", phone)
    if not PHONE_RE.match(value):
        raise ApplicationError(
            "联系电话格式不正确，请填写 11 位手机号码或带区号的固定电话（如 0531-12345678）",
            code="phone_invalid",
            field="phone",
        )
    return value


def _check_filing(*, pledge: str, description: str, anonymous: bool, name: str, phone: str) -> tuple[str, str]:
    if pledge not in Pledge.values:
        raise ApplicationError("请选择投诉事项", code="pledge_invalid", field="pledge")
    length = len(description.strip())
    if not DESCRIPTION_MIN <= length <= DESCRIPTION_MAX:
        raise ApplicationError(
            f"投诉内容应为 {DESCRIPTION_MIN} 至 {DESCRIPTION_MAX} 字，当前为 {length} 字",
            code="description_length",
            field="description",
        )
    if anonymous:
        return "", ""
    if not name.strip():
        raise ApplicationError("实名投诉请填写投诉人姓名", code="name_required", field="name")
    if len(name.strip()) > 50:
        raise ApplicationError("投诉人姓名不超过 50 字", code="name_too_long", field="name")
    if not phone.strip():
        raise ApplicationError("实名投诉请填写联系电话", code="phone_required", field="phone")
    return name.strip(), clean_phone(phone)


def _event(complaint: Complaint, *, actor: User | None, note: str, now: dt.datetime, public: bool = True) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor if actor is not None and actor.pk else None,
        status=complaint.status,
        note=note,
        public=public,
    )


@transaction.atomic
def complaint_file(
    *,
    organization: Organization,
    pledge: str,
    description: str,
    anonymous: bool,
    name: str = "",
    phone: str = "",
    uploads: Iterable[UploadedFile] = (),
    actor: User | None,
    now: dt.datetime,
    source: str = "",
) -> Complaint:
    """Anyone files a complaint about an association (SUP-1); the code lets them follow it."""
    name, phone = _check_filing(pledge=pledge, description=description, anonymous=anonymous, name=name, phone=phone)
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise ApplicationError(f"附件最多 {MAX_ATTACHMENTS} 个", code="too_many_files", field="files")
    filer = actor if actor is not None and actor.is_authenticated else None
    filed_on = clock.local_date(now)
    complaint = Complaint(
        code=new_code(),
        organization=organization,
        authority_region_id=organization.authority_region_id,
        pledge=pledge,
        description=description.strip(),
        anonymous=anonymous,
        complainant_name=name,
        # An anonymous complaint does not keep the account either: anonymity holds against the platform too.
        filed_by=None if anonymous else filer,
        filed_on=filed_on,
        due_on=answer_due_on(filed_on),
        status=ComplaintStatus.RECEIVED,
        source=source[:20],
    )
    complaint.set_complainant_phone(phone)
    while Complaint.objects.filter(code=complaint.code).exists():  # ~1e-18 per pair; cheap to be sure
        complaint.code = new_code()
    complaint.full_clean()
    complaint.save()
    # Neither the attachments nor the audit trail keep the account: the audit trail is read by every officer
    # of the jurisdiction, the complainant's identity only by the handling officers (SUP-1).
    attachments_store(owner=complaint, uploads=uploads, actor=None, purpose=ATTACHMENT_PURPOSE, field="files")
    _event(
        complaint,
        actor=None,
        note=f"投诉已受理，将于 {complaint.due_on:%Y-%m-%d} 前答复（SUP-1）",
        now=now,
    )
    audit.record(
        actor=None,
        action="supervision.complaint.filed",
        obj=complaint,
        # Never the complainant's name or phone: the audit trail is read more widely than the complaint.
        changes={
            "organization": organization.uscc,
            "pledge": pledge,
            "anonymous": anonymous,
            "due_on": complaint.due_on,
            "attachments": len(uploads),
            "source": complaint.source,
        },
        now=now,
    )
    return complaint


def may_handle(actor: User | None, complaint: Complaint) -> bool:
    """The handling officers: the association's registration authority, and the officer assigned."""
    if registry_selectors.as_officer(actor) is None or actor is None:
        return False
    if complaint.assigned_to_id == actor.pk:
        return True
    organization = complaint.organization
    return registry_selectors.officer_decides(
        actor, authority_region_id=organization.authority_region_id, level=organization.level
    )


def _require_handler(actor: User, complaint: Complaint) -> None:
    if not may_handle(actor, complaint):
        raise PermissionDenied("只有该协会登记管理机关的工作人员或承办人员可以办理此投诉")


def _require_status(complaint: Complaint, allowed: Iterable[str], doing: str) -> None:
    if complaint.status not in allowed:
        raise ApplicationError(
            f"投诉当前状态为“{complaint.get_status_display()}”，不能{doing}",
            code="complaint_status",
            field="status",
        )


def _locked(complaint: Complaint) -> Complaint:
    """Re-read the row under lock so that two officers acting at once see each other's step."""
    return Complaint.objects.select_for_update().select_related("organization").get(pk=complaint.pk)


@transaction.atomic
def complaint_assign(*, actor: User, complaint: Complaint, assignee: User, now: dt.datetime) -> Complaint:
    """Triage: hand the complaint to an officer of the association's authority."""
    complaint = _locked(complaint)
    require_deciding_officer(actor, complaint.organization)
    _require_status(complaint, (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED), "分派")
    org = complaint.organization
    if not registry_selectors.officer_decides(
        assignee, authority_region_id=org.authority_region_id, level=org.level
    ) or not getattr(assignee, "is_active", False):
        raise ApplicationError(
            "承办人员应为该协会登记管理机关的在职工作人员", code="assignee_outside_authority", field="assignee"
        )
    before = complaint.assigned_to_id
    complaint.assigned_to = assignee
    complaint.status = ComplaintStatus.ASSIGNED
    complaint.full_clean()
    complaint.save(update_fields=["assigned_to", "status"])
    _event(complaint, actor=actor, note="投诉已分派承办人员办理", now=now)
    audit.record(
        actor=actor,
        action="supervision.complaint.assigned",
        obj=complaint,
        changes=audit.diff({"assigned_to": before}, {"assigned_to": assignee.pk}),
        now=now,
    )
    return complaint


@transaction.atomic
def complaint_dismiss(*, actor: User, complaint: Complaint, reason: str, now: dt.datetime) -> Complaint:
    """Triage: decline to accept the complaint, with the reason the complainant is told."""
    complaint = _locked(complaint)
    _require_handler(actor, complaint)
    _require_status(complaint, (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED), "决定不予受理")
    if not reason.strip():
        raise ApplicationError("请填写不予受理的理由", code="reason_required", field="reason")
    complaint.status = ComplaintStatus.DISMISSED
    complaint.answer = reason.strip()
    complaint.answered_on = clock.local_date(now)
    complaint.full_clean()
    complaint.save(update_fields=["status", "answer", "answered_on"])
    _event(complaint, actor=actor, note=f"不予受理：{complaint.answer}", now=now)
    audit.record(
        actor=actor,
        action="supervision.complaint.dismissed",
        obj=complaint,
        changes={"reason": complaint.answer, "answered_on": complaint.answered_on},
        now=now,
    )
    return complaint


@transaction.atomic
def complaint_investigate(*, actor: User, complaint: Complaint, note: str, now: dt.datetime) -> Complaint:
    """Start (or continue) the investigation; the note is internal, the complainant sees only the step."""
    complaint = _locked(complaint)
    _require_handler(actor, complaint)
    _require_status(complaint, (ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING), "记录调查")
    if not note.strip():
        raise ApplicationError("请填写调查记录", code="note_required", field="note")
    starting = complaint.status != ComplaintStatus.INVESTIGATING
    complaint.status = ComplaintStatus.INVESTIGATING
    complaint.save(update_fields=["status"])
    if starting:
        _event(complaint, actor=actor, note="承办人员已开始调查核实", now=now)
    _event(complaint, actor=actor, note=note.strip(), now=now, public=False)
    audit.record(
        actor=actor,
        action="supervision.complaint.investigating",
        obj=complaint,
        changes={"started": starting},
        now=now,
    )
    return complaint


@transaction.atomic
def complaint_answer(
    *, actor: User, complaint: Complaint, outcome: str, findings: str, answer: str, now: dt.datetime
) -> Complaint:
    """Record the outcome and answer the complainant (SUP-1: within the limit; substantiated ones count for SUP-2)."""
    complaint = _locked(complaint)
    _require_handler(actor, complaint)
    _require_status(complaint, (ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING), "答复")
    if outcome not in Complaint.Outcome.values:
        raise ApplicationError("请选择调查结论", code="outcome_required", field="outcome")
    for field, value, label in (("findings", findings, "调查情况"), ("answer", answer, "答复意见")):
        if not value.strip():
            raise ApplicationError(f"请填写{label}", code=f"{field}_required", field=field)
    complaint.status = ComplaintStatus.ANSWERED
    complaint.outcome = outcome
    complaint.findings = findings.strip()
    complaint.answer = answer.strip()
    complaint.answered_on = clock.local_date(now)
    complaint.full_clean()
    complaint.save(update_fields=["status", "outcome", "findings", "answer", "answered_on"])
    late = complaint.answered_on > complaint.due_on
    _event(complaint, actor=actor, note="已作出答复" + ("（超过答复期限）" if late else ""), now=now)
    audit.record(
        actor=actor,
        action="supervision.complaint.answered",
        obj=complaint,
        changes={"outcome": outcome, "answered_on": complaint.answered_on, "due_on": complaint.due_on, "late": late},
        now=now,
    )
    return complaint


@transaction.atomic
def complaint_contact_reveal(*, actor: User, complaint: Complaint, now: dt.datetime) -> str:
    """The complainant's full phone number, for a handling officer who must call them; every reveal is audited.

    Pages and the API show the masked number; the full one is read only through here.
    """
    if not may_handle(actor, complaint):
        raise PermissionDenied("只有承办的登记管理机关工作人员可以查看投诉人联系电话")
    if complaint.anonymous or not complaint.complainant_phone_encrypted:
        raise ApplicationError("匿名投诉没有联系电话", code="complaint_no_contact")
    audit.record(actor=actor, action="supervision.complaint.contact_revealed", obj=complaint, now=now)
    return complaint.complainant_phone
