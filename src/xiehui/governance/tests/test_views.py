"""Governance pages: the workspace (staff of the association only), the console (officers, jurisdiction),
the portal and console panels; every other role is turned away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock, engine
from xiehui.governance import services
from xiehui.governance.models import Appointment, AppointmentStatus, OrganKind, Post

from .builders import D, idn, organs, resolution, serve, term

pytestmark = pytest.mark.django_db

WORKSPACE = [
    "governance:workspace_home",
    "governance:workspace_terms",
    "governance:workspace_leaders",
    "governance:workspace_nominate",
    "governance:workspace_audits",
    "governance:workspace_meetings",
    "governance:workspace_resolutions",
    "governance:workspace_charter",
    "governance:workspace_cooperation",
]


def overdue_world(world):  # type: ignore[no-untyped-def]
    """org_a: a term that ended in 2025 with a serving president; the engine has flagged it."""
    organs(world.org_a)
    t = term(world.org_a, D(2020, 6, 30), D(2025, 6, 30))
    a = serve(world.org_a, t, name="王会长")
    engine.tick(as_of=clock.today(), org_ids=[world.org_a.pk], now=NOW)
    return t, a


@pytest.mark.parametrize("name", WORKSPACE)
def test_workspace_pages_render_for_the_staff(world, as_user, name):
    overdue_world(world)
    response = as_user(world.staff_a).get(reverse(name))
    assert response.status_code == 200
    assert "法人治理" in response.content.decode()


@pytest.mark.parametrize("who", ["staff_b", "officer_jinan", "member", "department"])
def test_workspace_refuses_other_roles_and_shows_nothing_of_org_a(world, as_user, who):
    overdue_world(world)
    client = as_user(getattr(world, who))
    for name in WORKSPACE:
        response = client.get(reverse(name))
        assert response.status_code in (403, 404) or "王会长" not in response.content.decode()
        assert "王会长" not in response.content.decode()


def test_workspace_anonymous_goes_to_login(world, as_user):
    response = as_user(None).get(reverse("governance:workspace_home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_appointment_of_another_association_is_404(world, as_user):
    _, a = overdue_world(world)
    response = as_user(world.staff_b).get(reverse("governance:workspace_appointment", args=[a.pk]))
    assert response.status_code == 404


def test_workspace_home_shows_overdue_term_and_masked_id_number(world, as_user):
    _, a = overdue_world(world)
    body = as_user(world.staff_a).get(reverse("governance:workspace_home")).content.decode()
    assert "逾期未换届" in body and a.person.id_number_masked in body and a.person.id_number not in body
    assert "GOV-3" in body


def test_nominate_form_shows_the_refusal_with_rule_id_and_fact(world, as_user):
    t = term(world.org_a)
    data = {
        "term": t.pk,
        "post": Post.PRESIDENT,
        "name": "高龄",
        "id_number": idn(D(1950, 1, 1), 9),
        "official_status": "none",
        "on": "2022-06-30",
    }
    response = as_user(world.staff_a).post(reverse("governance:workspace_nominate"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "GOV-1" in body and "2020-01-01年满70周岁" in body
    assert not Appointment.objects.exists()


def test_nominate_and_confirm_through_the_pages(world, as_user):
    t = term(world.org_a)
    client = as_user(world.staff_a)
    data = {
        "term": t.pk,
        "post": Post.SECRETARY_GENERAL,
        "name": "李秘书长",
        "id_number": idn(D(1980, 1, 1), 9),
        "official_status": "none",
        "on": "2022-06-30",
    }
    response = client.post(reverse("governance:workspace_nominate"), data)
    assert response.status_code == 302
    a = Appointment.objects.get()
    url = reverse("governance:workspace_appointment", args=[a.pk])
    response = client.post(url, {"action": "confirm", "starts_on": "2022-06-30"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AppointmentStatus.SERVING


def test_resolution_form_has_the_gov_6_declaration_and_refuses_it(world, as_user):
    o = organs(world.org_a)
    client = as_user(world.staff_a)
    body = client.get(reverse("governance:workspace_resolutions")).content.decode()
    assert 'name="distributes_income"' in body and "GOV-6" in body
    data = {
        "organ": o[OrganKind.COUNCIL].pk,
        "matter": "ordinary",
        "title": "分红",
        "decision": "向会员分配结余",
        "votes_for": 20,
        "votes_against": 0,
        "votes_abstain": 0,
        "present": 20,
        "entitled": 30,
        "passed": "on",
        "adopted_on": "2026-03-01",
        "distributes_income": "on",
    }
    response = client.post(reverse("governance:workspace_resolutions"), data)
    assert response.status_code == 400 and "GOV-6" in response.content.decode()


def test_leaders_csv_export_has_masked_numbers_only(world, as_user):
    _, a = overdue_world(world)
    response = as_user(world.staff_a).get(reverse("governance:workspace_leaders") + "?export=csv")
    body = b"".join(response.streaming_content).decode()
    assert a.person.id_number_masked in body and a.person.id_number not in body


def test_list_pages_query_counts(world, as_user, django_assert_max_num_queries):
    t, _ = overdue_world(world)
    for i in range(5):
        serve(world.org_a, t, name=f"理事{i}", seq=10 + i, post=Post.COUNCIL_MEMBER)
    client = as_user(world.staff_a)
    for name in WORKSPACE:
        with django_assert_max_num_queries(25):
            client.get(reverse(name))


# -- console ---------------------------------------------------------------------------------------------


def test_console_flags_within_jurisdiction_with_filters_and_csv(world, as_user):
    overdue_world(world)
    url = reverse("governance:console_flags")
    body = as_user(world.officer_jinan).get(url).content.decode()
    assert "济南市建筑业协会" in body and "逾期未换届" in body
    assert "济南市建筑业协会" in as_user(world.officer_province).get(url + "?region=370100&rule=GOV-3").content.decode()
    assert "济南市建筑业协会" not in as_user(world.officer_province).get(url + "?region=370200").content.decode()
    assert "济南市建筑业协会" not in as_user(world.officer_jinan).get(url + "?q=青岛").content.decode()
    assert "济南市建筑业协会" not in as_user(world.officer_qingdao).get(url).content.decode()
    csv = b"".join(as_user(world.officer_jinan).get(url + "?export=csv").streaming_content).decode()
    assert "GOV-3" in csv


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_flags_refuses_non_officers(world, as_user, who):
    assert as_user(getattr(world, who)).get(reverse("governance:console_flags")).status_code == 403


def test_console_flags_query_count(world, as_user, django_assert_max_num_queries):
    overdue_world(world)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(15):
        client.get(reverse("governance:console_flags"))


def test_console_org_panel_and_portal_panel(world, as_user):
    _, a = overdue_world(world)
    console = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    body = console.content.decode()
    assert 'data-testid="governance-console-org"' in body and a.person.id_number_masked in body
    portal = as_user(None).get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert "组织机构与负责人" in portal and "王会长" in portal
    assert a.person.id_number_masked not in portal and a.person.id_number not in portal


def test_workspace_nav_links_to_governance(world, as_user):
    body = as_user(world.staff_a).get(reverse("registry:workspace_home")).content.decode()
    assert reverse("governance:workspace_home") in body


def test_term_extension_page(world, as_user):
    o = organs(world.org_a)
    t = term(world.org_a, D(2021, 6, 30), D(2026, 6, 30))
    r = resolution(world.org_a, o[OrganKind.ASSEMBLY], matter="term_extension", votes_for=60)
    url = reverse("governance:workspace_term_extend", args=[t.pk])
    data = {
        "extended_to": "2026-12-31",
        "reason": "疫情",
        "resolution": r.pk,
        "approval_document": "",
        "approved_on": "",
    }
    response = as_user(world.staff_a).post(url, data)
    assert response.status_code == 400 and "GOV-3" in response.content.decode()
    data.update(approval_document="济民函〔2026〕1号", approved_on="2026-06-01")
    assert as_user(world.staff_a).post(url, data).status_code == 302
    services  # noqa: B018  (the page calls the service)


def test_charter_form_with_parameters_that_are_not_an_object_shows_a_field_error(world, as_user):
    o = organs(world.org_a)
    charter = resolution(world.org_a, o[OrganKind.ASSEMBLY], matter="charter")
    response = as_user(world.staff_a).post(
        reverse("governance:workspace_charter"),
        {"text": "章程", "resolution": charter.pk, "effective_on": "2026-03-01", "parameters": '["GOV-5.major"]'},
    )
    assert response.status_code == 400 and "章程参数应为键值对" in response.content.decode()
