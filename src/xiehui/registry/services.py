"""Writes of the register: applications, approvals, change filings (conventions: writes are services)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xiehui.core import audit, clock, pii
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import check_document
from xiehui.core.models import LEVEL_PREFIX_LENGTH, Industry, Level, Person, Region, User

from . import rules, search, selectors
from .models import (
    REGISTERED_ITEM_LABELS,
    ApplicationDocument,
    ApplicationStatus,
    AuthoritySequence,
    ChangeFiling,
    DecouplingItem,
    FilingStatus,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    RegisteredItemChange,
    RegistrationApplication,
    StaffAssignment,
)

CHANGEABLE_ITEMS = REGISTERED_ITEM_LABELS


@dataclass
class PersonInput:
    name: str
    id_number: str
    phone: str = ""


@dataclass(kw_only=True)
class RegisteredItemsInput:
    """The registered items (条例 art. 10, 18) that an application proposes and a record holds."""

    name: str
    kind: str
    level: str
    authority_region: Region
    region: Region
    domicile: str
    industries: list[Industry]
    business_scope: str
    legal_representative: PersonInput
    activity_funds: Decimal


@dataclass(kw_only=True)
class ApplicationInput(RegisteredItemsInput):
    individual_members: int
    unit_members: int
    fulltime_staff: int
    premises: str
    contact_name: str
    contact_phone: str
    documents: list[tuple[str, UploadedFile]] = field(default_factory=list)


def _refuse(findings: list[rules.Finding]) -> None:
    if findings:
        first = findings[0]
        raise ApplicationError(
            "；".join(f.message for f in findings) + f"（{first.rule_id}）",
            code=first.rule_id.lower().replace("-", "_"),
            field=first.field,
            extra={"findings": [{"rule": f.rule_id, "field": f.field, "message": f.message} for f in findings]},
        )


REGION_KIND_FOR_LEVEL = {
    Level.NATIONAL: Region.Kind.NATION,
    Level.PROVINCIAL: Region.Kind.PROVINCE,
    Level.MUNICIPAL: Region.Kind.CITY,
    Level.COUNTY: Region.Kind.COUNTY,
}


def check_authority(level: str, authority_region: Region) -> None:
    """The authority's region must be of the kind its level registers at."""
    if level not in Level.values:
        raise ApplicationError("登记层级无效", code="invalid_level", field="level")
    expected = REGION_KIND_FOR_LEVEL[Level(level)]
    if authority_region.kind != expected:
        raise ApplicationError(
            f"{Level(level).label}社会团体的登记管理机关应在{Region.Kind(expected).label}行政区划，"
            f"而“{authority_region}”是{authority_region.get_kind_display()}",
            code="authority_level_mismatch",
            field="authority_region",
        )


def check_name(
    *,
    name: str,
    level: str,
    authority_region: Region,
    exclude_org: int | None = None,
    exclude_application: int | None = None,
) -> None:
    """REG-2: reserved words, and no identical name within the same authority's area."""
    if not rules.canonical_name(name):
        raise ApplicationError("请填写名称", code="name_required", field="name")
    _refuse(rules.name_reserved_words(name=name, level=level))
    canonical = rules.canonical_name(name)
    taken = selectors.identical_names(
        name=canonical,
        authority_region=authority_region,
        exclude_org=exclude_org,
        exclude_application=exclude_application,
    )
    if taken:
        raise ApplicationError(
            f"同一登记管理机关辖区内已有名称相同的社会团体或申请：“{taken}”（REG-2）",
            code="reg_2_identical_name",
            field="name",
        )


def check_legal_representative(*, person: Person, exclude_org: int | None = None) -> None:
    """REG-4: a person is legal representative of at most one 社会团体."""
    other = (
        Organization.objects.filter(legal_representative=person, status=OrganizationStatus.REGISTERED)
        .exclude(pk=exclude_org or 0)
        .first()
    )
    if other is not None:
        raise ApplicationError(
            f"该身份证号码的持有人已担任“{other.name}”的法定代表人，不得同时担任两个社会团体的法定代表人（REG-4）",
            code="reg_4_legal_representative_taken",
            field="legal_representative_id_number",
        )


