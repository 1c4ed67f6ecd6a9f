"""Governance services: each refusal names the rule and the fact; writes are audited."""

from __future__ import annotations

import pytest

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry, Person
from xiehui.governance import selectors, services
from xiehui.governance.models import (
    AppointmentStatus,
    FinancialAudit,
    Importance,
    LeaderFacts,
    MatterKind,
    OfficialStatus,
    OrganKind,
    Post,
)

from .builders import D, audit, idn, nominate, organs, resolution, serve, term

pytestmark = pytest.mark.django_db


def refused(rule_id: str, func, *args, **kwargs) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as exc:
        func(*args, **kwargs)
    assert exc.value.code == rule_id and exc.value.message.startswith(f"{rule_id}："), exc.value.message
    return exc.value


# -- leaders ---------------------------------------------------------------------------------------------


def test_leader_record_derives_the_birth_date_and_stores_the_id_number_encrypted(world):
    number = idn(D(1965, 3, 1))
    person = services.leader_record(actor=None, name="王会长", id_number=number, now=NOW)
    assert person.leader_facts.birth_date == D(1965, 3, 1)
    assert number not in (person.id_number_encrypted, person.id_number_masked) and person.id_number == number
    assert person.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    again = services.leader_record(actor=None, name="王会长", id_number=number.lower(), now=NOW)
    assert again.pk == person.pk and Person.objects.count() >= 1


def test_leader_record_refuses_a_birth_date_that_does_not_match(world):
    with pytest.raises(ApplicationError) as exc:
        services.leader_record(actor=None, name="王", id_number=idn(D(1965, 3, 1)), birth_date=D(1965, 3, 2), now=NOW)
    assert exc.value.field == "birth_date"


def test_leader_record_refuses_an_invalid_id_number_and_a_retired_official_without_a_date(world):
    with pytest.raises(ApplicationError) as exc:
        services.leader_record(actor=None, name="王", id_number="370102196503010010", now=NOW)
    assert exc.value.field == "id_number"
    with pytest.raises(ApplicationError) as exc:
        services.leader_record(
            actor=None, name="王", id_number=idn(D(1960, 1, 1)), official_status=OfficialStatus.RETIRED, now=NOW
        )
    assert exc.value.field == "retired_on"


def test_gov_1_nomination_refused_at_70_and_a_day_records_nothing(world):
    t = term(world.org_a)
    born = D(1952, 6, 29)  # 70 on 2022-06-29; nominated 2022-06-30
    exc = refused("GOV-1", nominate, world.org_a, t, born=born)
    assert "2022-06-29年满70周岁" in exc.message and exc.extra["refusals"][0]["name"] == "age"
    assert not Person.objects.filter(id_number_masked__startswith="3701", name="王会长").exists()


def test_gov_1_nomination_at_70_exactly_is_allowed_and_stores_the_checks(world):
    t = term(world.org_a)
    a = nominate(world.org_a, t, born=D(1952, 6, 30))
    assert a.status == AppointmentStatus.NOMINATED
    assert {c["name"] for c in a.checks} >= {
        "age",
        "consecutive_terms",
        "president_sg",
        "other_association",
        "official",
    }
    assert all(c["ok"] and c["stage"] == "nomination" for c in a.checks)


def test_gov_1_third_consecutive_term_refused_second_allowed(world):
    org = world.org_a
    t1 = term(org, D(2012, 6, 30), D(2017, 6, 30))
    serve(org, t1)
    audit(org, D(2017, 6, 1))
    t2 = term(org, D(2017, 6, 30), D(2022, 6, 30))
    serve(org, t2, on=D(2017, 6, 30))
    audit(org, D(2022, 6, 1))
    t3 = term(org, D(2022, 6, 30), D(2027, 6, 30))
    exc = refused("GOV-1", nominate, org, t3)
    assert "连续第3届" in exc.message


def test_gov_1_president_and_secretary_general_from_the_same_member_unit_refused(world):
    from xiehui.membership import services as membership

    org = world.org_a
    unit = membership.member_record(
        actor=None,
        organization=org,
        kind="individual",
        name="单位甲",
        member_class="",
        joined_on=D(2020, 1, 1),
        now=NOW,
    )
    t = term(org)
    nominate(org, t, member_unit=unit)
    exc = refused("GOV-1", nominate, org, t, name="李秘书长", seq=2, post=Post.SECRETARY_GENERAL, member_unit=unit)
    assert "同一会员单位" in exc.message


