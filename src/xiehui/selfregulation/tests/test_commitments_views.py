"""Pledge pages over HTTP: the workspace signs (preview, confirm), the portal shows and links to complaints."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.selfregulation import pledges as catalogue
from xiehui.selfregulation.models import PledgeSignature
from xiehui.supervision.models import Pledge as Ground

from .test_commitments_services import ALL, TODAY, sign

pytestmark = pytest.mark.django_db

PAGE = reverse("selfregulation:workspace_pledges")
NEW_COMPLAINT = reverse("supervision:complaint_new")


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def portal(world, client):  # type: ignore[no-untyped-def]
    return client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))


def form(**overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {"pledges": ALL, "signatory": "张会长", "signatory_title": "会长", "signed_on": TODAY.isoformat()}
    data.update(overrides)
    return data


# -- workspace ------------------------------------------------------------------------------------------


def test_workspace_nav_links_to_pledges(world, as_user):
    page = as_user(world.staff_a).get(reverse("registry:workspace_home"))
    assert f'href="{PAGE}"' in page.text and "诚信承诺" in page.text


def test_form_preselects_every_standard_pledge(world, as_user):
    page = as_user(world.staff_a).get(PAGE)
    assert page.status_code == 200
    assert page.text.count("checked") == len(catalogue.STANDARD)
    assert TODAY.isoformat() in page.text


def test_preview_then_confirm_signs_and_publishes(world, as_user):
    client = as_user(world.staff_a)
    preview = client.post(PAGE, {**form(pledges=ALL[:2]), "action": "preview"})
    assert preview.status_code == 200 and "确认签署并公开" in preview.text
    assert catalogue.STANDARD[0].text in preview.text and catalogue.STANDARD[2].text not in preview.text
    assert not PledgeSignature.objects.exists()
    done = client.post(PAGE, {**form(pledges=ALL[:2]), "action": "confirm"})
    assert done.status_code == 302
    sig = PledgeSignature.objects.get()
    assert sig.pledges == ALL[:2] and sig.published_at == NOW and sig.signatory == "张会长"
    page = client.get(PAGE)
    assert "诚信承诺书已签署并公开" in page.text and catalogue.STANDARD[1].text in page.text


def test_edit_returns_to_the_form_with_the_data(world, as_user):
    page = as_user(world.staff_a).post(PAGE, {**form(signatory="王会长"), "action": "edit"})
    assert page.status_code == 200 and 'value="王会长"' in page.text and not PledgeSignature.objects.exists()


def test_future_date_is_refused_on_preview(world, as_user):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    page = as_user(world.staff_a).post(PAGE, {**form(signed_on=tomorrow), "action": "preview"})
    assert page.status_code == 200 and "签署日期不能晚于今天" in page.text


def test_workspace_shows_history_after_resigning(world, as_user):
    sign(world, signatory="张会长")
    sign(world, signatory="李会长", now=NOW + dt.timedelta(minutes=5))
    page = as_user(world.staff_a).get(PAGE)
    history = page.text.split('data-testid="pledge-history"')[1]
    assert "张会长" in history and "李会长" not in history


def test_workspace_query_count(world, as_user, django_assert_max_num_queries):
    for n in range(3):
        sign(world, now=NOW + dt.timedelta(minutes=n))
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200


def test_workspace_access(world, as_user):
    response = as_user(None).get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (world.officer_jinan, world.member, world.department):
        assert as_user(user).get(PAGE).status_code == 403
    # staff of another association sign for their own association only
    as_user(world.staff_b).post(PAGE, {**form(), "action": "confirm"})
    assert PledgeSignature.objects.get().organization == world.org_b


# -- portal ---------------------------------------------------------------------------------------------


def test_portal_shows_pledges_in_force_with_complaint_links(world, client):
    sign(world, pledges=["no_forced_membership", "no_apportioned_fees"])
    page = portal(world, client)
    assert 'id="pledges"' in page.text and "诚信承诺" in page.text and "张会长" in page.text
    assert "2026-11-23" in page.text and "举报违反此承诺" in page.text
    for ground in (Ground.FORCED_MEMBERSHIP, Ground.APPORTIONED_FEES):
        assert f"{NEW_COMPLAINT}?uscc={world.org_a.uscc}&amp;pledge={ground}" in page.text
    assert f"pledge={Ground.SLUSH_FUNDS}" not in page.text


def test_portal_shows_earlier_letters_as_history(world, client):
    sign(world, signatory="张会长")
    sign(world, signatory="李会长", now=NOW + dt.timedelta(minutes=5))
    section = portal(world, client).text.split('id="pledges"')[1].split("</section>")[0]
    in_force, history = section.split('data-testid="pledge-history"')
    assert "李会长" in in_force and "张会长" not in in_force and "张会长" in history


def test_portal_says_when_nothing_is_signed(world, client):
    assert "尚未在平台签署公开诚信承诺" in portal(world, client).text


def test_complaint_link_from_the_portal_preselects_the_pledge(world, client):
    sign(world)
    section = portal(world, client).text.split('id="pledges"')[1]
    link = re.search(r'href="([^"]+pledge=slush_funds)"', section).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    page = client.get(link)
    assert re.search(r'value="slush_funds"[^>]*checked', page.text)
    assert len(re.findall(r'name="pledge"[^>]*checked', page.text)) == 1
    assert f'value="{world.org_a.uscc}"' in page.text


def test_pledges_panel_costs_one_query(world, rf, django_assert_num_queries):
    from xiehui.selfregulation import faces_commitments as faces

    sign(world)
    sign(world, now=NOW + dt.timedelta(minutes=1))
    with django_assert_num_queries(1):
        context = faces.pledges_portal(rf.get("/"), world.org_a)
    assert context["overview"].in_force is not None and len(context["overview"].history) == 1