def person_for(data: PersonInput) -> Person:
    """Find the person by identity number (keyed hash) or create the record; names must agree."""
    from .validators import clean_id_number

    id_number = clean_id_number(data.id_number)
    existing = Person.objects.filter(id_number_hash=pii.index_hash(id_number)).first()
    name = data.name.strip()
    if not name:
        raise ApplicationError("请填写法定代表人姓名", code="person_name_required", field="legal_representative_name")
    if existing is not None:
        if existing.name != name:
            raise ApplicationError(
                "该身份证号码已登记的姓名与填写的姓名不一致，请核对",
                code="person_name_mismatch",
                field="legal_representative_name",
            )
        return existing
    person = Person(name=name)
    person.set_id_number(id_number)
    if data.phone:
        person.set_phone(data.phone)
    person.full_clean()
    person.save()
    return person


def _tracking_code() -> str:
    return "SQ" + secrets.token_hex(5).upper()


@transaction.atomic
def application_submit(*, actor: User | None, data: ApplicationInput, now: dt.datetime) -> RegistrationApplication:
    """File an application for direct registration (004 §2). REG-1, REG-2 and REG-4 are checked now."""
    if data.kind not in OrganizationKind.values:
        raise ApplicationError("社会团体类型无效", code="invalid_kind", field="kind")
    check_authority(data.level, data.authority_region)
    if not data.region.code.startswith(data.authority_region.code[: LEVEL_PREFIX_LENGTH[Level(data.level)]]):
        raise ApplicationError("住所所在区划不在登记管理机关辖区内", code="region_outside_authority", field="region")
    check_name(name=data.name, level=data.level, authority_region=data.authority_region)
    _refuse(
        rules.registration_conditions(
            level=data.level,
            individual_members=data.individual_members,
            unit_members=data.unit_members,
            activity_funds=data.activity_funds,
            domicile=data.domicile,
            fulltime_staff=data.fulltime_staff,
        )
    )
    if not data.industries:
        raise ApplicationError("请至少选择一个所属行业", code="industries_required", field="industries")
    for _, upload in data.documents:  # every document is checked before anything (a file) is written
        check_document(upload)
    person = person_for(data.legal_representative)
    check_legal_representative(person=person)
    today = clock.local_date(now)
    application = RegistrationApplication(
        tracking_code=_tracking_code(),
        name=rules.canonical_name(data.name),
        kind=data.kind,
        level=data.level,
        authority_region=data.authority_region,
        region=data.region,
        domicile=data.domicile.strip(),
        business_scope=data.business_scope.strip(),
        legal_representative=person,
        activity_funds=data.activity_funds,
        individual_members=data.individual_members,
        unit_members=data.unit_members,
        fulltime_staff=data.fulltime_staff,
        premises=data.premises.strip(),
        contact_name=data.contact_name.strip(),
        contact_phone_encrypted=pii.encrypt(data.contact_phone) if data.contact_phone else "",
        contact_phone_masked=pii.mask_phone(data.contact_phone) if data.contact_phone else "",
        applicant=actor if actor is not None and actor.pk else None,
        submitted_at=now,
        complete_on=today,
        due_on=rules.decision_due(today),
    )
    application.full_clean(exclude=["industries"])
    application.save()
    application.industries.set(data.industries)
    for kind, upload in data.documents:
        _attach_document(application, kind, upload)
    audit.record(
        actor=actor,
        action="registry.application.submitted",
        obj=application,
        now=now,
        changes={"status": {"before": None, "after": application.status}},
    )
    return application


def _attach_document(application: RegistrationApplication, kind: str, upload: UploadedFile) -> None:
    content_type = check_document(upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    doc = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=(upload.name or "file")[:200],
        size=upload.size or 0,
        content_type=content_type,
        sha256=digest.hexdigest(),
    )
    doc.file.save(upload.name or "file", upload, save=False)
    doc.save()


def _require_deciding_officer(actor: User, authority_region_id: str, level: str) -> None:
    if not selectors.officer_decides(actor, authority_region_id=authority_region_id, level=level):
        raise PermissionDenied("只有该登记管理机关的工作人员可以作出决定")


