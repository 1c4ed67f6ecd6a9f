"""Login, lockout, officer two-factor (TOTP), passwords and API tokens, over HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiehui.conftest import PASSWORD
from xiehui.core import clock
from xiehui.core.models import ApiToken, AuditEntry, User

LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/2fa/"
PROFILE = "/accounts/profile/"
API_PRIVATE = "/api/v1/registration-applications"
NEW_PASSWORD = "Another-secret-2027?"
TOKEN_RE = re.compile(r"xh_[0-9a-f]{8}_[A-Za-z0-9_\-]+")


def password_login(username: str, password: str = PASSWORD, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client, client.post(LOGIN, data)


def current_token(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device: TOTPDevice) -> str:
    valid = {current_token(device, k) for k in (-2, -1, 0, 1, 2)}
    return next(t for t in (f"{n:06d}" for n in range(123456, 999999, 7919)) if t not in valid)


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status and body["code"] == code
    return body


# -- login and lockout ---------------------------------------------------------------------------------


def test_login_page_shows_the_form(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "登录" in html


def test_login_with_the_right_password_goes_home(world):
    client, response = password_login("member")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert int(client.session["_auth_user_id"]) == world.member.pk


def test_login_with_a_wrong_password_is_refused_with_the_form(world):
    client, response = password_login("member", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_5_failures_even_with_the_right_password(world):
    client = Client()
    for _ in range(4):
        assert client.post(LOGIN, {"username": "member", "password": "wrong-password"}).status_code == 200
    fifth = client.post(LOGIN, {"username": "member", "password": "wrong-password"})
    assert fifth.status_code == 429  # django-axes locks on the 5th failure
    sixth = Client().post(LOGIN, {"username": "member", "password": PASSWORD})
    assert sixth.status_code == 429
    assert "账户已临时锁定" in sixth.content.decode()
    assert "_auth_user_id" not in sixth.client.session


def test_lockout_is_per_username_not_for_everyone(world):
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": "member", "password": "wrong-password"})
    _, other = password_login("staff_a")
    assert other.status_code == 302


def test_four_failures_then_success_is_not_locked_and_resets_the_count(world):
    client = Client()
    for _ in range(4):
        client.post(LOGIN, {"username": "member", "password": "wrong-password"})
    _, ok = password_login("member")
    assert ok.status_code == 302
    for _ in range(4):
        client.post(LOGIN, {"username": "member", "password": "wrong-password"})
    _, again = password_login("member")
    assert again.status_code == 302  # AXES_RESET_ON_SUCCESS


# -- officers must pass TOTP ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/console/", "/organizations/", "/workspace/"])
def test_officer_after_password_login_is_sent_to_two_factor_for_any_page(world, path):
    client, _ = password_login("officer_jinan")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{TWO_FACTOR}?next=")
    assert response["Location"].endswith(path)


def test_officer_password_login_with_next_lands_on_two_factor(world):
    client, response = password_login("officer_jinan", next_url="/console/")
    assert response["Location"] == "/console/"
    follow = client.get("/console/")
    assert follow["Location"] == f"{TWO_FACTOR}?next=/console/"


@pytest.mark.parametrize("path", [API_PRIVATE, "/api/v1/organizations", "/api/v1/change-filings"])
def test_unverified_officer_gets_401_problem_two_factor_required_from_the_api(world, path):
    client, _ = password_login("officer_jinan")
    body = assert_problem(client.get(path), 401, "two_factor_required")
    assert "TOTP" in body["detail"]


def test_unverified_officer_cannot_post_to_the_api(world):
    client, _ = password_login("officer_jinan")
    response = client.post(f"{API_PRIVATE}/1/approve", content_type="application/json")
    assert_problem(response, 401, "two_factor_required")


@pytest.mark.parametrize("path", [PROFILE, "/accounts/password/change/"])
def test_unverified_officer_cannot_open_account_pages_that_grant_access(world, path):
    # The profile page mints API tokens: reaching it before TOTP would bypass two-factor for the API.
    client, _ = password_login("officer_jinan")
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)


def test_unverified_officer_cannot_mint_an_api_token(world):
    client, _ = password_login("officer_jinan")
    client.post(PROFILE, {"name": "bypass", "days": 30})
    assert not ApiToken.objects.filter(user=world.officer_jinan).exists()


def test_totp_enrolment_page_shows_a_qr_code_and_the_secret(world):
    client, _ = password_login("officer_jinan")
    response = client.get(f"{TWO_FACTOR}?next=/console/")
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in html
    assert base64.b32encode(device.bin_key).decode() in html
    assert "绑定动态口令认证器" in html


def test_totp_enrolment_refuses_a_wrong_token_with_a_chinese_message(world):
    client, _ = password_login("officer_jinan")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    response = client.post(TWO_FACTOR, {"token": wrong_token(device), "next": "/console/"})
    assert response.status_code == 200
    assert "动态口令不正确或已过期" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert_problem(client.get(API_PRIVATE), 401, "two_factor_required")


def test_totp_enrolment_refuses_a_token_that_is_not_six_digits(world):
    client, _ = password_login("officer_jinan")
    client.get(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"token": "abc"})
    assert response.status_code == 200
    assert "请输入 6 位数字动态口令" in response.content.decode()


def test_totp_enrolment_with_a_correct_token_verifies_and_grants_access(world):
    client, _ = password_login("officer_jinan")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    response = client.post(TWO_FACTOR, {"token": current_token(device), "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PROFILE).status_code == 200
    assert client.get(API_PRIVATE).status_code == 200
    assert AuditEntry.objects.filter(action="core.user.totp_enrolled", object_id=str(world.officer_jinan.pk)).exists()


def test_totp_after_a_wrong_token_a_correct_one_still_works(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp otherwise waits 1 s after a failure
    client, _ = password_login("officer_jinan")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    client.post(TWO_FACTOR, {"token": wrong_token(device)})
    response = client.post(TWO_FACTOR, {"token": current_token(device), "next": "/"})
    assert response.status_code == 302


def test_totp_next_pointing_off_site_goes_home(world):
    client, _ = password_login("officer_jinan")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    response = client.post(TWO_FACTOR, {"token": current_token(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_enrolled_officer_is_asked_for_a_token_not_a_new_device(world):
    key = "3132333435363738393031323334353637383930"
    TOTPDevice.objects.create(user=world.officer_jinan, name="phone", key=key, confirmed=True)
    client, _ = password_login("officer_jinan")
    html = client.get(TWO_FACTOR).content.decode()
    assert "data:image/svg+xml" not in html and key not in html
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    assert client.post(TWO_FACTOR, {"token": wrong_token(device)}).status_code == 200
    assert_problem(client.get(API_PRIVATE), 401, "two_factor_required")


def test_enrolled_officer_verifies_with_a_current_token(world):
    TOTPDevice.objects.create(user=world.officer_jinan, name="phone", confirmed=True)
    client, _ = password_login("officer_jinan")
    device = TOTPDevice.objects.get(user=world.officer_jinan)
    response = client.post(TWO_FACTOR, {"token": current_token(device), "next": "/console/"})
    assert response["Location"] == "/console/"
    assert client.get(API_PRIVATE).status_code == 200


@pytest.mark.parametrize(("username", "page"), [("staff_a", "/workspace/"), ("member", "/")])
def test_staff_and_members_are_not_asked_for_totp(world, username, page):
    client, _ = password_login(username)
    response = client.get(page)
    assert response.status_code == 200
    assert client.get(API_PRIVATE).status_code == 200
    assert not TOTPDevice.objects.exists()


def test_department_users_are_asked_for_totp(world):
    client, _ = password_login("department")
    assert client.get("/")["Location"].startswith(TWO_FACTOR)


# -- passwords ---------------------------------------------------------------------------------------------


def test_password_change_works(world):
    client, _ = password_login("staff_a")
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    assert password_login("staff_a", NEW_PASSWORD)[1].status_code == 302
    assert password_login("staff_a", PASSWORD)[1].status_code == 200


def test_password_change_refuses_a_wrong_old_password_and_a_weak_new_one(world):
    client, _ = password_login("staff_a")
    wrong_old = client.post(
        "/accounts/password/change/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong_old.status_code == 200
    weak = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert password_login("staff_a", PASSWORD)[1].status_code == 302


def test_password_reset_sends_an_email_with_a_working_link(world):
    User.objects.filter(pk=world.staff_a.pk).update(email="staff_a@example.cn")
    response = Client().post("/accounts/password/reset/", {"email": "staff_a@example.cn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff_a@example.cn"]
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    assert password_login("staff_a", NEW_PASSWORD)[1].status_code == 302
    # the link works once
    reused = Client().get(link.group(1))
    assert reused.status_code == 200 and reused.context["validlink"] is False


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(world):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


# -- API tokens ----------------------------------------------------------------------------------------------


def _create_token(client: Client, name: str = "数据对接", days: int = 30) -> str:
    response = client.post(PROFILE, {"name": name, "days": days})
    assert response.status_code == 200
    match = TOKEN_RE.search(response.content.decode())
    assert match, "the new token is shown on the page"
    return match.group(0)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_token_is_created_on_the_profile_page_and_shown_once(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    again = client.get(PROFILE).content.decode()
    assert secret not in again
    assert "数据对接" in again  # listed by name and prefix
    token = ApiToken.objects.get(user=world.staff_a)
    assert token.prefix in again
    assert token.expires_at - token.created_at == dt.timedelta(days=30)


def test_api_token_only_its_digest_is_stored(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    token = ApiToken.objects.get(user=world.staff_a)
    assert token.digest == hashlib.new("sm3", secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert all(secret not in str(value) and secret.split("_", 2)[2] not in str(value) for value in row)


def test_api_token_works_as_bearer(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    response = Client().get(API_PRIVATE, **bearer(secret))
    assert response.status_code == 200
    assert ApiToken.objects.get(user=world.staff_a).last_used_at is not None


def test_officer_token_created_after_totp_works_as_bearer(world, as_user):
    client = as_user(world.officer_jinan)
    secret = _create_token(client)
    assert Client().get(API_PRIVATE, **bearer(secret)).status_code == 200


def test_revoked_api_token_is_refused(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    token = ApiToken.objects.get(user=world.staff_a)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_problem(Client().get(API_PRIVATE, **bearer(secret)), 401, "unauthenticated")


def test_another_users_token_cannot_be_revoked(world):
    client, _ = password_login("staff_a")
    _create_token(client)
    token = ApiToken.objects.get(user=world.staff_a)
    other, _ = password_login("member")
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_api_token_is_refused(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    ApiToken.objects.filter(user=world.staff_a).update(expires_at=clock.now() - dt.timedelta(seconds=1))
    assert_problem(Client().get(API_PRIVATE, **bearer(secret)), 401, "unauthenticated")


def test_token_of_an_inactive_user_is_refused(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    User.objects.filter(pk=world.staff_a.pk).update(is_active=False)
    assert_problem(Client().get(API_PRIVATE, **bearer(secret)), 401, "unauthenticated")


@pytest.mark.parametrize("secret", ["xh_deadbeef_nonsense", "not-a-token", "xh_", ""])
def test_a_made_up_token_is_refused(world, secret):
    assert_problem(Client().get(API_PRIVATE, **bearer(secret)), 401, "unauthenticated")


def test_a_tampered_token_is_refused(world):
    client, _ = password_login("staff_a")
    secret = _create_token(client)
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert_problem(Client().get(API_PRIVATE, **bearer(tampered)), 401, "unauthenticated")


def test_a_bad_token_on_a_public_endpoint_is_refused_not_ignored(world):
    assert_problem(Client().get("/api/v1/organizations", **bearer("xh_deadbeef_nonsense")), 401, "unauthenticated")
    assert Client().get("/api/v1/organizations").status_code == 200
