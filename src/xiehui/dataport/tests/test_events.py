"""The unified change feed: a consumer replaying it from the start holds exactly the register; cursors inside bulk
loads; who gets the credit lists; scopes of keys."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from xiehui.conftest import NOW, submit_application
from xiehui.credit import services as credit_services
from xiehui.registry import services
from xiehui.registry.models import Organization

from .conftest import keyed

pytestmark = pytest.mark.django_db


def _history(world) -> None:  # type: ignore[no-untyped-def]
    """Single records (the world), two bulk loads, an approved application, approved changes, a listing."""
    call_command("synth", orgs=23, batch=10, no_worker=True, verbosity=0)
    application = submit_application()
    services.application_approve(actor=world.officer_jinan, application=application, now=NOW)
    for domicile in ("济南市历下区新址 8 号", "济南市历下区再迁 9 号"):
        filing = services.change_filing_submit(
            actor=world.staff_a,
            organization=world.org_a,
            data=services.ChangeInput(reason="理事会决议迁址", domicile=domicile, decided_on=NOW.date()),
            now=NOW,
        )
        services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)


def _replay(client: Client, *, limit: int) -> tuple[dict[str, dict], list[dict]]:
    mirror: dict[str, dict] = {}
    seen: list[dict] = []
    cursor, pages = "", 0
    while True:
        page = client.get("/api/v1/events", {"since": cursor, "limit": limit}).json()
        pages += 1
        for event in page["items"]:
            seen.append(event)
            if event["kind"] == "organization":
                mirror[event["uscc"]] = event["organization"]
        if page["next_cursor"] == cursor:
            return mirror, seen
        cursor = page["next_cursor"]
        assert pages < 200


def test_replaying_the_feed_from_the_start_reproduces_the_register_exactly(world):
    _history(world)
    for limit in (1, 7, 1000):
        mirror, seen = _replay(Client(), limit=limit)
        register = {o.uscc: Client().get(f"/api/v1/organizations/{o.uscc}").json() for o in Organization.objects.all()}
        assert mirror == register, limit
        cursors = [e["cursor"] for e in seen]
        assert len(cursors) == len(set(cursors))  # no event twice, whatever the page size
    assert {e["event"] for e in seen} == {"recorded", "loaded", "registered", "changed"}
    assert len(register) == 26


def test_a_page_resumes_inside_a_bulk_load(world):
    call_command("synth", orgs=12, batch=12, no_worker=True, verbosity=0)
    first = Client().get("/api/v1/events", {"limit": 5}).json()
    assert [e["event"] for e in first["items"]] == ["recorded", "recorded", "loaded", "loaded", "loaded"]
    assert "." in first["next_cursor"]
    second = Client().get("/api/v1/events", {"since": first["next_cursor"], "limit": 100}).json()
    assert len(second["items"]) == 9 and second["items"][0]["uscc"] not in {e["uscc"] for e in first["items"]}
    again = Client().get("/api/v1/events", {"since": second["next_cursor"]}).json()
    assert again == {"items": [], "next_cursor": second["next_cursor"]}


def _listing(world):  # type: ignore[no-untyped-def]
    return credit_services.listing_decide(
        actor=world.officer_qingdao,
        organization=world.org_b,
        ground="A2",
        basis="《社会组织信用信息管理办法》第八条",
        facts="未按规定设立党组织",
        rectifiable=True,
        now=NOW,
    )


def test_credit_listings_reach_officers_departments_and_credit_keys_only(world, as_user, issue):
    _listing(world)
    kinds = lambda client: {e["kind"] for e in client.get("/api/v1/events").json()["items"]}  # noqa: E731
    assert kinds(Client()) == {"organization"}
    assert "listing" in kinds(as_user(world.department))
    assert "listing" in kinds(as_user(world.officer_qingdao))
    assert "listing" not in kinds(as_user(world.officer_jinan))  # another jurisdiction
    assert kinds(keyed(issue(scopes=["credit"])[1])) == {"listing"}
    assert kinds(keyed(issue(scopes=["registry"])[1])) == {"organization"}


def test_a_malformed_cursor_is_a_problem_naming_since(world):
    for bad in ("abc", "1.2.3", "-1", "1." + "9" * 12):
        response = Client().get("/api/v1/events", {"since": bad})
        assert response.status_code in (400, 422) and "since" in response.content.decode()


def test_a_page_costs_a_bounded_number_of_queries(world, as_user, django_assert_max_num_queries):
    _history(world)
    _listing(world)
    client = as_user(world.department)
    client.get("/api/v1/regions")  # the session is read once, before counting
    with django_assert_max_num_queries(14):
        page = client.get("/api/v1/events", {"limit": 1000}).json()
    assert len(page["items"]) == 2 + 23 + 1 + 2 + 1  # recorded, loaded, registered, changed, listed
