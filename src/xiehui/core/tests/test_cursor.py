"""Keyset pages (core/cursor.py): every row once, stable under inserts, NULLs placed alike on both databases,
and edited cursors or a cursor with an offset refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F

from xiehui.core.cursor import keyset_page
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.registry.models import Organization
from xiehui.registry.tests.test_services import record_org

NAMES = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]


def org(n: int, *, registered_on: dt.date, changed_on: dt.date | None = None) -> Organization:
    made = record_org(name=f"济南市{NAMES[n % 10]}{n}行业协会", n=700 + n)
    Organization.objects.filter(pk=made.pk).update(registered_on=registered_on, status_changed_on=changed_on)
    return made


@pytest.fixture
def orgs(db):  # type: ignore[no-untyped-def]
    """Twelve associations: registration dates shared by three each, a status date on every other one."""
    return [
        org(n, registered_on=dt.date(2020, 1, 1) + dt.timedelta(days=n // 3), changed_on=dt.date(2026, 1, 1 + n % 4))
        if n % 2
        else org(n, registered_on=dt.date(2020, 1, 1) + dt.timedelta(days=n // 3))
        for n in range(12)
    ]


def walk(qs, ordering, *, limit, **kw):  # type: ignore[no-untyped-def]
    """Every page from the first, following next_cursor; the pages' rows and how many pages there were."""
    rows, cursor = keyset_page(qs, ordering=ordering, limit=limit, **kw)
    pages = 1
    while cursor:
        page, cursor = keyset_page(qs, ordering=ordering, cursor=cursor, limit=limit, **kw)
        rows += page
        pages += 1
    return rows, pages


ORDERINGS = [
    ("id",),
    ("-id",),
    ("-registered_on", "-id"),
    ("registered_on", "name", "-id"),
    ("-status_changed_on", "id"),  # nullable: NULLs first when descending
    ("status_changed_on", "-registered_on", "id"),  # nullable: NULLs last when ascending
    ("authority_region__name", "-updated_at", "pk"),  # through a link; a datetime key
]


