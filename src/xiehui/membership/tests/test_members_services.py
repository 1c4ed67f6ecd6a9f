"""Joining, leaving, classes and delegates (MEM-1), each rule at its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.conftest import NOW
from xiehui.core.errors import ApplicationError
from xiehui.core.models import AuditEntry
from xiehui.membership import selectors, services_members
from xiehui.membership.forms_members import ApplicationForm
from xiehui.membership.models import ApplicationStatus, ExitKind, Member, MembershipApplication, Representative

from .factories_members import TODAY, application, at, member

pytestmark = pytest.mark.django_db
ONE = dt.timedelta(days=1)


# -- joining ----------------------------------------------------------------------------------------------


def test_approval_creates_member_and_representation_in_one_go(world):
    app = application(world.org_a, world.member)
    assert (
        app.applicant == world.member
        and app.contact_phone_masked.startswith("138")
        and "1234" not in app.contact_phone_encrypted
    )
    m = services_members.application_approve(
        actor=world.staff_a, application=app, organ="理事会", clause="章程第十条", now=NOW
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and app.member == m and app.decision_organ == "理事会"
    assert m.joined_on == TODAY and Representative.objects.get(member=m).user == world.member
    assert selectors.voter_members(world.member, as_of=TODAY).get() == m
    assert AuditEntry.objects.filter(action="membership.application.approved").exists()


def test_approval_needs_organ_and_clause_and_is_done_once(world):
    app = application(world.org_a, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        services_members.application_approve(actor=world.staff_a, application=app, organ="", clause="第十条", now=NOW)
    assert exc.value.field == "organ" and not Member.objects.exists()
    services_members.application_approve(actor=world.staff_a, application=app, organ="理事会", clause="第十条", now=NOW)
    with pytest.raises(ApplicationError) as again:
        services_members.application_approve(
            actor=world.staff_a, application=app, organ="理事会", clause="第十条", now=NOW
        )
    assert again.value.code == "application_decided" and Member.objects.count() == 1


def test_staff_entered_application_has_no_applicant_and_no_representative(world):
    app = application(world.org_a, world.staff_a)
    m = services_members.application_approve(
        actor=world.staff_a, application=app, organ="理事会", clause="第十条", now=NOW
    )
    assert app.applicant is None and not Representative.objects.filter(member=m).exists()


@pytest.mark.parametrize(
    "reason",
    [
        "申请人已加入济南市另一行业协会",
        "该企业已是其他协会会员",
        "已经是青岛市软件行业协会的会员",
        "同类商会会员不予吸收",
    ],
)
def test_mem_1_refusal_for_belonging_to_another_association_is_refused(world, reason):
    app = application(world.org_a, world.member)
    with pytest.raises(ApplicationError) as exc:
        services_members.application_refuse(
            actor=world.staff_a, application=app, organ="理事会", clause="第八条", reason=reason, now=NOW
        )
    assert exc.value.code == "MEM-1" and exc.value.message.startswith("MEM-1") and exc.value.field == "reason"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_mem_1_refusal_on_charter_conditions_is_accepted(world):
    app = application(world.org_a, world.member)
    services_members.application_refuse(
        actor=world.staff_a,
        application=app,
        organ="理事会",
        clause="章程第八条",
        reason="申请单位未在本市登记，不符合章程第八条规定的入会条件",
        now=NOW,
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REFUSED and not Member.objects.exists()


def test_mem_1_no_form_or_schema_asks_about_other_memberships(world):
    from xiehui.membership.schemas import MembershipApplicationCreateIn

    fields = list(ApplicationForm(organization=world.org_a).fields) + list(MembershipApplicationCreateIn.model_fields)
    labels = "".join(str(f.label) for f in ApplicationForm(organization=world.org_a).fields.values())
    assert not any("other" in f or "association" in f for f in fields) and "其他协会" not in labels


def test_applicant_withdraws_own_application_only(world):
    app = application(world.org_a, world.member)
    with pytest.raises(ApplicationError) as exc:
        services_members.application_withdraw(actor=world.staff_a, application=app, now=NOW)
    assert exc.value.status == 404
    services_members.application_withdraw(actor=world.member, application=app, now=NOW)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_only_applicants_or_own_staff_submit(world):
    for actor in (world.staff_b, world.officer_jinan, world.department):
        with pytest.raises(ApplicationError) as exc:
            application(world.org_a, actor)
        assert exc.value.status == 403
    assert not MembershipApplication.objects.exists()


def test_member_classes_bind_members_and_applications_once_defined(world):
    member(world.org_a, 1, member_class="随便写")  # no classes yet: free text
    services_members.member_class_add(actor=world.staff_a, organization=world.org_a, name="理事单位", now=NOW)
    with pytest.raises(ApplicationError) as exc:
        member(world.org_a, 2, member_class="会长单位")
    assert exc.value.code == "member_class_unknown" and "理事单位" in exc.value.message
    with pytest.raises(ApplicationError):
        application(world.org_a, world.member, member_class="会长单位")
    member(world.org_a, 3, member_class="理事单位")
    app = application(world.org_a, world.member, n=2)  # no class asked: staff set it at approval
    with pytest.raises(ApplicationError):
        services_members.application_approve(
            actor=world.staff_a, application=app, organ="理事会", clause="第十条", now=NOW
        )
    m = services_members.application_approve(
        actor=world.staff_a, application=app, organ="理事会", clause="第十条", member_class="理事单位", now=NOW
    )
    assert m.member_class == "理事单位"


def test_a_class_in_use_cannot_be_removed(world):
    row = services_members.member_class_add(actor=world.staff_a, organization=world.org_a, name="理事单位", now=NOW)
    member(world.org_a, 1, member_class="理事单位")
    with pytest.raises(ApplicationError) as exc:
        services_members.member_class_remove(actor=world.staff_a, member_class=row, now=NOW)
    assert exc.value.code == "member_class_in_use"


# -- leaving ----------------------------------------------------------------------------------------------


def test_mem_1_exit_dated_before_joined_on_is_refused(world):
    joined = TODAY + dt.timedelta(days=0)
    m = member(world.org_a, 1, joined=joined, rep=world.member)
    Member.objects.filter(pk=m.pk).update(joined_on=TODAY + 5 * ONE)  # a recorded future start (imported data)
    m.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        services_members.member_exit(actor=None, member=m, reason="other", effective_on=TODAY + 4 * ONE, now=NOW)
    assert exc.value.code == "exit_before_joined" and exc.value.field == "effective_on"
    services_members.member_exit(actor=None, member=m, reason="other", effective_on=TODAY + 5 * ONE, now=NOW)


def test_mem_1_exit_dated_yesterday_is_refused_and_today_takes_effect_at_once(world):
    m = member(world.org_a, 1, rep=world.member)
    with pytest.raises(ApplicationError) as exc:
        services_members.member_exit(actor=world.member, member=m, reason="fees", effective_on=TODAY - ONE, now=NOW)
    assert exc.value.code == "exit_in_past"
    record = services_members.member_exit(actor=world.member, member=m, reason="fees", effective_on=TODAY, now=NOW)
    m.refresh_from_db()
    assert record.kind == ExitKind.VOLUNTARY and m.left_on == TODAY and record.requested_by == world.member
    assert not selectors.members_of(world.org_a, as_of=TODAY).exists()


def test_mem_1_future_exit_takes_effect_on_its_day_without_approval(world):
    m = member(world.org_a, 1, rep=world.member)
    day = TODAY + 10 * ONE
    services_members.member_exit(
        actor=world.member, member=m, reason="service", note="服务少", effective_on=day, now=NOW
    )
    assert selectors.members_of(world.org_a, as_of=day - ONE).get() == m
    assert selectors.voter_members(world.member, as_of=day - ONE).get() == m
    assert not selectors.members_of(world.org_a, as_of=day).exists()
    assert not selectors.voter_members(world.member, as_of=day).exists()


def test_mem_1_nothing_blocks_an_exit_and_it_is_filed_once(world):
    m = member(world.org_a, 1, rep=world.member)
    services_members.member_exit(actor=world.staff_a, member=m, reason="other", effective_on=TODAY, now=NOW)
    with pytest.raises(ApplicationError) as exc:
        services_members.member_exit(actor=world.staff_a, member=m, reason="other", effective_on=TODAY, now=NOW)
    assert exc.value.code == "member_left" and exc.value.status == 409


def test_exit_needs_a_listed_reason_and_a_representative_or_staff(world):
    m = member(world.org_a, 1)
    with pytest.raises(ApplicationError) as exc:
        services_members.member_exit(actor=world.staff_a, member=m, reason="bored", effective_on=TODAY, now=NOW)
    assert exc.value.field == "reason"
    for outsider in (world.member, world.staff_b, world.officer_jinan):
        with pytest.raises(ApplicationError) as denied:
            services_members.member_exit(actor=outsider, member=m, reason="other", effective_on=TODAY, now=NOW)
        assert denied.value.status == 404
    assert Member.objects.get().left_on is None


def test_expulsion_cites_organ_clause_and_decision_and_is_staff_only(world):
    m = member(world.org_a, 1, rep=world.member)
    base = dict(
        organ="理事会",
        charter_clause="第十四条",
        decision_number="济建协〔2026〕1号",
        note="严重违反章程",
        effective_on=TODAY,
    )
    for missing in ("organ", "charter_clause", "decision_number"):
        with pytest.raises(ApplicationError) as exc:
            services_members.member_expel(actor=world.staff_a, member=m, now=NOW, **{**base, missing: " "})
        assert exc.value.field == missing
    with pytest.raises(ApplicationError) as denied:
        services_members.member_expel(actor=world.staff_b, member=m, now=NOW, **base)
    assert denied.value.status == 403
    with pytest.raises(ApplicationError) as future:
        services_members.member_expel(actor=world.staff_a, member=m, now=NOW, **{**base, "effective_on": TODAY + ONE})
    assert future.value.code == "expel_in_future"
    record = services_members.member_expel(actor=world.staff_a, member=m, now=NOW, **base)
    assert record.kind == ExitKind.EXPELLED and record.decision_number == "济建协〔2026〕1号"


def test_cessation_records_a_deregistered_member(world):
    m = member(world.org_a, 1)
    record = services_members.member_cease(
        actor=world.staff_a, member=m, note="2026-10-01 注销登记", effective_on=dt.date(2026, 10, 1), now=NOW
    )
    assert record.kind == ExitKind.CEASED and Member.objects.get().left_on == dt.date(2026, 10, 1)


# -- delegates --------------------------------------------------------------------------------------------


def test_delegates_of_covers_the_term_inclusive_and_needs_a_current_member(world):
    m = member(world.org_a, 1)
    other = member(world.org_a, 2)
    d = services_members.delegate_record(
        actor=world.staff_a,
        member=m,
        name="张代表",
        method="elected",
        since=dt.date(2024, 6, 1),
        until=dt.date(2026, 12, 31),
        basis="第三届会员代表大会选举",
        user=world.member,
        now=NOW,
    )
    services_members.delegate_record(
        actor=world.staff_a,
        member=other,
        name="李代表",
        method="appointed",
        since=dt.date(2024, 6, 1),
        basis="章程第十八条",
        now=NOW,
    )
    assert list(selectors.delegates_of(world.org_a, as_of=dt.date(2026, 12, 31)).filter(pk=d.pk)) == [d]
    assert not selectors.delegates_of(world.org_a, as_of=dt.date(2027, 1, 1)).filter(pk=d.pk).exists()
    assert not selectors.delegates_of(world.org_a, as_of=dt.date(2024, 5, 31)).exists()
    services_members.member_exit(actor=None, member=other, reason="other", effective_on=TODAY, now=NOW)
    assert list(selectors.delegates_of(world.org_a, as_of=TODAY)) == [d]


def test_delegate_refusals(world):
    m = member(world.org_a, 1)
    kw = dict(member=m, name="张代表", method="elected", since=dt.date(2024, 6, 1), basis="选举", now=NOW)
    with pytest.raises(ApplicationError) as term:
        services_members.delegate_record(actor=world.staff_a, **{**kw, "until": dt.date(2024, 5, 31)})
    assert term.value.field == "until"
    with pytest.raises(ApplicationError) as before:
        services_members.delegate_record(actor=world.staff_a, **{**kw, "since": dt.date(2019, 12, 31)})
    assert before.value.code == "delegate_not_member"
    with pytest.raises(ApplicationError) as role:
        services_members.delegate_record(actor=world.staff_a, user=world.staff_b, **kw)
    assert role.value.field == "user"
    with pytest.raises(ApplicationError) as denied:
        services_members.delegate_record(actor=world.staff_b, **kw)
    assert denied.value.status == 403


def test_voter_members_only_for_current_representations(world):
    m = member(world.org_a, 1, rep=world.member)
    past = member(world.org_b, 2, rep=world.member)
    services_members.member_exit(
        actor=None, member=past, reason="other", effective_on=dt.date(2026, 1, 1), now=at(dt.date(2026, 1, 1))
    )
    assert list(selectors.voter_members(world.member, as_of=TODAY)) == [m]
    assert not selectors.voter_members(world.staff_a, as_of=TODAY).exists()
