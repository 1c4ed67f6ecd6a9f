"""The association's staff on the data port: drafts, versions, attachments, publication; and that no path
(the API, the service, the admin, the database) changes a published version (DIS-4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.admin import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, OperationalError, transaction
from django.test import Client

from xiehui.conftest import NOW, PASSWORD, login
from xiehui.core.admin_readonly import ReadOnlyAdmin
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Attachment, User
from xiehui.disclosure import services
from xiehui.disclosure.models import Disclosure, DisclosureVersion

from . import test_api
from .test_api import API, CHARTER, FINANCE, TRIP, bearer, png, png_bytes, problem

# The fixtures of test_api.py, shared.
_media, _clear_cache, actors, items, client_of = (
    test_api._media,
    test_api._clear_cache,
    test_api.actors,
    test_api.items,
    test_api.client_of,
)


def post(client: Client, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def patch(client: Client, path: str, body: dict):  # type: ignore[no-untyped-def]
    return client.patch(f"{API}{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def staff(actors) -> Client:  # type: ignore[no-untyped-def]
    return bearer(actors.staff_a)


def create(client: Client, org, **body):  # type: ignore[no-untyped-def]
    return post(client, f"/organizations/{org.uscc}/disclosures", body)


FINANCE_IN = {"item_type": "financial_report", "period": "2025", **FINANCE}


# -- drafting and publishing ----------------------------------------------------------------------------------


def test_staff_draft_publish_and_correct_an_item_through_the_api(staff, actors):
    org = actors.org_a
    created = create(staff, org, **FINANCE_IN)
    assert created.status_code == 201, created.content
    version = created.json()
    assert version["state"] == "draft" and version["number"] == 1 and version["title"] == "2025年度财务报告"
    assert version["fields"]["income"] == "1280000.00" and version["published_at"] is None
    item_url = f"{API}/organizations/{org.uscc}/disclosures/{version['disclosure_id']}"
    problem(Client().get(item_url), 404)  # a draft is nobody else's business

    published = post(staff, f"/disclosure-versions/{version['id']}/publish")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert Client().get(item_url).json()["current"]["number"] == 1

    correction = post(
        staff,
        f"/disclosures/{version['disclosure_id']}/versions",
        {
            "change_kind": "correction",
            "reason": "收入合计少计一笔捐赠",
            "fields": {**FINANCE["fields"], "income": "1290000"},
        },
    )
    assert correction.status_code == 201 and correction.json()["number"] == 2
    assert post(staff, f"/disclosure-versions/{correction.json()['id']}/publish").status_code == 200
    body = Client().get(item_url).json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["current"]["reason"] == "收入合计少计一笔捐赠" and body["current"]["fields"]["income"] == "1290000.00"


def test_staff_read_their_drafts_and_versions(staff, items):
    v1 = items.charter.versions.get(number=1)
    body = staff.get(f"{API}/disclosure-versions/{v1.pk}").json()
    assert body["state"] == "published" and body["attachments"][0]["original_name"] == "章程.png"
    trip_draft = items.trip.versions.get()
    assert staff.get(f"{API}/disclosure-versions/{trip_draft.pk}").json()["state"] == "draft"


def test_staff_edit_a_draft_member_by_member(staff, items):
    version = items.trip.versions.get()
    response = patch(
        staff, f"/disclosure-versions/{version.pk}", {"body": "考察报告全文", "title": "2026年3月赴德国、奥地利考察"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["body"] == "考察报告全文" and body["title"] == "2026年3月赴德国、奥地利考察"
    assert body["fields"]["destination"] == "德国" and body["rows"] == [{"name": "张三", "unit": "会长"}]
    response = patch(
        staff, f"/disclosure-versions/{version.pk}", {"fields": {**body["fields"], "destination": "奥地利"}, "rows": []}
    )
    assert response.json()["fields"]["destination"] == "奥地利" and response.json()["rows"] == []


def test_staff_discard_a_draft_and_an_unpublished_item_goes_with_it(staff, items):
    version = items.trip.versions.get()
    response = staff.delete(f"{API}/disclosure-versions/{version.pk}")
    assert response.status_code == 204
    assert not Disclosure.objects.filter(pk=items.trip.pk).exists()


def test_it_refuses_a_second_item_for_the_same_slot_and_a_second_draft(staff, items):
    body = problem(create(staff, items.org_a, **FINANCE_IN), 409, "disclosure_exists")
    assert body["field"] == "item_type"
    first = post(
        staff,
        f"/disclosures/{items.charter.pk}/versions",
        {"change_kind": "correction", "reason": "错别字更正", **CHARTER},
    )
    assert first.status_code == 201
    again = post(
        staff,
        f"/disclosures/{items.charter.pk}/versions",
        {"change_kind": "correction", "reason": "错别字更正", **CHARTER},
    )
    problem(again, 409, "draft_exists")


# -- who may write ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", ["member_a", "member_a_token", "officer_jinan", "department", "staff_b", "staff_b_token"]
)
def test_only_its_staff_create_an_associations_items(client_of, actors, actor):
    problem(create(client_of(actor), actors.org_a, **FINANCE_IN), 403)
    assert not Disclosure.objects.exists()


def test_anonymous_writes_are_401(client, items):
    version = items.trip.versions.get()
    problem(create(client, items.org_a, **FINANCE_IN), 401)
    problem(
        post(client, f"/disclosures/{items.charter.pk}/versions", {"change_kind": "correction", "reason": "更正理由"}),
        401,
    )
    for call in (client.get, client.delete):
        problem(call(f"{API}/disclosure-versions/{version.pk}"), 401)
    problem(patch(client, f"/disclosure-versions/{version.pk}", {"body": "x"}), 401)
    problem(post(client, f"/disclosure-versions/{version.pk}/publish"), 401)
    problem(client.post(f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png()]}), 401)


def _version_calls(client: Client, version_id: int, disclosure_id: int) -> list:  # type: ignore[type-arg]
    return [
        client.get(f"{API}/disclosure-versions/{version_id}"),
        patch(client, f"/disclosure-versions/{version_id}", {"body": "改写"}),
        post(client, f"/disclosure-versions/{version_id}/publish"),
        client.post(f"{API}/disclosure-versions/{version_id}/attachments", {"files": [png()]}),
        client.delete(f"{API}/disclosure-versions/{version_id}"),
        post(client, f"/disclosures/{disclosure_id}/versions", {"change_kind": "correction", "reason": "更正理由"}),
    ]


@pytest.mark.parametrize("actor", ["staff_b", "staff_b_token"])
def test_other_associations_staff_get_404_for_its_versions(client_of, items, actor):
    version = items.trip.versions.get()
    for response in _version_calls(client_of(actor), version.pk, items.charter.pk):
        problem(response, 404)
    assert (
        DisclosureVersion.objects.get(pk=version.pk).body == ""
        and not Attachment.objects.filter(object_id=str(version.pk)).exists()
    )


@pytest.mark.parametrize("actor", ["member_a", "member_a_token", "officer_jinan", "officer_province", "department"])
def test_other_roles_get_403_for_staff_operations(client_of, items, actor):
    version = items.trip.versions.get()
    for response in _version_calls(client_of(actor), version.pk, items.charter.pk):
        problem(response, 403)
    assert DisclosureVersion.objects.filter(pk=version.pk, published_at__isnull=True).exists()


def test_staff_may_also_use_their_session(as_user, actors):
    assert create(as_user(actors.staff_a), actors.org_a, **FINANCE_IN).status_code == 201


# -- DIS-4: a published version is never changed ----------------------------------------------------------------


def _snapshot(version: DisclosureVersion) -> tuple:  # type: ignore[type-arg]
    v = DisclosureVersion.objects.get(pk=version.pk)
    return (v.data, v.body, v.reason, v.effective_on, v.updated_at, v.published_at, v.number, v.change_kind)


def test_dis_4_the_api_refuses_to_patch_a_published_version(staff, items):
    version = items.finance.current
    before = _snapshot(version)
    body = problem(
        patch(staff, f"/disclosure-versions/{version.pk}", {"body": "悄悄改一下", "fields": {"income": "1"}}), 409
    )
    assert body["code"] == "version_published" and body["field"] == "version"
    assert _snapshot(version) == before


def test_dis_4_the_api_refuses_to_delete_a_published_version(staff, items):
    version = items.finance.current
    before = _snapshot(version)
    problem(staff.delete(f"{API}/disclosure-versions/{version.pk}"), 409, "version_published")
    assert _snapshot(version) == before


def test_dis_4_the_api_refuses_to_attach_to_or_republish_a_published_version(staff, items):
    version = items.finance.current
    before = _snapshot(version)
    response = staff.post(f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png()]})
    problem(response, 409, "version_published")
    problem(post(staff, f"/disclosure-versions/{version.pk}/publish"), 409, "version_published")
    assert _snapshot(version) == before
    assert not Attachment.objects.filter(object_id=str(version.pk), purpose=services.ATTACHMENT_PURPOSE).exists()


def test_dis_4_the_service_refuses_too(items):
    version = items.finance.current
    with pytest.raises(ApplicationError) as refused:
        services.draft_update(actor=None, version=version, data=FINANCE, body="改", now=NOW)
    assert refused.value.status == 409 and refused.value.code == "version_published"


def test_dis_4_the_database_refuses_an_update_of_a_published_version(items):
    version = items.finance.current
    with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
        DisclosureVersion.objects.filter(pk=version.pk).update(body="绕过服务直接改")
    assert DisclosureVersion.objects.get(pk=version.pk).body == ""


def test_dis_4_the_django_admin_shows_versions_read_only(items, client):
    assert all(isinstance(site._registry[m], ReadOnlyAdmin) for m in (Disclosure, DisclosureVersion))
    admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD, role="admin")
    login(client, admin)
    version = items.finance.current
    before = _snapshot(version)
    base = "/django-admin/disclosure"
    change = f"{base}/disclosureversion/{version.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content  # a view, no form to save
    assert client.post(change, {"body": "改", "number": 9, "change_kind": "first"}).status_code == 403
    assert client.post(f"{base}/disclosureversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}/disclosure/{items.finance.pk}/change/", {"title": "改"}).status_code == 403
    assert client.get(f"{base}/disclosureversion/add/").status_code == 403
    listing = client.post(
        f"{base}/disclosureversion/",
        {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302, 403)
    assert _snapshot(version) == before and Disclosure.objects.get(pk=items.finance.pk).title == "2025年度财务报告"


# -- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({**FINANCE_IN, "fields": {**FINANCE["fields"], "income": "一百万"}}, "invalid_money", "fields.income"),
        ({**FINANCE_IN, "fields": {"income": "1", "net_assets": "1"}}, "required", "fields.expense"),
        ({**FINANCE_IN, "fields": {**FINANCE["fields"], "profit": "1"}}, "unknown_field", "fields.profit"),
        ({**FINANCE_IN, "rows": [{"item": "x"}]}, "no_rows", "rows"),
        ({**FINANCE_IN, "period": "2025H1"}, "period_format", "period"),
        ({**FINANCE_IN, "period": "2099"}, "period_not_ended", "period"),
        ({**FINANCE_IN, "item_type": "nothing"}, "unknown_item_type", "item_type"),
        ({**FINANCE_IN, "item_type": "registration"}, "item_not_typed", "item_type"),
        (
            {
                "item_type": "donations",
                "period": "2025",
                "fields": {"total": "10"},
                "rows": [{"donor": "甲公司", "amount": "-5"}],
            },
            "invalid_money",
            "rows.0.amount",
        ),
        ({"item_type": "charter", **CHARTER}, "required", "effective_on"),
        ({"item_type": "trips_abroad", "effective_on": "2026-03-08", **TRIP}, "required", "title"),
    ],
)
def test_it_refuses_invalid_content_as_a_problem_naming_the_field(staff, actors, body, code, field):
    found = problem(create(staff, actors.org_a, **body), 400, code)
    assert found["field"] == field and found["detail"]
    assert not Disclosure.objects.exists()


def test_it_refuses_a_malformed_body_with_422(staff, actors):
    found = problem(create(staff, actors.org_a, item_type="donations", period="2025", fields=["total"]), 422)
    assert found["code"] == "validation_error" and "fields" in found["detail"]
    problem(create(staff, actors.org_a, item_type="donations", fields={"total": True}), 422)
    problem(
        post(staff, "/disclosures/1/versions", {"change_kind": "rewrite", "reason": "想改就改"}),
        422,
    )


def test_a_new_version_needs_its_reason(staff, items):
    found = problem(
        post(
            staff, f"/disclosures/{items.finance.pk}/versions", {"change_kind": "correction", "reason": "改", **FINANCE}
        ),
        400,
    )
    assert found["code"] == "reason_required" and found["field"] == "reason"
    found = problem(
        post(
            staff,
            f"/disclosures/{items.finance.pk}/versions",
            {"change_kind": "update", "reason": "年度报告变更", **FINANCE},
        ),
        400,
    )
    assert found["field"] == "change_kind"


# -- attachments ------------------------------------------------------------------------------------------------


def _stored_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_staff_attach_files_to_a_draft(staff, items, settings):
    version = items.trip.versions.get()
    response = staff.post(
        f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png("行程.png"), png("名单.png")]}
    )
    assert response.status_code == 201, response.content
    names = [a["original_name"] for a in response.json()["attachments"]]
    assert names == ["行程.png", "名单.png"]
    download = staff.get(response.json()["attachments"][0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == png_bytes()


def test_it_refuses_a_text_file_named_pdf_and_stores_nothing(staff, items, settings):
    version = items.trip.versions.get()
    before = Attachment.objects.count(), _stored_files(settings), _snapshot(version)
    fake = SimpleUploadedFile("出访批件.pdf", b"this is plain text, not a PDF", content_type="application/pdf")
    found = problem(staff.post(f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png(), fake]}), 400)
    assert found["code"] == "upload_type" and found["field"] == "files" and "出访批件.pdf" in found["detail"]
    assert (Attachment.objects.count(), _stored_files(settings), _snapshot(version)) == before


def test_it_refuses_an_upload_over_the_size_limit(staff, items, settings):
    settings.XIEHUI_MAX_UPLOAD_BYTES = 64
    version = items.trip.versions.get()
    found = problem(staff.post(f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png()]}), 400)
    assert found["code"] == "upload_too_large"
    assert not Attachment.objects.filter(object_id=str(version.pk)).exists()


def test_an_attachment_upload_needs_files(staff, items):
    version = items.trip.versions.get()
    problem(staff.post(f"{API}/disclosure-versions/{version.pk}/attachments", {}), 400)


def test_a_multipart_body_without_a_boundary_is_a_400_problem(staff, items):
    version = items.trip.versions.get()
    response = staff.post(
        f"{API}/disclosure-versions/{version.pk}/attachments", b"", content_type="multipart/form-data"
    )
    problem(response, 400)


def test_staff_remove_an_attachment_from_a_draft(staff, items):
    version = items.trip.versions.get()
    added = staff.post(f"{API}/disclosure-versions/{version.pk}/attachments", {"files": [png()]}).json()
    [attachment] = added["attachments"]
    response = patch(staff, f"/disclosure-versions/{version.pk}", {"remove_attachments": [attachment["id"]]})
    assert response.status_code == 200 and response.json()["attachments"] == []


def test_staff_get_a_version_in_a_fixed_number_of_queries(staff, items, django_assert_max_num_queries):
    version = items.charter.versions.get(number=1)
    with django_assert_max_num_queries(8):
        assert staff.get(f"{API}/disclosure-versions/{version.pk}").status_code == 200
