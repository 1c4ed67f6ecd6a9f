"""Disclosure services: drafts, publication, corrections and updates as new versions (DIS-4), refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError
from xiehui.core.files import attachments_of
from xiehui.core.models import AuditEntry
from xiehui.core.testing import tiny_pdf
from xiehui.disclosure import catalogue, selectors, services
from xiehui.disclosure.models import ChangeKind, Disclosure, DisclosureVersion

REPORT = {"fields": {"income": "3,862,000", "expense": "3415600.5", "net_assets": "1280000"}}


def draft_report(world, **kw) -> DisclosureVersion:
    args = dict(
        actor=world.staff_a, organization=world.org_a, item_type="financial_report", period="2025", data=REPORT, now=NOW
    )
    args.update(kw)
    return services.disclosure_draft(**args)


def published_report(world) -> DisclosureVersion:
    return services.version_publish(actor=world.staff_a, version=draft_report(world), now=NOW)


def test_it_drafts_with_cleaned_fields_and_a_derived_title(world):
    version = draft_report(world)
    assert version.is_draft and version.number == 1
    assert version.data["fields"] == {
        "income": "3862000.00",
        "expense": "3415600.50",
        "net_assets": "1280000.00",
        "auditor": "",
        "summary": "",
    }
    assert version.disclosure.title == "2025年度财务报告"
    assert not version.disclosure.members_only
    assert AuditEntry.objects.filter(action="disclosure.version.drafted").count() == 1


def test_it_copies_the_audience_from_the_catalogue(world):
    data = {"fields": {"income": "1", "spent": "1"}}
    version = services.disclosure_draft(
        actor=world.staff_a, organization=world.org_a, item_type="fee_income", period="2025", data=data, now=NOW
    )
    assert version.disclosure.members_only


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"fields": {"expense": "1", "net_assets": "1"}}, "fields.income", "请填写“本年收入合计（元）”"),
        ({"fields": {"income": "12,8a", "expense": "1", "net_assets": "1"}}, "fields.income", "应为金额"),
        ({"fields": {"income": "-1", "expense": "1", "net_assets": "1"}}, "fields.income", "不小于 0"),
        ({"fields": {"income": "1", "expense": "1", "net_assets": "1", "bonus": "1"}}, "fields.bonus", "没有字段"),
    ],
)
def test_it_refuses_bad_fields_naming_them(world, data, field, message):
    with pytest.raises(ApplicationError) as exc:
        draft_report(world, data=data)
    assert exc.value.field == field
    assert message in exc.value.message
    assert not Disclosure.objects.exists()


def test_it_names_the_row_of_a_bad_table_cell(world):
    data = {
        "fields": {"total": "10"},
        "rows": [{"donor": "甲公司", "amount": "10"}, {"donor": "乙公司", "amount": "十元"}],
    }
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_draft(
            actor=world.staff_a, organization=world.org_a, item_type="donations", period="2025", data=data, now=NOW
        )
    assert exc.value.field == "rows.1.amount"
    assert "捐赠明细第 2 行" in exc.value.message


def test_it_skips_blank_rows(world):
    data = {"fields": {"total": "10"}, "rows": [{"donor": "甲公司", "amount": "10"}, {"donor": "", "amount": ""}]}
    version = services.disclosure_draft(
        actor=world.staff_a, organization=world.org_a, item_type="donations", period="2025", data=data, now=NOW
    )
    assert len(version.data["rows"]) == 1


@pytest.mark.parametrize(
    ("period", "code"), [("2026", "period_not_ended"), ("25", "period_format"), ("2025H3", "period_format")]
)
def test_it_refuses_a_period_not_ended_or_malformed(world, period, code):
    with pytest.raises(ApplicationError) as exc:
        draft_report(world, period=period)
    assert exc.value.code == code and exc.value.field == "period"


def test_it_refuses_an_item_held_by_another_domain(world):
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_draft(
            actor=world.staff_a, organization=world.org_a, item_type="registration", data={}, now=NOW
        )
    assert exc.value.code == "item_not_typed"


def test_it_refuses_staff_of_another_association_and_officers(world):
    for actor in (world.staff_b, world.officer_jinan, world.member):
        with pytest.raises(ApplicationError) as exc:
            draft_report(world, actor=actor)
        assert exc.value.status == 403


def test_it_refuses_a_second_item_for_the_same_period(world):
    draft_report(world)
    with pytest.raises(ApplicationError) as exc:
        draft_report(world)
    assert exc.value.code == "disclosure_exists" and exc.value.status == 409


def test_events_need_a_title_and_the_day_they_happened(world):
    data = {"fields": {"description": "出售办公楼", "amount": "100", "decided_by": "理事会"}}
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_draft(
            actor=world.staff_a, organization=world.org_a, item_type="asset_changes", data=data, now=NOW
        )
    assert exc.value.field == "effective_on"
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_draft(
            actor=world.staff_a,
            organization=world.org_a,
            item_type="asset_changes",
            data=data,
            effective_on=dt.date(2026, 11, 1),
            now=NOW,
        )
    assert exc.value.field == "title"
    first = services.disclosure_draft(
        actor=world.staff_a,
        organization=world.org_a,
        item_type="asset_changes",
        data=data,
        title="出售办公楼",
        effective_on=dt.date(2026, 11, 1),
        now=NOW,
    )
    second = services.disclosure_draft(
        actor=world.staff_a,
        organization=world.org_a,
        item_type="asset_changes",
        data=data,
        title="购置车辆",
        effective_on=dt.date(2026, 11, 2),
        now=NOW,
    )
    assert first.disclosure_id != second.disclosure_id  # events have no slot: one item per event


def test_publishing_makes_the_version_current(world):
    version = published_report(world)
    disclosure = Disclosure.objects.get(pk=version.disclosure_id)
    assert disclosure.current_id == version.pk
    assert disclosure.first_published_at == NOW == disclosure.published_at
    assert AuditEntry.objects.filter(action="disclosure.version.published", object_id=str(disclosure.pk)).exists()


def test_dis_4_service_refuses_to_edit_or_discard_a_published_version(world):
    version = published_report(world)
    for call in (
        lambda: services.draft_update(actor=world.staff_a, version=version, data=REPORT, now=NOW),
        lambda: services.draft_discard(actor=world.staff_a, version=version, now=NOW),
        lambda: services.version_publish(actor=world.staff_a, version=version, now=NOW),
    ):
        with pytest.raises(ApplicationError) as exc:
            call()
        assert exc.value.code == "version_published" and exc.value.status == 409
        assert exc.value.extra["rule_id"] == "DIS-4"
    assert DisclosureVersion.objects.get(pk=version.pk).data["fields"]["income"] == "3862000.00"


def test_dis_4_database_refuses_to_update_a_published_version(world):
    version = published_report(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureVersion.objects.filter(pk=version.pk).update(body="悄悄修改")
    with pytest.raises(DatabaseError), transaction.atomic():
        version.body = "悄悄修改"
        version.save()
    assert DisclosureVersion.objects.get(pk=version.pk).body == ""


def test_dis_4_database_lets_drafts_change(world):
    version = draft_report(world)
    DisclosureVersion.objects.filter(pk=version.pk).update(body="草稿可以修改")
    assert DisclosureVersion.objects.get(pk=version.pk).body == "草稿可以修改"


def test_dis_4_a_correction_is_a_new_version_with_its_reason(world):
    first = published_report(world)
    fixed = dict(REPORT, fields=dict(REPORT["fields"], income="3900000"))
    second = services.version_new(
        actor=world.staff_a,
        disclosure=first.disclosure,
        change_kind=ChangeKind.CORRECTION,
        reason="收入合计录入错误",
        data=fixed,
        now=NOW + dt.timedelta(days=1),
    )
    services.version_publish(actor=world.staff_a, version=second, now=NOW + dt.timedelta(days=1))
    disclosure = Disclosure.objects.get(pk=first.disclosure_id)
    assert disclosure.current_id == second.pk and second.number == 2
    assert disclosure.first_published_at == NOW  # DIS-3 counts the first publication
    history = list(selectors.versions_of(disclosure))
    assert [(v.number, v.reason) for v in history] == [(2, "收入合计录入错误"), (1, "")]
    assert history[1].data["fields"]["income"] == "3862000.00"


def test_a_new_version_needs_a_reason_and_one_draft_at_a_time(world):
    first = published_report(world)
    with pytest.raises(ApplicationError) as exc:
        services.version_new(
            actor=world.staff_a,
            disclosure=first.disclosure,
            change_kind=ChangeKind.CORRECTION,
            reason="错",
            data=REPORT,
            now=NOW,
        )
    assert exc.value.field == "reason"
    services.version_new(
        actor=world.staff_a,
        disclosure=first.disclosure,
        change_kind=ChangeKind.CORRECTION,
        reason="数字有误",
        data=REPORT,
        now=NOW,
    )
    with pytest.raises(ApplicationError) as exc:
        services.version_new(
            actor=world.staff_a,
            disclosure=first.disclosure,
            change_kind=ChangeKind.CORRECTION,
            reason="数字有误",
            data=REPORT,
            now=NOW,
        )
    assert exc.value.code == "draft_exists"


def test_an_update_is_for_standing_items_and_dates_the_change(world):
    report = published_report(world)
    with pytest.raises(ApplicationError) as exc:
        services.version_new(
            actor=world.staff_a,
            disclosure=report.disclosure,
            change_kind=ChangeKind.UPDATE,
            reason="事项变化了",
            data=REPORT,
            now=NOW,
        )
    assert exc.value.field == "change_kind"
    leaders = {"fields": {"term": "第三届"}, "rows": [{"name": "张三", "post": "会长"}]}
    v1 = services.disclosure_draft(
        actor=world.staff_a,
        organization=world.org_a,
        item_type="leaders",
        data=leaders,
        effective_on=dt.date(2025, 1, 1),
        now=NOW,
    )
    services.version_publish(actor=world.staff_a, version=v1, now=NOW)
    v2 = services.version_new(
        actor=world.staff_a,
        disclosure=v1.disclosure,
        change_kind=ChangeKind.UPDATE,
        reason="换届选举产生新任会长",
        data={"fields": {"term": "第四届"}, "rows": [{"name": "李四", "post": "会长"}]},
        effective_on=dt.date(2026, 11, 1),
        now=NOW,
    )
    services.version_publish(actor=world.staff_a, version=v2, now=NOW)
    status = selectors.timeliness_of(world.org_a, dt.date(2026, 11, 23))
    changes = [s for s in status.items if s.item.code == "leaders" and s.due_on == dt.date(2026, 12, 1)]
    assert changes and changes[0].state == "on_time"


def test_discarding_the_only_draft_removes_the_item(world):
    version = draft_report(world)
    services.draft_discard(actor=world.staff_a, version=version, now=NOW)
    assert not Disclosure.objects.exists()


def test_attachments_are_checked_and_stored_on_the_draft(world):
    good = SimpleUploadedFile("审计报告.pdf", tiny_pdf(), content_type="application/pdf")
    version = draft_report(world, uploads=[good])
    assert [a.original_name for a in attachments_of(version)] == ["审计报告.pdf"]
    bad = SimpleUploadedFile("假的.pdf", b"just text, not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        services.draft_update(actor=world.staff_a, version=version, data=REPORT, uploads=[bad], now=NOW)
    assert exc.value.code == "upload_type" and "假的.pdf" in exc.value.message
    assert len(attachments_of(version)) == 1


def test_every_catalogue_type_is_readable_in_the_admin_choices():
    assert {t.code for t in catalogue.TYPES} == {c for c, _ in Disclosure._meta.get_field("item_type").choices}


def _scripted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tiny_pdf())))
    writer.add_open_action(JavaScript("app.alert(1)"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("脚本.pdf", "scripted", "upload_active_content", "含有脚本"),
        ("超大.pdf", "big", "upload_too_large", "超过上限"),
        ("伪装.pdf", b"plain text pretending", "upload_type", "类型不受支持"),
    ],
)
def test_bad_uploads_are_refused_naming_the_file_and_nothing_is_saved(world, settings, name, content, code, words):
    settings.XIEHUI_MAX_UPLOAD_BYTES = 2048
    if content == "scripted":
        data = _scripted_pdf()
    elif content == "big":
        data = tiny_pdf() + b"%" * 4096
    else:
        data = content
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        draft_report(world, uploads=[upload])
    assert exc.value.code == code and name in exc.value.message and words in exc.value.message
    assert exc.value.field == "files"
    assert not Disclosure.objects.exists() and not DisclosureVersion.objects.exists()