def test_gov_1_president_refused_while_secretary_general_of_another_association(world):
    ta, tb = term(world.org_a), term(world.org_b)
    serve(world.org_b, tb, post=Post.SECRETARY_GENERAL)
    exc = refused("GOV-1", nominate, world.org_a, ta)
    assert "青岛市软件行业协会秘书长" in exc.message


@pytest.mark.parametrize("status", [OfficialStatus.SERVING, OfficialStatus.ON_LEAVE])
def test_gov_2_serving_and_on_leave_officials_refused(world, status):
    exc = refused("GOV-2", nominate, world.org_a, term(world.org_a), post=Post.VICE_PRESIDENT, status=status)
    assert exc.field == "official_status"


def test_gov_2_retired_official_needs_approval_and_may_not_be_paid(world):
    t = term(world.org_a)
    retired = dict(
        post=Post.VICE_PRESIDENT, status=OfficialStatus.RETIRED, retired_on=D(2015, 1, 1), born=D(1955, 1, 1)
    )
    exc = refused("GOV-2", nominate, world.org_a, t, paid=True, **retired)
    assert "审批" in exc.message and "薪酬" in exc.message
    a = nominate(world.org_a, t, approval_document="鲁组干字〔2022〕8号", approved_on=D(2022, 6, 1), **retired)
    assert a.status == AppointmentStatus.NOMINATED


def test_confirm_reruns_the_checks_on_the_appointment_day(world):
    t = term(world.org_a)
    a = nominate(world.org_a, t, born=D(1952, 7, 1), on=D(2022, 6, 30))
    refused("GOV-1", services.appointment_confirm, actor=None, appointment=a, starts_on=D(2022, 7, 2), now=NOW)
    done = services.appointment_confirm(actor=None, appointment=a, starts_on=D(2022, 7, 1), now=NOW)
    assert done.status == AppointmentStatus.SERVING and any(c["stage"] == "appointment" for c in done.checks)


def test_gov_4_new_legal_representative_needs_an_audit_within_12_months(world):
    org = world.org_a
    t = term(org)
    a = nominate(org, t, post=Post.LEGAL_REPRESENTATIVE)
    refused("GOV-4", services.appointment_confirm, actor=None, appointment=a, starts_on=D(2022, 7, 1), now=NOW)
    audit(org, D(2021, 7, 1), occasion=FinancialAudit.Occasion.LEGAL_REPRESENTATIVE)
    done = services.appointment_confirm(actor=None, appointment=a, starts_on=D(2022, 7, 1), now=NOW)
    assert done.status == AppointmentStatus.SERVING


def test_appointments_elect_needs_two_thirds_attendance(world):
    org = world.org_a
    o = organs(org)
    t = term(org)
    a = nominate(org, t)
    short = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.ELECTION, present=59, votes_for=59)
    refused("GOV-1", services.appointments_elect, resolution=short, appointments=[a], on=D(2022, 6, 30), now=NOW)
    ok = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.ELECTION, present=60, votes_for=60)
    services.appointments_elect(resolution=ok, appointments=[a], on=D(2022, 6, 30), now=NOW)
    a.refresh_from_db()
    assert a.status == AppointmentStatus.SERVING and a.elected_by == ok


def test_appointment_end_and_withdraw(world):
    org = world.org_a
    t = term(org)
    a = serve(org, t)
    ended = services.appointment_end(actor=None, appointment=a, ends_on=D(2024, 1, 1), reason="辞职", now=NOW)
    assert ended.status == AppointmentStatus.ENDED
    b = nominate(org, t, name="赵", seq=3, post=Post.VICE_PRESIDENT)
    assert services.appointment_end(
        actor=None, appointment=b, ends_on=D(2024, 1, 1), reason="撤回", now=NOW
    ).status == (AppointmentStatus.WITHDRAWN)


def test_staff_of_another_association_may_not_write(world):
    with pytest.raises(PermissionDenied):
        services.organ_set(actor=world.staff_b, organization=world.org_a, kind="council", size=30, now=NOW)
    with pytest.raises(PermissionDenied):
        services.term_open(
            actor=world.staff_b, organization=world.org_a, starts_on=D(2022, 1, 1), ends_on=D(2027, 1, 1), now=NOW
        )


