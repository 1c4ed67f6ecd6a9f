"""The feed of new publications (/disclosure/events): public ones only, in commit order, with a cursor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client

from xiehui.core import audit, clock
from xiehui.disclosure import api, feed
from xiehui.selfregulation.models import Norm, NormVersion, PledgeSignature

from . import test_api
from .test_api import API, CHARTER, FINANCE, INCOME, READERS, T0, bearer, correct, problem, put

_media, _clear_cache, actors, client_of = (
    test_api._media,
    test_api._clear_cache,
    test_api.actors,
    test_api.client_of,
)


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def events(client: Client, **params) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"{API}/disclosure/events", params)
    assert response.status_code == 200, response.content[:400]
    return response.json()


def members_only(org, n: int) -> None:  # type: ignore[no-untyped-def]
    put(org, "income_expenditure", INCOME, at(200 + n), period=f"{2020 + n}H1")


@pytest.fixture
def published(actors):  # type: ignore[no-untyped-def]
    """org_a's charter, its members-only income statement, org_b's charter, then a correction of org_a's charter."""
    w = actors
    w.charter_a = put(w.org_a, "charter", CHARTER, at(0), effective_on=dt.date(2024, 3, 1))
    w.income = put(w.org_a, "income_expenditure", INCOME, at(200), period="2026H1")
    w.charter_b = put(w.org_b, "charter", CHARTER, at(1), effective_on=dt.date(2024, 3, 1))
    correct(w.charter_a, CHARTER, now=at(2), reason="附件补正，正文不变")
    return w


def test_it_feeds_public_publications_in_commit_order(client, published):
    body = events(client)
    got = [(e["item_id"], e["version"], e["change_kind"]) for e in body["items"]]
    # the income statement was stamped later than org_b's charter, but it is members only: never fed
    a, b = published.charter_a.pk, published.charter_b.pk
    assert got == [(a, 1, "first"), (b, 1, "first"), (a, 2, "correction")]
    seqs = [e["seq"] for e in body["items"]]
    assert seqs == sorted(seqs) and body["next_cursor"] == seqs[-1]
    first = body["items"][0]
    assert first["kind"] == "disclosure" and first["event"] == "published" and first["item_type"] == "charter"
    assert first["uscc"] == published.org_a.uscc and first["organization_name"] == "济南市建筑业协会"
    assert first["title"] == "章程" and first["at"].startswith("2026-01-10")
    assert first["url"].endswith(f"/api/v1/organizations/{published.org_a.uscc}/disclosures/{published.charter_a.pk}")
    assert client.get(first["url"]).status_code == 200


def test_the_feed_follows_commits_not_timestamps(client, published):
    before = events(client)["next_cursor"]
    backdated = put(published.org_a, "financial_report", FINANCE, at(-5), period="2024")  # stamped before the others
    body = events(client, since=before)
    assert [e["item_id"] for e in body["items"]] == [backdated.pk] and body["next_cursor"] > before


def test_the_feed_pages_with_its_cursor(client, published):
    first = events(client, limit=2)
    assert len(first["items"]) == 2
    second = events(client, limit=2, since=first["next_cursor"])
    assert [e["item_id"] for e in second["items"]] == [published.charter_a.pk]
    assert second["items"][0]["version"] == 2
    caught_up = events(client, limit=2, since=second["next_cursor"])
    assert caught_up == {"items": [], "next_cursor": second["next_cursor"]}


def test_an_empty_feed_has_no_cursor(client, db):
    assert events(client) == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("actor", [None, "department", *READERS])
def test_members_only_publications_never_appear_whoever_asks(client_of, published, actor):
    ids = {e["item_id"] for e in events(client_of(actor))["items"]}
    assert published.income.pk not in ids and ids == {published.charter_a.pk, published.charter_b.pk}


def test_members_only_publications_do_not_leave_a_page_empty(client, actors):
    for n in range(5):
        members_only(actors.org_a, n)
    public = put(actors.org_b, "financial_report", FINANCE, at(300), period="2025")
    body = events(client, limit=2)
    assert [e["item_id"] for e in body["items"]] == [public.pk]


def test_the_feed_refuses_a_bad_cursor(client, db):
    problem(client.get(f"{API}/disclosure/events", {"since": "-1"}), 422)
    problem(client.get(f"{API}/disclosure/events", {"since": "abc"}), 422)
    problem(client.get(f"{API}/disclosure/events", {"limit": "0"}), 422)


