"""DIS-4 through the admin: administrators can read disclosed versions but cannot change or delete them."""

from __future__ import annotations

import pytest

from xiehui.conftest import NOW, login
from xiehui.core.models import User
from xiehui.disclosure import services
from xiehui.disclosure.models import DisclosureVersion

REPORT = {"fields": {"income": "1", "expense": "1", "net_assets": "1"}}


@pytest.fixture
def published(world) -> DisclosureVersion:
    version = services.disclosure_draft(
        actor=world.staff_a, organization=world.org_a, item_type="financial_report", period="2025", data=REPORT, now=NOW
    )
    return services.version_publish(actor=world.staff_a, version=version, now=NOW)


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root", "root@example.invalid", "Xiehui-test-2026!", role="admin")
    return login(client, admin)


def test_dis_4_admin_shows_a_published_version_read_only(admin_client, published):
    url = f"/django-admin/disclosure/disclosureversion/{published.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_dis_4_admin_refuses_to_change_or_delete_a_published_version(admin_client, published):
    base = f"/django-admin/disclosure/disclosureversion/{published.pk}"
    assert admin_client.post(f"{base}/change/", {"body": "悄悄修改", "number": 1}).status_code == 403
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert DisclosureVersion.objects.get(pk=published.pk).body == ""


def test_admin_offers_no_way_to_add_a_version(admin_client, published):
    assert admin_client.get("/django-admin/disclosure/disclosureversion/add/").status_code == 403
