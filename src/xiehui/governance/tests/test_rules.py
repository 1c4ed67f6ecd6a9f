"""GOV-1 … GOV-6 as pure checks, at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.governance import rules
from xiehui.governance.models import OfficialStatus, OrganKind, Post

GOV1 = rules.GOV1.parameters
GOV2 = rules.GOV2.parameters
GOV3 = rules.GOV3.parameters
GOV4 = rules.GOV4.parameters
GOV5 = rules.GOV5.parameters


def person(born: dt.date, status: str = OfficialStatus.NONE, retired_on: dt.date | None = None) -> rules.PersonFacts:
    return rules.PersonFacts("张三", born, status, retired_on)


def candidate(**kw) -> rules.Candidate:  # type: ignore[no-untyped-def]
    base = dict(organization_id=1, person_id=7, post=Post.PRESIDENT, term_id=30, term_number=3, on=dt.date(2026, 1, 1))
    base.update(kw)
    return rules.Candidate(**base)  # type: ignore[arg-type]


def held(**kw) -> rules.Held:  # type: ignore[no-untyped-def]
    base = dict(
        organization_id=1,
        organization_name="本会",
        post=Post.PRESIDENT,
        term_id=20,
        term_number=2,
        status="ended",
        person_id=7,
    )
    base.update(kw)
    return rules.Held(**base)  # type: ignore[arg-type]


# -- GOV-1 age -------------------------------------------------------------------------------------------


def test_gov_1_allows_age_70_exactly_on_the_birthday():
    check = rules.gov_1_age(person(dt.date(1956, 5, 10)), dt.date(2026, 5, 10), GOV1)
    assert check.ok and "70周岁" in check.facts


def test_gov_1_refuses_age_70_and_a_day():
    check = rules.gov_1_age(person(dt.date(1956, 5, 10)), dt.date(2026, 5, 11), GOV1)
    assert not check.ok
    assert check.rule_id == "GOV-1" and "2026-05-10年满70周岁" in check.facts and "上限70周岁" in check.facts


def test_gov_1_allows_the_day_before_the_70th_birthday():
    assert rules.gov_1_age(person(dt.date(1956, 5, 10)), dt.date(2026, 5, 9), GOV1).ok


def test_gov_1_29_february_birth_turns_70_on_28_february_of_a_common_year():
    born = dt.date(1956, 2, 29)
    assert rules.anniversary(born, 70) == dt.date(2026, 2, 28)
    assert rules.gov_1_age(person(born), dt.date(2026, 2, 28), GOV1).ok
    assert not rules.gov_1_age(person(born), dt.date(2026, 3, 1), GOV1).ok


def test_gov_1_29_february_birth_keeps_29_february_when_the_limit_year_is_a_leap_year():
    # 70 is not a multiple of 4, so with a limit of 72 years: 1952-02-29 -> 2024-02-29
    born = dt.date(1952, 2, 29)
    assert rules.gov_1_age(person(born), dt.date(2024, 2, 29), {"max_age": 72}).ok
    assert not rules.gov_1_age(person(born), dt.date(2024, 3, 1), {"max_age": 72}).ok


# -- GOV-1 term length, consecutive terms, president and secretary-general ----------------------------


def test_gov_1_allows_a_term_of_5_years_exactly():
    assert rules.gov_1_term_length(dt.date(2022, 6, 30), dt.date(2027, 6, 30), GOV1).ok


def test_gov_1_refuses_a_term_of_5_years_and_a_day():
    check = rules.gov_1_term_length(dt.date(2022, 6, 30), dt.date(2027, 7, 1), GOV1)
    assert not check.ok and "超过5年" in check.facts and "2027-06-30" in check.facts


def test_gov_1_allows_the_second_consecutive_term():
    assert rules.gov_1_consecutive(candidate(), [held(term_id=20, term_number=2)], GOV1).ok


def test_gov_1_refuses_the_third_consecutive_term():
    history = [held(term_id=10, term_number=1), held(term_id=20, term_number=2)]
    check = rules.gov_1_consecutive(candidate(), history, GOV1)
    assert not check.ok and "连续第3届" in check.facts and "上限连任2届" in check.facts


def test_gov_1_a_gap_resets_the_consecutive_count():
    history = [held(term_id=10, term_number=1), held(term_id=20, term_number=2)]
    assert rules.gov_1_consecutive(candidate(term_number=4, term_id=40), history, GOV1).ok


def test_gov_1_other_posts_and_withdrawn_nominations_do_not_count():
    history = [held(term_number=1, post=Post.VICE_PRESIDENT), held(term_number=2, status="withdrawn")]
    assert rules.gov_1_consecutive(candidate(), history, GOV1).ok


def test_gov_1_refuses_president_and_secretary_general_the_same_person():
    same_term = [held(post=Post.SECRETARY_GENERAL, term_id=30, term_number=3, status="serving")]
    [check] = rules.gov_1_president_sg(candidate(), same_term)
    assert not check.ok and check.name == "president_sg_person"


def test_gov_1_refuses_president_and_secretary_general_from_the_same_member_unit():
    same_term = [held(post=Post.SECRETARY_GENERAL, status="nominated", person_id=8, member_unit_id=5)]
    [check] = rules.gov_1_president_sg(candidate(member_unit_id=5), same_term)
    assert not check.ok and "同一会员单位" in check.facts
    [ok] = rules.gov_1_president_sg(candidate(member_unit_id=6), same_term)
    assert ok.ok


def test_gov_1_refuses_president_serving_as_secretary_general_in_another_association():
    history = [
        held(organization_id=2, organization_name="青岛市软件行业协会", post=Post.SECRETARY_GENERAL, status="serving")
    ]
    [check] = rules.gov_1_other_association(candidate(), history)
    assert not check.ok and "青岛市软件行业协会秘书长" in check.facts
    assert rules.gov_1_other_association(candidate(post=Post.VICE_PRESIDENT), history) == []


def test_gov_1_election_attendance_two_thirds_exactly_met_and_missed():
    assert rules.gov_1_election_attendance(60, 90, GOV1).ok
    assert not rules.gov_1_election_attendance(59, 90, GOV1).ok


# -- GOV-2 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [OfficialStatus.SERVING, OfficialStatus.ON_LEAVE])
def test_gov_2_refuses_serving_and_on_leave_officials(status):
    [check] = rules.gov_2_checks(candidate(), person(dt.date(1970, 1, 1), status), [], GOV2)
    assert not check.ok and check.rule_id == "GOV-2" and check.field == "official_status"


def retired(**kw) -> list[rules.Check]:  # type: ignore[no-untyped-def]
    c = candidate(
        post=kw.pop("post", Post.VICE_PRESIDENT),
        approval_document=kw.pop("doc", "鲁组干字〔2025〕1号"),
        approved_on=kw.pop("approved_on", dt.date(2025, 12, 1)),
        paid=kw.pop("paid", False),
        on=kw.pop("on", dt.date(2026, 1, 1)),
    )
    who = person(kw.pop("born", dt.date(1960, 1, 1)), OfficialStatus.RETIRED, kw.pop("retired_on", dt.date(2020, 1, 1)))
    return rules.gov_2_checks(c, who, kw.pop("history", []), GOV2)


def failed(checks: list[rules.Check]) -> set[str]:
    return {c.name for c in rules.refusals(checks)}


def test_gov_2_allows_an_approved_unpaid_retired_official():
    assert failed(retired()) == set()


def test_gov_2_refuses_retired_official_paid_or_legal_representative_or_without_approval():
    assert failed(retired(paid=True)) == {"unpaid"}
    assert failed(retired(post=Post.LEGAL_REPRESENTATIVE)) == {"legal_representative"}
    assert failed(retired(doc="", approved_on=None)) == {"approval"}


def test_gov_2_refuses_a_second_association():
    other = held(organization_id=2, organization_name="青岛市软件行业协会", post=Post.VICE_PRESIDENT, status="serving")
    assert failed(retired(history=[other])) == {"associations"}


def test_gov_2_refuses_the_third_term_in_the_association():
    history = [held(term_id=10, term_number=1, post=Post.COUNCIL_MEMBER), held(term_id=20, term_number=2)]
    assert failed(retired(history=history)) == {"terms"}
    assert failed(retired(history=history[1:])) == set()


def test_gov_2_retired_age_70_exactly_and_a_day():
    assert "age" not in failed(retired(born=dt.date(1956, 1, 1), on=dt.date(2026, 1, 1)))
    assert "age" in failed(retired(born=dt.date(1956, 1, 1), on=dt.date(2026, 1, 2)))


def test_gov_2_within_3_years_of_retirement_needs_the_special_approval():
    inside = retired(retired_on=dt.date(2023, 1, 2), doc="", approved_on=None)
    assert failed(inside) == {"approval", "cooling_off"}
    assert "cooling_off" not in failed(retired(retired_on=dt.date(2023, 1, 1), doc="", approved_on=None))
    assert failed(retired(retired_on=dt.date(2023, 1, 2))) == set()


# -- GOV-3 ----------------------------------------------------------------------------------------------


def extension(votes_for: int, present: int, **kw) -> list[rules.Check]:  # type: ignore[no-untyped-def]
    base = dict(
        matter="term_extension",
        passed=True,
        organ_kind=OrganKind.ASSEMBLY,
        votes_for=votes_for,
        present=present,
        approval_document="鲁民函〔2026〕5号",
        approved_on=dt.date(2026, 5, 1),
        values=GOV3,
    )
    base.update(kw)
    return rules.gov_3_extension(**base)  # type: ignore[arg-type]


def test_gov_3_extension_two_thirds_exactly_met_passes():
    assert rules.refusals(extension(60, 90)) == []


def test_gov_3_extension_one_vote_short_of_two_thirds_is_refused():
    [check] = rules.refusals(extension(59, 90))
    assert check.rule_id == "GOV-3" and "赞成59票、到会90人" in check.facts and "2/3" in check.facts


def test_gov_3_extension_needs_the_authoritys_approval_and_an_assembly_resolution():
    assert failed(extension(90, 90, approval_document="")) == {"extension_approval"}
    assert failed(extension(90, 90, organ_kind=OrganKind.COUNCIL)) == {"extension_resolution"}
    assert failed(extension(90, 90, matter="ordinary")) == {"extension_resolution"}


def test_gov_3_overdue_the_day_after_the_end_not_on_it():
    assert rules.gov_3_overdue(2, dt.date(2025, 6, 30), None, dt.date(2025, 6, 30)).ok
    check = rules.gov_3_overdue(2, dt.date(2025, 6, 30), None, dt.date(2025, 7, 1))
    assert not check.ok and "逾期1天" in check.facts
    assert rules.gov_3_overdue(2, dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 8, 1)).ok


# -- GOV-4, GOV-5, GOV-6 -------------------------------------------------------------------------------


def test_gov_4_audit_window_edges():
    on = dt.date(2026, 6, 30)
    assert rules.gov_4_audit("reelection", on, [("reelection", dt.date(2025, 6, 30), "审1")], GOV4).ok
    assert not rules.gov_4_audit("reelection", on, [("reelection", dt.date(2025, 6, 29), "审1")], GOV4).ok
    assert rules.gov_4_audit("reelection", on, [("reelection", on, "审1")], GOV4).ok
    assert not rules.gov_4_audit("reelection", on, [("reelection", dt.date(2026, 7, 1), "审1")], GOV4).ok
    assert not rules.gov_4_audit("reelection", on, [("annual", dt.date(2026, 1, 1), "审1")], GOV4).ok


def test_gov_4_window_is_configurable():
    values = {"audit_window_months": 6}
    assert not rules.gov_4_audit(
        "reelection", dt.date(2026, 6, 30), [("reelection", dt.date(2025, 12, 29), "x")], values
    ).ok


def test_gov_5_default_routing_and_the_delegate_assembly():
    assert rules.gov_5_route("major", values=GOV5, has_delegate_assembly=False) == "assembly"
    assert rules.gov_5_route("major", values=GOV5, has_delegate_assembly=True) == "delegate_assembly"
    assert rules.gov_5_route("important", values=GOV5, has_delegate_assembly=True) == "council"
    assert rules.gov_5_route("ordinary", values=GOV5, has_delegate_assembly=False) == "president_office"
    assert (
        rules.gov_5_route("important", values={**GOV5, "important": "standing_council"}, has_delegate_assembly=False)
        == "standing_council"
    )


def test_gov_5_refuses_a_matter_routed_elsewhere():
    check = rules.gov_5_check("major", "council", "assembly")
    assert not check.ok and "重大事项应提交会员大会" in check.facts


def test_gov_6_refuses_distributing_income():
    assert not rules.gov_6_check(True).ok and rules.gov_6_check(False).ok


# -- found in review ------------------------------------------------------------------------------------


def test_gov_2_refuses_a_retired_official_whose_retirement_is_after_the_day():
    # recorded as retired, but on the nomination day still a serving civil servant: no approval makes it lawful
    [check] = retired(retired_on=dt.date(2026, 1, 2), on=dt.date(2026, 1, 1))
    assert not check.ok and check.name == "official" and "2026-01-02退（离）休" in check.facts
    assert "official" not in failed(retired(retired_on=dt.date(2026, 1, 1), on=dt.date(2026, 1, 1)))


def test_gov_2_refuses_an_approval_dated_after_the_day():
    late = retired(approved_on=dt.date(2026, 1, 2), on=dt.date(2026, 1, 1))
    assert failed(late) == {"approval"}
    assert failed(retired(approved_on=dt.date(2026, 1, 1), on=dt.date(2026, 1, 1))) == set()


def test_gov_1_age_and_consecutive_terms_bind_leader_posts_not_council_members():
    old = person(dt.date(1950, 1, 1))
    two_before = [held(term_id=10, term_number=1, post=Post.COUNCIL_MEMBER), held(post=Post.COUNCIL_MEMBER)]
    council = rules.appointment_checks(candidate(post=Post.COUNCIL_MEMBER), old, two_before, [], gov1=GOV1, gov2=GOV2)
    assert rules.refusals(council) == []
    leader = rules.appointment_checks(candidate(post=Post.VICE_PRESIDENT), old, [], [], gov1=GOV1, gov2=GOV2)
    assert [c.name for c in rules.refusals(leader)] == ["age"]


def test_gov_1_election_attendance_refused_when_the_entitled_number_is_not_recorded():
    check = rules.gov_1_election_attendance(50, 0, GOV1)
    assert not check.ok and check.rule_id == "GOV-1" and "应到人数" in check.facts
