"""Officers' listing decisions, removal applications and objections (CR-A, CR-S, CR-X, CR-O)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_of
from xiehui.core.models import AuditEntry
from xiehui.core.testing import tiny_pdf
from xiehui.credit import services
from xiehui.credit.listings import open_many
from xiehui.credit.models import Decision, EndReason, Listing, ListKind, RequestStatus

PDF = tiny_pdf()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.SHANGHAI)


def decide(world, ground: str = "A2", *, now: dt.datetime = NOW, org=None, rectifiable: bool = True) -> Listing:
    return services.listing_decide(
        actor=world.officer_jinan,
        organization=org or world.org_a,
        ground=ground,
        basis="《社会组织信用信息管理办法》第十条",
        facts="经核查，该会应建立党组织而未建立",
        rectifiable=rectifiable,
        now=now,
    )


def rule_listing(org, ground: str, start_on: dt.date, *, ended_on: dt.date | None = None, key: str = "") -> Listing:
    """A listing as the engine would store it (through open_many, with its decisions)."""
    kind = ListKind.ABNORMAL if ground.startswith("A") else ListKind.SERIOUS
    listing = Listing(
        organization=org,
        authority_region_id=org.authority_region_id,
        list_kind=kind,
        ground=ground,
        rule_id=f"CR-{ground}",
        key=key or f"CR-{ground}:{start_on.isoformat()}",
        source=Listing.Source.RULE,
        basis="《社会组织信用信息管理办法》",
        facts=f"{start_on:%Y-%m-%d}起未按规定报送年度工作报告",
        start_on=start_on,
        earliest_removal_on=clock.add_calendar_months(start_on, 24) if kind == ListKind.SERIOUS else None,
        ended_on=ended_on,
        end_reason=EndReason.AUTOMATIC if ended_on else "",
    )
    open_many([listing], actor=None, now=NOW)
    return listing


def apply(world, listing: Listing, *, now: dt.datetime = NOW, **kw) -> object:
    return services.removal_apply(
        actor=world.staff_a, listing=listing, statement=kw.pop("statement", "已完成整改"), now=now, **kw
    )


# -- officers' decisions ---------------------------------------------------------------------------------


def test_listing_decide_opens_abnormal_listing_with_numbered_decision_and_audit(world):
    listing = decide(world, "A2")
    listing.refresh_from_db()
    assert listing.list_kind == ListKind.ABNORMAL and listing.rule_id == "CR-A2"
    assert listing.key == "manual:A2:2026-11-23:1"
    assert listing.source == Listing.Source.OFFICER and listing.decided_by == world.officer_jinan
    assert listing.start_on == dt.date(2026, 11, 23) and listing.ended_on is None
    decision = Decision.objects.get(listing=listing)
    assert decision.kind == Decision.Kind.INCLUSION
    assert decision.number == "济南市民政局异列字〔2026〕第1号"
    assert decision.text["route"] and decision.text["basis"].startswith("《社会组织信用信息管理办法》")
    assert AuditEntry.objects.filter(action="credit.listing.opened", object_id=str(listing.pk)).exists()


def test_listing_decide_numbers_keys_of_the_same_ground_and_day(world):
    decide(world, "A2")
    second = decide(world, "A2")
    assert second.key == "manual:A2:2026-11-23:2"


def test_cr_s_officer_serious_listing_earliest_removal_24_months_later(world):
    listing = decide(world, "S2")
    assert listing.list_kind == ListKind.SERIOUS
    assert listing.earliest_removal_on == dt.date(2028, 11, 23)
    assert listing.parameters == {"CR-S.removal_months": 24}
    assert Decision.objects.get(listing=listing).number.startswith("济南市民政局严列字")


def test_cr_a_non_rectifiable_abnormal_listing_removed_automatically_after_6_months(world):
    listing = decide(world, "A6", rectifiable=False)
    assert listing.rectifiable is False
    assert listing.auto_removal_on == dt.date(2027, 5, 23)
    assert listing.earliest_removal_on is None


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("basis", {"basis": "  "}), ("facts", {"facts": ""}), ("ground", {"ground": "Z9"})],
)
def test_listing_decide_requires_ground_basis_and_facts(world, field, kwargs):
    data = {"ground": "A6", "basis": "条例第三十条", "facts": "事实", **kwargs}
    with pytest.raises(ApplicationError) as exc:
        services.listing_decide(actor=world.officer_jinan, organization=world.org_a, rectifiable=True, now=NOW, **data)
    assert exc.value.field == field
    assert not Listing.objects.exists()


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a"])
def test_listing_decide_only_by_the_registering_authority(world, who):
    with pytest.raises(PermissionDenied):
        services.listing_decide(
            actor=getattr(world, who), organization=world.org_a, ground="A6", basis="依据", facts="事实", now=NOW
        )


# -- removal ---------------------------------------------------------------------------------------------


def test_removal_apply_by_staff_of_the_listed_association_only(world):
    listing = decide(world)
    with pytest.raises(PermissionDenied):
        services.removal_apply(actor=world.staff_b, listing=listing, statement="x", now=NOW)
    with pytest.raises(ApplicationError) as exc:
        apply(world, listing, statement=" ")
    assert exc.value.field == "statement"
    app = apply(world, listing, documents=[SimpleUploadedFile("整改.pdf", PDF)])
    assert app.status == RequestStatus.SUBMITTED and app.filed_on == dt.date(2026, 11, 23)
    assert [a.purpose for a in attachments_of(app)] == ["removal"]
    assert AuditEntry.objects.filter(action="credit.removal.applied").count() == 1


def test_removal_apply_one_pending_application_at_a_time(world):
    listing = decide(world)
    apply(world, listing)
    with pytest.raises(ApplicationError) as exc:
        apply(world, listing)
    assert exc.value.code == "removal_pending"


def test_cr_s_removal_refused_the_day_before_earliest_removal(world):
    listing = decide(world, "S2")
    with pytest.raises(ApplicationError) as exc:
        apply(world, listing, now=at(dt.date(2028, 11, 22)))
    assert exc.value.code == "removal_too_early"
    assert "CR-S" in exc.value.message and "2028-11-23" in exc.value.message


def test_cr_s_removal_allowed_on_the_earliest_removal_day(world):
    listing = decide(world, "S2")
    app = apply(world, listing, now=at(dt.date(2028, 11, 23)))
    assert app.filed_on == dt.date(2028, 11, 23)


def test_cr_s1_removal_before_2_years_when_obligation_met(world):
    listing = rule_listing(world.org_a, "S1", NOW.date() - dt.timedelta(days=30))
    with pytest.raises(ApplicationError):
        apply(world, listing)
    app = apply(world, listing, obligation_met=True)
    assert "CR-S1" in app.statement


def test_cr_x_new_listing_restarts_the_serious_removal_period(world):
    listing = decide(world, "S2")
    decide(world, "A6", now=at(dt.date(2027, 6, 1)))
    with pytest.raises(ApplicationError) as exc:
        apply(world, listing, now=at(dt.date(2028, 11, 23)))
    assert "CR-X" in exc.value.message and "2029-06-01" in exc.value.message
    assert apply(world, listing, now=at(dt.date(2029, 6, 1))).pk


def test_cr_a_non_rectifiable_listing_needs_no_application(world):
    listing = decide(world, "A6", rectifiable=False)
    with pytest.raises(ApplicationError) as exc:
        apply(world, listing)
    assert exc.value.code == "removal_automatic"


def test_cr_a_removal_decision_due_5_working_days_after_verification_across_national_day(world):
    # chinese-calendar 2026: 1-7 Oct off, Sat 10 Oct a make-up working day, Sun 11 Oct off.
    listing = decide(world, now=at(dt.date(2026, 9, 1)))
    app = apply(world, listing, now=at(dt.date(2026, 9, 29)))
    app = services.removal_verify(
        actor=world.officer_jinan, application=app, note="已现场核实", now=at(dt.date(2026, 9, 30))
    )
    assert app.status == RequestStatus.VERIFIED and app.verified_on == dt.date(2026, 9, 30)
    assert app.decision_due_on == dt.date(2026, 10, 13)


def test_removal_verify_requires_note_and_the_authority(world):
    app = apply(world, decide(world))
    with pytest.raises(ApplicationError) as exc:
        services.removal_verify(actor=world.officer_jinan, application=app, note="", now=NOW)
    assert exc.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.removal_verify(actor=world.officer_qingdao, application=app, note="x", now=NOW)


def test_removal_approve_ends_listing_with_removal_decision(world):
    listing = decide(world)
    app = apply(world, listing)
    with pytest.raises(ApplicationError) as exc:
        services.removal_approve(actor=world.officer_jinan, application=app, now=NOW)
    assert exc.value.code == "removal_not_verified"
    services.removal_verify(actor=world.officer_jinan, application=app, note="整改到位", now=NOW)
    later = at(dt.date(2026, 11, 25))
    app = services.removal_approve(actor=world.officer_jinan, application=app, reason="准予移出", now=later)
    listing.refresh_from_db()
    assert app.status == RequestStatus.APPROVED and app.decided_on == dt.date(2026, 11, 25)
    assert listing.ended_on == dt.date(2026, 11, 25) and listing.end_reason == EndReason.REMOVAL_APPROVED
    removal = Decision.objects.get(listing=listing, kind=Decision.Kind.REMOVAL)
    assert removal.number == "济南市民政局异移字〔2026〕第1号"
    assert AuditEntry.objects.filter(action="credit.removal.approved").exists()
    assert AuditEntry.objects.filter(action="credit.listing.ended", object_id=str(listing.pk)).exists()
    with pytest.raises(ApplicationError):
        apply(world, listing)


def test_removal_reject_requires_reason_and_keeps_listing(world):
    listing = decide(world)
    app = apply(world, listing)
    with pytest.raises(ApplicationError) as exc:
        services.removal_reject(actor=world.officer_jinan, application=app, reason="", now=NOW)
    assert exc.value.field == "reason"
    app = services.removal_reject(actor=world.officer_jinan, application=app, reason="整改未完成", now=NOW)
    listing.refresh_from_db()
    assert app.status == RequestStatus.REJECTED and listing.ended_on is None
    with pytest.raises(ApplicationError):
        services.removal_reject(actor=world.officer_jinan, application=app, reason="again", now=NOW)
    assert apply(world, listing).pk  # a new application may follow a refusal


# -- objections ------------------------------------------------------------------------------------------


def object_to(world, listing: Listing, **kw) -> object:
    return services.objection_file(
        actor=world.staff_a,
        listing=listing,
        statement=kw.pop("statement", "本会已于列入前建立党组织"),
        defence=kw.pop("defence", "附批复文件"),
        now=kw.pop("now", NOW),
        **kw,
    )


def test_cr_o_objection_due_15_working_days_after_filing_with_evidence(world):
    listing = decide(world)
    objection = object_to(world, listing, evidence=[SimpleUploadedFile("批复.pdf", PDF)])
    assert objection.filed_on == dt.date(2026, 11, 23)
    assert objection.due_on == clock.add_working_days(dt.date(2026, 11, 23), 15) == dt.date(2026, 12, 14)
    assert [a.purpose for a in attachments_of(objection)] == ["objection"]
    assert AuditEntry.objects.filter(action="credit.objection.filed").exists()


def test_objection_refused_without_statement_from_others_or_twice(world):
    listing = decide(world)
    with pytest.raises(ApplicationError) as exc:
        object_to(world, listing, statement="")
    assert exc.value.field == "statement"
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=world.staff_b, listing=listing, statement="x", now=NOW)
    object_to(world, listing)
    with pytest.raises(ApplicationError) as exc:
        object_to(world, listing)
    assert exc.value.code == "objection_pending"


def test_objection_with_a_file_of_the_wrong_type_saves_nothing(world):
    listing = decide(world)
    with pytest.raises(ApplicationError) as exc:
        object_to(world, listing, evidence=[SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20)])
    assert exc.value.field == "evidence"
    assert not listing.objections.exists()


def test_cr_o_objection_upheld_ends_listing_with_removal_decision(world):
    listing = decide(world)
    app = apply(world, listing)
    objection = object_to(world, listing)
    with pytest.raises(PermissionDenied):
        services.objection_uphold(actor=world.officer_qingdao, objection=objection, reason="x", now=NOW)
    objection = services.objection_uphold(
        actor=world.officer_jinan, objection=objection, reason="党组织已建立，列入有误", now=NOW
    )
    listing.refresh_from_db()
    app.refresh_from_db()
    assert objection.status == RequestStatus.APPROVED
    assert listing.ended_on == dt.date(2026, 11, 23) and listing.end_reason == EndReason.OBJECTION_UPHELD
    assert listing.end_note == "党组织已建立，列入有误"
    assert app.status == RequestStatus.APPROVED  # nothing left to remove
    assert Decision.objects.filter(listing=listing, kind=Decision.Kind.REMOVAL).count() == 1
    with pytest.raises(ApplicationError):
        services.objection_dismiss(actor=world.officer_jinan, objection=objection, reason="x", now=NOW)


def test_cr_o_objection_dismissed_keeps_listing(world):
    listing = decide(world)
    objection = object_to(world, listing)
    with pytest.raises(ApplicationError) as exc:
        services.objection_dismiss(actor=world.officer_jinan, objection=objection, reason=" ", now=NOW)
    assert exc.value.field == "reason"
    objection = services.objection_dismiss(actor=world.officer_jinan, objection=objection, reason="证据不足", now=NOW)
    listing.refresh_from_db()
    assert objection.status == RequestStatus.REJECTED and listing.ended_on is None
    assert AuditEntry.objects.filter(action="credit.objection.dismissed").exists()


@pytest.mark.parametrize("ground", ["A1", "A3", "A4", "A5", "S1", "S3", "S4", "S5", "S6", "S7"])
def test_grounds_the_platform_sees_are_not_decided_by_hand(world, ground):
    with pytest.raises(ApplicationError) as exc:
        decide(world, ground)
    assert exc.value.code == "ground_automatic" and f"CR-{ground}" in exc.value.message
    assert not Listing.objects.exists()
