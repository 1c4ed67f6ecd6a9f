"""Social evaluation pages over HTTP (BL-2): the portal section and form, the list, reports, moderation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.selfregulation import services_commitments as services
from xiehui.selfregulation.models import Rating, RatingReport, RatingStatus

from .test_ratings_services import make_member, public, rate

pytestmark = pytest.mark.django_db

QUEUE = reverse("selfregulation:console_ratings")


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)


def portal_url(org) -> str:  # type: ignore[no-untyped-def]
    return reverse("registry:portal_detail", args=[org.uscc])


def new_url(org) -> str:  # type: ignore[no-untyped-def]
    return reverse("selfregulation:rating_new", args=[org.uscc])


def section(page) -> str:  # type: ignore[no-untyped-def]
    return page.text.split('id="ratings"')[1].split("</section>")[0]


# -- portal section --------------------------------------------------------------------------------------


def test_portal_section_shows_aggregate_and_recent_ratings(world, client):
    make_member(world)
    rate(world.member, world.org_a, score=5, comment="会员服务很好")
    rate(public(), world.org_a, score=4, comment="")
    text = section(client.get(portal_url(world.org_a)))
    assert "社会评价" in text and "4.5" in text and "会员服务很好" in text
    assert "1 / 1" in text  # members / public
    assert "m**" in text  # the rater's name masked ("member")


def test_portal_invites_anonymous_visitors_to_log_in_or_sign_up(world, client):
    text = section(client.get(portal_url(world.org_a)))
    assert 'data-testid="rating-form"' not in text
    assert reverse("core:login") in text and reverse("core:signup") in text


def test_portal_shows_the_form_to_the_public_and_not_to_own_staff_or_officers(world, as_user):
    assert 'data-testid="rating-form"' in section(as_user(public()).get(portal_url(world.org_a)))
    assert 'data-testid="rating-form"' in section(as_user(world.staff_b).get(portal_url(world.org_a)))
    own = section(as_user(world.staff_a).get(portal_url(world.org_a)))
    assert 'data-testid="rating-form"' not in own and "协会工作人员不能评价本协会（BL-2）" in own
    officer = section(as_user(world.officer_jinan).get(portal_url(world.org_a)))
    assert 'data-testid="rating-form"' not in officer and "BL-2" in officer


def test_portal_says_when_the_user_has_rated_this_year(world, as_user):
    user = public()
    rate(user, world.org_a, score=3)
    text = section(as_user(user).get(portal_url(world.org_a)))
    assert 'data-testid="rating-form"' not in text and "您已对该协会作出 2026 年度评价（3 分）" in text


def test_portal_query_count(world, as_user, django_assert_max_num_queries):
    for n in range(8):
        rate(public(f"p{n}"), world.org_a, score=1 + n % 5)
    client = as_user(public("viewer"))
    client.get(portal_url(world.org_a))  # warm the session
    with django_assert_max_num_queries(40):  # the whole page, every domain's panels
        page = client.get(portal_url(world.org_a))
    assert page.status_code == 200 and "查看全部 8 条评价" in page.text


def test_hidden_ratings_disappear_from_the_page(world, client):
    rating = rate(public(), world.org_a, score=1, comment="辱骂内容")
    services.rating_moderate(actor=world.officer_jinan, rating=rating, action="hide", reason="辱骂", now=NOW)
    text = section(client.get(portal_url(world.org_a)))
    assert "辱骂内容" not in text and "暂无评价" in text


# -- rating over the web ---------------------------------------------------------------------------------


def test_it_rates_and_returns_to_the_portal(world, as_user):
    client = as_user(public())
    response = client.post(new_url(world.org_a), {"score": "5", "comment": "公开透明"})
    assert response.status_code == 302 and response["Location"].endswith("#ratings")
    rating = Rating.objects.get()
    assert rating.score == 5 and rating.comment == "公开透明" and rating.year == 2026


@pytest.mark.parametrize(("score", "ok"), [("0", False), ("1", True), ("5", True), ("6", False)])
def test_bl_2_score_bounds_on_the_form(world, as_user, score, ok):
    response = as_user(public()).post(new_url(world.org_a), {"score": score})
    assert (response.status_code == 302) is ok
    if not ok:
        assert "评分应为 1 至 5 分的整数（BL-2）" in response.text and not Rating.objects.exists()


def test_bl_2_second_rating_in_the_year_is_refused_on_the_form(world, as_user):
    user = public()
    rate(user, world.org_a)
    page = as_user(user).get(new_url(world.org_a))
    assert "您已对该协会作出 2026 年度评价" in page.text and 'data-testid="rating-form"' not in page.text
    response = as_user(user).post(new_url(world.org_a), {"score": "1"})
    assert response.status_code == 200 and Rating.objects.count() == 1


def test_bl_2_own_staff_and_officer_are_refused_on_the_form(world, as_user):
    for user in (world.staff_a, world.officer_jinan, world.department):
        response = as_user(user).post(new_url(world.org_a), {"score": "5"})
        assert response.status_code == 403 and "BL-2" in response.text
    assert not Rating.objects.exists()


def test_rating_requires_login(world, client):
    response = client.post(new_url(world.org_a), {"score": "5"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_rating_an_unknown_association_is_404(world, as_user):
    assert (
        as_user(public()).get(new_url(world.org_a).replace(world.org_a.uscc, "51370100MJ0000099X")).status_code == 404
    )


# -- the list page ---------------------------------------------------------------------------------------


def test_list_page_paginates_and_query_count(world, client, django_assert_max_num_queries):
    for n in range(25):
        rate(public(f"p{n}"), world.org_a, score=3, now=NOW + dt.timedelta(minutes=n))
    url = reverse("selfregulation:rating_list", args=[world.org_a.uscc])
    with django_assert_max_num_queries(6):
        page = client.get(url)
    assert page.status_code == 200 and page.text.count('data-testid="rating"') == 20
    second = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true")
    assert second.text.count('data-testid="rating"') == 5 and "<html" not in second.text


# -- reports ---------------------------------------------------------------------------------------------


def test_report_once_over_the_web(world, as_user):
    rating = rate(public(), world.org_a)
    url = reverse("selfregulation:rating_report", args=[rating.pk])
    client = as_user(world.staff_b)
    assert client.post(url, {"reason": "广告"}).status_code == 302
    again = client.post(url, {"reason": "广告"})
    assert again.status_code == 200 and "您已举报过该评价" in again.text
    assert RatingReport.objects.count() == 1
    assert "您已举报" in section(client.get(portal_url(world.org_a)))


def test_report_requires_login_and_a_visible_rating(world, client, as_user):
    rating = rate(public(), world.org_a)
    url = reverse("selfregulation:rating_report", args=[rating.pk])
    assert "/accounts/login/" in client.get(url)["Location"]
    services.rating_moderate(actor=world.officer_jinan, rating=rating, action="hide", reason="辱骂", now=NOW)
    assert as_user(world.staff_b).get(url).status_code == 404


# -- console moderation ----------------------------------------------------------------------------------


def test_console_nav_links_to_the_queue(world, as_user):
    assert f'href="{QUEUE}"' in as_user(world.officer_jinan).get(reverse("registry:console_home")).text


def test_queue_lists_reported_first_and_only_the_jurisdiction(world, as_user, django_assert_max_num_queries):
    rate(public("a"), world.org_a, comment="普通评价")
    reported = rate(public("b"), world.org_a, comment="被举报的评价", now=NOW - dt.timedelta(days=1))
    rate(public("c"), world.org_b, comment="青岛的评价")
    services.rating_report(actor=world.staff_b, rating=reported, reason="广告", now=NOW)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(10):
        page = client.get(QUEUE)
    assert page.text.index("被举报的评价") < page.text.index("普通评价") and "青岛的评价" not in page.text
    pending = client.get(QUEUE, {"status": "pending"})
    assert "被举报的评价" in pending.text and "普通评价" not in pending.text


def test_queue_exports_csv(world, as_user):
    rate(public(), world.org_a, comment="=cmd|' /C calc'!A0")
    response = as_user(world.officer_jinan).get(QUEUE, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv") and "评价内容" in body
    assert world.org_a.uscc in body and "'=cmd" in body


def test_in_jurisdiction_officer_hides_with_a_reason(world, as_user):
    rating = rate(public(), world.org_a, comment="辱骂内容")
    url = reverse("selfregulation:console_rating", args=[rating.pk])
    client = as_user(world.officer_jinan)
    refused = client.post(url, {"action": "hide", "reason": ""})
    assert refused.status_code == 200 and "屏蔽评价须写明理由" in refused.text
    assert client.post(url, {"action": "hide", "reason": "辱骂"}).status_code == 302
    rating.refresh_from_db()
    assert rating.status == RatingStatus.HIDDEN
    assert client.post(url, {"action": "restore", "reason": "复核"}).status_code == 302
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VISIBLE


def test_console_access(world, as_user, client):
    rating = rate(public(), world.org_a)
    url = reverse("selfregulation:console_rating", args=[rating.pk])
    for target in (QUEUE, url):
        assert "/accounts/login/" in client.get(target)["Location"]
        for user in (world.staff_a, world.member, world.department):
            assert as_user(user).get(target).status_code == 403
    assert as_user(world.officer_qingdao).get(url).status_code == 404
    assert as_user(world.officer_qingdao).post(url, {"action": "hide", "reason": "x"}).status_code == 404
    assert as_user(world.officer_province).get(url).status_code == 200
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VISIBLE


def test_ratings_panel_costs_few_queries(world, rf, django_assert_max_num_queries):
    from xiehui.selfregulation import faces_commitments as faces

    user = public("viewer")
    for n in range(8):
        rate(public(f"p{n}"), world.org_a, score=1 + n % 5)
    request = rf.get("/")
    request.user = user
    with django_assert_max_num_queries(4):  # summary, recent, own rating, own reports
        context = faces.ratings_portal(request, world.org_a)
    assert context["summary"].count == 8 and len(context["recent"]) == faces.RECENT_RATINGS