def test_the_feed_reads_in_a_fixed_number_of_queries(client, actors, django_assert_max_num_queries):
    for n in range(4):
        members_only(actors.org_a, n)
        put(actors.org_b, "donations", {"fields": {"total": "1"}}, at(300 + n), period=f"{2021 + n}")
    with django_assert_max_num_queries(2 * feed.FEED_BATCHES):
        assert len(events(client, limit=2)["items"]) == 2
    with django_assert_max_num_queries(2 * feed.FEED_BATCHES):
        assert len(events(client, limit=100)["items"]) == 4


def test_anonymous_callers_are_rate_limited_and_token_holders_are_not(client, actors, monkeypatch):
    monkeypatch.setattr(api, "FEED_RATE", "3/m")
    for _ in range(3):
        assert client.get(f"{API}/disclosure/events").status_code == 200
    problem(client.get(f"{API}/disclosure/events"), 429, "rate_limited")
    token = bearer(actors.department)
    for _ in range(5):
        assert token.get(f"{API}/disclosure/events").status_code == 200


def test_an_invalid_token_is_401_not_anonymous(client, db):
    problem(client.get(f"{API}/disclosure/events", headers={"Authorization": "Bearer xh_nope"}), 401)


# -- self-regulation publications ------------------------------------------------------------------------------


def test_the_feed_action_table_names_every_public_publication():
    assert set(feed.FEED_ACTIONS) == {
        "disclosure.version.published",
        "selfregulation.norm.published",
        "selfregulation.norm.repealed",
        "selfregulation.pledge.signed",
    }


def _norm(org, *, published: bool) -> Norm:  # type: ignore[no-untyped-def]
    """A norm built directly (self-regulation's services own the workflow; the feed reads only the audit entry)."""
    norm = Norm.objects.create(organization=org, kind="initiative", title="关于诚信经营的倡议", created_at=at(3))
    version = NormVersion.objects.create(
        norm=norm, number=1, text="倡议全文", created_at=at(3), published_at=at(3) if published else None
    )
    if published:
        Norm.objects.filter(pk=norm.pk).update(current=version, published_at=at(3))
    return norm


def test_the_feed_carries_norms_and_pledges(client, actors):
    with transaction.atomic():
        norm = _norm(actors.org_a, published=True)
        audit.record(actor=None, action="selfregulation.norm.published", obj=norm, changes={"version": 1}, now=at(3))
        hidden = _norm(actors.org_b, published=False)  # an entry whose norm is not public is left out
        audit.record(actor=None, action="selfregulation.norm.published", obj=hidden, changes={"version": 1}, now=at(3))
        signature = PledgeSignature.objects.create(
            organization=actors.org_b,
            pledges=["no_forced_membership"],
            text="承诺书",
            signatory="李四",
            signatory_title="会长",
            signed_on=dt.date(2026, 1, 12),
            published_at=at(4),
        )
        audit.record(actor=None, action="selfregulation.pledge.signed", obj=signature, now=at(4))
        audit.record(actor=None, action="selfregulation.norm.repealed", obj=norm, now=at(5))
    body = events(client)
    got = [(e["kind"], e["event"], e["item_id"], e["version"]) for e in body["items"]]
    assert got == [
        ("norm", "published", norm.pk, 1),
        ("pledge", "signed", signature.pk, None),
        ("norm", "repealed", norm.pk, None),
    ]
    norm_event, pledge = body["items"][0], body["items"][1]
    assert norm_event["url"].endswith(f"/api/v1/organizations/{actors.org_a.uscc}/norms/{norm.pk}")
    assert pledge["url"].endswith(f"/api/v1/organizations/{actors.org_b.uscc}/pledges")
    assert pledge["uscc"] == actors.org_b.uscc and pledge["item_type"] == "credit_commitments"
    assert pledge["title"] == "诚信承诺（2026-01-12签署）"


def test_an_audit_entry_of_an_unexpected_object_type_is_skipped(client, actors):
    with transaction.atomic():
        audit.record(actor=None, action="disclosure.version.published", object_type="other.thing", object_id="1")
    assert events(client)["items"] == []


def test_the_selector_answers_without_http(published):
    found, cursor = feed.events_page(since=0, limit=10)
    assert [p.item_id for p in found] == [published.charter_a.pk, published.charter_b.pk, published.charter_a.pk]
    assert cursor == found[-1].seq and clock.local_date(found[0].at) == dt.date(2026, 1, 10)
