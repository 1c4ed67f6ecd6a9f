"""Department keys through real HTTP: scopes, personal data, revocation, expiry, hashed storage, the audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry, User
from xiehui.dataport import keys, services
from xiehui.dataport.models import DataPortKey, QueryRecord

from .conftest import keyed

pytestmark = pytest.mark.django_db


def test_it_answers_a_keyed_lookup_and_audits_it(world, issue):
    key, secret = issue()
    response = keyed(secret).get(f"/api/v1/organizations/{world.org_a.uscc}", {"fields": "x"})
    assert response.status_code == 200 and response.json()["uscc"] == world.org_a.uscc
    [row] = QueryRecord.objects.all()
    assert (row.key, row.department, row.status, row.outcome, row.result_count) == (
        key, key.department, 200, "ok", 1
    )  # fmt: skip
    assert row.endpoint == "xiehui_registry_api_get_organization" and row.params == "fields=x"
    assert row.method == "GET" and row.path == f"/api/v1/organizations/{world.org_a.uscc}" and not row.personal


def test_it_counts_the_items_of_a_page(world, issue):
    _, secret = issue()
    assert keyed(secret).get("/api/v1/organizations", {"q": "协会"}).status_code == 200
    assert QueryRecord.objects.get().result_count == 2


def test_it_stores_only_the_digest_of_a_key(world, issue):
    key, secret = issue()
    row = DataPortKey.objects.filter(pk=key.pk).values().get()
    assert secret not in str(row) and row["digest"] == keys.digest(secret)
    assert not any(secret in str(e.changes) + e.object_label for e in AuditEntry.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM dataport_dataportkey")
        assert all(secret not in str(value) for value in cursor.fetchone())


def test_the_key_acts_through_a_department_account_without_a_password(world, issue):
    key, _ = issue()
    account = User.objects.get(pk=key.account_id)
    assert account.role == "department" and account.department == world.department.department
    assert not account.has_usable_password()


def test_it_refuses_an_operation_outside_the_scopes_and_audits_it(world, issue):
    _, secret = issue(scopes=["credit"])
    response = keyed(secret).get(f"/api/v1/organizations/{world.org_a.uscc}")
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    assert "登记名录" in response.json()["detail"]
    assert QueryRecord.objects.get().outcome == "scope_missing"
    assert keyed(secret).get("/api/v1/credit/lists/abnormal").status_code == 200


def test_personal_operations_need_the_personal_data_grant_and_are_flagged(world, issue):
    _, without = issue()
    response = keyed(without).get("/api/v1/complaints")
    assert response.status_code == 403 and response.json()["code"] == "personal_data_scope_missing"
    _, with_grant = issue(personal_data=True)
    response = keyed(with_grant).get("/api/v1/complaints")
    assert response.status_code != 403 or response.json()["code"] not in {
        "personal_data_scope_missing",
        "scope_missing",
    }
    assert list(QueryRecord.objects.order_by("at").values_list("personal", flat=True)) == [True, True]


def test_a_revoked_key_is_refused_at_once_even_after_it_was_cached(world, issue, django_capture_on_commit_callbacks):
    key, secret = issue()
    assert keyed(secret).get("/api/v1/regions").status_code == 200  # cached now
    with pytest.raises(ApplicationError, match="吊销原因"):
        services.key_revoke(actor=world.officer_jinan, key=key, reason=" ", now=clock.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.key_revoke(actor=world.officer_jinan, key=key, reason="系统下线", now=clock.now())
    response = keyed(secret).get("/api/v1/regions")
    assert response.status_code == 401 and response.json()["code"] == "key_revoked"
    assert QueryRecord.objects.filter(outcome="key_revoked", key=key).count() == 1
    with pytest.raises(ApplicationError, match="已被吊销"):
        services.key_revoke(actor=world.officer_jinan, key=key, reason="再次", now=clock.now())


def test_an_expired_key_is_refused(world, issue):
    now = clock.now() - dt.timedelta(days=10)
    _, secret = issue(now=now, expires_on=clock.local_date(now) + dt.timedelta(days=5))
    response = keyed(secret).get("/api/v1/regions")
    assert response.status_code == 401 and response.json()["code"] == "key_expired"


def test_a_key_is_valid_through_the_last_moment_of_its_expiry_day(world, issue):
    now = clock.now()
    expires_on = clock.local_date(now) + dt.timedelta(days=30)
    _, secret = issue(expires_on=expires_on)
    end = clock.day_end(expires_on)
    assert keys.check(secret, now=end - dt.timedelta(microseconds=1))[1] == "ok"
    assert keys.check(secret, now=end)[1] == "key_expired"


def test_a_wrong_secret_with_a_real_prefix_is_invalid_and_audited_without_a_department(world, issue):
    key, secret = issue()
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    for text in (forged, "xhk_nothing", "xhk_"):
        response = keyed(text).get("/api/v1/regions")
        assert response.status_code == 401 and response.json()["code"] == "key_invalid"
    first = QueryRecord.objects.order_by("at").first()
    assert first.key is None and first.key_prefix == key.prefix and first.department is None


def test_own_key_endpoint_reports_limits_and_use(world, issue):
    _, secret = issue(scopes=["credit"], daily_quota=50)
    client = keyed(secret)
    client.get("/api/v1/credit/lists/abnormal")
    body = client.get("/api/v1/dataport/key").json()
    assert body["scopes"] == ["credit"] and body["daily_quota"] == 50
    assert (body["used_today"], body["remaining_today"]) == (2, 48)


def test_own_key_endpoint_refuses_other_credentials(world, as_user):
    response = as_user(world.department).get("/api/v1/dataport/key")
    assert response.status_code == 403 and response.json()["code"] == "not_a_key"
    assert as_user(None).get("/api/v1/dataport/key").status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scopes": []}, "scopes", "至少选择一个"),
        ({"scopes": ["registry", "nope"]}, "scopes", "未知的数据范围"),
        ({"system_name": "  "}, "system_name", "接入系统"),
        ({"rate_per_minute": 0}, "rate_per_minute", "1 至 1,000,000"),
        ({"daily_quota": 100_000_001}, "daily_quota", "1 至 100,000,000"),
        ({"expires_on": "today"}, "expires_on", "晚于今天"),
        ({"expires_on": "731"}, "expires_on", "最长 730 天"),
    ],
)
def test_issue_refuses_bad_input_naming_the_field_and_saves_nothing(world, issue, change, field, message):
    today = clock.today()
    if change.get("expires_on") == "today":
        change["expires_on"] = today
    elif change.get("expires_on") == "731":
        change["expires_on"] = today + dt.timedelta(days=731)
    users = User.objects.count()
    with pytest.raises(ApplicationError) as raised:
        issue(**change)
    assert raised.value.field == field and message in raised.value.message
    assert DataPortKey.objects.count() == 0 and User.objects.count() == users


def test_expiry_of_exactly_730_days_is_accepted(world, issue):
    key, _ = issue(expires_on=clock.today() + dt.timedelta(days=730))
    assert key.pk


def test_officers_issue_only_for_departments_in_their_jurisdiction(world, issue, admin):
    with pytest.raises(ApplicationError) as raised:
        issue(actor=world.officer_qingdao)
    assert raised.value.status == 404
    assert issue(actor=world.officer_province)[0].pk and issue(actor=admin)[0].pk


def test_revocation_replaces_the_shared_cache_on_commit(world, issue, django_capture_on_commit_callbacks):
    key, secret = issue()
    keys.check(secret, now=clock.now())
    assert cache.get(keys.cache_key(key.prefix)).revoked is False
    with django_capture_on_commit_callbacks(execute=True):
        services.key_revoke(actor=world.officer_jinan, key=key, reason="泄露", now=clock.now())
    assert cache.get(keys.cache_key(key.prefix)).revoked is True
    # a request that read the row before the commit cannot put the stale snapshot back
    stale = keys._load(key.prefix)
    object.__setattr__(stale, "revoked", False)
    cache.add(keys.cache_key(key.prefix), stale, 60)
    assert keys.check(secret, now=clock.now())[1] == "key_revoked"