@transaction.atomic
def application_request_completion(
    *, actor: User, application: RegistrationApplication, reason: str, now: dt.datetime
) -> RegistrationApplication:
    """Ask the founders to complete the application; REG-3's 60 days restart when they do."""
    application = RegistrationApplication.objects.select_for_update().get(pk=application.pk)
    _require_deciding_officer(actor, application.authority_region_id, application.level)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError("只有待审查的申请可以要求补正", code="application_not_pending")
    if not reason.strip():
        raise ApplicationError("请说明需要补正的材料", code="reason_required", field="reason")
    application.status = ApplicationStatus.INCOMPLETE
    application.decision_reason = reason.strip()
    application.save(update_fields=["status", "decision_reason"])
    audit.record(
        actor=actor,
        action="registry.application.completion_requested",
        obj=application,
        now=now,
        changes={"status": {"before": "submitted", "after": "incomplete"}, "reason": reason.strip()},
    )
    return application


@transaction.atomic
def application_resubmit(
    *,
    actor: User | None,
    application: RegistrationApplication,
    documents: list[tuple[str, UploadedFile]],
    now: dt.datetime,
) -> RegistrationApplication:
    """The founders complete the application; it becomes complete today (REG-3 counts anew)."""
    application = RegistrationApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.INCOMPLETE:
        raise ApplicationError("该申请无需补正", code="application_not_incomplete")
    if not documents:
        raise ApplicationError("请上传补正材料", code="documents_required", field="documents")
    for _, upload in documents:  # check all before writing any file
        check_document(upload)
    for kind, upload in documents:
        _attach_document(application, kind, upload)
    today = clock.local_date(now)
    application.status = ApplicationStatus.SUBMITTED
    application.complete_on = today
    application.due_on = rules.decision_due(today)
    application.save(update_fields=["status", "complete_on", "due_on"])
    audit.record(
        actor=actor,
        action="registry.application.resubmitted",
        obj=application,
        now=now,
        changes={"status": {"before": "incomplete", "after": "submitted"}},
    )
    return application


def _next_uscc(authority_region: Region) -> str:
    seq, _ = AuthoritySequence.objects.select_for_update().get_or_create(authority_region=authority_region)
    while True:
        seq.last += 1
        body = f"MJ{seq.last:06d}"
        uscc = make_uscc(region_code=authority_region.code, body=body)
        if not Organization.objects.filter(uscc=uscc).exists():
            seq.save(update_fields=["last"])
            return uscc


@transaction.atomic
def application_approve(*, actor: User, application: RegistrationApplication, now: dt.datetime) -> Organization:
    """Approve: the association enters the register with a new USCC (REG-8) and its registered items."""
    application = RegistrationApplication.objects.select_for_update().get(pk=application.pk)
    _require_deciding_officer(actor, application.authority_region_id, application.level)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError(
            f"该申请当前状态为“{application.get_status_display()}”，不能准予登记", code="application_not_pending"
        )
    check_name(
        name=application.name,
        level=application.level,
        authority_region=application.authority_region,
        exclude_application=application.pk,
    )
    check_legal_representative(person=application.legal_representative)
    org = Organization(
        uscc=_next_uscc(application.authority_region),
        name=application.name,
        name_grams=search.name_grams(application.name),
        kind=application.kind,
        level=application.level,
        authority_region=application.authority_region,
        region=application.region,
        domicile=application.domicile,
        business_scope=application.business_scope,
        legal_representative=application.legal_representative,
        activity_funds=application.activity_funds,
        registered_on=clock.local_date(now),
        fulltime_staff=application.fulltime_staff,
        premises=application.premises,
    )
    org.full_clean(exclude=["industries"])
    org.save()
    org.industries.set(application.industries.all())
    _record_initial_items(org, source=RegisteredItemChange.Source.REGISTRATION, now=now)
    DecouplingItem.objects.bulk_create(DecouplingItem(organization=org, item=i) for i in DecouplingItem.Item.values)
    application.status = ApplicationStatus.APPROVED
    application.decided_at, application.decided_by, application.organization = now, actor, org
    application.save(update_fields=["status", "decided_at", "decided_by", "organization"])
    audit.record(
        actor=actor,
        action="registry.application.approved",
        obj=application,
        now=now,
        changes={"status": {"before": "submitted", "after": "approved"}, "uscc": org.uscc},
    )
    audit.record(
        actor=actor,
        action="registry.organization.registered",
        obj=org,
        now=now,
        changes=audit.diff({}, item_values(org)),
    )
    return org


