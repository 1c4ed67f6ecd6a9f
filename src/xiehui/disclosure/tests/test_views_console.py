"""The officers' DIS-3 monitoring across their jurisdiction (/console/disclosures/) through real HTTP."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse

from xiehui.disclosure.views import paginate_list

from .test_views import FINANCIAL, LEADERS, _today, publish  # noqa: F401

pytestmark = pytest.mark.django_db

URL = reverse("disclosure:console_list")


def rows_of(body: str) -> list[str]:
    table = body.split('data-testid="console-timeliness"')[1].split("</table>")[0]
    return [chunk.split("</a>")[0].rsplit(">", 1)[1] for chunk in table.split("<tr>")[2:]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff_a", "member", "department"])
def test_only_officers_reach_the_monitoring(world, as_user, who):
    assert as_user(getattr(world, who)).get(URL).status_code == 403
    assert as_user(getattr(world, who)).get(URL, {"export": "csv"}).status_code == 403


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer_jinan", ["济南市建筑业协会"]),
        ("officer_qingdao", ["青岛市软件行业协会"]),
        ("officer_province", ["青岛市软件行业协会", "济南市建筑业协会"]),
    ],
)
def test_officers_see_their_jurisdiction_only(world, as_user, who, expected):
    publish(world, "leaders", LEADERS)
    assert rows_of(as_user(getattr(world, who)).get(URL).content.decode()) == expected


def test_it_sorts_and_searches(world, as_user):
    publish(world, "leaders", LEADERS)
    publish(world, "financial_report", FINANCIAL, period="2025")
    c = as_user(world.officer_province)
    assert rows_of(c.get(URL, {"sort": "completeness"}).content.decode()) == ["青岛市软件行业协会", "济南市建筑业协会"]
    assert rows_of(c.get(URL, {"sort": "-completeness"}).content.decode()) == ["济南市建筑业协会", "青岛市软件行业协会"]
    assert rows_of(c.get(URL, {"sort": "missing"}).content.decode()) == ["青岛市软件行业协会", "济南市建筑业协会"]
    assert rows_of(c.get(URL, {"sort": "late"}).content.decode()) == ["济南市建筑业协会", "青岛市软件行业协会"]
    assert rows_of(c.get(URL, {"sort": "name"}).content.decode())[0] in ("济南市建筑业协会", "青岛市软件行业协会")
    assert rows_of(c.get(URL, {"q": "软件"}).content.decode()) == ["青岛市软件行业协会"]
    assert rows_of(c.get(URL, {"q": world.org_a.uscc}).content.decode()) == ["济南市建筑业协会"]
    assert 'href="?q=%E8%BD%AF%E4%BB%B6&amp;sort=missing"' in c.get(URL, {"q": "软件"}).content.decode()


def test_it_computes_as_of_the_date_asked(world, as_user):
    c = as_user(world.officer_jinan)
    early = c.get(URL, {"as_of": "2025-01-15"}).content.decode()
    assert "截至 2025-01-15" in early and ">100%</span>" in early  # nothing was due yet
    late = c.get(URL, {"as_of": "2026-11-23"}).content.decode()
    assert ">100%</span>" not in late


def test_a_bad_date_is_refused_with_a_clear_message(world, as_user):
    response = as_user(world.officer_jinan).get(URL, {"as_of": "2026-13-45"})
    assert response.status_code == 400
    assert "统计日期应为 YYYY-MM-DD 格式的日期，如 2026-05-31" in response.content.decode()
    assert 'data-testid="console-timeliness"' not in response.content.decode()


def test_the_csv_holds_the_same_rows(world, as_user):
    publish(world, "leaders", LEADERS)
    response = as_user(world.officer_province).get(URL, {"sort": "name", "export": "csv", "as_of": "2026-06-30"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "disclosure-timeliness-2026-06-30.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:4] == ["协会", "统一社会信用代码", "统计日期", "完整率(%)"]
    assert {line[0] for line in lines[1:]} == {"济南市建筑业协会", "青岛市软件行业协会"}
    assert all(line[2] == "2026-06-30" for line in lines[1:])


def test_the_monitoring_reads_in_few_queries(world, as_user, django_assert_max_num_queries):
    publish(world, "leaders", LEADERS)
    publish(world, "financial_report", FINANCIAL, period="2025")
    c = as_user(world.officer_province)
    with django_assert_max_num_queries(12):
        response = c.get(URL)
    assert response.status_code == 200


def test_a_computed_list_is_paginated_like_a_queryset():
    request = RequestFactory().get("/", {"page": "2", "q": "x"})
    page = paginate_list(request, list(range(45)), size=20)  # type: ignore[arg-type]
    assert page.items == list(range(20, 40)) and page.count == 45 and page.last == 3
    assert page.querystring == "q=x" and page.has_next and page.has_previous
    assert paginate_list(RequestFactory().get("/", {"page": "9"}), list(range(5))).items == list(range(5))  # type: ignore[arg-type]


def test_console_narrows_by_region_within_the_jurisdiction(world, as_user):
    page = as_user(world.officer_province).get("/console/disclosures/", {"region": "3702"}).content.decode()
    assert world.org_b.name in page and world.org_a.name not in page
    # a region outside a city officer's jurisdiction widens nothing
    page = as_user(world.officer_jinan).get("/console/disclosures/", {"region": "3702"}).content.decode()
    assert world.org_b.name not in page and world.org_a.name not in page


def test_console_asks_to_narrow_a_range_too_large_to_compute(world, as_user, monkeypatch):
    from xiehui.disclosure import selectors

    monkeypatch.setattr(selectors, "JURISDICTION_LIMIT", 1)
    response = as_user(world.officer_province).get("/console/disclosures/")
    assert response.status_code == 400
    assert "超过一次统计的上限 1 个" in response.content.decode()
    assert as_user(world.officer_province).get("/console/disclosures/", {"region": "3701"}).status_code == 200
