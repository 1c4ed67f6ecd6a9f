"""Disclosure on the data port: the catalogue, published items and their versions (DIS-4), who reads what
(DIS-1 public, DIS-2 members only: everyone else gets 404), ETags, attachments, and DIS-3 figures."""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xiehui.conftest import NOW, PASSWORD, login
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.models import Role, User
from xiehui.core.services import api_token_create, user_create
from xiehui.disclosure import services
from xiehui.disclosure.models import Disclosure, DisclosureVersion
from xiehui.membership import services as membership

API = "/api/v1"
T0 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=clock.SHANGHAI)

CHARTER = {
    "fields": {"adopted_on": "2024-03-01", "adopted_by": "第三届会员代表大会第一次会议", "text": "第一条 本会名称为……"}
}
FINANCE = {"fields": {"income": "1280000.00", "expense": "990000.50", "net_assets": "450000"}}
INCOME = {"fields": {"income": "600000", "expense": "500000"}, "rows": [{"item": "会费", "income": "600000"}]}
TRIP = {
    "fields": {
        "destination": "德国",
        "departed_on": "2026-03-01",
        "returned_on": "2026-03-08",
        "purpose": "考察建筑工业化",
        "cost": "120000",
        "funded_by": "会费",
    },
    "rows": [{"name": "张三", "unit": "会长"}],
}


