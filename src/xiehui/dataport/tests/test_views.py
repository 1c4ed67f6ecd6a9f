"""Console pages: issue (secret shown once), list, revoke, the query audit with CSV; who reaches them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiehui.core import clock
from xiehui.core.models import Department
from xiehui.dataport.models import DataPortKey, QueryRecord

from .conftest import keyed

pytestmark = pytest.mark.django_db
KEYS = reverse("dataport:console_keys")
QUERIES = reverse("dataport:console_queries")


def _form(world, **change):  # type: ignore[no-untyped-def]
    return {
        "department": world.department.department.pk,
        "system_name": "联合惩戒系统",
        "scopes": ["credit", "registry"],
        "rate_per_minute": 60,
        "daily_quota": 5000,
        "expires_on": (clock.today() + dt.timedelta(days=90)).isoformat(),
        **change,
    }


def test_an_officer_issues_a_key_and_sees_the_secret_once(world, as_user):
    client = as_user(world.officer_jinan)
    response = client.post(KEYS, _form(world), follow=True)
    key = DataPortKey.objects.get()
    page = response.content.decode()
    assert 'data-testid="dataport-secret"' in page and f"xhk_{key.prefix}_" in page
    secret = page.split(f"xhk_{key.prefix}_", 1)[1].split("<", 1)[0]
    assert keyed(f"xhk_{key.prefix}_{secret}").get("/api/v1/credit/lists/abnormal").status_code == 200
    assert "no-store" in response["Cache-Control"]
    again = client.get(reverse("dataport:console_key", args=[key.pk])).content.decode()
    assert 'data-testid="dataport-secret"' not in again and secret not in again
    assert key.scopes == ["registry", "credit"] and key.expires_at == clock.day_end(
        clock.today() + dt.timedelta(days=90)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scopes": []}, "这个字段是必填项"),
        ({"expires_on": "2020-01-01"}, "有效期须晚于今天"),
        ({"rate_per_minute": "0"}, "1"),
        ({"system_name": ""}, "这个字段是必填项"),
    ],
)
def test_the_issue_form_names_what_is_wrong_and_saves_nothing(world, as_user, change, message):
    response = as_user(world.officer_jinan).post(KEYS, _form(world, **change))
    assert response.status_code == 400 and message in response.content.decode()
    assert not DataPortKey.objects.exists()


def test_a_department_outside_the_jurisdiction_cannot_be_chosen(world, as_user):
    other = Department.objects.create(name="青岛市发展和改革委员会", region_id="370200")
    response = as_user(world.officer_jinan).post(KEYS, _form(world, department=other.pk))
    assert response.status_code == 400 and not DataPortKey.objects.exists()


def test_the_list_shows_keys_within_reach_only(world, as_user, issue, django_assert_max_num_queries):
    issue()
    issue(system_name="第二个系统")
    officer = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        page = officer.get(KEYS)
    assert page.status_code == 200 and "第二个系统" in page.content.decode()
    assert "第二个系统" not in as_user(world.officer_qingdao).get(KEYS).content.decode()
    assert "第二个系统" in as_user(world.officer_province).get(KEYS, {"status": "active"}).content.decode()
    assert "第二个系统" not in as_user(world.officer_jinan).get(KEYS, {"status": "revoked"}).content.decode()


def test_an_officer_revokes_a_key_with_a_reason(world, as_user, issue, django_capture_on_commit_callbacks):
    key, secret = issue()
    url = reverse("dataport:console_key", args=[key.pk])
    client = as_user(world.officer_jinan)
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "对接系统停用"}, follow=True)
    assert "密钥已吊销" in response.content.decode() and "对接系统停用" in response.content.decode()
    assert keyed(secret).get("/api/v1/regions").status_code == 401


def test_other_jurisdictions_get_404_on_a_key(world, as_user, issue):
    key, _ = issue()
    url = reverse("dataport:console_key", args=[key.pk])
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.officer_qingdao).post(url, {"reason": "x"}).status_code == 404
    assert DataPortKey.objects.get().revoked_at is None


@pytest.mark.parametrize("url", [KEYS, QUERIES])
def test_roles_outside_government_are_refused(world, as_user, url):
    assert as_user(None).get(url).status_code == 302
    for user in (world.staff_a, world.member, world.department):
        assert as_user(user).get(url).status_code == 403


def test_an_administrator_manages_every_department(world, as_user, issue, admin):
    key, _ = issue()
    assert as_user(admin).get(reverse("dataport:console_key", args=[key.pk])).status_code == 200


def test_the_query_audit_searches_and_exports(world, as_user, issue, django_assert_max_num_queries):
    key, secret = issue(scopes=["registry", "supervision"], personal_data=False)
    client = keyed(secret)
    client.get("/api/v1/regions", {"parent": "37"})
    client.get("/api/v1/complaints")
    client.get("/api/v1/credit/lists/abnormal")
    officer = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        page = officer.get(QUERIES, {"outcome": "refused"})
    text = page.content.decode()
    assert "/api/v1/complaints" in text and "/api/v1/credit/lists/abnormal" in text and "parent=37" not in text
    assert "personal_data_scope_missing" in officer.get(QUERIES, {"personal": "on"}).content.decode()
    export = officer.get(QUERIES, {"key_prefix": key.prefix, "export": "csv"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4 and rows[0].startswith("时间,部门") and "联合" not in rows[0]
    assert "没有查询记录" in as_user(world.officer_qingdao).get(QUERIES).content.decode()
    assert QueryRecord.objects.count() == 3


def test_the_query_audit_refuses_a_reversed_date_range(world, as_user):
    response = as_user(world.officer_jinan).get(QUERIES, {"since": "2026-12-07", "until": "2026-12-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
