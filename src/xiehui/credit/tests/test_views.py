"""Credit pages of the portal, workspace and console, and decision PDFs: content, access, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.credit import services
from xiehui.credit.models import Decision, Listing, RequestStatus

from .test_services import PDF, apply, decide, rule_listing

TODAY = clock.today()


@pytest.fixture
def listed(world):
    return make_listed(world)


def make_listed(world) -> tuple[Listing, Listing]:
    """A current listing of org_a (A2) and an ended one (A6, removed on application)."""
    current = decide(world, "A2")
    ended = decide(world, "A6")
    app = apply(world, ended)
    services.removal_verify(actor=world.officer_jinan, application=app, note="核实无误", now=NOW)
    services.removal_approve(actor=world.officer_jinan, application=app, now=NOW)
    ended.refresh_from_db()
    # Pages use today's date: move both so that "today" sees the current one and not the ended one.
    Listing.objects.filter(pk=current.pk).update(start_on=TODAY - dt.timedelta(days=10))
    Listing.objects.filter(pk=ended.pk).update(start_on=TODAY - dt.timedelta(days=20), ended_on=TODAY)
    current.refresh_from_db()
    ended.refresh_from_db()
    return current, ended


# -- portal ----------------------------------------------------------------------------------------------


def test_cr_r_portal_lists_current_listings_only(client, world, listed):
    current, ended = listed
    response = client.get(reverse("credit:portal_lists"))
    assert response.status_code == 200
    rows = response.context["page"].items
    assert rows == [current]
    assert "济南市建筑业协会" in response.content.decode()


def test_portal_lists_tabs_and_filters(client, world, listed):
    rule_listing(world.org_b, "S4", TODAY - dt.timedelta(days=3))
    serious = client.get(reverse("credit:portal_lists"), {"list": "serious"}).context["page"].items
    assert [lst.organization for lst in serious] == [world.org_b]
    assert client.get(reverse("credit:portal_lists"), {"list": "serious", "region": "3701"}).context["page"].items == []
    page = client.get(reverse("credit:portal_lists"), {"list": "abnormal", "q": "建筑", "ground": "A2"})
    assert page.context["page"].items == [listed[0]]
    fragment = client.get(reverse("credit:portal_lists"), {"list": "serious"}, HTTP_HX_REQUEST="true")
    assert [t.name for t in fragment.templates][0] == "credit/_list_rows.html"


def test_portal_lists_query_count(client, world, django_assert_max_num_queries):
    for i in range(30):
        rule_listing(world.org_a if i % 2 else world.org_b, "A4", TODAY - dt.timedelta(days=i + 1))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("credit:portal_lists"), {"region": "", "ground": "A4"})
    assert len(response.context["page"].items) == 20


def test_site_nav_links_to_the_credit_lists(client, world):
    assert reverse("credit:portal_lists") in client.get(reverse("web:home")).content.decode()


def test_cr_r_portal_org_panel_shows_current_listing_with_dates_and_not_ended(client, world, listed):
    current, ended = listed
    html = client.get(reverse("registry:portal_detail", args=[world.org_a.uscc])).content.decode()
    assert current.get_ground_display() in html and current.basis in html
    assert ended.get_ground_display() not in html
    html_b = client.get(reverse("registry:portal_detail", args=[world.org_b.uscc])).content.decode()
    assert "未被列入" in html_b


# -- workspace -------------------------------------------------------------------------------------------


def test_workspace_listings_for_own_staff_only(as_user, world, listed):
    current, ended = listed
    url = reverse("credit:workspace_listings")
    assert as_user(None).get(url).status_code == 302
    assert as_user(world.officer_jinan).get(url).status_code == 403
    assert as_user(world.member).get(url).status_code == 403
    response = as_user(world.staff_a).get(url)
    assert set(response.context["listings"]) == {current, ended}  # ended ones stay visible to the association
    assert list(as_user(world.staff_b).get(url).context["listings"]) == []


def test_workspace_listings_query_count(as_user, world, django_assert_max_num_queries):
    for i in range(15):
        rule_listing(world.org_a, "A4", TODAY - dt.timedelta(days=i + 1))
    client = as_user(world.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("credit:workspace_listings"))
    assert len(response.context["listings"]) == 15


def test_portal_lists_bad_date_drops_only_that_filter(client, world, listed):
    response = client.get(reverse("credit:portal_lists"), {"since": "2026-99-99", "ground": "A6"})
    assert response.context["page"].items == []  # the ground filter still applies (A6 is ended)


def test_workspace_listing_of_another_association_is_not_found(as_user, world, listed):
    url = reverse("credit:workspace_listing", args=[listed[0].pk])
    assert as_user(world.staff_b).get(url).status_code == 404
    response = as_user(world.staff_a).get(url)
    assert response.status_code == 200
    assert response.context["why"]["rule_id"] == "CR-A2"
    assert len(response.context["decisions"]) == 1


def test_workspace_home_panel_shows_current_listing(as_user, world, listed):
    html = as_user(world.staff_a).get(reverse("registry:workspace_home")).content.decode()
    assert reverse("credit:workspace_listing", args=[listed[0].pk]) in html


def test_workspace_apply_for_removal_and_object_with_evidence(as_user, world, listed):
    current, _ = listed
    client = as_user(world.staff_a)
    url = reverse("credit:workspace_listing", args=[current.pk])
    response = client.post(url, {"action": "removal", "statement": "已建立党组织"})
    assert response.status_code == 302
    assert current.removal_applications.get().status == RequestStatus.SUBMITTED
    evidence = SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"action": "objection", "statement": "列入有误", "defence": "", "evidence": evidence})
    assert response.status_code == 302
    assert current.objections.get().statement == "列入有误"
    again = client.post(url, {"action": "removal", "statement": "再次申请"})
    assert again.status_code == 200 and "待处理的移出申请" in again.content.decode()


def test_workspace_objection_requires_statement(as_user, world, listed):
    response = as_user(world.staff_a).post(
        reverse("credit:workspace_listing", args=[listed[0].pk]), {"action": "objection", "statement": ""}
    )
    assert response.status_code == 200 and response.context["objection_form"].errors
    assert not listed[0].objections.exists()


# -- console ---------------------------------------------------------------------------------------------


def test_cr_r_console_lists_include_ended_listings_within_jurisdiction(as_user, world, listed):
    url = reverse("credit:console_lists")
    assert as_user(None).get(url).status_code == 302
    for outsider in (world.staff_a, world.member, world.department):
        assert as_user(outsider).get(url).status_code == 403
    assert set(as_user(world.officer_jinan).get(url).context["page"].items) == set(listed)
    assert as_user(world.officer_qingdao).get(url).context["page"].items == []
    ended_only = as_user(world.officer_jinan).get(url, {"state": "ended"}).context["page"].items
    assert ended_only == [listed[1]]


def test_console_lists_csv_export_and_query_count(as_user, world, listed, django_assert_max_num_queries):
    for i in range(25):
        rule_listing(world.org_a, "A4", TODAY - dt.timedelta(days=i + 30))
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("credit:console_lists"))
    assert len(response.context["page"].items) == 20
    csv = b"".join(client.get(reverse("credit:console_lists"), {"export": "csv"}).streaming_content).decode()
    assert csv.count("\n") == 28 and "申请移出，经核实准予移出" in csv


def test_console_listing_detail_for_the_jurisdiction_only(as_user, world, listed):
    url = reverse("credit:console_listing", args=[listed[1].pk])
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.staff_a).get(url).status_code == 403
    response = as_user(world.officer_jinan).get(url)
    assert response.status_code == 200 and response.context["decides"] is True
    assert len(response.context["decisions"]) == 2 and response.context["applications"]
    assert any(e.action == "credit.listing.ended" for e in response.context["audit"])


def test_console_decide_a_listing(as_user, world):
    url = reverse("credit:console_decide", args=[world.org_a.uscc])
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    data = {"ground": "S8", "basis": "某法第十条", "facts": "经查存在严重失信情形"}
    response = as_user(world.officer_province).post(url, data)
    assert response.status_code == 200 and not Listing.objects.exists()  # the province does not decide for 济南
    response = as_user(world.officer_jinan).post(url, {**data, "basis": ""})
    assert response.status_code == 200 and "basis" in response.context["form"].errors
    response = as_user(world.officer_jinan).post(url, data)
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("credit:console_listing", args=[listing.pk])
    assert listing.rule_id == "CR-S8" and listing.source == Listing.Source.OFFICER


def test_console_org_panel_and_home_panel(as_user, world, listed):
    client = as_user(world.officer_jinan)
    html = client.get(reverse("registry:console_organization", args=[world.org_a.uscc])).content.decode()
    assert reverse("credit:console_decide", args=[world.org_a.uscc]) in html
    assert reverse("credit:console_listing", args=[listed[1].pk]) in html  # ended ones too
    home = client.get(reverse("registry:console_home")).content.decode()
    assert "活动异常名录在列" in home and reverse("credit:console_removals") in home
    assert reverse("credit:console_objections") in home


def test_console_removal_queue_verify_and_approve(as_user, world, listed, django_assert_max_num_queries):
    current, _ = listed
    app = apply(world, current)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("credit:console_removals"))
    assert page.context["page"].items == [app]
    verify = reverse("credit:console_removal_action", args=[app.pk, "verify"])
    assert as_user(world.officer_qingdao).post(verify, {"text": "x"}).status_code == 404
    assert as_user(world.staff_a).post(verify, {"text": "x"}).status_code == 403
    assert client.get(verify).status_code == 405
    assert client.post(verify, {"text": "已核实"}).status_code == 302
    app.refresh_from_db()
    assert app.status == RequestStatus.VERIFIED and app.decision_due_on
    assert (
        client.post(reverse("credit:console_removal_action", args=[app.pk, "approve"]), {"text": ""}).status_code == 302
    )
    current.refresh_from_db()
    assert current.ended_on is not None


def test_console_objection_queue_and_dismiss_requires_reason(as_user, world, listed):
    current, _ = listed
    objection = services.objection_file(actor=world.staff_a, listing=current, statement="异议", now=NOW)
    client = as_user(world.officer_jinan)
    assert client.get(reverse("credit:console_objections")).context["page"].items == [objection]
    assert as_user(world.officer_qingdao).get(reverse("credit:console_objections")).context["page"].items == []
    dismiss = reverse("credit:console_objection_action", args=[objection.pk, "dismiss"])
    response = client.post(dismiss, {"text": ""}, follow=True)
    assert "请填写核查意见" in response.content.decode()
    client.post(dismiss, {"text": "证据不足"})
    objection.refresh_from_db()
    assert objection.status == RequestStatus.REJECTED


# -- decision PDFs ---------------------------------------------------------------------------------------


def test_decision_pdf_for_the_association_and_the_jurisdiction_only(as_user, world, listed):
    decision = Decision.objects.filter(listing=listed[0]).get()
    url = reverse("credit:decision_pdf", args=[decision.pk])
    for outsider in (None, world.staff_b, world.officer_qingdao, world.member, world.department):
        assert as_user(outsider).get(url).status_code == 404, outsider
    for insider in (world.staff_a, world.officer_jinan, world.officer_province):
        response = as_user(insider).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    by_number = as_user(world.staff_a).get(reverse("credit:decision_pdf", args=[decision.number]))
    assert by_number.status_code == 200


def test_workspace_listing_offers_no_second_removal_application_while_one_is_pending(world, as_user):
    listing = decide(world, "A6")
    url = reverse("credit:workspace_listing", args=[listing.pk])
    client = as_user(world.staff_a)
    assert "提交移出申请" in client.get(url).content.decode()
    apply(world, listing)
    page = client.get(url).content.decode()
    assert "提交移出申请" not in page and "已有一份待处理的移出申请" in page