@pytest.mark.parametrize("keys_first", [False, True])
def test_it_visits_every_row_once_in_the_order_of_one_long_page(orgs, keys_first):
    qs = Organization.objects.filter(pk__in=[o.pk for o in orgs]).select_related("authority_region")
    for ordering in ORDERINGS:
        whole, cursor = keyset_page(qs, ordering=ordering, limit=100, keys_first=keys_first)
        assert cursor is None and sorted(o.pk for o in whole) == sorted(o.pk for o in orgs)
        for limit in (1, 5, 12):
            rows, pages = walk(qs, ordering, limit=limit, keys_first=keys_first)
            assert rows == whole and pages == -(-12 // limit), (ordering, limit)


def test_nulls_sort_after_every_value_on_both_databases(orgs):
    qs = Organization.objects.filter(pk__in=[o.pk for o in orgs])
    ascending, _ = keyset_page(qs, ordering=("status_changed_on", "id"), limit=100)
    descending, _ = keyset_page(qs, ordering=("-status_changed_on", "id"), limit=100)
    assert [o.status_changed_on is None for o in ascending] == [False] * 6 + [True] * 6
    assert [o.status_changed_on is None for o in descending] == [True] * 6 + [False] * 6


def test_an_annotation_can_be_a_key(orgs):
    qs = Organization.objects.filter(pk__in=[o.pk for o in orgs]).annotate(n=Count("industries"))
    rows, pages = walk(qs, ("-n", "-id"), limit=5)
    assert [o.pk for o in rows] == sorted((o.pk for o in orgs), reverse=True) and pages == 3


@pytest.mark.parametrize("ordering", [("-registered_on", "-id"), ("-status_changed_on", "name", "id")])
def test_rows_inserted_between_pages_are_never_repeated_and_cause_no_skips(orgs, ordering):
    qs = Organization.objects.filter(name__startswith="济南市")
    before, _ = keyset_page(qs, ordering=ordering, limit=100)
    first, cursor = keyset_page(qs, ordering=ordering, limit=4)
    # New rows sorting before the cursor (a newer date, a NULL that sorts first), level with it, and after it.
    inserted = [
        org(100, registered_on=dt.date(2030, 1, 1)),
        org(101, registered_on=first[-1].registered_on, changed_on=first[-1].status_changed_on),
        org(102, registered_on=dt.date(2000, 1, 1), changed_on=dt.date(2000, 1, 1)),
    ]
    seen = list(first)
    while cursor:
        page, cursor = keyset_page(qs, ordering=ordering, cursor=cursor, limit=4)
        seen += page
    assert len(seen) == len({o.pk for o in seen})  # nothing repeated
    assert {o.pk for o in before} <= {o.pk for o in seen}  # nothing that existed skipped
    assert inserted[2].pk in {o.pk for o in seen}  # a row after the position is on a later page


def test_an_offset_page_names_its_last_row_so_the_cursor_goes_on_from_it(orgs):
    qs = Organization.objects.filter(pk__in=[o.pk for o in orgs])
    whole, _ = keyset_page(qs, ordering=("-id",), limit=100)
    middle, cursor = keyset_page(qs, ordering=("-id",), offset=3, limit=4)
    rest, last = keyset_page(qs, ordering=("-id",), cursor=cursor, limit=100)
    assert middle == whole[3:7] and rest == whole[7:] and last is None


def test_the_last_page_has_no_cursor_and_an_empty_list_one_page(db):
    assert keyset_page(Organization.objects.none(), ordering=("id",), limit=20) == ([], None)


def refused(qs, **kw) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as exc:
        keyset_page(qs, limit=2, **kw)
    return exc.value


def test_edited_and_foreign_cursors_are_refused(orgs):
    qs = Organization.objects.all()
    _, cursor = keyset_page(qs, ordering=("-registered_on", "-id"), limit=2)
    assert cursor
    payload, mac = cursor.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in (f"{flipped}.{mac}", f"{payload}.{mac[::-1]}", payload, "not-a-cursor", ".", "x" * 1900):
        error = refused(qs, ordering=("-registered_on", "-id"), cursor=bad)
        assert (error.code, error.field, error.status) == ("invalid_cursor", "cursor", 400)
    # a genuine cursor of another ordering or another list places nothing
    assert refused(qs, ordering=("registered_on", "id"), cursor=cursor).code == "invalid_cursor"
    _, by_id = keyset_page(qs, ordering=("id",), limit=2)
    assert refused(User.objects.all(), ordering=("id",), cursor=by_id).code == "invalid_cursor"


def test_a_cursor_with_an_offset_is_refused(orgs):
    _, cursor = keyset_page(Organization.objects.all(), ordering=("id",), limit=2)
    error = refused(Organization.objects.all(), ordering=("id",), cursor=cursor, offset=2)
    assert (error.code, error.field, error.status) == ("cursor_with_offset", "offset", 400)


@pytest.mark.parametrize("ordering", [(), ("registered_on",), ("name", "status_changed_on"), ("authority_region",)])
def test_an_ordering_must_end_on_a_unique_column(db, ordering):
    with pytest.raises(ValueError):
        keyset_page(Organization.objects.all(), ordering=ordering, limit=2)


# -- through the data port ---------------------------------------------------------------------------------


def test_the_port_answers_an_edited_cursor_or_one_with_an_offset_with_a_400_problem(orgs, client):
    first = client.get("/api/v1/organizations", {"limit": 5}).json()
    assert first["next_cursor"]
    edited = client.get("/api/v1/organizations", {"cursor": first["next_cursor"][:-2] + "zz"})
    assert edited.status_code == 400 and edited["Content-Type"].startswith("application/problem+json")
    assert edited.json()["code"] == "invalid_cursor" and edited.json()["field"] == "cursor"
    both = client.get("/api/v1/organizations", {"cursor": first["next_cursor"], "offset": 5})
    assert both.status_code == 400 and both.json()["code"] == "cursor_with_offset" and both.json()["field"] == "offset"
    # offset=0 with a cursor is the same as no offset
    assert client.get("/api/v1/organizations", {"cursor": first["next_cursor"], "offset": 0}).status_code == 200


def test_without_an_ordering_the_querysets_own_is_the_key(orgs):
    qs = Organization.objects.filter(pk__in=[o.pk for o in orgs]).order_by("-registered_on", "name", "id")
    assert walk(qs, None, limit=5) == walk(qs, ("-registered_on", "name", "id"), limit=5)
    with pytest.raises(ValueError):
        keyset_page(qs.order_by(F("name").desc(), "id"), ordering=None, limit=5)