# -- terms -----------------------------------------------------------------------------------------------


def test_gov_1_term_of_5_years_and_a_day_refused(world):
    exc = refused("GOV-1", term, world.org_a, D(2022, 6, 30), D(2027, 7, 1))
    assert exc.field == "ends_on"
    assert term(world.org_a, D(2022, 6, 30), D(2027, 6, 30)).number == 1


def test_gov_4_reelection_needs_an_audit_at_most_12_months_before(world):
    org = world.org_a
    term(org, D(2020, 6, 30), D(2025, 6, 30))
    audit(org, D(2024, 6, 29))
    exc = refused("GOV-4", term, org, D(2025, 6, 30), D(2030, 6, 30))
    assert "2024-06-30至2025-06-30" in exc.message
    audit(org, D(2024, 6, 30))
    assert term(org, D(2025, 6, 30), D(2030, 6, 30)).number == 2
    assert AuditEntry.objects.filter(action="governance.term.opened").count() == 2


def test_gov_3_extension_60_of_90_passes_59_of_90_refused(world):
    org = world.org_a
    o = organs(org)
    t = term(org, D(2020, 6, 30), D(2025, 6, 30))
    short = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.TERM_EXTENSION, votes_for=59)
    kw = dict(actor=None, term=t, extended_to=D(2025, 12, 31), reason="疫情", approval_document="济民函〔2025〕3号")
    refused("GOV-3", services.term_extend, resolution=short, approved_on=D(2025, 6, 1), now=NOW, **kw)
    ok = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.TERM_EXTENSION, votes_for=60)
    refused("GOV-3", services.term_extend, resolution=ok, approved_on=None, now=NOW, **kw)
    services.term_extend(resolution=ok, approved_on=D(2025, 6, 1), now=NOW, **kw)
    t.refresh_from_db()
    assert t.extended_to == D(2025, 12, 31)
    [state] = selectors.terms_of(org, as_of=D(2025, 12, 31))
    assert not state.overdue and state.end == D(2025, 12, 31)
    [state] = selectors.terms_of(org, as_of=D(2026, 1, 1))
    assert state.overdue and "逾期1天" in state.check.facts


# -- resolutions, charter, cooperation ------------------------------------------------------------------


def test_resolution_numbers_are_allocated_per_year(world):
    o = organs(world.org_a)
    first = resolution(world.org_a, o[OrganKind.COUNCIL])
    second = resolution(world.org_a, o[OrganKind.COUNCIL])
    assert (first.number, second.number) == ("2026-1", "2026-2")
    with pytest.raises(ApplicationError) as exc:
        resolution(world.org_a, o[OrganKind.COUNCIL], number="2026-1")
    assert exc.value.code == "number_taken"


def test_gov_6_resolution_distributing_income_refused(world):
    o = organs(world.org_a)
    exc = refused("GOV-6", resolution, world.org_a, o[OrganKind.COUNCIL], distributes_income=True)
    assert exc.field == "distributes_income"


def test_gov_5_cooperation_resolution_of_the_wrong_organ_refused(world):
    o = organs(world.org_a)
    refused(
        "GOV-5",
        resolution,
        world.org_a,
        o[OrganKind.PRESIDENT_OFFICE],
        matter=MatterKind.COOPERATION,
        importance="major",
    )
    assert resolution(world.org_a, o[OrganKind.ASSEMBLY], matter=MatterKind.COOPERATION, importance="major").pk


