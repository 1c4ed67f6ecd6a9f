"""Complaint services and selectors (SUP-1): filing, triage, investigation, answer, who sees the complainant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from xiehui.conftest import NOW
from xiehui.core import clock, params
from xiehui.core.errors import ApplicationError, NotFound, PermissionDenied
from xiehui.core.models import Attachment, AuditEntry
from xiehui.core.testing import tiny_pdf
from xiehui.supervision import selectors_complaints as selectors
from xiehui.supervision.models import Complaint, ComplaintStatus, Pledge
from xiehui.supervision.services import complaints as services

pytestmark = pytest.mark.django_db

PDF_BYTES = tiny_pdf()
PHONE = "13912345678"
DESCRIPTION = "该协会要求会员企业必须参加收费培训，每家收取 3000 元，不参加不予年审。"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "收费通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def file_complaint(org, *, now: dt.datetime = NOW, anonymous: bool = False, **overrides) -> Complaint:  # type: ignore[no-untyped-def]
    data = dict(
        organization=org,
        pledge=Pledge.FORCED_PAID_SERVICES,
        description=DESCRIPTION,
        anonymous=anonymous,
        name="" if anonymous else "张投诉",
        phone="" if anonymous else PHONE,
        uploads=[],
        actor=None,
        now=now,
    )
    data.update(overrides)
    return services.complaint_file(**data)  # type: ignore[arg-type]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=clock.SHANGHAI)


def answered(world, complaint: Complaint, *, outcome: str = "substantiated", now: dt.datetime = NOW) -> Complaint:  # type: ignore[no-untyped-def]
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=now)
    return services.complaint_answer(
        actor=world.officer_jinan,
        complaint=complaint,
        outcome=outcome,
        findings="经查属实，已责令退还培训费。",
        answer="经调查，您反映的情况属实，已责令该协会整改。",
        now=now,
    )


# -- filing -------------------------------------------------------------------------------------------


def test_it_files_named_complaint_with_code_and_encrypted_phone(world):
    complaint = file_complaint(world.org_a)
    complaint.refresh_from_db()
    assert len(complaint.code) == 12 and set(complaint.code) <= set(services.CODE_ALPHABET)
    assert complaint.authority_region_id == "370100"
    assert complaint.status == ComplaintStatus.RECEIVED and complaint.filed_on == clock.local_date(NOW)
    assert PHONE not in complaint.complainant_phone_encrypted
    assert complaint.complainant_phone == PHONE and complaint.complainant_phone_masked == "139****5678"
    event = complaint.events.get()
    assert event.public and "前答复（SUP-1）" in event.note
    entry = AuditEntry.objects.get(action="supervision.complaint.filed", object_id=str(complaint.pk))
    assert "张投诉" not in str(entry.changes) and PHONE not in str(entry.changes)


def test_it_gives_each_complaint_a_different_code(world):
    codes = {file_complaint(world.org_a).code for _ in range(5)}
    assert len(codes) == 5


def test_anonymous_complaint_keeps_neither_identity_nor_account(world):
    complaint = file_complaint(world.org_a, anonymous=True, name="不该保存", phone=PHONE, actor=world.member)
    assert complaint.anonymous and complaint.complainant_name == ""
    assert complaint.complainant_phone_encrypted == "" and complaint.filed_by is None


def test_named_complaint_by_logged_in_user_keeps_account(world):
    complaint = file_complaint(world.org_a, actor=world.member)
    assert complaint.filed_by == world.member


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "太短了不行九个字"}, "description", "10 至 5000 字"),
        ({"description": "字" * 5001}, "description", "当前为 5001 字"),
        ({"name": " "}, "name", "请填写投诉人姓名"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"phone": "1391234567"}, "phone", "联系电话格式不正确"),
        ({"phone": "23912345678"}, "phone", "联系电话格式不正确"),
        ({"pledge": "bribery"}, "pledge", "请选择投诉事项"),
    ],
    ids=["description-9", "description-5001", "no-name", "no-phone", "short-mobile", "bad-mobile", "bad-pledge"],
)
def test_it_refuses_bad_filing_and_saves_nothing(world, overrides, field, message):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as exc:
        file_complaint(world.org_a, **overrides)
    assert exc.value.field == field and message in exc.value.message
    assert not Complaint.objects.exists() and AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("phone", ["13912345678", "0531-86123456", "053186123456", "0531-86123456-801"])
def test_it_accepts_mobile_and_landline_numbers(world, phone):
    assert file_complaint(world.org_a, phone=phone).complainant_phone == phone


def test_it_accepts_description_of_exactly_10_characters(world):
    assert file_complaint(world.org_a, description="十个字的投诉内容说明").pk


def test_it_stores_evidence_as_complaint_attachments(world):
    complaint = file_complaint(world.org_a, uploads=[pdf(), pdf("第二份.pdf")])
    stored = Attachment.objects.filter(object_id=str(complaint.pk), purpose="complaint")
    assert sorted(a.original_name for a in stored) == ["收费通知.pdf", "第二份.pdf"]


def test_it_refuses_evidence_of_unsupported_type_and_saves_nothing(world):
    bad = SimpleUploadedFile("note.pdf", b"just text, not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        file_complaint(world.org_a, uploads=[pdf(), bad])
    assert exc.value.field == "files" and "note.pdf" in exc.value.message
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


# -- SUP-1 deadline -----------------------------------------------------------------------------------


def test_sup_1_answer_due_on_day_60(world):
    complaint = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    assert complaint.due_on == dt.date(2026, 3, 2)  # 60 calendar days after 1 January


@pytest.mark.parametrize(
    ("as_of", "overdue"),
    [(dt.date(2026, 3, 1), False), (dt.date(2026, 3, 2), False), (dt.date(2026, 3, 3), True)],
    ids=["day-59", "day-60", "day-61"],
)
def test_sup_1_overdue_only_after_day_60(world, as_of, overdue):
    complaint = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    queue = selectors.complaint_queue(
        actor=world.officer_jinan, filters=selectors.ComplaintFilters(overdue=True), as_of=as_of
    )
    assert (complaint in queue) is overdue
    assert selectors.is_overdue(complaint, as_of) is overdue


def test_sup_1_answered_complaint_is_never_overdue(world):
    complaint = answered(world, file_complaint(world.org_a, now=at(dt.date(2026, 1, 1))), now=at(dt.date(2026, 3, 5)))
    assert not selectors.is_overdue(complaint, dt.date(2026, 6, 1))
    entry = AuditEntry.objects.get(action="supervision.complaint.answered")
    assert entry.changes["late"] is True
    assert "超过答复期限" in complaint.events.filter(public=True).last().note


def test_sup_1_answer_days_is_configurable(world):
    params.parameter_set(actor=world.officer_province, key="SUP-1.answer_days", value=30, note="试点", now=NOW)
    complaint = file_complaint(world.org_a, now=at(dt.date(2026, 1, 1)))
    assert complaint.due_on == dt.date(2026, 1, 31)
    why = selectors.complaint_why(complaint)
    assert why["rule_id"] == "SUP-1" and why["parameters"] == {"answer_days": 30}


# -- handling -----------------------------------------------------------------------------------------


def test_it_runs_the_whole_lifecycle_with_public_and_internal_steps(world):
    complaint = file_complaint(world.org_a)
    complaint = services.complaint_assign(
        actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW
    )
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.assigned_to == world.officer_jinan
    services.complaint_investigate(actor=world.officer_jinan, complaint=complaint, note="已调取收费凭证", now=NOW)
    services.complaint_investigate(actor=world.officer_jinan, complaint=complaint, note="约见秘书长", now=NOW)
    complaint = services.complaint_answer(
        actor=world.officer_jinan,
        complaint=complaint,
        outcome=Complaint.Outcome.PARTLY,
        findings="部分属实",
        answer="已责令整改",
        now=NOW,
    )
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.answered_on == clock.local_date(NOW)
    public = list(complaint.events.filter(public=True).values_list("status", flat=True))
    assert public == ["received", "assigned", "investigating", "answered"]
    assert list(complaint.events.filter(public=False).values_list("note", flat=True)) == [
        "已调取收费凭证",
        "约见秘书长",
    ]
    actions = set(
        AuditEntry.objects.filter(object_type="supervision.complaint", object_id=str(complaint.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {f"supervision.complaint.{verb}" for verb in ("filed", "assigned", "investigating", "answered")}


def test_it_dismisses_with_reason_told_to_complainant(world):
    complaint = file_complaint(world.org_a)
    with pytest.raises(ApplicationError, match="不予受理的理由"):
        services.complaint_dismiss(actor=world.officer_jinan, complaint=complaint, reason=" ", now=NOW)
    complaint = services.complaint_dismiss(
        actor=world.officer_jinan, complaint=complaint, reason="不属于本机关管辖", now=NOW
    )
    assert complaint.status == ComplaintStatus.DISMISSED and complaint.answered_on == clock.local_date(NOW)
    progress = selectors.complaint_by_code(complaint.code)
    assert progress.answer == "不属于本机关管辖" and progress.closed


@pytest.mark.parametrize("missing", ["findings", "answer"])
def test_answer_needs_findings_and_answer_text(world, missing):
    complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    data = {"outcome": "substantiated", "findings": "经查属实", "answer": "已责令整改", missing: "  "}
    with pytest.raises(ApplicationError) as exc:
        services.complaint_answer(actor=world.officer_jinan, complaint=complaint, now=NOW, **data)
    assert exc.value.field == missing
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED


def test_answer_needs_a_known_outcome(world):
    complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    with pytest.raises(ApplicationError) as exc:
        services.complaint_answer(
            actor=world.officer_jinan, complaint=complaint, outcome="maybe", findings="x", answer="y", now=NOW
        )
    assert exc.value.field == "outcome"


def test_it_refuses_steps_out_of_order(world):
    complaint = file_complaint(world.org_a)
    with pytest.raises(ApplicationError, match="不能答复"):
        services.complaint_answer(
            actor=world.officer_jinan, complaint=complaint, outcome="substantiated", findings="x", answer="y", now=NOW
        )
    with pytest.raises(ApplicationError, match="不能记录调查"):
        services.complaint_investigate(actor=world.officer_jinan, complaint=complaint, note="x", now=NOW)
    answered(world, complaint)
    with pytest.raises(ApplicationError, match="已答复"):
        services.complaint_dismiss(actor=world.officer_jinan, complaint=complaint, reason="x", now=NOW)


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "member"])
def test_only_the_authority_assigns(world, who):
    complaint = file_complaint(world.org_a)
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=getattr(world, who), complaint=complaint, assignee=world.officer_jinan, now=NOW)


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a"])
def test_only_handling_officers_dismiss_investigate_or_answer(world, who):
    complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.complaint_investigate(actor=actor, complaint=complaint, note="x", now=NOW)
    with pytest.raises(PermissionDenied):
        services.complaint_dismiss(actor=actor, complaint=complaint, reason="x", now=NOW)


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a"])
def test_assignee_must_be_officer_of_the_authority(world, who):
    complaint = file_complaint(world.org_a)
    with pytest.raises(ApplicationError) as exc:
        services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=getattr(world, who), now=NOW)
    assert exc.value.field == "assignee"


# -- who sees what ------------------------------------------------------------------------------------


def test_progress_by_code_hides_complainant_description_and_internal_notes(world):
    complaint = file_complaint(world.org_a)
    services.complaint_assign(actor=world.officer_jinan, complaint=complaint, assignee=world.officer_jinan, now=NOW)
    services.complaint_investigate(actor=world.officer_jinan, complaint=complaint, note="内部：约谈记录", now=NOW)
    progress = selectors.complaint_by_code(complaint.code.lower())
    text = repr(progress)
    assert "张投诉" not in text and PHONE not in text and "内部：约谈记录" not in text and DESCRIPTION not in text
    assert progress.status == "investigating" and progress.answer == "" and progress.outcome == ""
    assert [s.status for s in progress.steps] == ["received", "assigned", "investigating"]


def test_progress_shows_answer_once_answered(world):
    complaint = answered(world, file_complaint(world.org_a))
    progress = selectors.complaint_by_code(complaint.code)
    assert progress.outcome == "substantiated" and "情况属实" in progress.answer


@pytest.mark.parametrize("code", ["", "ZZZZZZZZZZZZ", "' OR 1=1 --"])
def test_unknown_code_is_not_found(world, code):
    file_complaint(world.org_a)
    with pytest.raises(NotFound):
        selectors.complaint_by_code(code)


def test_identity_is_for_handling_officers_only(world):
    complaint = file_complaint(world.org_a)
    identity = selectors.complainant_identity(world.officer_jinan, complaint)
    assert (
        identity is not None and identity.name == "张投诉" and identity.phone == "139****5678"
    )  # masked: the full number is revealed with an audit entry
    # the province sees the complaint (oversight) but not who filed it
    seen = selectors.complaint_get(actor=world.officer_province, pk=complaint.pk)
    assert selectors.complainant_identity(world.officer_province, seen) is None
    assert selectors.complaint_attachments(world.officer_province, seen) == []
    for who in ("staff_a", "member", "department"):
        assert selectors.complainant_identity(getattr(world, who), complaint) is None


@pytest.mark.parametrize("who", ["officer_qingdao", "staff_a", "member", "department"])
def test_complaint_is_not_found_outside_jurisdiction(world, who):
    complaint = file_complaint(world.org_a)
    with pytest.raises(NotFound):
        selectors.complaint_get(actor=getattr(world, who), pk=complaint.pk)


def test_association_sees_what_and_how_never_who(world):
    answered(world, file_complaint(world.org_a))
    file_complaint(world.org_b)
    [summary] = selectors.complaints_of_organization(actor=world.staff_a, organization=world.org_a)
    assert summary.pledge_label == Pledge.FORCED_PAID_SERVICES.label and summary.outcome_label == "属实"
    assert not hasattr(summary, "complainant_name") and not hasattr(summary, "description")
    assert selectors.complaints_of_organization(actor=world.staff_b, organization=world.org_a) == []


def test_queue_filters(world):
    mine = file_complaint(world.org_a, pledge=Pledge.SLUSH_FUNDS)
    services.complaint_assign(actor=world.officer_jinan, complaint=mine, assignee=world.officer_jinan, now=NOW)
    other = file_complaint(world.org_a)
    file_complaint(world.org_b)

    def queue(**kw):  # type: ignore[no-untyped-def]
        filters = selectors.ComplaintFilters(**kw)
        return set(selectors.complaint_queue(actor=world.officer_jinan, filters=filters, as_of=clock.local_date(NOW)))

    assert queue() == {mine, other}
    assert queue(mine=True) == {mine}
    assert queue(pledge=Pledge.SLUSH_FUNDS) == {mine}
    assert queue(status="received") == {other}
    assert queue(q=other.code.lower()) == {other}
    assert queue(q="建筑业") == {mine, other}
    assert queue(q="软件") == set()


# -- SUP-2 facts --------------------------------------------------------------------------------------


def test_sup_2_counts_substantiated_complaints_within_12_months(world):
    as_of = dt.date(2026, 11, 23)
    for day, outcome in [
        (dt.date(2025, 11, 23), "substantiated"),  # exactly 12 months before: outside the window
        (dt.date(2025, 11, 24), "substantiated"),
        (dt.date(2026, 5, 1), "partly"),
        (dt.date(2026, 6, 1), "unsubstantiated"),
    ]:
        answered(world, file_complaint(world.org_a, now=at(day)), outcome=outcome, now=at(day))
    assert selectors.substantiated_counts(organization_ids=[world.org_a.pk, world.org_b.pk], as_of=as_of) == {
        world.org_a.pk: 2
    }