@transaction.atomic
def application_refuse(
    *, actor: User, application: RegistrationApplication, reason: str, now: dt.datetime
) -> RegistrationApplication:
    """Refuse; REG-3 requires the reasons to be stated."""
    application = RegistrationApplication.objects.select_for_update().get(pk=application.pk)
    _require_deciding_officer(actor, application.authority_region_id, application.level)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.INCOMPLETE):
        raise ApplicationError("该申请已作出决定", code="application_not_pending")
    if len(reason.strip()) < 4:
        raise ApplicationError("不予登记须说明理由（REG-3）", code="reg_3_reason_required", field="reason")
    before = application.status
    application.status = ApplicationStatus.REFUSED
    application.decided_at, application.decided_by, application.decision_reason = now, actor, reason.strip()
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit.record(
        actor=actor,
        action="registry.application.refused",
        obj=application,
        now=now,
        changes={"status": {"before": before, "after": "refused"}, "reason": reason.strip()},
    )
    return application


def item_values(org: Organization) -> dict[str, Any]:
    """The registered items as display strings (history and audit show these)."""
    return {
        "name": org.name,
        "domicile": org.domicile,
        "business_scope": org.business_scope,
        "activity_funds": f"{org.activity_funds:.2f}",
        "legal_representative": org.legal_representative.name,
    }


def _record_initial_items(org: Organization, *, source: str, now: dt.datetime) -> None:
    RegisteredItemChange.objects.bulk_create(
        RegisteredItemChange(
            organization=org,
            field=key,
            label=CHANGEABLE_ITEMS[key],
            old_value="",
            new_value=value,
            effective_on=org.registered_on,
            recorded_at=now,
            source=source,
        )
        for key, value in item_values(org).items()
    )


@dataclass
class ChangeInput:
    reason: str
    decided_on: dt.date
    name: str | None = None
    domicile: str | None = None
    business_scope: str | None = None
    activity_funds: Decimal | None = None
    legal_representative: PersonInput | None = None


def _scalar_changes(org: Organization, data: ChangeInput) -> dict[str, str]:
    changes: dict[str, str] = {}
    for key in ("name", "domicile", "business_scope"):
        value = getattr(data, key)
        new = (rules.canonical_name(value) if key == "name" else value.strip()) if value is not None else ""
        if new and new != getattr(org, key):
            changes[key] = new
    if data.activity_funds is not None and data.activity_funds != org.activity_funds:
        if data.activity_funds < rules.min_funds(org.level):
            raise ApplicationError(
                f"活动资金不得低于 {rules.min_funds(org.level):,.0f} 元（REG-1）", code="reg_1", field="activity_funds"
            )
        changes["activity_funds"] = f"{data.activity_funds:.2f}"
    return changes


@transaction.atomic
def change_filing_submit(
    *, actor: User, organization: Organization, data: ChangeInput, now: dt.datetime
) -> ChangeFiling:
    """Association staff file a change of registered items (REG-5: within 30 days of deciding it)."""
    if not selectors.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以申请变更登记")
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.status != OrganizationStatus.REGISTERED:
        raise ApplicationError("该社会团体不在正常登记状态，不能申请变更", code="organization_not_registered")
    if ChangeFiling.objects.filter(organization=org, status=FilingStatus.SUBMITTED).exists():
        raise ApplicationError("已有一项变更申请待审查，请待其办结后再申请", code="change_filing_pending")
    if data.decided_on > clock.local_date(now):
        raise ApplicationError("内部决议日期不能晚于今天", code="decided_on_future", field="decided_on")
    if not data.reason.strip():
        raise ApplicationError("请填写变更理由", code="reason_required", field="reason")
    changes = _scalar_changes(org, data)
    if "name" in changes:
        check_name(name=changes["name"], level=org.level, authority_region=org.authority_region, exclude_org=org.pk)
    new_rep = None
    if data.legal_representative is not None and data.legal_representative.id_number.strip():
        new_rep = person_for(data.legal_representative)
        if new_rep.pk != org.legal_representative_id:
            check_legal_representative(person=new_rep, exclude_org=org.pk)
        else:
            new_rep = None
    if not changes and new_rep is None:
        raise ApplicationError("未填写任何与现登记事项不同的变更内容", code="no_changes")
    filing = ChangeFiling(
        organization=org,
        changes=changes,
        new_legal_representative=new_rep,
        reason=data.reason.strip(),
        decided_on=data.decided_on,
        filing_due_on=rules.filing_due(data.decided_on),
        filed_at=now,
        filed_by=actor,
    )
    filing.full_clean(exclude=["changes"])  # {} is valid: a change of legal representative only
    filing.save()
    audit.record(
        actor=actor,
        action="registry.change_filing.submitted",
        obj=filing,
        now=now,
        changes={"items": sorted([*changes, *(["legal_representative"] if new_rep else [])])},
    )
    return filing