def test_gov_5_cooperation_matter_routed_by_importance_and_charter(world):
    org = world.org_a
    o = organs(org)
    council = resolution(org, o[OrganKind.COUNCIL], matter=MatterKind.COOPERATION, importance="important")
    m = services.cooperation_matter_record(
        actor=None,
        organization=org,
        title="共建",
        partner="某大学",
        importance=Importance.IMPORTANT,
        on=D(2026, 3, 1),
        resolution=council,
        now=NOW,
    )
    assert m.routed_to == OrganKind.COUNCIL
    exc = refused(
        "GOV-5",
        services.cooperation_matter_record,
        actor=None,
        organization=org,
        title="合作",
        partner="某",
        importance=Importance.MAJOR,
        on=D(2026, 3, 1),
        resolution=council,
        now=NOW,
    )
    assert "所引决议" in exc.message
    charter_res = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.CHARTER)
    services.charter_version_record(
        actor=None,
        organization=org,
        text="章程",
        resolution=charter_res,
        effective_on=D(2026, 3, 2),
        parameters={"GOV-5.important": "standing_council"},
        now=NOW,
    )
    assert selectors.charter_parameters(org, as_of=D(2026, 3, 2)) == {"GOV-5.important": "standing_council"}
    assert selectors.charter_parameters(org, as_of=D(2026, 3, 1)) == {}
    m = services.cooperation_matter_record(
        actor=None, organization=org, title="共建2", partner="某", importance="important", on=D(2026, 3, 2), now=NOW
    )
    assert m.routed_to == OrganKind.STANDING_COUNCIL


def test_charter_version_needs_an_assembly_charter_resolution_and_known_parameters(world):
    org = world.org_a
    o = organs(org)
    council = resolution(org, o[OrganKind.COUNCIL], matter=MatterKind.CHARTER)
    with pytest.raises(ApplicationError) as exc:
        services.charter_version_record(
            actor=None, organization=org, text="章程", resolution=council, effective_on=D(2026, 3, 1), now=NOW
        )
    assert exc.value.field == "resolution"
    ok = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.CHARTER)
    with pytest.raises(ApplicationError) as exc:
        services.charter_version_record(
            actor=None,
            organization=org,
            text="章程",
            resolution=ok,
            effective_on=D(2026, 3, 1),
            parameters={"NOPE.x": 1},
            now=NOW,
        )
    assert exc.value.code == "parameter_unknown"
    v = services.charter_version_record(
        actor=None, organization=org, text="章程", resolution=ok, effective_on=D(2026, 3, 1), now=NOW
    )
    assert v.version == 1


def test_meeting_attendance_and_assembly_organ(world):
    org = world.org_a
    o = organs(org)
    assert selectors.assembly_organ(org) == o[OrganKind.ASSEMBLY]
    m = services.meeting_record(
        actor=None,
        organization=org,
        organ=o[OrganKind.ASSEMBLY],
        title="第三届第二次会员大会",
        held_on=D(2026, 3, 1),
        attended=61,
        now=NOW,
    )
    assert m.entitled == 90
    with pytest.raises(ApplicationError) as exc:
        services.meeting_record(
            actor=None,
            organization=org,
            organ=o[OrganKind.COUNCIL],
            title="理事会",
            held_on=D(2026, 3, 1),
            attended=31,
            now=NOW,
        )
    assert exc.value.field == "attended"
    delegates = services.organ_set(actor=None, organization=org, kind=OrganKind.DELEGATE_ASSEMBLY, size=40, now=NOW)
    assert selectors.assembly_organ(org) == delegates


def test_leaders_of_lists_the_posts_held_on_the_day(world):
    org = world.org_a
    t = term(org)
    a = serve(org, t)
    services.appointment_end(actor=None, appointment=a, ends_on=D(2024, 1, 1), reason="辞职", now=NOW)
    assert list(selectors.leaders_of(org, as_of=D(2023, 12, 31))) == [a]
    assert list(selectors.leaders_of(org, as_of=D(2024, 1, 1))) == []
    assert LeaderFacts.objects.count() == 1


# -- found in review ------------------------------------------------------------------------------------


def test_gov_2_facts_of_a_leader_serving_elsewhere_are_not_changed_by_another_associations_staff(world):
    # staff of org_b typing "none" for an official serving in org_a would clear org_a's GOV-2 flag as "corrected"
    a = serve(
        world.org_a,
        term(world.org_a),
        name="李处长",
        seq=5,
        post=Post.VICE_PRESIDENT,
        status="retired",
        retired_on=D(2015, 1, 1),
        approval_document="鲁组干字〔2022〕1号",
        approved_on=D(2022, 6, 1),
    )
    t_b = term(world.org_b)
    with pytest.raises(ApplicationError) as exc:
        services.leader_nominate(
            actor=world.staff_b,
            organization=world.org_b,
            term=t_b,
            name="李处长",
            id_number=idn(D(1965, 3, 1), 5),
            post=Post.COUNCIL_MEMBER,
            on=D(2022, 7, 1),
            official_status=OfficialStatus.NONE,
            now=NOW,
        )
    assert exc.value.code == "leader_facts_locked" and world.org_a.name in exc.value.message
    facts = LeaderFacts.objects.get(person=a.person)
    assert facts.official_status == OfficialStatus.RETIRED and facts.retired_on == D(2015, 1, 1)
    # the association where the person serves may still correct them
    services.leader_record(
        actor=world.staff_a,
        organization=world.org_a,
        name="李处长",
        id_number=idn(D(1965, 3, 1), 5),
        official_status=OfficialStatus.NONE,
        now=NOW,
    )
    assert LeaderFacts.objects.get(person=a.person).official_status == OfficialStatus.NONE


