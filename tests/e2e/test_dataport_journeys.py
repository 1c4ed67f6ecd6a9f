"""Journeys of issue 6 through the real UI, in Chinese, with Chromium against the live server.

g. An officer issues a data port key to a department's system; the system calls the port with it; the officer
   finds the call in the query audit, revokes the key, and the next call is refused.
h. An officer exports the jurisdiction's register with identity numbers as CSV from the download page, follows
   the export until it is ready, checks the manifest and downloads the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from xiehui.core import clock

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_officer_issues_a_key_the_system_calls_the_port_the_officer_audits_and_revokes(
    page: Page, e2e_world, logged_in_context, shot, live_server
):
    officer = logged_in_context(e2e_world.officer_jinan).new_page()
    officer.goto("/console/dataport/keys/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("数据端口密钥")
    officer.get_by_label("部门").select_option(label="济南市工业和信息化局")
    officer.get_by_label("接入系统名称").fill("联合惩戒信息系统")
    officer.get_by_label("信用名单").check()
    officer.get_by_label("每分钟请求上限").fill("30")
    officer.get_by_label("每日请求配额").fill("1000")
    officer.get_by_label("有效期至").fill((clock.today() + dt.timedelta(days=180)).isoformat())
    officer.get_by_role("button", name="签发").click()
    secret_box = officer.get_by_test_id("dataport-secret")
    expect(secret_box).to_contain_text("它不会再次显示")
    secret = secret_box.locator("code").first.inner_text().strip()
    assert secret.startswith("xhk_")
    shot(officer, "g-key-issued")

    headers = {"Authorization": f"Bearer {secret}"}
    answer = page.request.get(f"{live_server.url}/api/v1/credit/lists/abnormal?limit=5", headers=headers)
    assert answer.status == 200
    refused = page.request.get(f"{live_server.url}/api/v1/organizations/{e2e_world.org_a.uscc}", headers=headers)
    assert refused.status == 403 and refused.json()["code"] == "scope_missing"

    officer.goto("/console/dataport/queries/")
    rows = officer.get_by_test_id("dataport-queries")
    expect(rows).to_contain_text("/api/v1/credit/lists/abnormal")
    expect(rows).to_contain_text("scope_missing")
    shot(officer, "g-query-audit")

    officer.goto("/console/dataport/keys/")
    officer.get_by_role("link", name="联合惩戒信息系统").click()
    expect(officer.get_by_test_id("dataport-secret")).to_have_count(0)  # shown once only
    officer.get_by_label("吊销原因").fill("对接系统更换")
    officer.get_by_role("button", name="立即吊销").click()
    expect(officer.get_by_role("status").filter(has_text="密钥已吊销")).to_be_visible()
    after = page.request.get(f"{live_server.url}/api/v1/credit/lists/abnormal", headers=headers)
    assert after.status == 401 and after.json()["code"] == "key_revoked"


def test_officer_exports_the_register_and_downloads_it_with_its_manifest(e2e_world, logged_in_context, shot, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    officer = logged_in_context(e2e_world.officer_jinan).new_page()
    officer.goto("/")
    officer.get_by_role("link", name="数据下载").first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("数据下载")
    officer.get_by_label("数据集").select_option(label="社会团体登记名录（含法定代表人身份证号码）")
    officer.get_by_label("CSV（Excel 可直接打开）").check()
    officer.get_by_role("button", name="开始导出").click()
    progress = officer.get_by_test_id("export-progress")
    expect(progress).to_contain_text("导出完成：共 1 行")  # Jinan's officer: Jinan's register only
    files = officer.get_by_test_id("export-files")
    digest = files.locator("code").first.inner_text().strip()
    shot(officer, "h-export-ready")
    with officer.expect_download() as download:
        files.get_by_role("link", name="registry_personal.csv").click()
    data = Path(download.value.path()).read_bytes()
    assert hashlib.new("sm3", data).hexdigest() == digest
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[1][0] == e2e_world.org_a.uscc and len(table) == 2
    officer.goto("/data/exports/")
    expect(officer.get_by_test_id("export-jobs")).to_contain_text("已完成")