def png_bytes() -> bytes:
    """A real 1×1 PNG (type is sniffed from the content)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def png(name: str = "章程.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def draft(org, item_type: str, data: dict, *, now: dt.datetime = T0, **kw) -> DisclosureVersion:  # type: ignore[no-untyped-def]
    return services.disclosure_draft(actor=None, organization=org, item_type=item_type, data=data, now=now, **kw)


def publish(version: DisclosureVersion, now: dt.datetime) -> Disclosure:
    services.version_publish(actor=None, version=version, now=now)
    return Disclosure.objects.get(pk=version.disclosure_id)


def put(org, item_type: str, data: dict, at: dt.datetime, **kw) -> Disclosure:  # type: ignore[no-untyped-def]
    """Draft and publish at the same moment."""
    return publish(draft(org, item_type, data, now=at, **kw), at)


def correct(
    item: Disclosure, data: dict, *, now: dt.datetime, reason: str = "收入合计填写有误，予以更正"
) -> Disclosure:
    version = services.version_new(
        actor=None, disclosure=item, change_kind="correction", reason=reason, data=data, now=now
    )
    return publish(version, now)


def represent(org, user: User, body: str) -> None:  # type: ignore[no-untyped-def]
    member = membership.member_record(
        actor=None,
        organization=org,
        kind="enterprise",
        name=f"{org.name}会员企业{body}",
        uscc=make_uscc(region_code="370100", body=body, category="91"),
        joined_on=dt.date(2020, 1, 1),
        now=NOW,
    )
    membership.representative_add(actor=None, member=member, user=user, since=dt.date(2020, 1, 1), now=NOW)


@pytest.fixture
def actors(world):  # type: ignore[no-untyped-def]
    """The world plus a member representative of each association (world.member represents one of org_a)."""
    represent(world.org_a, world.member, "MA000001")
    world.member_b = user_create(
        actor=None, username="member_b", password=PASSWORD, role=Role.MEMBER, display_name="member_b"
    )
    represent(world.org_b, world.member_b, "MA000002")
    return world


@pytest.fixture
def items(actors):  # type: ignore[no-untyped-def]
    """org_a: a corrected charter (2 versions, an image on v1), the 2025 financial report, the members-only
    income statement of 2026H1, and an unpublished trip abroad (members only); org_b: its charter."""
    w = actors
    charter = put(w.org_a, "charter", CHARTER, T0, effective_on=dt.date(2024, 3, 1), uploads=[png()])
    fixed = {"fields": {**CHARTER["fields"], "adopted_by": "第三届会员代表大会第二次会议"}}
    w.charter = correct(charter, fixed, now=T0 + dt.timedelta(days=10), reason="通过会议的届次写错，予以更正")
    w.finance = put(
        w.org_a, "financial_report", FINANCE, dt.datetime(2026, 5, 20, 9, tzinfo=clock.SHANGHAI), period="2025"
    )
    w.income = put(
        w.org_a, "income_expenditure", INCOME, dt.datetime(2026, 7, 15, 9, tzinfo=clock.SHANGHAI), period="2026H1"
    )
    w.trip = draft(
        w.org_a, "trips_abroad", TRIP, title="2026年3月赴德国考察", effective_on=dt.date(2026, 3, 8), now=NOW
    ).disclosure
    w.charter_b = put(w.org_b, "charter", CHARTER, T0, effective_on=dt.date(2024, 3, 1))
    return w


def bearer(user: User) -> Client:
    _, secret = api_token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def client_of(as_user, actors):  # type: ignore[no-untyped-def]
    """`client_of("member_a")`: a client of a named actor of the visibility matrix (session or bearer token)."""
    w = actors
    users = {
        "member_a": w.member,
        "member_b": w.member_b,
        "staff_a": w.staff_a,
        "staff_b": w.staff_b,
        "officer_jinan": w.officer_jinan,
        "officer_qingdao": w.officer_qingdao,
        "officer_province": w.officer_province,
        "department": w.department,
    }

    def make(name: str | None) -> Client:
        if name is None:
            return Client()
        if name.endswith("_token"):
            return bearer(users[name.removesuffix("_token")])
        return login(Client(), users[name])

    return make


# Who may read org_a's members-only items (DIS-2): its member representatives, its staff, officers in jurisdiction.
READERS = ["member_a", "member_a_token", "staff_a", "staff_a_token", "officer_jinan", "officer_province"]
OUTSIDERS = [None, "member_b", "member_b_token", "staff_b", "officer_qingdao", "department"]


def problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


# -- the catalogue -----------------------------------------------------------------------------------------


def test_it_lists_the_catalogue_with_fields_and_row_columns(client, db):
    response = client.get(f"{API}/disclosure/catalogue")
    assert response.status_code == 200
    types = {t["code"]: t for t in response.json()}
    finance = types["financial_report"]
    assert finance["audience"] == "public" and finance["cadence"] == "yearly" and "DIS-1" in finance["basis"]
    income_field = {"name": "income", "label": "本年收入合计（元）", "kind": "money", "required": True, "help": ""}
    assert finance["fields"][0] == income_field
    income = types["income_expenditure"]
    assert income["audience"] == "members" and [c["name"] for c in income["rows"]] == ["item", "income", "expense"]
    assert types["registration"]["source"] == "registry" and types["registration"]["fields"] == []


# -- the list ---------------------------------------------------------------------------------------------------


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:400]
    return [i["id"] for i in response.json()["items"]]


@pytest.mark.parametrize("actor", READERS)
def test_it_lists_members_only_items_to_members_staff_and_officers_in_jurisdiction(client_of, items, actor):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures"
    assert _ids(client_of(actor).get(url)) == [items.income.pk, items.finance.pk, items.charter.pk]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_it_lists_only_public_items_to_everyone_else(client_of, items, actor):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures"
    assert _ids(client_of(actor).get(url)) == [items.finance.pk, items.charter.pk]
    assert _ids(client_of(actor).get(url, {"audience": "members"})) == []


def test_it_lists_items_with_their_current_version_and_versions_count(client, items):
    body = client.get(f"{API}/organizations/{items.org_a.uscc}/disclosures", {"item_type": "charter"}).json()
    [charter] = body["items"]
    assert charter["versions_count"] == 2 and charter["item_title"] == "章程" and charter["audience"] == "public"
    current = charter["current"]
    assert current["number"] == 2 and current["change_kind"] == "correction"
    assert current["reason"] == "通过会议的届次写错，予以更正"
    assert current["fields"]["adopted_by"] == "第三届会员代表大会第二次会议"
    assert [a["original_name"] for a in current["attachments"]] == ["章程.png"]  # carried over from version 1
    assert charter["url"].endswith(f"/api/v1/organizations/{items.org_a.uscc}/disclosures/{items.charter.pk}")
    assert body["next_cursor"] is None


def test_it_filters_the_list_by_type_period_and_audience(client_of, items):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures"
    member = client_of("member_a")
    assert _ids(member.get(url, {"period": "2025"})) == [items.finance.pk]
    assert _ids(member.get(url, {"audience": "members"})) == [items.income.pk]
    assert _ids(member.get(url, {"audience": "public"})) == [items.finance.pk, items.charter.pk]
    assert _ids(member.get(url, {"item_type": "financial_report", "period": "2024"})) == []
    problem(member.get(url, {"item_type": "no_such_type"}), 422)
    problem(member.get(url, {"audience": "everyone"}), 422)


def test_it_pages_with_a_cursor_that_inserts_do_not_shift(client, items):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures"
    first = client.get(url, {"limit": 1}).json()
    assert [i["id"] for i in first["items"]] == [items.finance.pk] and first["next_cursor"]
    # a newer publication lands before the cursor: the next page neither repeats nor shifts
    put(items.org_a, "donations", {"fields": {"total": "1000"}}, NOW, period="2025")
    second = client.get(url, {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in second["items"]] == [items.charter.pk] and second["next_cursor"] is None
    assert problem(client.get(url, {"cursor": "not-a-cursor"}), 400, "invalid_cursor")["field"] == "cursor"


def test_it_answers_404_for_an_unknown_association(client, db):
    problem(client.get(f"{API}/organizations/91370100MA0000000X/disclosures"), 404)


@pytest.mark.parametrize("actor", [None, "member_a", "member_a_token", "staff_a", "officer_jinan"])
def test_it_lists_in_a_fixed_number_of_queries(client_of, items, actor, django_assert_max_num_queries):
    for n in range(3):  # more items with attachments cost no more queries
        data = {"fields": {"description": "出售", "amount": "1", "decided_by": "理事会"}}
        put(
            items.org_a,
            "asset_changes",
            data,
            NOW,
            title=f"资产变动{n}",
            effective_on=dt.date(2026, 1, 1),
            uploads=[png()],
        )
    c = client_of(actor)
    with django_assert_max_num_queries(8):
        assert len(_ids(c.get(f"{API}/organizations/{items.org_a.uscc}/disclosures"))) >= 5


# -- one item -------------------------------------------------------------------------------------------------


def test_it_shows_every_published_version_newest_first_dis_4(client, items):
    response = client.get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.charter.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [v["number"] for v in body["versions"]] == [2, 1] and body["versions_count"] == 2
    assert body["current"]["number"] == 2 and body["draft_id"] is None
    v2, v1 = body["versions"]
    assert v2["reason"] and v1["reason"] == "" and v1["change_kind"] == "first"
    assert v1["fields"]["adopted_by"] == "第三届会员代表大会第一次会议"
    [image] = v1["attachments"]
    assert image["original_name"] == "章程.png" and image["mime"] == "image/png"
    download = client.get(image["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == png_bytes()


@pytest.mark.parametrize("actor", READERS)
def test_it_shows_members_only_items_to_readers(client_of, items, actor):
    response = client_of(actor).get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.income.pk}")
    assert response.status_code == 200
    assert response.json()["current"]["rows"] == [{"item": "会费", "income": "600000.00", "expense": ""}]


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_it_answers_404_never_403_for_members_only_items_to_outsiders(client_of, items, actor):
    c = client_of(actor)
    problem(c.get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.income.pk}"), 404)


@pytest.mark.parametrize("actor", [None, "member_a", "member_a_token", "staff_b", "officer_jinan", "department"])
def test_it_answers_404_for_an_unpublished_item_except_to_its_staff(client_of, items, actor):
    problem(client_of(actor).get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.trip.pk}"), 404)


def test_it_shows_an_unpublished_item_with_its_draft_to_its_staff(client_of, items):
    body = client_of("staff_a_token").get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.trip.pk}").json()
    assert body["current"] is None and body["versions"] == [] and body["draft_id"] == items.trip.versions.get().pk


def test_it_answers_404_for_an_item_asked_under_another_association(client, items):
    problem(client.get(f"{API}/organizations/{items.org_b.uscc}/disclosures/{items.charter.pk}"), 404)


def test_it_answers_304_while_the_current_version_is_unchanged(client, items):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.finance.pk}"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"') and first.json()["current"]["number"] == 1
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert client.get(url, headers={"If-None-Match": etag.removeprefix("W/")}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    correct(
        Disclosure.objects.get(pk=items.finance.pk), {"fields": {**FINANCE["fields"], "income": "1290000"}}, now=NOW
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag and changed.json()["current"]["number"] == 2


def test_it_answers_404_not_304_to_an_outsider_holding_an_etag(client_of, items):
    url = f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.income.pk}"
    etag = client_of("member_a").get(url)["ETag"]
    problem(client_of(None).get(url, headers={"If-None-Match": etag}), 404)


def test_it_shows_one_item_in_a_fixed_number_of_queries(client, items, django_assert_max_num_queries):
    for n in range(3):
        correct(
            Disclosure.objects.get(pk=items.charter.pk),
            CHARTER,
            now=NOW + dt.timedelta(minutes=n),
            reason=f"第{n}次更正说明",
        )
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.charter.pk}").json()
    assert len(body["versions"]) == 5


# -- attachments -------------------------------------------------------------------------------------------------


def _attachment_url(item: Disclosure, attachment_id: int) -> str:
    return f"{API}/organizations/{item.organization.uscc}/disclosures/{item.pk}/attachments/{attachment_id}"


@pytest.mark.parametrize(("actor", "status"), [*((a, 200) for a in READERS), *((a, 404) for a in OUTSIDERS)])
def test_it_serves_members_only_attachments_to_readers_only(client_of, items, actor, status):
    version = services.version_new(
        actor=None,
        disclosure=items.income,
        change_kind="correction",
        reason="补充收支明细附件",
        data=INCOME,
        uploads=[png("收支表.png")],
        now=NOW,
    )
    publish(version, NOW)
    [attachment] = version_attachments(version)
    assert client_of(actor).get(_attachment_url(items.income, attachment)).status_code == status


def version_attachments(version: DisclosureVersion, name: str | None = None) -> list[int]:
    from xiehui.core.files import attachments_of

    found = attachments_of(version, purpose=services.ATTACHMENT_PURPOSE)
    return [a.pk for a in found if name is None or a.original_name == name]


@pytest.mark.parametrize(
    ("actor", "status"), [("staff_a", 200), (None, 404), ("member_a", 404), ("officer_jinan", 404)]
)
def test_it_serves_a_drafts_attachments_to_its_staff_only(client_of, items, actor, status):
    version = services.version_new(
        actor=None,
        disclosure=items.charter,
        change_kind="update",
        reason="章程修改",
        data=CHARTER,
        effective_on=dt.date(2026, 11, 1),
        uploads=[png("新章程.png")],
        now=NOW,
    )
    [attachment] = version_attachments(version, "新章程.png")  # the draft's own (v1's image is carried over too)
    assert client_of(actor).get(_attachment_url(items.charter, attachment)).status_code == status


def test_it_answers_404_for_an_attachment_of_another_item(client, items):
    [attachment] = version_attachments(items.charter.versions.get(number=1))
    problem(client.get(_attachment_url(items.finance, attachment)), 404)


# -- DIS-3 ------------------------------------------------------------------------------------------------------


def _status(client: Client, org, as_of: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"{API}/organizations/{org.uscc}/disclosure-status", {"as_of": as_of})
    assert response.status_code == 200, response.content[:400]
    return response.json()


def _finance_2025(body: dict) -> dict:
    [found] = [i for i in body["items"] if i["item_type"] == "financial_report" and i["period"] == "2025"]
    return found


@pytest.mark.parametrize(
    ("published_on", "as_of", "state"),
    [
        (dt.date(2026, 5, 31), "2026-06-01", "on_time"),
        (dt.date(2026, 6, 1), "2026-06-01", "late"),
        (None, "2026-05-31", "due"),
        (None, "2026-06-01", "missing"),
    ],
)
def test_dis_3_status_of_the_2025_financial_report_at_31_may(client, world, published_on, as_of, state):
    if published_on is not None:
        moment = dt.datetime.combine(published_on, dt.time(23, 59), tzinfo=clock.SHANGHAI)
        put(world.org_a, "financial_report", FINANCE, moment, period="2025")
    body = _status(client, world.org_a, as_of)
    item = _finance_2025(body)
    assert item["state"] == state and item["due_on"] == "2026-05-31"
    assert item["published_on"] == (published_on.isoformat() if published_on else None)
    assert body["as_of"] == as_of and body["uscc"] == world.org_a.uscc


def test_dis_3_status_figures(client, items):
    body = _status(client, items.org_a, "2026-11-23")
    assert body["required"] == body["published"] + body["missing"]
    assert 0 <= body["on_time_rate"] <= body["completeness"] <= 100
    states = {(i["item_type"], i["period"]): i["state"] for i in body["items"]}
    assert states[("financial_report", "2025")] == "on_time" and states[("income_expenditure", "2026H1")] == "on_time"
    assert states[("charter", "")] == "late"  # due 30 days into the platform's first year (DIS-3)
    assert all(i["reason"] and i["label"] for i in body["items"])


def test_dis_3_status_is_public_and_defaults_to_today(client, world):
    body = client.get(f"{API}/organizations/{world.org_a.uscc}/disclosure-status").json()
    assert body["as_of"] == clock.today().isoformat()


@pytest.mark.parametrize("as_of", ["2026-13-01", "2026-02-30", "31.05.2026", "1999-12-31", "2026-5-31"])
def test_dis_3_status_refuses_a_bad_date_naming_the_parameter(client, world, as_of):
    body = problem(
        client.get(f"{API}/organizations/{world.org_a.uscc}/disclosure-status", {"as_of": as_of}), 400, "invalid_date"
    )
    assert body["field"] == "as_of"


def test_dis_3_status_accepts_29_february_of_a_leap_year(client, world):
    assert _status(client, world.org_a, "2028-02-29")["as_of"] == "2028-02-29"


def test_dis_3_status_in_a_fixed_number_of_queries(client, items, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        _status(client, items.org_a, "2026-11-23")


def test_it_encodes_fields_as_json(client, items):
    """Money is a string with 2 decimals, dates ISO strings (what clean_data stores)."""
    body = client.get(f"{API}/organizations/{items.org_a.uscc}/disclosures/{items.finance.pk}").json()
    assert body["current"]["fields"] == {
        "income": "1280000.00",
        "expense": "990000.50",
        "net_assets": "450000.00",
        "auditor": "",
        "summary": "",
    }
    json.dumps(body)