def test_gov_4_reappointing_the_legal_representative_in_office_needs_no_new_audit(world):
    org = world.org_a
    t1 = term(org, D(2017, 6, 30), D(2022, 6, 29))
    audit(org, D(2017, 6, 1), occasion=FinancialAudit.Occasion.LEGAL_REPRESENTATIVE)
    serve(org, t1, name="前任", seq=2, post=Post.LEGAL_REPRESENTATIVE, on=D(2017, 6, 30))
    audit(org, D(2022, 6, 1))
    audit(org, D(2022, 6, 2), occasion=FinancialAudit.Occasion.LEGAL_REPRESENTATIVE)
    t2 = term(org, D(2022, 6, 30), D(2027, 6, 29))
    serve(org, t2, name="现任", seq=3, post=Post.LEGAL_REPRESENTATIVE)
    audit(org, D(2027, 6, 1))
    t3 = term(org, D(2027, 6, 30), D(2032, 6, 29))
    again = serve(org, t3, name="现任", seq=3, post=Post.LEGAL_REPRESENTATIVE, on=D(2027, 6, 30))
    assert again.status == AppointmentStatus.SERVING  # no change of legal representative: no GOV-4 audit needed
    t4_nominee = nominate(org, t3, name="新任", seq=4, post=Post.LEGAL_REPRESENTATIVE, on=D(2028, 1, 1))
    services.appointment_end(actor=None, appointment=again, ends_on=D(2028, 1, 1), reason="辞职", now=NOW)
    refused("GOV-4", services.appointment_confirm, actor=None, appointment=t4_nominee, starts_on=D(2028, 1, 1), now=NOW)


def test_a_second_president_in_the_same_term_is_refused_until_the_first_ends(world):
    org = world.org_a
    t = term(org)
    first = serve(org, t, name="甲", seq=6)
    second = nominate(org, t, name="乙", seq=7, on=D(2024, 1, 1))
    with pytest.raises(ApplicationError) as exc:
        services.appointment_confirm(actor=None, appointment=second, starts_on=D(2024, 1, 1), now=NOW)
    assert exc.value.code == "post_occupied" and "甲" in exc.value.message
    services.appointment_end(actor=None, appointment=first, ends_on=D(2024, 1, 1), reason="辞职", now=NOW)
    done = services.appointment_confirm(actor=None, appointment=second, starts_on=D(2024, 1, 1), now=NOW)
    assert done.status == AppointmentStatus.SERVING
    # vice-presidents have many seats
    serve(org, t, name="丙", seq=8, post=Post.VICE_PRESIDENT)
    serve(org, t, name="丁", seq=9, post=Post.VICE_PRESIDENT)


def test_resolution_votes_exceeding_those_present_refused_even_when_present_is_zero(world):
    org = world.org_a
    o = organs(org)
    with pytest.raises(ApplicationError) as exc:
        resolution(org, o[OrganKind.COUNCIL], votes_for=20, present=0, entitled=30)
    assert exc.value.code == "votes_exceed_present"


def test_charter_parameters_that_are_not_an_object_are_refused_with_a_field_error(world):
    org = world.org_a
    o = organs(org)
    charter = resolution(org, o[OrganKind.ASSEMBLY], matter=MatterKind.CHARTER)
    with pytest.raises(ApplicationError) as exc:
        services.charter_version_record(
            actor=None,
            organization=org,
            text="章程",
            resolution=charter,
            effective_on=D(2026, 3, 1),
            parameters=["GOV-5.important"],
            now=NOW,  # type: ignore[arg-type]
        )
    assert exc.value.code == "parameter_invalid" and exc.value.field == "parameters"
