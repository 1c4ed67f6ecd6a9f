"""Import of the register from CSV/XLSX: every row checked, all or nothing, errors by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from xiehui.conftest import ID_NUMBERS, NOW
from xiehui.core import audit
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry, Person
from xiehui.registry import importer
from xiehui.registry.demo_data import id_number
from xiehui.registry.models import DecouplingItem, ImportJob, Organization, RegisteredItemChange

TODAY = NOW.date()
XSS = '<script>alert("x")</script>协会'


def person_id(n: int) -> str:
    """A valid identity number not used by the test world (sequence codes 6xx)."""
    return id_number("370102", dt.date(1985, 3, 1) + dt.timedelta(days=n), 600 + n % 300)


def row(n: int = 1, **over: object) -> dict[str, object]:
    """A valid row for 济南市 (authority 370100); `n` keeps USCC, name and person distinct."""
    values: dict[str, object] = {
        "统一社会信用代码": make_uscc(region_code="370100", body=f"MJ8{n:05d}"),
        "名称": f"济南市测试{n}号行业协会",
        "类型": "行业协会",
        "登记层级": "市级",
        "登记管理机关区划代码": "370100",
        "住所区划代码": "370102",
        "住所": "山东省济南市历下区经十路 1 号",
        "行业代码": "65、72",
        "业务范围": "行业自律、行业服务",
        "法定代表人": f"测试{n}",
        "法定代表人身份证号码": person_id(n),
        "活动资金": "300000",
        "成立登记日期": "2015-06-01",
        "专职工作人员数": "3",
        "登记状态": "正常登记",
    }
    values.update(over)
    return values


def csv_bytes(rows: list[dict[str, object]], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(importer.COLUMNS)
    for r in rows:
        writer.writerow([r.get(c, "") for c in importer.COLUMNS])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(importer.COLUMNS))
    for r in rows:
        ws.append([r.get(c) for c in importer.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def validate(data: bytes, actor, name: str = "register.csv") -> importer.ImportResult:  # type: ignore[no-untyped-def]
    return importer.validate_file(data, name, actor=actor, today=TODAY)


# -- valid files ------------------------------------------------------------------------------------


def test_it_imports_a_valid_csv_with_everything_an_organisation_needs(world):
    before = Organization.objects.count()
    result = validate(csv_bytes([row(1), row(2, 登记状态="注销登记")]), world.officer_jinan)
    assert result.ok and result.total_rows == 2
    assert importer.load(actor=world.officer_jinan, result=result, now=NOW) == 2
    assert Organization.objects.count() == before + 2
    org = Organization.objects.get(name="济南市测试1号行业协会")
    assert sorted(org.industries.values_list("code", flat=True)) == ["65", "72"]
    assert org.legal_representative.id_number == person_id(1)
    assert org.legal_representative.id_number_masked.startswith("3701")
    assert org.item_history.filter(source=RegisteredItemChange.Source.IMPORT).count() == 5
    assert DecouplingItem.objects.filter(organization=org).count() == 5
    assert Organization.objects.get(name="济南市测试2号行业协会").status == "deregistered"
    entry = AuditEntry.objects.filter(action="registry.organization.bulk_loaded").latest("seq")
    assert entry.changes["count"] == 2 and entry.actor_id == world.officer_jinan.pk
    assert audit.verify().ok


def test_it_finds_imported_names_by_two_character_terms(world):
    importer.load(actor=None, result=validate(csv_bytes([row(1)]), None), now=NOW)
    from xiehui.registry import search

    assert search.filter_by_name(Organization.objects.all(), "测试").count() == 1


def test_it_reads_gb18030_csv(world):
    assert validate(csv_bytes([row(1)], encoding="gb18030"), world.officer_jinan).ok


def test_it_imports_xlsx_with_excel_dates_and_numbers(world):
    data = xlsx_bytes([row(1, 成立登记日期=dt.datetime(2012, 3, 4), 活动资金=500000, 专职工作人员数=4, 行业代码=65)])
    result = validate(data, world.officer_jinan, "register.xlsx")
    assert result.ok, result.errors
    importer.load(actor=world.officer_jinan, result=result, now=NOW)
    org = Organization.objects.get(name="济南市测试1号行业协会")
    assert (org.registered_on, org.activity_funds, org.fulltime_staff) == (dt.date(2012, 3, 4), 500000, 4)
    assert list(org.industries.values_list("code", flat=True)) == ["65"]


def test_it_accepts_the_downloadable_template(world):
    rows = importer.template_rows()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    assert validate(buffer.getvalue().encode("utf-8-sig"), world.officer_jinan).ok


# -- row errors -------------------------------------------------------------------------------------


ROW_ERRORS = [
    (
        "统一社会信用代码",
        {"统一社会信用代码": make_uscc(region_code="370100", body="MJ800003")[:-1] + "0"},
        "校验位错误",
    ),
    ("统一社会信用代码", {"统一社会信用代码": "5137010012"}, "应为 18 位"),
    ("统一社会信用代码", {"统一社会信用代码": make_uscc(region_code="370200", body="MJ800003")}, "第 3-8 位"),
    ("统一社会信用代码", {"统一社会信用代码": make_uscc(region_code="370100", body="MJ000001")}, "已在登记库中"),
    ("名称", {"名称": ""}, "不能为空"),
    ("名称", {"名称": "中国测试行业协会"}, "REG-2"),
    ("名称", {"名称": "济南市建筑业协会"}, "名称相同"),
    ("类型", {"类型": "学会"}, "不是有效的社会团体类型"),
    ("登记层级", {"登记层级": "乡级"}, "不是有效的登记层级"),
    ("登记管理机关区划代码", {"登记管理机关区划代码": "379999"}, "不存在"),
    ("登记管理机关区划代码", {"登记层级": "县级"}, "登记管理机关应在"),
    ("住所区划代码", {"住所区划代码": "370202"}, "辖区"),
    ("住所区划代码", {"住所区划代码": "37010"}, "6 位数字"),
    ("住所", {"住所": "路" * 201}, "不能超过 200 个字符"),
    ("行业代码", {"行业代码": "99"}, "不存在"),
    ("行业代码", {"行业代码": "E"}, "门类代码"),
    ("业务范围", {"业务范围": " "}, "不能为空"),
    ("法定代表人", {"法定代表人": ""}, "不能为空"),
    (
        "法定代表人身份证号码",
        {"法定代表人身份证号码": person_id(3)[:-1] + ("0" if person_id(3)[-1] != "0" else "1")},
        "校验位错误",
    ),
    ("法定代表人身份证号码", {"法定代表人身份证号码": ID_NUMBERS[0], "法定代表人": "代表0"}, "REG-4"),
    ("法定代表人", {"法定代表人身份证号码": ID_NUMBERS[0], "法定代表人": "别人"}, "姓名不一致"),
    ("活动资金", {"活动资金": "很多"}, "应为金额"),
    ("活动资金", {"活动资金": "29999"}, "REG-1"),
    ("成立登记日期", {"成立登记日期": "2015-13-01"}, "不存在"),
    ("成立登记日期", {"成立登记日期": "01/06/2015"}, "YYYY-MM-DD"),
    ("成立登记日期", {"成立登记日期": "2099-01-01"}, "今天"),
    ("专职工作人员数", {"专职工作人员数": "三"}, "整数"),
    ("专职工作人员数", {"专职工作人员数": "-1"}, "整数"),
    ("登记状态", {"登记状态": "休眠"}, "不是有效的登记状态"),
]


@pytest.mark.parametrize(("column", "bad", "fragment"), ROW_ERRORS, ids=[f"{c}-{f}" for c, _, f in ROW_ERRORS])
def test_it_reports_each_row_error_by_row_and_column_and_saves_nothing(world, column, bad, fragment):
    before = Organization.objects.count()
    result = validate(csv_bytes([row(1), row(3, **bad)]), world.officer_jinan)
    assert not result.ok and result.records == []
    errors = [e for e in result.errors if e["column"] == column]
    assert errors and all(e["row"] == 3 for e in result.errors), result.errors
    assert fragment in errors[0]["message"]
    assert importer.error_line(errors[0]).startswith(f"第 3 行「{column}」：")
    with pytest.raises(ApplicationError):
        importer.load(actor=world.officer_jinan, result=result, now=NOW)
    assert Organization.objects.count() == before


def test_it_reports_all_errors_of_all_rows_at_once(world):
    bad_uscc = make_uscc(region_code="370100", body="MJ800009")[:-1] + "0"
    result = validate(csv_bytes([row(1), row(2, 活动资金="1"), row(3), row(4, 统一社会信用代码=bad_uscc, 类型="?")]),
                      world.officer_jinan)  # fmt: skip
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (3, "活动资金"), (5, "统一社会信用代码"), (5, "类型")
    ]  # fmt: skip
    assert result.error_count == 3


def test_it_reports_duplicates_within_the_file(world):
    first = row(1)
    dup = row(2, 统一社会信用代码=first["统一社会信用代码"], 名称=first["名称"],
              法定代表人身份证号码=first["法定代表人身份证号码"], 法定代表人=first["法定代表人"])  # fmt: skip
    result = validate(csv_bytes([first, dup]), world.officer_jinan)
    messages = {e["column"]: e["message"] for e in result.errors}
    assert all(e["row"] == 3 for e in result.errors)
    assert "与第 2 行重复" in messages["统一社会信用代码"]
    assert "与第 2 行名称相同" in messages["名称"]
    assert "与第 2 行为同一人" in messages["法定代表人身份证号码"]


def test_it_allows_one_person_for_a_deregistered_and_a_registered_body(world):
    first = row(1, 登记状态="注销登记")
    second = row(2, 法定代表人身份证号码=first["法定代表人身份证号码"], 法定代表人=first["法定代表人"])
    result = validate(csv_bytes([first, second]), world.officer_jinan)
    assert result.ok, result.errors
    importer.load(actor=None, result=result, now=NOW)
    assert Person.objects.filter(name=first["法定代表人"]).count() == 1


def test_it_masks_identity_numbers_in_error_lists(world):
    result = validate(csv_bytes([row(1, 法定代表人身份证号码=ID_NUMBERS[0], 法定代表人="代表0")]), world.officer_jinan)
    assert result.errors[0]["value"] == "3701**********001X"
    assert ID_NUMBERS[0] not in str(result.errors)


def test_it_refuses_rows_outside_the_officers_jurisdiction(world):
    result = validate(csv_bytes([row(1)]), world.officer_qingdao)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "登记管理机关区划代码")]
    assert "管辖范围" in result.errors[0]["message"]
    assert validate(csv_bytes([row(1)]), world.officer_province).ok


def test_it_refuses_importers_who_are_not_officers(world):
    with pytest.raises(ApplicationError, match="登记管理机关工作人员"):
        validate(csv_bytes([row(1)]), world.staff_a)


# -- files that cannot be read ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("register.xlsx", os.urandom(4096).replace(b"PK", b"pk"), "不是有效的 XLSX"),
        ("register.xlsx", b"PK\x03\x04" + os.urandom(2048), "无法读取 XLSX"),
        ("register.pdf", b"%PDF-1.7\n...", "仅支持 CSV 或 XLSX"),
        ("register.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        ("register.csv", b"\x00\x01\x02binary", "不是文本格式"),
        ("register.csv", b"", "为空"),
        ("register.csv", "名称,类型\n测试,行业协会\n".encode(), "缺少必填列"),
        ("register.csv", csv_bytes([]), "没有数据行"),
    ],
    ids=["random-bytes-named-xlsx", "broken-zip", "pdf", "xls", "binary-csv", "empty", "missing-columns", "no-rows"],
)
def test_it_refuses_files_it_cannot_read_with_a_clear_message(world, name, data, fragment):
    with pytest.raises(ApplicationError, match=re.escape(fragment)):
        validate(data, world.officer_jinan, name)


def test_it_refuses_a_zip_that_is_not_a_workbook(world):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ApplicationError, match="不是 Excel 工作簿"):
        validate(out.getvalue(), world.officer_jinan, "register.xlsx")


def test_it_refuses_a_file_over_the_upload_limit(world, settings):
    settings.XIEHUI_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ApplicationError, match="超过上限"):
        validate(csv_bytes([row(n) for n in range(1, 20)]), world.officer_jinan)


# -- console pages ----------------------------------------------------------------------------------


@pytest.fixture
def tasks_run_now(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def upload(data: bytes, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_import(client, data: bytes, name: str = "register.csv"):  # type: ignore[no-untyped-def]
    return client.post(reverse("registry:console_import"), {"file": upload(data, name)})


@pytest.mark.parametrize("url_name", ["console_import", "console_import_template"])
def test_console_import_pages_require_login(world, as_user, url_name):
    response = as_user(None).get(reverse(f"registry:{url_name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_import_pages_are_forbidden_to_other_roles(world, as_user, media, who):
    client = as_user(getattr(world, who))
    assert client.get(reverse("registry:console_import")).status_code == 403
    assert client.post(reverse("registry:console_import"), {"file": upload(csv_bytes([row(1)]))}).status_code == 403
    assert client.get(reverse("registry:console_import_template")).status_code == 403
    assert not ImportJob.objects.exists()


def test_console_job_page_is_forbidden_to_other_roles_and_hidden_from_other_officers(world, as_user, media):
    job = importer.import_job_create(actor=world.officer_jinan, upload=upload(csv_bytes([row(1)])), now=NOW)
    url = reverse("registry:console_import_job", args=[job.pk])
    assert as_user(None).get(url).status_code == 302
    assert as_user(world.staff_a).get(url).status_code == 403
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.officer_jinan).get(url).status_code == 200


def test_console_import_shows_the_form_and_recent_jobs(world, as_user, media, django_assert_max_num_queries):
    importer.import_job_create(actor=world.officer_jinan, upload=upload(csv_bytes([row(1)]), "old.csv"), now=NOW)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:console_import"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in content and "old.csv" in content
    assert reverse("registry:console_import_template") in content


def test_console_template_download_is_a_csv_with_header_and_example(world, as_user):
    response = as_user(world.officer_jinan).get(reverse("registry:console_import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == list(importer.COLUMNS) and len(lines) == 2


def test_console_import_runs_the_job_and_shows_the_result(
    world, as_user, media, tasks_run_now, django_capture_on_commit_callbacks
):
    client = as_user(world.officer_jinan)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, xlsx_bytes([row(1), row(2)]), "register.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:console_import_job", args=[job.pk])
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == ("succeeded", 2, 2, 2)
    assert Organization.objects.filter(name__startswith="济南市测试").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "已导入 2 个社会团体" in page and 'hx-trigger="every 1s"' not in page
    assert AuditEntry.objects.filter(action="registry.import_job.succeeded", object_id=str(job.pk)).exists()
    # the upload held identity numbers in clear: gone once processed
    assert job.file.name == "" and not any(p.is_file() for p in media.rglob("*"))


def test_console_import_failure_lists_every_error_and_saves_nothing(
    world, as_user, media, tasks_run_now, django_capture_on_commit_callbacks
):
    before = Organization.objects.count()
    bad = make_uscc(region_code="370100", body="MJ800002")[:-1] + "0"
    client = as_user(world.officer_jinan)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, csv_bytes([row(1), row(2, 统一社会信用代码=bad, 活动资金="100")]))
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.created_count == 0 and Organization.objects.count() == before
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "统一社会信用代码"), (3, "活动资金")]
    page = client.get(response["Location"]).content.decode()
    assert "校验未通过" in page and "校验位错误" in page and "REG-1" in page


def test_console_refuses_unreadable_uploads_on_the_form(world, as_user, media, tasks_run_now, settings):
    client = as_user(world.officer_jinan)
    response = post_import(client, os.urandom(2048).replace(b"PK", b"pk"), "register.xlsx")
    assert response.status_code == 400 and "不是有效的 XLSX" in response.content.decode()
    settings.XIEHUI_MAX_UPLOAD_BYTES = 100
    response = post_import(client, csv_bytes([row(1)]))
    assert response.status_code == 400 and "超过上限" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_console_job_fragment_polls_while_the_job_runs(world, as_user, media):
    job = importer.import_job_create(actor=world.officer_jinan, upload=upload(csv_bytes([row(1)])), now=NOW)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", total_rows=1000, processed_rows=500)
    url = reverse("registry:console_import_job", args=[job.pk])
    response = as_user(world.officer_jinan).get(url, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert not content.lstrip().startswith("<!doctype")
    assert 'id="import-progress"' in content and 'hx-trigger="every 1s"' in content and f'hx-get="{url}"' in content
    assert 'value="500"' in content and "已校验 500 / 1000 行" in content


def test_an_xss_name_is_stored_verbatim_and_escaped_on_the_job_page(
    world, as_user, media, tasks_run_now, django_capture_on_commit_callbacks
):
    client = as_user(world.officer_jinan)
    with django_capture_on_commit_callbacks(execute=True):
        post_import(client, csv_bytes([row(1, 名称=XSS)]))
    assert Organization.objects.get(uscc=row(1)["统一社会信用代码"]).name == XSS
    # the same name again is an identical name (REG-2): the job page shows the cell, escaped
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, csv_bytes([row(2, 名称=XSS)]))
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;协会" in page
    assert "<script>alert" not in page


def test_running_a_job_twice_does_nothing_more(world, media):
    job = importer.import_job_create(actor=world.officer_jinan, upload=upload(csv_bytes([row(1)])), now=NOW)
    assert importer.import_job_run(job_id=job.pk).status == "succeeded"
    assert importer.import_job_run(job_id=job.pk).created_count == 1
    assert Organization.objects.filter(name="济南市测试1号行业协会").count() == 1


def test_reg_2_names_compare_latin_letters_without_case(world):
    result = validate(
        csv_bytes([row(1, 名称="济南市BIM测试协会"), row(2, 名称="济南市bim测试协会")]), world.officer_jinan
    )
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "名称")]
    importer.load(actor=None, result=validate(csv_bytes([row(1, 名称="济南市BIM测试协会")]), None), now=NOW)
    again = validate(csv_bytes([row(2, 名称="济南市Bim测试协会")]), world.officer_jinan)
    assert "REG-2" in again.errors[0]["message"]