@transaction.atomic
def change_filing_approve(*, actor: User, filing: ChangeFiling, now: dt.datetime) -> Organization:
    """Approve a filing: the items change, the history keeps the old and new values with the date."""
    filing = ChangeFiling.objects.select_for_update().select_related("organization").get(pk=filing.pk)
    org = Organization.objects.select_for_update().get(pk=filing.organization_id)
    _require_deciding_officer(actor, org.authority_region_id, org.level)
    if filing.status != FilingStatus.SUBMITTED:
        raise ApplicationError("该变更申请已办结", code="change_filing_not_pending")
    before = item_values(org)
    if "name" in filing.changes:
        check_name(
            name=filing.changes["name"], level=org.level, authority_region=org.authority_region, exclude_org=org.pk
        )
    for key, value in filing.changes.items():
        setattr(org, key, Decimal(value) if key == "activity_funds" else value)
    new_rep = filing.new_legal_representative
    if new_rep is not None:
        check_legal_representative(person=new_rep, exclude_org=org.pk)
        org.legal_representative = new_rep
    org.name_grams = search.name_grams(org.name)
    org.full_clean(exclude=["industries"])
    org.save()
    after = item_values(org)
    RegisteredItemChange.objects.bulk_create(
        RegisteredItemChange(
            organization=org,
            field=key,
            label=CHANGEABLE_ITEMS[key],
            old_value=before[key],
            new_value=after[key],
            effective_on=clock.local_date(now),
            recorded_at=now,
            source=RegisteredItemChange.Source.CHANGE,
        )
        for key in after
        if before[key] != after[key]
    )
    filing.status, filing.decided_at, filing.decided_by = FilingStatus.APPROVED, now, actor
    filing.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(actor=actor, action="registry.change_filing.approved", obj=filing, now=now)
    audit.record(
        actor=actor, action="registry.organization.changed", obj=org, now=now, changes=audit.diff(before, after)
    )
    return org


@transaction.atomic
def change_filing_reject(*, actor: User, filing: ChangeFiling, reason: str, now: dt.datetime) -> ChangeFiling:
    filing = ChangeFiling.objects.select_for_update().select_related("organization").get(pk=filing.pk)
    _require_deciding_officer(actor, filing.organization.authority_region_id, filing.organization.level)
    if filing.status != FilingStatus.SUBMITTED:
        raise ApplicationError("该变更申请已办结", code="change_filing_not_pending")
    if len(reason.strip()) < 4:
        raise ApplicationError("不予核准须说明理由", code="reason_required", field="reason")
    filing.status, filing.decided_at, filing.decided_by = FilingStatus.REJECTED, now, actor
    filing.decision_reason = reason.strip()
    filing.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit.record(
        actor=actor, action="registry.change_filing.rejected", obj=filing, now=now, changes={"reason": reason.strip()}
    )
    return filing


@dataclass(kw_only=True)
class OrganizationRecord(RegisteredItemsInput):
    """An association that is already registered (import, demo data): its registered items as they stand."""

    uscc: str
    registered_on: dt.date
    fulltime_staff: int = 1
    short_name: str = ""
    premises: str = ""
    website: str = ""
    contact_phone: str = ""
    status: str = OrganizationStatus.REGISTERED


