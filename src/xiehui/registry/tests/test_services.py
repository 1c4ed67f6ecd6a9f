"""registry.services: applications, decisions, change filings and uploads, through the real services.

The helpers at the top (valid identity numbers, an application factory, document
uploads) are also imported by the other registry test modules and core/tests/test_audit.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from xiehui.conftest import ID_NUMBERS, NOW, region
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, AuditHead, Industry, Level, Person
from xiehui.core.testing import tiny_pdf
from xiehui.registry import search, selectors, services
from xiehui.registry.models import (
    ApplicationDocument,
    ApplicationStatus,
    ChangeFiling,
    DecouplingItem,
    FilingStatus,
    Organization,
    OrganizationStatus,
    RegisteredItemChange,
    RegistrationApplication,
)

TODAY = clock.local_date(NOW)  # 2026-11-23

# -- helpers shared by the registry tests -------------------------------------------

PDF_BYTES = tiny_pdf()
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201c9e1d3d20000000049454e44ae426082"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def id_number(n: int) -> str:
    """A valid GB 11643 identity number for test person n (0..9999), distinct from conftest.ID_NUMBERS."""
    body = f"37010219850101{n:03d}" if n < 1000 else f"370102198601{n // 1000 + 10:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def pdf(name: str = "章程草案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name: str = "住所证明.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def application_input(*, rep: int = 100, **overrides) -> services.ApplicationInput:
    """A municipal application to 济南市民政局 that meets REG-1 and REG-2; override any field."""
    data = {
        "name": "济南市建筑装饰协会",
        "kind": "association",
        "level": Level.MUNICIPAL,
        "authority_region": region("370100"),
        "region": region("370102"),
        "domicile": "济南市历下区经十路 100 号",
        "industries": list(Industry.objects.filter(code="47")),
        "business_scope": "行业自律、行业服务、行业代表",
        "legal_representative": services.PersonInput(f"发起人{rep}", id_number(rep)),
        "activity_funds": Decimal("50000.00"),
        "individual_members": 60,
        "unit_members": 0,
        "fulltime_staff": 2,
        "premises": "经十路 100 号 5 层",
        "contact_name": "王联系",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return services.ApplicationInput(**data)


def submit(*, actor=None, now: dt.datetime = NOW, **overrides) -> RegistrationApplication:
    return services.application_submit(actor=actor, data=application_input(**overrides), now=now)


def record_org(
    *,
    name: str,
    n: int,
    authority: str = "370100",
    region_code: str = "370102",
    level: str = Level.MUNICIPAL,
    industries: tuple[str, ...] = ("47",),
    status: str = OrganizationStatus.REGISTERED,
) -> Organization:
    """An association already on the register (organization_record), legal representative = test person n."""
    return services.organization_record(
        actor=None,
        data=services.OrganizationRecord(
            uscc=make_uscc(region_code=authority if level != Level.NATIONAL else "100000", body=f"TK{n:06d}"),
            name=name,
            kind="association",
            level=level,
            authority_region=region(authority),
            region=region(region_code),
            domicile=f"{name}办公楼",
            industries=list(Industry.objects.filter(code__in=industries)),
            business_scope="行业服务",
            legal_representative=services.PersonInput(f"代表人{n}", id_number(n)),
            activity_funds=Decimal("100000.00"),
            registered_on=dt.date(2020, 1, 1),
            fulltime_staff=2,
            status=status,
        ),
        now=NOW,
    )


def change(**kw) -> services.ChangeInput:
    kw.setdefault("reason", "会员大会决议变更")
    kw.setdefault("decided_on", TODAY - dt.timedelta(days=3))
    return services.ChangeInput(**kw)


def audit_seq() -> int:
    return AuditHead.objects.get(pk=1).seq


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


# -- submission ----------------------------------------------------------------------


def test_reg_3_submission_is_complete_today_and_due_60_days_later(world):
    app = submit()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.complete_on == TODAY
    assert app.due_on == TODAY + dt.timedelta(days=60)
    assert app.tracking_code.startswith("SQ") and len(app.tracking_code) == 12
    assert list(app.industries.values_list("code", flat=True)) == ["47"]


def test_submission_keeps_contact_phone_only_encrypted_and_masked(world):
    app = submit()
    assert app.contact_phone_masked == "138****5678"
    assert "13812345678" not in app.contact_phone_encrypted
    assert app.legal_representative.id_number == id_number(100)


def test_submission_outside_the_authority_area_is_refused(world):
    with pytest.raises(ApplicationError) as exc_info:
        submit(region=region("370202"))  # 青岛市市南区 is outside 济南
    assert exc_info.value.code == "region_outside_authority"


def test_submission_to_an_authority_of_the_wrong_level_is_refused(world):
    with pytest.raises(ApplicationError) as exc_info:
        submit(authority_region=region("370000"))  # a province is not a municipal authority
    assert exc_info.value.code == "authority_level_mismatch"


def test_submission_with_an_invalid_identity_number_is_refused_and_saves_nothing(world):
    persons = Person.objects.count()
    with pytest.raises(ApplicationError) as exc_info:
        submit(legal_representative=services.PersonInput("张三", "370102198501010004"))
    assert exc_info.value.code == "id_number_checksum"
    assert Person.objects.count() == persons
    assert not RegistrationApplication.objects.exists()


def test_submission_with_a_known_identity_number_under_another_name_is_refused(world):
    # ID_NUMBERS[0] is on record as 代表0 (the legal representative of org_a).
    with pytest.raises(ApplicationError) as exc_info:
        submit(legal_representative=services.PersonInput("冒名者", ID_NUMBERS[0]))
    assert exc_info.value.code == "person_name_mismatch"


# -- completion, resubmission, decision ---------------------------------------------------


def test_reg_3_request_completion_then_resubmit_restarts_the_due_date(world, media):
    app = submit()
    assert app.due_on == dt.date(2027, 1, 22)
    services.application_request_completion(
        actor=world.officer_jinan, application=app, reason="缺少验资报告", now=NOW + dt.timedelta(days=10)
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.INCOMPLETE
    assert app.decision_reason == "缺少验资报告"
    later = NOW + dt.timedelta(days=20)
    services.application_resubmit(actor=None, application=app, documents=[("funds", pdf("验资报告.pdf"))], now=later)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.complete_on == dt.date(2026, 12, 13)
    assert app.due_on == dt.date(2026, 12, 13) + dt.timedelta(days=60)
    assert app.documents.get().kind == "funds"


def test_request_completion_needs_a_reason(world):
    app = submit()
    with pytest.raises(ApplicationError) as exc_info:
        services.application_request_completion(actor=world.officer_jinan, application=app, reason="  ", now=NOW)
    assert exc_info.value.code == "reason_required"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_resubmit_needs_documents_and_an_incomplete_application(world, media):
    app = submit()
    with pytest.raises(ApplicationError) as exc_info:
        services.application_resubmit(actor=None, application=app, documents=[("other", pdf())], now=NOW)
    assert exc_info.value.code == "application_not_incomplete"
    services.application_request_completion(actor=world.officer_jinan, application=app, reason="缺少章程", now=NOW)
    with pytest.raises(ApplicationError) as exc_info:
        services.application_resubmit(actor=None, application=app, documents=[], now=NOW)
    assert exc_info.value.code == "documents_required"


def test_approve_creates_the_organization_with_history_and_five_decoupling_items(world):
    app = submit()
    decided = NOW + dt.timedelta(days=5)
    org = services.application_approve(actor=world.officer_jinan, application=app, now=decided)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED
    assert app.organization == org and app.decided_by == world.officer_jinan and app.decided_at == decided
    assert org.name == "济南市建筑装饰协会"
    assert org.registered_on == dt.date(2026, 11, 28)
    assert org.authority_region_id == "370100" and org.level == Level.MUNICIPAL
    assert org.legal_representative == app.legal_representative
    assert org.activity_funds == Decimal("50000.00")
    assert list(org.industries.values_list("code", flat=True)) == ["47"]
    assert org.name_grams == search.name_grams(org.name)
    history = {h.field: h for h in org.item_history.all()}
    assert set(history) == {"name", "domicile", "business_scope", "activity_funds", "legal_representative"}
    assert all(h.source == RegisteredItemChange.Source.REGISTRATION for h in history.values())
    assert all(h.old_value == "" and h.effective_on == dt.date(2026, 11, 28) for h in history.values())
    assert history["activity_funds"].new_value == "50000.00"
    assert history["legal_representative"].new_value == "发起人100"
    items = DecouplingItem.objects.filter(organization=org)
    assert sorted(items.values_list("item", flat=True)) == sorted(DecouplingItem.Item.values)
    assert len(DecouplingItem.Item.values) == 5
    assert not items.filter(completed=True).exists()


def test_approve_twice_is_refused(world):
    app = submit()
    services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    with pytest.raises(ApplicationError) as exc_info:
        services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    assert exc_info.value.code == "application_not_pending"
    assert Organization.objects.filter(name="济南市建筑装饰协会").count() == 1


def test_an_incomplete_application_cannot_be_approved(world):
    app = submit()
    services.application_request_completion(actor=world.officer_jinan, application=app, reason="缺少章程", now=NOW)
    with pytest.raises(ApplicationError) as exc_info:
        services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    assert exc_info.value.code == "application_not_pending"


@pytest.mark.parametrize("reason", ["", "   ", "不行"])
def test_reg_3_refusal_needs_a_stated_reason(world, reason):
    app = submit()
    with pytest.raises(ApplicationError) as exc_info:
        services.application_refuse(actor=world.officer_jinan, application=app, reason=reason, now=NOW)
    assert exc_info.value.code == "reg_3_reason_required"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_reg_3_refusal_with_reasons_is_recorded(world):
    app = submit()
    services.application_refuse(
        actor=world.officer_jinan, application=app, reason="  会员数量不实，不予登记  ", now=NOW
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REFUSED
    assert app.decision_reason == "会员数量不实，不予登记"
    assert app.decided_by == world.officer_jinan
    assert app.organization is None
    # a refused application no longer blocks the name (REG-2 counts pending ones only)
    assert submit(rep=101).status == ApplicationStatus.SUBMITTED


def test_an_incomplete_application_can_be_refused(world):
    app = submit()
    services.application_request_completion(actor=world.officer_jinan, application=app, reason="缺少章程", now=NOW)
    services.application_refuse(actor=world.officer_jinan, application=app, reason="逾期未补正材料", now=NOW)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REFUSED


@pytest.mark.parametrize("who", ["officer_province", "officer_qingdao", "staff_a", "member", "department"])
def test_only_the_deciding_authoritys_officer_can_decide(world, who):
    app = submit()
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=actor, application=app, now=NOW)
    with pytest.raises(PermissionDenied):
        services.application_refuse(actor=actor, application=app, reason="理由充分的拒绝", now=NOW)
    with pytest.raises(PermissionDenied):
        services.application_request_completion(actor=actor, application=app, reason="缺少章程", now=NOW)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not Organization.objects.filter(name=app.name).exists()


def test_a_provincial_application_is_decided_by_the_provincial_officer_not_the_city(world):
    app = submit(
        name="山东省建筑装饰协会", level=Level.PROVINCIAL, authority_region=region("370000"), region=region("370202")
    )
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    org = services.application_approve(actor=world.officer_province, application=app, now=NOW)
    assert org.uscc.startswith("51370000")


# -- change filings ------------------------------------------------------------------------


def test_reg_5_staff_file_a_change_with_its_due_date(world):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="济南市历下区新址 8 号"), now=NOW
    )
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.changes == {"domicile": "济南市历下区新址 8 号"}
    assert filing.filing_due_on == filing.decided_on + dt.timedelta(days=30)
    assert filing.filed_by == world.staff_a
    assert not filing.filed_late


@pytest.mark.parametrize("who", ["staff_b", "officer_jinan", "officer_province", "member", "department"])
def test_only_the_associations_own_staff_can_file_a_change(world, who):
    with pytest.raises(PermissionDenied):
        services.change_filing_submit(
            actor=getattr(world, who), organization=world.org_a, data=change(domicile="别处 1 号"), now=NOW
        )
    assert not ChangeFiling.objects.exists()


def test_at_most_one_change_filing_is_pending(world):
    services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 1 号"), now=NOW
    )
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a, organization=world.org_a, data=change(business_scope="新业务范围"), now=NOW
        )
    assert exc_info.value.code == "change_filing_pending"
    assert ChangeFiling.objects.count() == 1


def test_a_decided_filing_no_longer_blocks_the_next(world):
    first = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 1 号"), now=NOW
    )
    services.change_filing_reject(actor=world.officer_jinan, filing=first, reason="住所证明不全", now=NOW)
    second = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 1 号"), now=NOW
    )
    assert second.status == FilingStatus.SUBMITTED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "济南市建筑业协会"},  # the current name
        {"name": " 济南市 建筑业协会 "},  # the current name with spaces
        {"domicile": "   "},
        {"activity_funds": Decimal("300000.00")},  # the current funds
        {"legal_representative": services.PersonInput("代表0", ID_NUMBERS[0])},  # the current representative
    ],
)
def test_a_change_filing_that_changes_nothing_is_refused(world, data):
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(actor=world.staff_a, organization=world.org_a, data=change(**data), now=NOW)
    assert exc_info.value.code == "no_changes"
    assert not ChangeFiling.objects.exists()


def test_a_change_decided_in_the_future_is_refused(world):
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a,
            organization=world.org_a,
            data=change(domicile="新址", decided_on=TODAY + dt.timedelta(days=1)),
            now=NOW,
        )
    assert exc_info.value.code == "decided_on_future"
    # deciding today is fine
    services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址", decided_on=TODAY), now=NOW
    )


def test_a_change_needs_a_reason(world):
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a, organization=world.org_a, data=change(domicile="新址", reason=" "), now=NOW
        )
    assert exc_info.value.code == "reason_required"


def test_reg_1_a_change_of_funds_below_the_local_minimum_is_refused(world):
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a, organization=world.org_a, data=change(activity_funds=Decimal("29999.99")), now=NOW
        )
    assert exc_info.value.code == "reg_1"


def test_change_filing_approval_updates_items_and_keeps_old_and_new_values_with_the_date(world):
    filing = services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=change(
            name="济南市建筑行业协会",
            activity_funds=Decimal("500000"),
            legal_representative=services.PersonInput("新代表", id_number(300)),
        ),
        now=NOW,
    )
    decided = NOW + dt.timedelta(days=2)
    org = services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=decided)
    org.refresh_from_db()
    assert org.name == "济南市建筑行业协会"
    assert org.activity_funds == Decimal("500000.00")
    assert org.legal_representative.name == "新代表"
    assert org.domicile == "济南市建筑业协会办公楼 1 号"  # untouched
    changes = {c.field: c for c in org.item_history.filter(source=RegisteredItemChange.Source.CHANGE)}
    assert set(changes) == {"name", "activity_funds", "legal_representative"}
    assert (changes["name"].old_value, changes["name"].new_value) == ("济南市建筑业协会", "济南市建筑行业协会")
    assert (changes["activity_funds"].old_value, changes["activity_funds"].new_value) == ("300000.00", "500000.00")
    assert (changes["legal_representative"].old_value, changes["legal_representative"].new_value) == ("代表0", "新代表")
    assert all(c.effective_on == dt.date(2026, 11, 25) and c.recorded_at == decided for c in changes.values())
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED and filing.decided_by == world.officer_jinan


def test_change_filing_approval_updates_name_grams_so_search_finds_the_new_name_only(world):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(name="济南市装配式住宅产业协会"), now=NOW
    )
    services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    org = Organization.objects.get(pk=world.org_a.pk)
    assert org.name_grams == search.name_grams("济南市装配式住宅产业协会")

    def found(q: str) -> list[str]:
        return list(
            selectors.organization_search(actor=None, filters=selectors.OrganizationFilters(q=q)).values_list(
                "name", flat=True
            )
        )

    assert found("装配式") == ["济南市装配式住宅产业协会"]
    assert found("住宅") == ["济南市装配式住宅产业协会"]
    assert found("建筑业") == []


def test_reg_2_a_change_to_a_name_taken_at_the_same_authority_is_refused(world):
    record_org(name="济南市软件行业协会", n=500)
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a, organization=world.org_a, data=change(name="济南市软件行业协会"), now=NOW
        )
    assert exc_info.value.code == "reg_2_identical_name"


@pytest.mark.parametrize("reason", ["", "不对"])
def test_change_filing_rejection_needs_a_reason(world, reason):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 9 号"), now=NOW
    )
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_reject(actor=world.officer_jinan, filing=filing, reason=reason, now=NOW)
    assert exc_info.value.code == "reason_required"
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_change_filing_rejection_leaves_the_items_unchanged(world):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 9 号"), now=NOW
    )
    services.change_filing_reject(actor=world.officer_jinan, filing=filing, reason="住所证明不全", now=NOW)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.REJECTED and filing.decision_reason == "住所证明不全"
    assert Organization.objects.get(pk=world.org_a.pk).domicile == "济南市建筑业协会办公楼 1 号"
    assert not RegisteredItemChange.objects.filter(source=RegisteredItemChange.Source.CHANGE).exists()
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    assert exc_info.value.code == "change_filing_not_pending"


@pytest.mark.parametrize("who", ["officer_province", "officer_qingdao", "staff_a", "member"])
def test_only_the_deciding_authoritys_officer_decides_a_change_filing(world, who):
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 9 号"), now=NOW
    )
    with pytest.raises(PermissionDenied):
        services.change_filing_approve(actor=getattr(world, who), filing=filing, now=NOW)
    with pytest.raises(PermissionDenied):
        services.change_filing_reject(actor=getattr(world, who), filing=filing, reason="住所证明不全", now=NOW)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


# -- uploads -------------------------------------------------------------------------------


def test_pdf_and_png_documents_are_accepted_by_their_content(world, media):
    app = submit(documents=[("charter", pdf()), ("premises", png())])
    docs = {d.kind: d for d in app.documents.all()}
    assert docs["charter"].content_type == "application/pdf"
    assert docs["premises"].content_type == "image/png"
    assert docs["charter"].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert docs["charter"].size == len(PDF_BYTES)
    assert docs["charter"].original_name == "章程草案.pdf"
    assert docs["charter"].file.read() == PDF_BYTES
    assert len(_files_under(media)) == 2


def _assert_nothing_saved(before: dict) -> None:
    assert RegistrationApplication.objects.count() == before["apps"]
    assert Person.objects.count() == before["persons"]
    assert ApplicationDocument.objects.count() == 0
    assert audit_seq() == before["seq"]
    assert AuditEntry.objects.count() == before["entries"]


def _counts() -> dict:
    return {
        "apps": RegistrationApplication.objects.count(),
        "persons": Person.objects.count(),
        "seq": audit_seq(),
        "entries": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("章程.pdf", HTML_BYTES, content_type="application/pdf"), "upload_type"),
        (SimpleUploadedFile("章程.pdf", b"just some text, not a PDF", content_type="application/pdf"), "upload_type"),
        (SimpleUploadedFile("章程.pdf", b"", content_type="application/pdf"), "upload_empty"),
        (SimpleUploadedFile("archive.pdf", b"PK\x03\x04" + b"\0" * 40, content_type="application/pdf"), "upload_type"),
    ],
    ids=["html-named-pdf", "text-named-pdf", "empty", "zip-named-pdf"],
)
def test_a_document_that_is_not_really_a_pdf_or_image_is_refused_and_nothing_is_saved(world, media, upload, code):
    before = _counts()
    with pytest.raises(ApplicationError) as exc_info:
        submit(documents=[("charter", upload)])
    assert exc_info.value.code == code
    assert "章程.pdf" in exc_info.value.message or code == "upload_type"
    _assert_nothing_saved(before)
    assert _files_under(media) == []


def test_an_oversized_document_is_refused_and_nothing_is_saved(world, media, settings):
    settings.XIEHUI_MAX_UPLOAD_BYTES = 64
    before = _counts()
    big = SimpleUploadedFile("验资报告.pdf", PDF_BYTES + b"%" * 64, content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc_info:
        submit(documents=[("funds", big)])
    assert exc_info.value.code == "upload_too_large"
    assert "验资报告.pdf" in exc_info.value.message
    _assert_nothing_saved(before)
    assert _files_under(media) == []


def test_a_bad_document_after_a_good_one_leaves_no_file_behind(world, media):
    before = _counts()
    bad = SimpleUploadedFile("伪装.pdf", HTML_BYTES, content_type="application/pdf")
    with pytest.raises(ApplicationError):
        submit(documents=[("charter", pdf()), ("other", bad)])
    _assert_nothing_saved(before)
    assert _files_under(media) == []


def test_a_bad_document_in_a_resubmission_leaves_the_application_incomplete_and_no_file(world, media):
    app = submit()
    services.application_request_completion(actor=world.officer_jinan, application=app, reason="缺少章程", now=NOW)
    seq = audit_seq()
    bad = SimpleUploadedFile("章程.pdf", HTML_BYTES, content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc_info:
        services.application_resubmit(
            actor=None,
            application=app,
            documents=[("charter", pdf()), ("charter", bad)],
            now=NOW + dt.timedelta(days=3),
        )
    assert exc_info.value.code == "upload_type"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.INCOMPLETE and app.complete_on == TODAY
    assert not app.documents.exists()
    assert audit_seq() == seq
    assert _files_under(media) == []
