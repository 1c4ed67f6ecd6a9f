"""The register's web pages, through real HTTP, for every actor who may and may not reach them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiehui.conftest import ID_NUMBERS, NOW, submit_application
from xiehui.core.models import AuditEntry
from xiehui.registry import services
from xiehui.registry.models import ChangeFiling, Organization, RegistrationApplication

pytestmark = pytest.mark.django_db


def apply_post_data(**overrides) -> dict:
    data = {
        "name": "济南市工业设计协会",
        "kind": "association",
        "level": "municipal",
        "authority_region": "370100",
        "region": "370102",
        "domicile": "历下区泉城路 9 号",
        "industries": ["74"],
        "business_scope": "工业设计服务",
        "legal_representative_name": "王五",
        "legal_representative_id_number": ID_NUMBERS[3],
        "activity_funds": "30000",
        "individual_members": "0",
        "unit_members": "30",
        "fulltime_staff": "1",
        "premises": "泉城路 9 号",
        "contact_name": "赵六",
        "contact_phone": "13900002222",
    }
    data.update(overrides)
    return data


# -- portal -------------------------------------------------------------------


def test_it_renders_home_with_figures(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert "行业协会商会综合监管与服务平台" in response.text
    assert "济南市" in response.text


def test_it_finds_two_character_term_on_portal(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:portal_search"), {"q": "建筑"})
    assert world.org_a.name in response.text
    assert world.org_b.name not in response.text


def test_it_returns_fragment_for_htmx_search(world, client):
    response = client.get(reverse("registry:portal_search"), {"q": "软件"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert world.org_b.name in response.text


def test_it_filters_by_city(world, client):
    response = client.get(reverse("registry:portal_search"), {"region": "3702"})
    assert world.org_b.name in response.text and world.org_a.name not in response.text


def test_it_shows_public_page_without_identity_number(world, client):
    response = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert response.status_code == 200
    assert world.org_a.uscc in response.text and "登记事项变更历史" in response.text
    assert ID_NUMBERS[0] not in response.text and ID_NUMBERS[0][:10] not in response.text


def test_it_answers_404_for_unknown_uscc(world, client):
    assert client.get(reverse("registry:portal_detail", args=["51370100MJ0000099X"])).status_code == 404


def test_it_files_application_through_public_form(world, client):
    response = client.post(reverse("registry:apply"), apply_post_data())
    app = RegistrationApplication.objects.get(name="济南市工业设计协会")
    assert response.status_code == 302 and app.tracking_code in response["Location"]
    status = client.get(response["Location"])
    assert "待审查" in status.text and app.due_on.isoformat() in status.text


def test_reg_1_public_form_shows_error_and_saves_nothing(world, client):
    before = AuditEntry.objects.count()
    response = client.post(reverse("registry:apply"), apply_post_data(unit_members="29"))
    assert response.status_code == 200
    assert "单位会员应不少于 30 个，当前为 29 个" in response.text
    assert not RegistrationApplication.objects.exists()
    assert AuditEntry.objects.count() == before


def test_it_escapes_script_in_names(world, client):
    client.post(reverse("registry:apply"), apply_post_data(name="济南市<script>alert(1)</script>协会"))
    app = RegistrationApplication.objects.get()
    page = client.get(reverse("registry:application_status"), {"code": app.tracking_code})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


# -- workspace ----------------------------------------------------------------


def test_workspace_requires_login(world, client):
    response = client.get(reverse("registry:workspace_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "officer_jinan", "department"])
def test_workspace_refuses_other_roles(world, as_user, who):
    assert as_user(getattr(world, who)).get(reverse("registry:workspace_home")).status_code == 403


def test_staff_files_change_of_domicile(world, as_user):
    client = as_user(world.staff_a)
    assert world.org_a.name in client.get(reverse("registry:workspace_home")).text
    response = client.post(
        reverse("registry:workspace_change_new"),
        {
            "decided_on": dt.date.today().isoformat(),
            "reason": "办公地点搬迁",
            "domicile": "历下区新址路 8 号",
        },
    )
    filing = ChangeFiling.objects.get()
    assert response.status_code == 302 and filing.changes == {"domicile": "历下区新址路 8 号"}
    assert "待审查" in client.get(reverse("registry:workspace_change", args=[filing.pk])).text


def test_staff_cannot_open_another_associations_filing(world, as_user):
    filing = services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=services.ChangeInput(reason="搬迁", decided_on=NOW.date(), domicile="新址"),
        now=NOW,
    )
    assert as_user(world.staff_b).get(reverse("registry:workspace_change", args=[filing.pk])).status_code == 404


def test_change_form_shows_service_refusal_on_field(world, as_user):
    response = as_user(world.staff_a).post(
        reverse("registry:workspace_change_new"),
        {
            "decided_on": dt.date.today().isoformat(),
            "reason": "改名",
            "name": "中国建筑业协会",
        },
    )
    assert response.status_code == 200 and "仅限全国性社会团体使用" in response.text
    assert not ChangeFiling.objects.exists()


# -- console ------------------------------------------------------------------

CONSOLE_PAGES = [
    "registry:console_home",
    "registry:console_register",
    "registry:console_applications",
    "registry:console_changes",
]


@pytest.mark.parametrize("name", CONSOLE_PAGES)
def test_console_requires_login(world, client, name):
    assert client.get(reverse(name)).status_code == 302


@pytest.mark.parametrize("name", CONSOLE_PAGES)
@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_console_refuses_non_officers(world, as_user, name, who):
    assert as_user(getattr(world, who)).get(reverse(name)).status_code == 403


def test_console_redirects_unverified_officer_to_two_factor(world, client):
    client.force_login(world.officer_jinan)
    response = client.get(reverse("registry:console_home"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_console_register_is_limited_to_jurisdiction(world, as_user, django_assert_max_num_queries):
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:console_register"))
    assert world.org_a.name in response.text and world.org_b.name not in response.text
    province = as_user(world.officer_province).get(reverse("registry:console_register"))
    assert world.org_a.name in province.text and world.org_b.name in province.text


def test_console_exports_csv_of_jurisdiction(world, as_user):
    response = as_user(world.officer_jinan).get(reverse("registry:console_register"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert world.org_a.uscc in body and world.org_b.uscc not in body


def test_console_hides_organization_outside_jurisdiction(world, as_user):
    client = as_user(world.officer_jinan)
    assert client.get(reverse("registry:console_organization", args=[world.org_a.uscc])).status_code == 200
    assert client.get(reverse("registry:console_organization", args=[world.org_b.uscc])).status_code == 404


def test_console_shows_masked_identity_number_and_audit_trail(world, as_user):
    response = as_user(world.officer_jinan).get(reverse("registry:console_organization", args=[world.org_a.uscc]))
    assert "3701**********001X" in response.text and ID_NUMBERS[0] not in response.text
    assert "registry.organization.recorded" in response.text


def test_officer_approves_application_and_it_appears_on_portal(world, as_user, client):
    app = submit_application()
    officer = as_user(world.officer_jinan)
    page = officer.get(reverse("registry:console_application", args=[app.pk]))
    assert "REG-3" in page.text and app.due_on.strftime("%Y-%m-%d") in page.text
    response = officer.post(reverse("registry:console_application", args=[app.pk]), {"action": "approve"})
    org = Organization.objects.get(name="济南市智能制造协会")
    assert response.status_code == 302 and org.uscc.startswith("51370100")
    assert org.name in client.get(reverse("registry:portal_search"), {"q": "智能制造"}).text


def test_other_city_officer_cannot_open_application(world, as_user):
    app = submit_application()
    client = as_user(world.officer_qingdao)
    assert client.get(reverse("registry:console_application", args=[app.pk])).status_code == 404
    assert client.post(reverse("registry:console_application", args=[app.pk]), {"action": "approve"}).status_code == 404
    assert not Organization.objects.filter(name="济南市智能制造协会").exists()


def test_reg_3_refusal_needs_reason_on_console(world, as_user):
    app = submit_application()
    client = as_user(world.officer_jinan)
    response = client.post(reverse("registry:console_application", args=[app.pk]), {"action": "refuse", "reason": ""})
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == "submitted"
    client.post(
        reverse("registry:console_application", args=[app.pk]),
        {"action": "refuse", "reason": "名称与业务范围不符，会员构成不实"},
    )
    app.refresh_from_db()
    assert app.status == "refused"


def test_officer_approves_change_and_history_records_it(world, as_user, client):
    filing = services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=services.ChangeInput(reason="搬迁", decided_on=NOW.date(), domicile="历下区新址路 8 号"),
        now=NOW,
    )
    officer = as_user(world.officer_jinan)
    assert "历下区新址路 8 号" in officer.get(reverse("registry:console_change", args=[filing.pk])).text
    officer.post(reverse("registry:console_change", args=[filing.pk]), {"action": "approve"})
    page = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "历下区新址路 8 号" in page.text and "变更登记" in page.text


def test_application_queue_flags_overdue(world, as_user):
    app = submit_application()
    RegistrationApplication.objects.filter(pk=app.pk).update(due_on=dt.date(2020, 1, 1))
    response = as_user(world.officer_jinan).get(reverse("registry:console_applications"))
    assert "已逾期" in response.text


def test_reg_7_staff_record_separation_with_evidence(world, as_user, client):
    staff = as_user(world.staff_a)
    url = reverse("registry:workspace_decoupling")
    refused = staff.post(
        url, {"item": "assets", "completed": "on", "completed_on": "2024-05-01", "evidence": ""}, follow=True
    )
    assert "须填写佐证说明" in refused.text
    staff.post(url, {"item": "assets", "completed": "on", "completed_on": "2024-05-01", "evidence": "独立银行账户"})
    page = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc]))
    assert "独立银行账户" in page.text
    assert as_user(world.staff_b).get(url).status_code == 200  # their own association's checklist
    assert as_user(world.officer_jinan).get(url).status_code == 403


def test_console_lists_have_bounded_queries(world, as_user, django_assert_max_num_queries):
    """Application and change queues cost the same number of queries with 1 row or many."""
    for i in range(4):
        submit_application(
            f"济南市测试{i}号产业协会", legal_representative=services.PersonInput(f"申请人{i}", ID_NUMBERS[4 + i])
        )
    services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=services.ChangeInput(reason="搬迁", decided_on=NOW.date(), domicile="新址"),
        now=NOW,
    )
    client = as_user(world.officer_jinan)
    # the console home also renders the panels other domains add (supervision, credit): a higher, fixed bound
    for name, bound in (
        ("registry:console_applications", 12),
        ("registry:console_changes", 12),
        ("registry:console_home", 30),
    ):
        with django_assert_max_num_queries(bound):
            assert client.get(reverse(name), {"status": "all"}).status_code == 200
    staff = as_user(world.staff_a)
    with django_assert_max_num_queries(30):  # the workspace home too shows the other domains' panels
        assert staff.get(reverse("registry:workspace_home")).status_code == 200
