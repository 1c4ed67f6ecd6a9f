"""BL-2 social evaluation: who rates, once a year, the score and comment bounds, reports, moderation, summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiehui.conftest import NOW, PASSWORD
from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry, Role, User
from xiehui.core.services import user_create
from xiehui.membership import services as membership
from xiehui.selfregulation import selectors_commitments as selectors
from xiehui.selfregulation import services_commitments as services
from xiehui.selfregulation.models import Rating, RatingReport, RatingStatus

pytestmark = pytest.mark.django_db

NEXT_YEAR = dt.datetime(2027, 1, 1, 0, 0, tzinfo=clock.SHANGHAI)


def public(username: str = "citizen") -> User:
    return user_create(actor=None, username=username, password=PASSWORD, role=Role.PUBLIC, display_name="王公众")


def make_member(world, org=None, user=None):  # type: ignore[no-untyped-def]
    """world.member (or `user`) represents a current member enterprise of org_a (or `org`)."""
    org = org or world.org_a
    member = membership.member_record(
        actor=None,
        organization=org,
        kind="enterprise",
        name="济南示范建筑有限公司",
        uscc=make_uscc(region_code="370100", body="MA000001", category="91"),
        joined_on=dt.date(2020, 1, 1),
        now=NOW,
    )
    membership.representative_add(
        actor=None, member=member, user=user or world.member, since=dt.date(2020, 1, 1), now=NOW
    )
    return member


def rate(actor, org, score=4, comment="服务周到", now=NOW) -> Rating:  # type: ignore[no-untyped-def]
    return services.rating_submit(actor=actor, organization=org, score=score, comment=comment, now=now)


# -- who rates -------------------------------------------------------------------------------------------


def test_bl_2_member_representative_rates_as_member(world):
    make_member(world)
    rating = rate(world.member, world.org_a)
    assert rating.as_member and rating.year == 2026 and rating.status == RatingStatus.VISIBLE
    assert AuditEntry.objects.filter(action="selfregulation.rating.submitted", object_id=str(rating.pk)).exists()


def test_bl_2_member_of_another_association_rates_as_public(world):
    make_member(world, org=world.org_b)
    assert not rate(world.member, world.org_a).as_member


def test_bl_2_public_user_and_staff_of_another_association_rate(world):
    assert not rate(public(), world.org_a).as_member
    assert rate(world.staff_b, world.org_a).score == 4


def test_bl_2_staff_of_the_rated_association_is_refused(world):
    with pytest.raises(ApplicationError) as exc:
        rate(world.staff_a, world.org_a)
    assert exc.value.status == 403 and "BL-2" in exc.value.message and exc.value.extra["rule"] == "BL-2"
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["officer_jinan", "officer_qingdao", "officer_province", "department"])
def test_bl_2_government_users_are_refused(world, who):
    with pytest.raises(ApplicationError) as exc:
        rate(getattr(world, who), world.org_a)
    assert exc.value.code == "rating_role_refused" and "BL-2" in exc.value.message


@pytest.mark.parametrize("role", [Role.PARTY, Role.ADMIN, Role.EXPERT])
def test_bl_2_party_admin_and_experts_are_refused(world, role):
    user = user_create(actor=None, username=f"u_{role}", password=PASSWORD, role=role)
    with pytest.raises(ApplicationError, match="BL-2"):
        rate(user, world.org_a)


# -- score and comment at their bounds --------------------------------------------------------------------


@pytest.mark.parametrize(("score", "ok"), [(0, False), (1, True), (5, True), (6, False)])
def test_bl_2_score_bounds(world, score, ok):
    if ok:
        assert rate(public(), world.org_a, score=score).score == score
    else:
        with pytest.raises(ApplicationError) as exc:
            rate(public(), world.org_a, score=score)
        assert exc.value.field == "score" and "1 至 5" in exc.value.message and not Rating.objects.exists()


def test_bl_2_comment_max_is_500_characters(world):
    assert len(rate(public("a"), world.org_a, comment="好" * 500).comment) == 500
    with pytest.raises(ApplicationError) as exc:
        rate(public("b"), world.org_a, comment="好" * 501)
    assert exc.value.field == "comment" and "500" in exc.value.message


def test_bl_2_comment_is_optional(world):
    assert rate(public(), world.org_a, comment="  ").comment == ""


# -- once per calendar year -------------------------------------------------------------------------------


def test_bl_2_second_rating_in_the_same_year_is_refused_with_a_clear_message(world):
    user = public()
    rate(user, world.org_a, now=NOW)
    with pytest.raises(ApplicationError) as exc:
        rate(user, world.org_a, now=dt.datetime(2026, 12, 31, 23, 59, tzinfo=clock.SHANGHAI))
    assert exc.value.code == "rating_exists" and exc.value.status == 409
    assert "您已对该协会作出 2026 年度评价" in exc.value.message
    assert Rating.objects.count() == 1


def test_bl_2_next_calendar_year_is_allowed(world):
    user = public()
    rate(user, world.org_a, now=NOW)
    assert rate(user, world.org_a, now=NEXT_YEAR).year == 2027


def test_bl_2_year_follows_shanghai_time(world):
    # 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai
    late = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    assert rate(public(), world.org_a, now=late).year == 2027


def test_bl_2_one_rating_each_for_two_associations(world):
    user = public()
    rate(user, world.org_a)
    assert rate(user, world.org_b).organization == world.org_b


# -- reports ----------------------------------------------------------------------------------------------


def test_anyone_logged_in_reports_once(world):
    rating = rate(public(), world.org_a)
    services.rating_report(actor=world.staff_b, rating=rating, reason="人身攻击", now=NOW)
    services.rating_report(actor=world.officer_qingdao, rating=rating, reason="广告", now=NOW)
    rating.refresh_from_db()
    assert rating.reports == 2 and RatingReport.objects.count() == 2
    with pytest.raises(ApplicationError) as exc:
        services.rating_report(actor=world.staff_b, rating=rating, reason="再次", now=NOW)
    assert exc.value.code == "report_exists"
    rating.refresh_from_db()
    assert rating.reports == 2


def test_a_report_needs_a_reason_and_not_ones_own_rating(world):
    user = public()
    rating = rate(user, world.org_a)
    with pytest.raises(ApplicationError, match="举报理由"):
        services.rating_report(actor=world.staff_b, rating=rating, reason=" ", now=NOW)
    with pytest.raises(ApplicationError, match="自己的评价"):
        services.rating_report(actor=user, rating=rating, reason="误操作", now=NOW)


# -- moderation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("officer", ["officer_jinan", "officer_province"])
def test_officer_of_the_jurisdiction_hides_and_restores(world, officer):
    rating = rate(public(), world.org_a)
    actor = getattr(world, officer)
    services.rating_moderate(actor=actor, rating=rating, action="hide", reason="辱骂", now=NOW)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.HIDDEN and rating.moderated_by == actor and rating.moderation_reason == "辱骂"
    services.rating_moderate(actor=actor, rating=rating, action="restore", reason="复核后恢复", now=NOW)
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VISIBLE
    actions = set(AuditEntry.objects.filter(object_id=str(rating.pk)).values_list("action", flat=True))
    assert {"selfregulation.rating.hidden", "selfregulation.rating.restored"} <= actions


@pytest.mark.parametrize("who", ["officer_qingdao", "staff_a", "department", "member"])
def test_others_cannot_moderate_and_learn_nothing(world, who):
    rating = rate(public(), world.org_a)
    with pytest.raises(ApplicationError) as exc:
        services.rating_moderate(actor=getattr(world, who), rating=rating, action="hide", reason="x", now=NOW)
    assert exc.value.status == 404
    with pytest.raises(ApplicationError):
        selectors.rating_get_for_moderator(actor=getattr(world, who), pk=rating.pk)


def test_hiding_needs_a_reason(world):
    rating = rate(public(), world.org_a)
    with pytest.raises(ApplicationError) as exc:
        services.rating_moderate(actor=world.officer_jinan, rating=rating, action="hide", reason="", now=NOW)
    assert exc.value.field == "reason"


def test_a_hidden_rating_cannot_be_reported(world):
    rating = rate(public(), world.org_a)
    services.rating_moderate(actor=world.officer_jinan, rating=rating, action="hide", reason="辱骂", now=NOW)
    with pytest.raises(ApplicationError) as exc:
        services.rating_report(actor=world.staff_b, rating=rating, reason="x", now=NOW)
    assert exc.value.status == 404
    with pytest.raises(ApplicationError):
        selectors.rating_get(pk=rating.pk)


def test_queue_puts_reported_ratings_not_yet_reviewed_first(world):
    quiet = rate(public("a"), world.org_a)
    reported = rate(public("b"), world.org_a)
    other_org = rate(public("c"), world.org_b)
    services.rating_report(actor=world.staff_b, rating=reported, reason="广告", now=NOW)
    queue = selectors.moderation_queue(actor=world.officer_jinan, filters=selectors.ModerationFilters())
    assert list(queue) == [reported, quiet] and other_org not in queue
    pending = selectors.ModerationFilters(status="pending")
    assert list(selectors.moderation_queue(actor=world.officer_jinan, filters=pending)) == [reported]
    later = NOW + dt.timedelta(hours=1)
    services.rating_moderate(actor=world.officer_jinan, rating=reported, action="restore", reason="", now=later)
    assert not selectors.moderation_queue(actor=world.officer_jinan, filters=pending).exists()
    services.rating_report(
        actor=world.department, rating=reported, reason="又见广告", now=later + dt.timedelta(hours=1)
    )
    assert list(selectors.moderation_queue(actor=world.officer_jinan, filters=pending)) == [reported]


# -- the summary later domains read -----------------------------------------------------------------------


def test_summary_counts_average_distribution_members_and_public(world):
    make_member(world)
    rate(world.member, world.org_a, score=5)
    rate(public("a"), world.org_a, score=4)
    rate(public("b"), world.org_a, score=4)
    summary = selectors.rating_summary(world.org_a, as_of=NOW.date())
    assert summary.count == 3 and summary.average == Decimal("4.3")
    assert summary.distribution == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert (summary.members, summary.public) == (1, 2)


def test_summary_rounds_half_up_to_one_decimal(world):
    for name, score in (("a", 3), ("b", 3), ("c", 4), ("d", 3)):  # 13 / 4 = 3.25
        rate(public(name), world.org_a, score=score)
    assert selectors.rating_summary(world.org_a, as_of=NOW.date()).average == Decimal("3.3")


def test_summary_excludes_hidden_ratings(world):
    rate(public("a"), world.org_a, score=5)
    abusive = rate(public("b"), world.org_a, score=1)
    services.rating_moderate(actor=world.officer_jinan, rating=abusive, action="hide", reason="辱骂", now=NOW)
    summary = selectors.rating_summary(world.org_a, as_of=NOW.date())
    assert summary.count == 1 and summary.average == Decimal("5.0") and summary.distribution[1] == 0
    assert [r.score for r in selectors.ratings_visible(world.org_a)] == [5]


def test_summary_is_as_of_a_date_and_per_year(world):
    user = public()
    rate(user, world.org_a, score=2, now=NOW)
    rate(user, world.org_a, score=4, now=NEXT_YEAR)
    assert selectors.rating_summary(world.org_a, as_of=dt.date(2026, 11, 22)).count == 0
    assert selectors.rating_summary(world.org_a, as_of=dt.date(2026, 12, 31)).average == Decimal("2.0")
    later = selectors.rating_summary(world.org_a, as_of=dt.date(2027, 1, 1))
    assert later.count == 2 and later.average == Decimal("3.0")
    assert selectors.rating_summary(world.org_a, year=2027, as_of=dt.date(2027, 1, 1)).average == Decimal("4.0")


def test_summary_without_ratings_and_for_many_associations_in_one_query(world, django_assert_num_queries):
    rate(public(), world.org_b, score=3)
    with django_assert_num_queries(1):
        found = selectors.rating_summaries([world.org_a.pk, world.org_b.pk], as_of=NOW.date())
    assert found[world.org_a.pk].count == 0 and found[world.org_a.pk].average is None
    assert found[world.org_b.pk].count == 1
