"""Registry rules REG-1 … REG-8, at their boundaries, through the rule functions and the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from stdnum.cn import uscc as stdnum_uscc

from xiehui.conftest import ID_NUMBERS, NOW, PASSWORD, region
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError
from xiehui.core.models import Level, Role
from xiehui.core.services import user_create
from xiehui.registry import rules, selectors, services
from xiehui.registry.models import ApplicationStatus, Organization, OrganizationStatus, RegistrationApplication

from .test_services import TODAY, application_input, change, id_number, record_org, submit


def _reg1(**kw) -> list[rules.Finding]:
    args = {
        "level": Level.MUNICIPAL,
        "individual_members": 60,
        "unit_members": 0,
        "activity_funds": Decimal("50000"),
        "domicile": "济南市历下区 1 号",
        "fulltime_staff": 1,
    }
    args.update(kw)
    return rules.registration_conditions(**args)


def _refused(**overrides) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc_info:
        submit(**overrides)
    return exc_info.value


# -- REG-1 conditions to register ----------------------------------------------------------


@pytest.mark.parametrize(
    ("individual", "unit", "ok"),
    [
        (49, 0, False),
        (50, 0, True),
        (0, 29, False),
        (0, 30, True),
        (20, 29, False),  # mixed: 49 in all
        (20, 30, True),  # mixed: 50 in all
        (49, 1, True),
        (5, 30, False),  # 30 units, but mixed with individuals: 35 in all
        (0, 0, False),
    ],
)
def test_reg_1_member_counts_at_their_boundaries(individual, unit, ok):
    findings = _reg1(individual_members=individual, unit_members=unit)
    assert (findings == []) is ok
    if not ok:
        assert [f.rule_id for f in findings] == ["REG-1"]
        assert str(individual + unit if individual and unit else individual or unit) in findings[0].message


@pytest.mark.parametrize(
    ("level", "funds", "ok"),
    [
        (Level.MUNICIPAL, "29999.99", False),
        (Level.MUNICIPAL, "30000", True),
        (Level.COUNTY, "29999.99", False),
        (Level.COUNTY, "30000.00", True),
        (Level.PROVINCIAL, "29999.99", False),
        (Level.PROVINCIAL, "30000", True),
        (Level.NATIONAL, "99999", False),
        (Level.NATIONAL, "99999.99", False),
        (Level.NATIONAL, "100000", True),
    ],
)
def test_reg_1_activity_funds_local_30000_national_100000(level, funds, ok):
    findings = _reg1(level=level, activity_funds=Decimal(funds))
    assert (findings == []) is ok
    if not ok:
        assert findings[0].field == "activity_funds"
        assert ("100,000" if level == Level.NATIONAL else "30,000") in findings[0].message


def test_reg_1_no_full_time_staff_is_refused():
    findings = _reg1(fulltime_staff=0)
    assert [(f.rule_id, f.field) for f in findings] == [("REG-1", "fulltime_staff")]
    assert _reg1(fulltime_staff=1) == []


def test_reg_1_no_fixed_domicile_is_refused():
    assert [f.field for f in _reg1(domicile="  ")] == ["domicile"]


def test_reg_1_every_unmet_condition_is_listed():
    findings = _reg1(individual_members=10, activity_funds=Decimal("100"), fulltime_staff=0, domicile="")
    assert [f.field for f in findings] == ["individual_members", "activity_funds", "domicile", "fulltime_staff"]


def test_reg_1_submission_below_the_conditions_is_refused_with_every_finding(world):
    exc = _refused(individual_members=49, activity_funds=Decimal("29999.99"))
    assert exc.code == "reg_1"
    assert exc.field == "individual_members"
    assert "REG-1" in exc.message
    assert [f["field"] for f in exc.extra["findings"]] == ["individual_members", "activity_funds"]
    assert all(f["rule"] == "REG-1" for f in exc.extra["findings"])
    assert not RegistrationApplication.objects.exists()


def test_reg_1_submission_at_the_boundaries_is_accepted(world):
    app = submit(individual_members=20, unit_members=30, activity_funds=Decimal("30000"), fulltime_staff=1)
    assert app.status == ApplicationStatus.SUBMITTED


def test_reg_1_national_body_needs_100000(world):
    national = {"level": Level.NATIONAL, "authority_region": region("100000"), "name": "中国建筑装饰协会"}
    assert _refused(activity_funds=Decimal("99999"), **national).code == "reg_1"
    assert submit(activity_funds=Decimal("100000"), **national).status == ApplicationStatus.SUBMITTED


# -- REG-2 names ----------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["中国", "全国", "中华"])
@pytest.mark.parametrize("level", [Level.PROVINCIAL, Level.MUNICIPAL, Level.COUNTY])
def test_reg_2_reserved_words_are_refused_below_national(word, level):
    findings = rules.name_reserved_words(name=f"济南市{word}建筑协会", level=level)
    assert [(f.rule_id, f.field) for f in findings] == [("REG-2", "name")]
    assert word in findings[0].message
    assert rules.name_reserved_words(name=f"{word}建筑协会", level=Level.NATIONAL) == []


def test_reg_2_reserved_word_split_by_spaces_is_still_refused():
    assert rules.name_reserved_words(name="济南市中 国建筑协会", level=Level.MUNICIPAL)
    assert rules.name_reserved_words(name="济南市中\u3000华建筑协会", level=Level.MUNICIPAL)


def test_reg_2_reserved_word_refused_on_submission(world):
    exc = _refused(name="济南市中华建筑装饰协会")
    assert exc.code == "reg_2" and exc.field == "name"
    assert "中华" in exc.message


def test_reg_2_reserved_word_accepted_for_a_national_body(world):
    app = submit(
        name="中华建筑装饰协会",
        level=Level.NATIONAL,
        authority_region=region("100000"),
        activity_funds=Decimal("100000"),
    )
    assert app.name == "中华建筑装饰协会"


@pytest.mark.parametrize(
    "name",
    ["济南市建筑业协会", " 济南市 建筑业协会 ", "济南市\u3000建筑业协会", "济南市建筑业协会\t"],
    ids=["same", "spaces", "ideographic-space", "tab"],
)
def test_reg_2_identical_name_within_the_same_authority_is_refused(world, name):
    exc = _refused(name=name)
    assert exc.code == "reg_2_identical_name"
    assert "济南市建筑业协会" in exc.message


def test_reg_2_full_width_variant_of_a_registered_name_is_refused(world):
    record_org(name="济南市BIM技术协会", n=400)
    exc = _refused(name="济南市ＢＩＭ技术协会")
    assert exc.code == "reg_2_identical_name"


def test_reg_2_latin_letters_compare_without_case(world):
    record_org(name="济南市BIM技术协会", n=401)
    exc = _refused(name="济南市bim技术协会")
    assert exc.code == "reg_2_identical_name"


def test_reg_2_submitted_names_are_stored_canonical(world):
    app = submit(name=" 济南市ＢＩＭ 应用协会 ")
    assert app.name == "济南市BIM应用协会"


def test_reg_2_identical_to_a_pending_application_is_refused(world):
    submit(name="济南市装配式建筑协会", rep=101)
    exc = _refused(name="济南市装配式建筑协会", rep=102)
    assert exc.code == "reg_2_identical_name"


def test_reg_2_identical_name_is_allowed_at_another_authority(world):
    app = submit(name="济南市建筑业协会", authority_region=region("370200"), region=region("370202"))
    assert app.status == ApplicationStatus.SUBMITTED


def test_reg_2_a_deregistered_bodys_name_can_be_used_again(world):
    record_org(name="济南市陶瓷协会", n=401, status=OrganizationStatus.DEREGISTERED)
    assert submit(name="济南市陶瓷协会").status == ApplicationStatus.SUBMITTED


def test_reg_2_a_change_to_the_name_of_a_pending_application_is_refused(world):
    submit(name="济南市建筑装饰协会")
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a, organization=world.org_a, data=change(name="济南市建筑装饰协会"), now=NOW
        )
    assert exc_info.value.code == "reg_2_identical_name"


def test_reg_2_similar_names_are_reported_to_the_officer_but_not_refused(world):
    app = submit(name="济南市建筑行业协会")  # same business words as 济南市建筑业协会
    assert app.status == ApplicationStatus.SUBMITTED
    similar = selectors.similar_names(name=app.name, authority_region=app.authority_region, exclude_application=app.pk)
    assert [(o.name, score) for o, score in similar] == [("济南市建筑业协会", 1.0)]


def test_reg_2_similar_names_exclude_other_business_and_other_authorities(world):
    # 青岛市软件行业协会 is registered in 青岛, not 济南; 济南市建筑业协会 is another business.
    assert selectors.similar_names(name="济南市软件行业协会", authority_region=region("370100")) == []
    qingdao = selectors.similar_names(name="青岛市软件协会", authority_region=region("370200"))
    assert [o.name for o, _ in qingdao] == ["青岛市软件行业协会"]


def test_reg_2_name_similarity_of_cores():
    assert rules.name_similarity("建筑", "建筑业") == 1.0
    assert rules.name_similarity("软件", "建筑") == 0.0
    assert rules.name_similarity("", "建筑") == 0.0
    assert rules.name_core("济南市建筑行业协会", rules.region_name_forms(["济南市", "山东省"])) == "建筑"


# -- REG-3 decision time ---------------------------------------------------------------------


def test_reg_3_application_due_60_days_after_complete():
    assert rules.decision_due(dt.date(2026, 11, 23)) == dt.date(2027, 1, 22)
    assert rules.decision_due(dt.date(2026, 1, 1)) == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("day", "state"),
    [(52, "ok"), (53, "due_soon"), (59, "due_soon"), (60, "due_soon"), (61, "overdue"), (90, "overdue")],
)
def test_reg_3_deadline_state_by_day_after_complete(day, state):
    complete_on = dt.date(2026, 11, 23)
    due = rules.decision_due(complete_on)
    assert rules.deadline_state(due, complete_on + dt.timedelta(days=day)) == state


def test_reg_3_complete_on_is_the_shanghai_date_of_submission(world):
    just_after_midnight = dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC)  # 00:30 on 23 Nov in Shanghai
    app = submit(now=just_after_midnight)
    assert app.complete_on == dt.date(2026, 11, 23)
    assert app.due_on == dt.date(2027, 1, 22)


# -- REG-4 one legal representative, one body ---------------------------------------------------


def test_reg_4_second_legal_representative_refused_at_submission(world):
    exc = _refused(legal_representative=services.PersonInput("代表0", ID_NUMBERS[0]))
    assert exc.code == "reg_4_legal_representative_taken"
    assert "济南市建筑业协会" in exc.message
    assert not RegistrationApplication.objects.exists()


def test_reg_4_matched_on_identity_number_whatever_the_case_of_x(world):
    exc = _refused(legal_representative=services.PersonInput("代表0", ID_NUMBERS[0].lower()))
    assert exc.code == "reg_4_legal_representative_taken"


def test_reg_4_second_legal_representative_refused_at_approval(world):
    first = submit(name="济南市建筑装饰协会", rep=200)
    second = submit(name="济南市园林绿化协会", rep=200)  # both pending: allowed to file
    services.application_approve(actor=world.officer_jinan, application=first, now=NOW)
    with pytest.raises(ApplicationError) as exc_info:
        services.application_approve(actor=world.officer_jinan, application=second, now=NOW)
    assert exc_info.value.code == "reg_4_legal_representative_taken"
    second.refresh_from_db()
    assert second.status == ApplicationStatus.SUBMITTED
    assert not Organization.objects.filter(name="济南市园林绿化协会").exists()


def test_reg_4_second_legal_representative_refused_at_change_submission(world):
    # 代表1 is already the legal representative of 青岛市软件行业协会.
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_submit(
            actor=world.staff_a,
            organization=world.org_a,
            data=change(legal_representative=services.PersonInput("代表1", ID_NUMBERS[1])),
            now=NOW,
        )
    assert exc_info.value.code == "reg_4_legal_representative_taken"


def test_reg_4_second_legal_representative_refused_at_change_approval(world):
    filing = services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=change(legal_representative=services.PersonInput("发起人201", id_number(201))),
        now=NOW,
    )
    # meanwhile the same person becomes legal representative of a newly registered body
    app = submit(name="济南市园林绿化协会", rep=201)
    services.application_approve(actor=world.officer_jinan, application=app, now=NOW)
    with pytest.raises(ApplicationError) as exc_info:
        services.change_filing_approve(actor=world.officer_jinan, filing=filing, now=NOW)
    assert exc_info.value.code == "reg_4_legal_representative_taken"
    assert Organization.objects.get(pk=world.org_a.pk).legal_representative.name == "代表0"


def test_reg_4_representative_of_a_deregistered_body_may_represent_another(world):
    record_org(name="济南市陶瓷协会", n=402, status=OrganizationStatus.DEREGISTERED)
    app = submit(legal_representative=services.PersonInput("代表人402", id_number(402)))
    assert app.status == ApplicationStatus.SUBMITTED


# -- REG-5 changes filed within 30 days ------------------------------------------------------------


def test_reg_5_filing_due_30_days_after_the_decision():
    assert rules.filing_due(dt.date(2026, 3, 1)) == dt.date(2026, 3, 31)
    assert rules.filing_due(dt.date(2026, 10, 24)) == dt.date(2026, 11, 23)


@pytest.mark.parametrize(("days_after", "late"), [(29, False), (30, False), (31, True)])
def test_reg_5_filed_late_by_day_after_the_decision(world, days_after, late):
    decided_on = TODAY - dt.timedelta(days=days_after)
    filing = services.change_filing_submit(
        actor=world.staff_a, organization=world.org_a, data=change(domicile="新址 1 号", decided_on=decided_on), now=NOW
    )
    assert filing.filing_due_on == decided_on + dt.timedelta(days=30)
    assert filing.filed_late is late


def test_reg_5_lateness_counts_in_shanghai_dates(world):
    # 16:30 UTC on 22 Nov is 00:30 on 23 Nov in Shanghai: 31 days after 23 Oct, so late.
    filed = dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC)
    filing = services.change_filing_submit(
        actor=world.staff_a,
        organization=world.org_a,
        data=change(domicile="新址 1 号", decided_on=dt.date(2026, 10, 23)),
        now=filed,
    )
    assert filing.filed_late is True


# -- REG-8 USCC on approval --------------------------------------------------------------------------


def test_reg_8_approval_assigns_a_valid_uscc_with_51_and_the_authority_region(world):
    org = services.application_approve(actor=world.officer_jinan, application=submit(), now=NOW)
    assert stdnum_uscc.is_valid(org.uscc)
    assert org.uscc.startswith("51370100")
    assert org.uscc != world.org_a.uscc  # the serial skips the code already on the register


def test_reg_8_consecutive_approvals_get_distinct_codes(world):
    codes = [
        services.application_approve(
            actor=world.officer_jinan, application=submit(name=name, rep=210 + i), now=NOW
        ).uscc
        for i, name in enumerate(["济南市建筑装饰协会", "济南市园林绿化协会", "济南市陶瓷协会"])
    ]
    assert len(set(codes)) == 3
    assert all(stdnum_uscc.is_valid(c) and c.startswith("51370100") for c in codes)
    assert world.org_a.uscc not in codes


def test_reg_8_national_body_gets_region_100000(world):
    app = submit(
        name="中国建筑装饰协会",
        level=Level.NATIONAL,
        authority_region=region("100000"),
        activity_funds=Decimal("100000"),
    )
    officer = user_create(
        actor=None,
        username="officer_mca",
        password=PASSWORD,
        role=Role.OFFICER,
        jurisdiction_region=region("100000"),
        jurisdiction_level=Level.NATIONAL,
    )
    org = services.application_approve(actor=officer, application=app, now=NOW)
    assert org.uscc.startswith("51100000") and stdnum_uscc.is_valid(org.uscc)


def test_reg_8_recording_a_uscc_of_another_authority_region_is_refused(world):
    data = application_input()
    with pytest.raises(ApplicationError) as exc_info:
        services.organization_record(
            actor=None,
            data=services.OrganizationRecord(
                uscc=make_uscc(region_code="370200", body="TK000900"),
                name="济南市陶瓷协会",
                kind="association",
                level=Level.MUNICIPAL,
                authority_region=region("370100"),
                region=region("370102"),
                domicile=data.domicile,
                industries=data.industries,
                business_scope="行业服务",
                legal_representative=services.PersonInput("代表人900", id_number(900)),
                activity_funds=Decimal("100000"),
                registered_on=dt.date(2020, 1, 1),
            ),
            now=NOW,
        )
    assert exc_info.value.code == "uscc_region_mismatch"
