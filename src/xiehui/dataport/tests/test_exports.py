"""Bulk exports through real HTTP: who may export what, the task, the manifest, downloads, the round trip."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from xiehui.conftest import login
from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry, Person
from xiehui.credit.models import Listing
from xiehui.dataport import exports, services
from xiehui.dataport.models import ExportJob, QueryRecord
from xiehui.registry import importer
from xiehui.registry.models import Organization, OrganizationStatus, RegisteredItemChange, StaffAssignment

from .conftest import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def _request(client: Client, dataset: str, fmt: str, capture: Any) -> Any:
    with capture(execute=True):
        response = client.post(
            "/api/v1/dataport/exports", {"dataset": dataset, "format": fmt}, content_type="application/json"
        )
    return response


def _finished(client: Client, response: Any) -> dict[str, Any]:
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"  # answered before the task ran (on commit)
    body = client.get(f"/api/v1/dataport/exports/{response.json()['id']}").json()
    assert body["status"] == "succeeded", body
    return body


def _download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_a_key_exports_the_register_with_a_manifest(world, issue, fmt, django_capture_on_commit_callbacks):
    _, secret = issue(scopes=["registry"])
    client = keyed(secret)
    body = _finished(client, _request(client, "registry", fmt, django_capture_on_commit_callbacks))
    assert body["row_count"] == 2 and body["processed_rows"] == body["total_rows"] == 2 and body["percent"] == 100
    [entry] = body["files"]
    data = _download(client, entry["url"])
    assert (entry["name"], entry["rows"], entry["bytes"]) == (f"registry.{fmt}", 2, len(data))
    assert entry["sm3"] == hashlib.new("sm3", data).hexdigest()
    manifest = json.loads(_download(client, body["manifest_url"]))
    assert manifest["row_count"] == 2 and manifest["files"] == [{k: v for k, v in entry.items() if k != "url"}]
    assert manifest["as_of"] == body["as_of"] and manifest["feed_cursor"] == body["feed_cursor"]
    assert [c["header"] for c in manifest["columns"]][:3] == ["统一社会信用代码", "名称", "类型"]
    if fmt == "jsonl":
        rows = [json.loads(line) for line in data.decode().splitlines()]
        assert [r["uscc"] for r in rows] == [world.org_a.uscc, world.org_b.uscc]
        assert rows[0]["kind"] == "association" and rows[0]["industries"] == ["47", "48"]
        org = Organization.objects.get(pk=world.org_a.pk)
        assert dt.datetime.fromisoformat(rows[0]["updated_at"]) == org.updated_at  # the instant, on both databases
        assert rows[0]["updated_at"].endswith("+08:00") and rows[0]["activity_funds"] == "300000.00"
        assert rows[0]["registered_on"] == "2015-06-01" and rows[0]["status_changed_on"] is None
        assert "legal_representative_id_number" not in rows[0]  # the public register holds no identity number
    else:
        table = _table(data, fmt)
        assert table[0] == [c.header for c in exports.REGISTER_COLUMNS]
        assert table[1][:3] == [world.org_a.uscc, "济南市建筑业协会", "行业协会"] and table[1][7] == "47;48"
    # every keyed call (request, polls, downloads) is in the query audit
    assert QueryRecord.objects.filter(endpoint__startswith="xiehui_dataport_api").count() == 4


def _table(data: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_scopes_and_the_personal_grant_decide_the_datasets(world, issue, django_capture_on_commit_callbacks):
    _, registry_only = issue(scopes=["registry"])
    names = [d["name"] for d in keyed(registry_only).get("/api/v1/dataport/datasets").json()]
    assert names == ["registry"]
    refused = _request(keyed(registry_only), "credit", "csv", django_capture_on_commit_callbacks)
    assert refused.status_code == 403 and refused.json()["code"] == "dataset_forbidden"
    assert refused.json()["field"] == "dataset"
    refused = _request(keyed(registry_only), "registry_personal", "csv", django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    _, personal = issue(scopes=["registry", "credit"], personal_data=True, system_name="另一系统")
    names = [d["name"] for d in keyed(personal).get("/api/v1/dataport/datasets").json()]
    assert names == ["registry", "registry_personal", "credit"]
    unknown = _request(keyed(personal), "members", "csv", django_capture_on_commit_callbacks)
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_dataset"
    bad_format = _request(keyed(personal), "registry", "pdf", django_capture_on_commit_callbacks)
    assert bad_format.status_code == 422
    assert not ExportJob.objects.exists()


def test_a_keyed_personal_download_is_flagged_in_the_audit(world, issue, django_capture_on_commit_callbacks):
    _, secret = issue(scopes=["registry"], personal_data=True)
    client = keyed(secret)
    body = _finished(client, _request(client, "registry_personal", "jsonl", django_capture_on_commit_callbacks))
    rows = [json.loads(line) for line in _download(client, body["files"][0]["url"]).decode().splitlines()]
    assert rows[0]["legal_representative_id_number"] == Person.objects.get(name="代表0").id_number
    download = QueryRecord.objects.get(endpoint="xiehui_dataport_api_get_export_file")
    assert download.personal and download.status == 200
    [taken] = AuditEntry.objects.filter(action="dataport.export.downloaded")
    assert taken.object_id == body["id"] and taken.changes["rows"] == 2
    assert not QueryRecord.objects.get(endpoint="xiehui_dataport_api_get_export").personal


def test_sessions_public_datasets_for_all_personal_for_officers_within_reach(world, django_capture_on_commit_callbacks):
    staff = login(Client(), world.staff_a)
    names = [d["name"] for d in staff.get("/api/v1/dataport/datasets").json()]
    assert names == ["registry", "credit", "disclosure"]
    assert _request(staff, "registry_personal", "csv", django_capture_on_commit_callbacks).status_code == 403
    officer = login(Client(), world.officer_jinan)
    body = _finished(officer, _request(officer, "registry_personal", "csv", django_capture_on_commit_callbacks))
    table = _table(_download(officer, body["files"][0]["url"]), "csv")
    assert [r[0] for r in table[1:]] == [world.org_a.uscc]  # Jinan's officer: Jinan's register only
    assert table[1][10] == Person.objects.get(name="代表0").id_number
    public = _finished(officer, _request(officer, "registry", "csv", django_capture_on_commit_callbacks))
    assert public["row_count"] == 2  # the public register is the whole register
    assert Client().get("/api/v1/dataport/datasets").status_code == 401


def test_one_export_at_a_time_and_nobody_elses(world, issue):
    _, secret = issue(scopes=["registry"])
    client = keyed(secret)
    first = client.post("/api/v1/dataport/exports", {"dataset": "registry", "format": "csv"}, "application/json")
    assert first.status_code == 202  # no on-commit capture: the task has not run, the job stays pending
    second = client.post("/api/v1/dataport/exports", {"dataset": "registry", "format": "jsonl"}, "application/json")
    assert second.status_code == 409 and second.json()["code"] == "export_in_progress"
    job_id = first.json()["id"]
    other = login(Client(), world.officer_jinan)
    assert other.get(f"/api/v1/dataport/exports/{job_id}").status_code == 404
    assert other.get(f"/api/v1/dataport/exports/{job_id}/files/manifest.json").status_code == 404
    assert other.get(f"/data/exports/{job_id}/").status_code == 404
    assert other.get("/api/v1/dataport/exports").json()["items"] == []
    # a pending export has no files yet
    assert client.get(f"/api/v1/dataport/exports/{job_id}/files/registry.csv").status_code == 404
    services.export_run(job_id=job_id)
    assert client.get(f"/api/v1/dataport/exports/{job_id}/files/registry.csv").status_code == 200
    assert client.get(f"/api/v1/dataport/exports/{job_id}/files/..%2Fsettings.py").status_code == 404
    assert services.export_run(job_id=job_id).status == ExportJob.Status.SUCCEEDED  # delivered twice: no rerun


def test_an_export_whose_worker_stopped_fails_and_frees_its_requester(world, admin):
    now = clock.now()
    job = services.export_request(actor=admin, key=None, dataset="registry", fmt="csv", now=now)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=now)
    just = now + services.STALE_RUNNING - dt.timedelta(seconds=1)
    with pytest.raises(ApplicationError):  # still running, as far as anyone can tell
        services.export_request(actor=admin, key=None, dataset="registry", fmt="jsonl", now=just)
    later = now + services.STALE_RUNNING + dt.timedelta(seconds=1)
    second = services.export_request(actor=admin, key=None, dataset="registry", fmt="jsonl", now=later)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "后台任务已停止" in job.error and second.pk != job.pk
    assert services.exports_prune(now=later + services.STALE_PENDING + dt.timedelta(seconds=1)) == 0
    second.refresh_from_db()
    assert second.status == ExportJob.Status.FAILED  # never taken by a worker


def test_a_failed_export_says_so_and_leaves_no_files(world, admin, monkeypatch, tmp_path):
    job = services.export_request(actor=admin, key=None, dataset="registry", fmt="csv", now=clock.now())

    def broken(*args: Any, **kwargs: Any) -> int:
        (exports.storage_root() / str(job.pk) / "registry.csv").write_text("half")
        raise OSError("disk full")

    monkeypatch.setitem(exports.WRITERS, "csv", broken)
    done = services.export_run(job_id=str(job.pk))
    assert done.status == ExportJob.Status.FAILED and "导出出错" in done.error
    assert not (exports.storage_root() / str(job.pk)).exists()


def test_prune_deletes_expired_files(world, admin, settings):
    job = services.export_request(actor=admin, key=None, dataset="registry", fmt="jsonl", now=clock.now())
    services.export_run(job_id=str(job.pk))
    directory = exports.storage_root() / str(job.pk)
    assert (directory / "registry.jsonl").is_file()
    keep = dt.timedelta(days=settings.XIEHUI_EXPORT_KEEP_DAYS)
    assert services.exports_prune(now=job.created_at + keep - dt.timedelta(seconds=1)) == 0  # last moment kept
    call_command("dataport", "prune")  # now: not yet expired either
    assert directory.exists()
    assert services.exports_prune(now=job.created_at + keep) == 1
    assert not directory.exists()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED


def test_credit_export_holds_the_listings_in_force(world, admin, django_capture_on_commit_callbacks):
    today = clock.today()
    now = clock.now()
    common = {"authority_region": world.org_a.authority_region, "rule_id": "CR-A1", "source": "rule",
              "basis": "依据", "facts": "=未按时报送年报", "created_at": now, "updated_at": now}  # fmt: skip
    Listing.objects.create(organization=world.org_a, list_kind="abnormal", ground="A1", key="CR-A1:2025",
                           start_on=today - dt.timedelta(days=3), **common)  # fmt: skip
    Listing.objects.create(organization=world.org_b, list_kind="abnormal", ground="A1", key="CR-A1:2024",
                           start_on=today - dt.timedelta(days=300), ended_on=today, **common)  # fmt: skip
    client = login(Client(), admin)
    body = _finished(client, _request(client, "credit", "csv", django_capture_on_commit_callbacks))
    table = _table(_download(client, body["files"][0]["url"]), "csv")
    assert len(table) == 2 and table[1][0] == world.org_a.uscc and table[1][2] == "活动异常名录"
    assert table[1][6] == "'=未按时报送年报"  # a formula-looking cell is neutralised for spreadsheets


# -- round trip: export, re-import into an empty register, export again ------------------------------------------


def _empty_register() -> None:
    StaffAssignment.objects.all().delete()
    RegisteredItemChange.objects.all().delete()
    Organization.industries.through.objects.all().delete()
    Organization.objects.all().delete()
    Person.objects.all().delete()


def _register_rows(client: Client, fmt: str, capture: Any) -> list[list[str]]:
    body = _finished(client, _request(client, "registry_personal", fmt, capture))
    table = _table(_download(client, body["files"][0]["url"]), fmt)
    keep = [table[0].index(c) for c in importer.COLUMNS]  # the layout `xiehui import` reads
    return [[row[i] for i in keep] for row in table]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_register_gives_the_same_register(
    admin, fmt, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "CHUNK", 7)  # 61 rows: nine keyset chunks, the last one short
    call_command("synth", "--orgs", "60", "--no-worker")
    # cells that a spreadsheet reads as formulas, and a register that is not all 正常登记
    Organization.objects.filter(pk__in=Organization.objects.order_by("pk").values("pk")[:2]).update(
        business_scope="=行业自律", domicile="-1 号楼"
    )
    Organization.objects.filter(pk=Organization.objects.order_by("-pk").values("pk")[:1]).update(
        status=OrganizationStatus.DEREGISTERED
    )
    client = login(Client(), admin)
    before = _register_rows(client, fmt, django_capture_on_commit_callbacks)
    assert len(before) == 61 and any(r[-1] == "注销登记" for r in before)
    assert sum(r[8] == "'=行业自律" for r in before) == 2  # neutralised in the file, restored on import
    path = tmp_path / f"register.{fmt}"
    job = ExportJob.objects.get()
    path.write_bytes((exports.storage_root() / str(job.pk) / f"registry_personal.{fmt}").read_bytes())
    _empty_register()
    ExportJob.objects.all().delete()
    call_command("import", str(path))
    after = _register_rows(client, fmt, django_capture_on_commit_callbacks)
    assert after == before
    assert Organization.objects.filter(business_scope="=行业自律").count() == 2
    assert Path(path).stat().st_size > 0


# -- the web page ------------------------------------------------------------------------------------------------


def test_the_download_page_requests_follows_and_downloads(world, django_capture_on_commit_callbacks):
    assert Client().get("/data/exports/").status_code == 302  # to the login page
    client = login(Client(), world.staff_a)
    page = client.get("/data/exports/")
    assert page.status_code == 200 and "社会团体登记名录（公开登记事项）" in page.content.decode()
    assert "registry_personal" not in page.content.decode()  # not offered to an association's staff
    refused = client.post("/data/exports/", {"dataset": "registry_personal", "format": "csv"})
    assert refused.status_code == 400 and not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/data/exports/", {"dataset": "registry", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/exports/{job.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "导出完成：共 2 行" in detail and job.manifest["files"][0]["sm3"] in detail
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section id="export-progress"') and "hx-trigger" not in fragment  # finished: no poll
    download = client.get(f"/data/exports/{job.pk}/files/registry.xlsx")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert client.get(f"/data/exports/{job.pk}/files/registry.csv").status_code == 404


def test_a_running_export_shows_its_progress(world, admin):
    job = services.export_request(actor=admin, key=None, dataset="registry", fmt="csv", now=clock.now())
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, total_rows=2, processed_rows=1)
    fragment = login(Client(), admin).get(f"/data/exports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "已写出 1 / 2 行" in fragment and 'hx-trigger="every 1s"' in fragment