@transaction.atomic
def organization_record(
    *, actor: User | None, data: OrganizationRecord, now: dt.datetime, source: str = RegisteredItemChange.Source.IMPORT
) -> Organization:
    """Enter an existing registration into the register (REG-2, REG-4 and REG-8 checked)."""
    from xiehui.core.codes import clean_uscc

    uscc = clean_uscc(data.uscc)
    if Organization.objects.filter(uscc=uscc).exists():
        raise ApplicationError(f"统一社会信用代码 {uscc} 已在登记库中", code="uscc_exists", field="uscc")
    if uscc[2:8] != (data.authority_region.code if data.level != Level.NATIONAL else "100000"):
        raise ApplicationError(
            "统一社会信用代码第 3-8 位应为登记管理机关的行政区划代码", code="uscc_region_mismatch", field="uscc"
        )
    check_authority(data.level, data.authority_region)
    if data.status == OrganizationStatus.REGISTERED:
        check_name(name=data.name, level=data.level, authority_region=data.authority_region)
    person = person_for(data.legal_representative)
    if data.status == OrganizationStatus.REGISTERED:
        check_legal_representative(person=person)
    org = Organization(
        uscc=uscc,
        name=rules.canonical_name(data.name),
        name_grams=search.name_grams(data.name),
        short_name=data.short_name,
        kind=data.kind,
        level=data.level,
        authority_region=data.authority_region,
        region=data.region,
        domicile=data.domicile,
        business_scope=data.business_scope,
        legal_representative=person,
        activity_funds=data.activity_funds,
        registered_on=data.registered_on,
        fulltime_staff=data.fulltime_staff,
        premises=data.premises,
        website=data.website,
        contact_phone=data.contact_phone,
        status=data.status,
    )
    org.full_clean(exclude=["industries"])
    org.save()
    org.industries.set(data.industries)
    _record_initial_items(org, source=source, now=now)
    DecouplingItem.objects.bulk_create(DecouplingItem(organization=org, item=i) for i in DecouplingItem.Item.values)
    audit.record(
        actor=actor, action="registry.organization.recorded", obj=org, now=now, changes=audit.diff({}, item_values(org))
    )
    return org


@transaction.atomic
def staff_assign(
    *, actor: User | None, user: User, organization: Organization, title: str = "", now: dt.datetime | None = None
) -> StaffAssignment:
    """Bind an association-staff account to the one association it works for."""
    if user.role != "staff":
        raise ApplicationError("只有“协会工作人员”角色的账户可以关联协会", code="not_staff_role", field="user")
    assignment, _ = StaffAssignment.objects.update_or_create(
        user=user, defaults={"organization": organization, "title": title}
    )
    audit.record(
        actor=actor,
        action="registry.staff.assigned",
        obj=assignment,
        now=now,
        changes={"organization": {"before": None, "after": organization.uscc}},
    )
    return assignment


@transaction.atomic
def decoupling_item_update(
    *,
    actor: User,
    organization: Organization,
    item: str,
    completed: bool,
    completed_on: dt.date | None,
    evidence: str,
    now: dt.datetime,
) -> DecouplingItem:
    """Staff record one of the five separations (REG-7) as done, with its evidence, or reopen it."""
    if not selectors.staff_of(actor, organization):
        raise PermissionDenied("只有本协会工作人员可以填报脱钩情况")
    if item not in DecouplingItem.Item.values:
        raise ApplicationError("脱钩事项无效", code="invalid_decoupling_item", field="item")
    if completed and not evidence.strip():
        raise ApplicationError("标记为已完成须填写佐证说明（REG-7）", code="reg_7_evidence_required", field="evidence")
    if completed and completed_on is None:
        raise ApplicationError("请填写完成日期", code="completed_on_required", field="completed_on")
    if completed_on is not None and completed_on > clock.local_date(now):
        raise ApplicationError("完成日期不能晚于今天", code="completed_on_future", field="completed_on")
    row = DecouplingItem.objects.select_for_update().get(organization=organization, item=item)
    before = {"completed": row.completed, "completed_on": row.completed_on, "evidence": row.evidence}
    row.completed, row.completed_on = completed, completed_on if completed else None
    row.evidence = evidence.strip()
    row.full_clean()
    row.save()
    after = {"completed": row.completed, "completed_on": row.completed_on, "evidence": row.evidence}
    audit.record(
        actor=actor,
        action="registry.decoupling.updated",
        obj=organization,
        now=now,
        changes={f"{item}.{k}": v for k, v in audit.diff(before, after).items()},
    )
    return row
