"""Public self-registration over HTTP: a 社会公众 account, password rules, login, ?next=, the rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xiehui.conftest import PASSWORD
from xiehui.core.models import AuditEntry, Role, User

pytestmark = pytest.mark.django_db

SIGNUP = reverse("core:signup")
GOOD = "Public-pass-2026!"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def data(**overrides) -> dict:  # type: ignore[no-untyped-def]
    values = {"username": "citizen1", "display_name": "王公众", "email": "", "password1": GOOD, "password2": GOOD}
    values.update(overrides)
    return values


def test_login_page_links_to_signup(db):
    assert SIGNUP in Client().get(reverse("core:login")).text


def test_it_creates_a_public_user_logs_in_and_follows_next(db):
    client = Client()
    target = "/organizations/?q=%E5%8D%8F%E4%BC%9A"
    response = client.post(f"{SIGNUP}?next=/organizations/", data(next=target))
    assert response.status_code == 302 and response["Location"] == target
    user = User.objects.get(username="citizen1")
    assert user.role == Role.PUBLIC and user.display_name == "王公众" and not user.is_staff
    assert user.check_password(GOOD)
    assert client.get(reverse("core:profile")).status_code == 200  # logged in
    assert AuditEntry.objects.filter(action="core.user.created", object_id=str(user.pk)).exists()


def test_next_outside_the_site_goes_home(db):
    response = Client().post(SIGNUP, data(next="https://evil.example/"))
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "Different-pass-2026!"}, "两次输入的密码不一致"),
        ({"password1": "Short1!", "password2": "Short1!"}, "密码太短，至少需要 10 个字符"),
        ({"password1": "1234567890", "password2": "1234567890"}, "这个密码太常见了"),
        ({"password1": "citizen123", "password2": "citizen123"}, "密码跟 用户名 太相似"),
        ({"username": "bad name!"}, "用户名"),
        ({"display_name": ""}, "这个字段是必填项"),
    ],
    ids=["mismatch", "short", "common", "similar", "bad-username", "no-name"],
)
def test_it_refuses_bad_input(db, overrides, message):
    response = Client().post(SIGNUP, data(**overrides))
    assert response.status_code == 200 and message in response.text
    assert not User.objects.filter(username=data(**overrides)["username"]).exists()


def test_a_taken_username_is_refused(world):
    response = Client().post(SIGNUP, data(username="staff_a"))
    assert response.status_code == 200 and "用户名 staff_a 已被使用" in response.text
    assert User.objects.get(username="staff_a").role == Role.STAFF


def test_logged_in_users_are_sent_on(world, as_user):
    response = as_user(world.staff_a).get(SIGNUP, {"next": "/workspace/"})
    assert response.status_code == 302 and response["Location"] == "/workspace/"


def test_it_is_rate_limited_per_address(db):
    client = Client()
    for n in range(5):
        assert client.post(SIGNUP, data(username=f"u{n}", password2="x")).status_code == 200  # refused still counts
    limited = client.post(SIGNUP, data())
    assert limited.status_code == 429 and "注册次数已达上限" in limited.text
    assert not User.objects.exists()
    assert client.get(SIGNUP).status_code == 200  # reading the form is not limited
    assert Client(REMOTE_ADDR="10.0.0.9").post(SIGNUP, data()).status_code == 302


def test_the_new_account_can_log_in_with_its_password(db):
    Client().post(SIGNUP, data())
    client = Client()
    response = client.post(reverse("core:login"), {"username": "citizen1", "password": GOOD})
    assert response.status_code == 302 and PASSWORD != GOOD
