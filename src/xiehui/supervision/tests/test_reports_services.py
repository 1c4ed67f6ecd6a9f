"""Annual work reports (ANN-1) and inspection results (ANN-2): the services, checks and selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiehui.conftest import NOW
from xiehui.core import clock
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.files import attachments_of
from xiehui.core.models import AuditEntry
from xiehui.core.testing import tiny_pdf
from xiehui.supervision import checks
from xiehui.supervision import selectors_reports as selectors
from xiehui.supervision.models import (
    AnnualReport,
    InspectionCriterion,
    OrderStatus,
    Penalty,
    PenaltyKind,
    RectificationOrder,
    ReportStatus,
)
from xiehui.supervision.services import reports as services

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=clock.SHANGHAI)


def complete(**overrides) -> services.ReportSections:  # type: ignore[no-untyped-def]
    data = dict(
        compliance="遵守法律法规，无违法违规情况",
        registration_changes="无",
        activities="举办行业培训 3 次，发布团体标准 1 项",
        organs="理事会换届 1 次",
        staff_total=5,
        full_time_staff=3,
        income=Decimal("500000.00"),
        expenditure=Decimal("420000.00"),
        net_assets=Decimal("380000.00"),
        fee_income=Decimal("300000.00"),
        donations_received=Decimal("20000.00"),
        trips_abroad=0,
        party_organization="joint",
        party_members=2,
    )
    data.update(overrides)
    return services.ReportSections(**data)


def draft(world, *, year: int = 2025, org=None, staff=None, now: dt.datetime = NOW, **overrides) -> AnnualReport:  # type: ignore[no-untyped-def]
    return services.report_create(
        actor=staff or world.staff_a,
        organization=org or world.org_a,
        year=year,
        sections=complete(**overrides),
        now=now,
    )


def submitted(world, *, on: dt.date = dt.date(2026, 5, 20), **kwargs) -> AnnualReport:  # type: ignore[no-untyped-def]
    report = draft(world, now=at(on), **kwargs)
    return services.report_submit(actor=world.staff_a, report=report, now=at(on))


# -- create / update ------------------------------------------------------------------------------


def test_it_creates_a_draft_for_a_finished_year(world):
    report = draft(world)
    assert report.status == ReportStatus.DRAFT and report.year == 2025
    assert report.first_submitted_on is None
    assert AuditEntry.objects.filter(action="supervision.report.created", object_id=str(report.pk)).exists()


@pytest.mark.parametrize("year", [2026, 2027, 2014])
def test_it_refuses_a_year_not_finished_or_before_registration(world, year):
    with pytest.raises(ApplicationError) as exc:
        draft(world, year=year)
    assert exc.value.code == "report_year_invalid" and exc.value.field == "year"
    assert "2015" in exc.value.message and "2025" in exc.value.message


def test_it_accepts_the_registration_year(world):
    assert draft(world, year=2015).year == 2015


def test_it_refuses_a_second_report_for_the_same_year(world):
    draft(world)
    with pytest.raises(ApplicationError) as exc:
        draft(world)
    assert exc.value.code == "report_exists" and "2025" in exc.value.message
    assert AnnualReport.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_b", "officer_jinan", "member", "department"])
def test_only_the_associations_own_staff_create_its_report(world, who):
    with pytest.raises(PermissionDenied):
        draft(world, staff=getattr(world, who))
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"full_time_staff": 6}, "report_staff_inconsistent", "full_time_staff"),
        (
            {"fee_income": Decimal("490000"), "donations_received": Decimal("20000")},
            "report_income_inconsistent",
            "income",
        ),
        ({"expenditure": Decimal("-1")}, "report_negative", "expenditure"),
        ({"income": Decimal("1.005")}, "report_amount_invalid", "income"),
        ({"party_organization": "secret"}, "report_party_invalid", "party_organization"),
    ],
)
def test_it_refuses_inconsistent_figures(world, overrides, code, field):
    with pytest.raises(ApplicationError) as exc:
        draft(world, **overrides)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not AnnualReport.objects.exists()


def test_net_assets_may_be_negative(world):
    assert draft(world, net_assets=Decimal("-1200.50")).net_assets == Decimal("-1200.50")


def test_it_updates_a_draft_and_audits_the_changes(world):
    report = draft(world)
    services.report_update(actor=world.staff_a, report=report, sections=complete(trips_abroad=2), now=NOW)
    report.refresh_from_db()
    assert report.trips_abroad == 2
    entry = AuditEntry.objects.get(action="supervision.report.updated", object_id=str(report.pk))
    assert entry.changes == {"trips_abroad": {"before": 0, "after": 2}}


def test_staff_of_another_association_cannot_update(world):
    report = draft(world)
    with pytest.raises(PermissionDenied):
        services.report_update(actor=world.staff_b, report=report, sections=complete(), now=NOW)


def test_attachments_are_stored_with_the_report(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.report_create(
        actor=world.staff_a,
        organization=world.org_a,
        year=2025,
        sections=complete(),
        attachments=[SimpleUploadedFile("财务报表.pdf", PDF, content_type="application/pdf")],
        now=NOW,
    )
    stored = attachments_of(report, purpose="annual_report")
    assert [a.original_name for a in stored] == ["财务报表.pdf"] and stored[0].mime == "application/pdf"


def test_a_refused_attachment_saves_nothing(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ApplicationError) as exc:
        services.report_create(
            actor=world.staff_a,
            organization=world.org_a,
            year=2025,
            sections=complete(),
            attachments=[SimpleUploadedFile("报表.pdf", b"not a pdf at all", content_type="application/pdf")],
            now=NOW,
        )
    assert exc.value.code == "upload_type" and exc.value.field == "attachments"
    assert not AnnualReport.objects.exists()


# -- submit (ANN-1) -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["compliance", "registration_changes", "activities", "organs"])
def test_submit_requires_every_text_section(world, field):
    report = draft(world, **{field: "  "})
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(actor=world.staff_a, report=report, now=NOW)
    assert exc.value.field == field and "无" in exc.value.message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.first_submitted_on is None


def test_submit_requires_the_staff_total(world):
    report = draft(world, staff_total=0, full_time_staff=0)
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(actor=world.staff_a, report=report, now=NOW)
    assert exc.value.field == "staff_total"


@pytest.mark.parametrize(
    "day, on_time, days_late",
    [(dt.date(2026, 5, 30), True, 0), (dt.date(2026, 5, 31), True, 0), (dt.date(2026, 6, 1), False, 1)],
)
def test_ann_1_lateness_counts_from_31_may(world, day, on_time, days_late):
    report = submitted(world, on=day)
    when = services.timeliness(report)
    assert when["due_on"] == dt.date(2026, 5, 31)
    assert (when["on_time"], when["days_late"]) == (on_time, days_late)
    assert checks.report_late(report).met is (not on_time)


def test_ann_1_submitted_on_31_may_is_on_time(world):
    report = submitted(world, on=dt.date(2026, 5, 31))
    assert report.first_submitted_on == dt.date(2026, 5, 31)
    assert services.timeliness(report)["on_time"] is True
    assert "按期报送" in checks.report_late(report).facts


def test_ann_1_submitted_on_1_june_is_late(world):
    report = submitted(world, on=dt.date(2026, 6, 1))
    assert services.timeliness(report) | {} == {
        "due_on": dt.date(2026, 5, 31),
        "submitted": True,
        "on_time": False,
        "days_late": 1,
        "first_submitted_on": dt.date(2026, 6, 1),
    }
    assert "逾期 1 天" in checks.report_late(report).facts


def test_ann_1_deadline_follows_the_stored_parameter(world):
    from xiehui.core import params

    params.parameter_set(actor=None, key="ANN-1.due_month", value=6, note="试点延期", now=NOW)  # type: ignore[arg-type]
    report = submitted(world, on=dt.date(2026, 6, 1))
    assert services.timeliness(report)["due_on"] == dt.date(2026, 6, 30)
    assert services.timeliness(report)["on_time"] is True


def test_it_records_the_submission(world):
    report = submitted(world, on=dt.date(2026, 6, 3))
    assert (report.status, report.submitted_on, report.submitted_by) == (
        ReportStatus.SUBMITTED,
        dt.date(2026, 6, 3),
        world.staff_a,
    )
    entry = AuditEntry.objects.get(action="supervision.report.submitted")
    assert entry.changes["days_late"] == 3 and entry.changes["due_on"] == "2026-05-31"


def test_no_edits_after_submission(world):
    report = submitted(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_update(actor=world.staff_a, report=report, sections=complete(trips_abroad=9), now=NOW)
    assert exc.value.message == "已报送的报告不能修改，如需更正请联系登记管理机关退回"
    report.refresh_from_db()
    assert report.trips_abroad == 0


def test_it_refuses_submitting_twice(world):
    report = submitted(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_submit(actor=world.staff_a, report=report, now=NOW)
    assert exc.value.code == "report_already_submitted"


# -- return for correction ------------------------------------------------------------------------


def test_return_cycle_keeps_the_first_submission_date(world):
    report = submitted(world, on=dt.date(2026, 5, 31))
    services.report_return(
        actor=world.officer_jinan, report=report, reason="财务数据与审计报告不一致", now=at(dt.date(2026, 6, 10))
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "财务数据与审计报告不一致"
    services.report_update(actor=world.staff_a, report=report, sections=complete(income=Decimal("510000")), now=NOW)
    report = services.report_submit(actor=world.staff_a, report=report, now=at(dt.date(2026, 6, 20)))
    assert report.first_submitted_on == dt.date(2026, 5, 31) and report.submitted_on == dt.date(2026, 6, 20)
    assert services.timeliness(report)["on_time"] is True  # ANN-1 counts the first submission
    assert AuditEntry.objects.filter(action="supervision.report.returned").count() == 1
    assert AuditEntry.objects.get(action="supervision.report.submitted", changes__resubmission=True)


def test_return_requires_a_reason(world):
    report = submitted(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_return(actor=world.officer_jinan, report=report, reason=" ", now=NOW)
    assert exc.value.field == "reason"


@pytest.mark.parametrize("who", ["officer_qingdao", "officer_province", "staff_a", "member"])
def test_only_the_authority_returns_or_reviews(world, who):
    report = submitted(world)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=actor, report=report, reason="补正", now=NOW)
    with pytest.raises(PermissionDenied):
        services.report_review(actor=actor, report=report, result="pass", reasons="", now=NOW)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_draft_cannot_be_returned_or_reviewed(world):
    report = draft(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_return(actor=world.officer_jinan, report=report, reason="补正", now=NOW)
    assert exc.value.code == "report_not_submitted"
    with pytest.raises(ApplicationError) as exc:
        services.report_review(actor=world.officer_jinan, report=report, result="pass", reasons="", now=NOW)
    assert exc.value.code == "report_not_submitted"


# -- review (ANN-2) -------------------------------------------------------------------------------


def test_review_pass_needs_no_reasons_and_stores_the_criteria(world):
    report = submitted(world)
    report = services.report_review(actor=world.officer_jinan, report=report, result="pass", reasons="", now=NOW)
    report.refresh_from_db()
    assert (report.status, report.result, report.reviewed_on, report.reviewed_by) == (
        ReportStatus.REVIEWED,
        "pass",
        dt.date(2026, 11, 23),
        world.officer_jinan,
    )
    by_code = {row["code"]: row for row in report.criteria}
    assert by_code["report_late"]["met"] is False
    assert by_code["no_fulltime_staff"]["met"] is False
    assert by_code["reelection_overdue"]["met"] is None and "需人工核实" in by_code["reelection_overdue"]["facts"]
    entry = AuditEntry.objects.get(action="supervision.report.reviewed")
    assert entry.changes["result"] == "pass" and entry.changes["suggested"] == "pass"


@pytest.mark.parametrize("result", ["basic", "fail"])
def test_review_below_pass_requires_reasons(world, result):
    report = submitted(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_review(actor=world.officer_jinan, report=report, result=result, reasons="", now=NOW)
    assert exc.value.field == "reasons"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.result == ""


def test_review_refuses_an_unknown_result(world):
    report = submitted(world)
    with pytest.raises(ApplicationError) as exc:
        services.report_review(actor=world.officer_jinan, report=report, result="excellent", reasons="x", now=NOW)
    assert exc.value.field == "result"


def test_reviewed_report_cannot_be_edited_or_reviewed_again(world):
    report = submitted(world)
    services.report_review(actor=world.officer_jinan, report=report, result="basic", reasons="逾期", now=NOW)
    with pytest.raises(ApplicationError):
        services.report_update(actor=world.staff_a, report=report, sections=complete(), now=NOW)
    with pytest.raises(ApplicationError):
        services.report_review(actor=world.officer_jinan, report=report, result="pass", reasons="", now=NOW)


# -- the criteria engine --------------------------------------------------------------------------


def test_default_criteria_are_seeded_as_data():
    rows = {c.code: (c.check_name, c.leads_to) for c in InspectionCriterion.objects.filter(active=True)}
    assert rows == {
        "reelection_overdue": ("reelection_overdue", "basic"),
        "leaders_over_age_or_term": ("leaders_over_age_or_term", "basic"),
        "unapproved_officials": ("unapproved_officials", "basic"),
        "report_late": ("report_late", "basic"),
        "no_fulltime_staff": ("no_fulltime_staff", "basic"),
        "open_orders": ("open_orders", "basic"),
        "serious_listing": ("serious_listing", "fail"),
        "suspension_or_revocation": ("suspension_or_revocation_in_year", "fail"),
    }


def test_clean_report_suggests_pass(world):
    evaluated = checks.evaluate_criteria(submitted(world), as_of=NOW.date())
    assert checks.suggested_result(evaluated) == "pass"
    assert [row["code"] for row in evaluated][:3] == [
        "reelection_overdue",
        "leaders_over_age_or_term",
        "unapproved_officials",
    ]


def test_late_report_and_no_fulltime_staff_suggest_basic(world):
    report = submitted(world, on=dt.date(2026, 6, 1), full_time_staff=0)
    evaluated = {row["code"]: row for row in checks.evaluate_criteria(report, as_of=NOW.date())}
    assert evaluated["report_late"]["met"] is True and evaluated["no_fulltime_staff"]["met"] is True
    assert checks.suggested_result(evaluated.values()) == "basic"


def _order(world, *, deadline: dt.date, status: str = OrderStatus.OPEN) -> RectificationOrder:  # type: ignore[no-untyped-def]
    return RectificationOrder.objects.create(
        organization=world.org_a,
        number=f"济南市民政局责改字〔2026〕第{RectificationOrder.objects.count() + 1}号",
        source=RectificationOrder.Source.OFFICER,
        ground="未按规定公开信息",
        basis="004 第10条",
        facts="2026 年未公开收费标准",
        issued_on=dt.date(2026, 3, 1),
        deadline=deadline,
        status=status,
    )


@pytest.mark.parametrize(
    "deadline, status, met",
    [
        (dt.date(2026, 11, 22), OrderStatus.OPEN, True),
        (dt.date(2026, 11, 22), OrderStatus.ANSWERED, True),
        (dt.date(2026, 11, 23), OrderStatus.OPEN, False),  # deadline is today: not yet overdue
        (dt.date(2026, 11, 22), OrderStatus.COMPLETED, False),
        (dt.date(2026, 11, 22), OrderStatus.WITHDRAWN, False),
    ],
)
def test_ann_2_open_orders_past_their_deadline(world, deadline, status, met):
    report = submitted(world)
    order = _order(world, deadline=deadline, status=status)
    evaluated = {row["code"]: row for row in checks.evaluate_criteria(report, as_of=NOW.date())}
    assert evaluated["open_orders"]["met"] is met
    if met:
        assert order.number in evaluated["open_orders"]["facts"]


def _penalty(world, *, kind: str, on: dt.date) -> Penalty:  # type: ignore[no-untyped-def]
    return Penalty.objects.create(
        organization=world.org_a,
        kind=kind,
        decision_number=f"济民罚〔{on.year}〕{Penalty.objects.count() + 1}号",
        decided_on=on,
        legal_basis="《社会团体登记管理条例》第三十条",
        facts="违规收费",
        recorded_by=world.officer_jinan,
        recorded_at=NOW,
    )


@pytest.mark.parametrize(
    "kind, on, met",
    [
        (PenaltyKind.SUSPENSION, dt.date(2025, 12, 31), True),
        (PenaltyKind.REVOCATION, dt.date(2025, 1, 1), True),
        (PenaltyKind.SUSPENSION, dt.date(2026, 1, 1), False),  # not in the report year
        (PenaltyKind.WARNING, dt.date(2025, 6, 1), False),
    ],
)
def test_ann_2_suspension_or_revocation_in_the_report_year_suggests_fail(world, kind, on, met):
    report = submitted(world)
    _penalty(world, kind=kind, on=on)
    evaluated = {row["code"]: row for row in checks.evaluate_criteria(report, as_of=NOW.date())}
    assert evaluated["suspension_or_revocation"]["met"] is met
    assert checks.suggested_result(evaluated.values()) == ("fail" if met else "pass")


def test_penalties_in_year_counts_every_kind(world):
    report = submitted(world)
    penalty = _penalty(world, kind=PenaltyKind.WARNING, on=dt.date(2025, 6, 1))
    outcome = checks.penalties_in_year(report)
    assert outcome.met is True and penalty.decision_number in outcome.facts and "警告" in outcome.facts


def test_unregistered_check_evaluates_to_manual_verification(world):
    report = submitted(world)
    criterion = InspectionCriterion(code="x", description="测试", check_name="no_such_check", leads_to="fail")
    [row] = checks.evaluate_criteria(report, criteria=[criterion])
    assert row["met"] is None and "需人工核实" in row["facts"]


def test_other_domains_register_checks_into_the_registry(world, monkeypatch):
    monkeypatch.setattr(checks, "CHECKS", dict(checks.CHECKS))

    @checks.check("serious_listing")
    def serious_listing(report):  # type: ignore[no-untyped-def]
        return checks.CheckOutcome(True, "2025-08-01 列入严重违法失信名单")

    evaluated = checks.evaluate_criteria(submitted(world), as_of=NOW.date())
    row = next(r for r in evaluated if r["code"] == "serious_listing")
    assert row["met"] is True and checks.suggested_result(evaluated) == "fail"


def test_inactive_criteria_are_not_evaluated(world):
    InspectionCriterion.objects.filter(code="report_late").update(active=False)
    report = submitted(world, on=dt.date(2026, 6, 5))
    assert "report_late" not in {row["code"] for row in checks.evaluate_criteria(report)}


def test_suggested_result_is_the_worst_met():
    rows = [
        {"met": True, "leads_to": "basic"},
        {"met": None, "leads_to": "fail"},
        {"met": False, "leads_to": "fail"},
    ]
    assert checks.suggested_result(rows) == "basic"
    assert checks.suggested_result([]) == "pass"


# -- selectors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, first_submitted, state",
    [
        (dt.date(2026, 5, 31), None, "due"),
        (dt.date(2026, 6, 1), None, "missing"),
        (dt.date(2026, 11, 23), dt.date(2026, 5, 31), "on_time"),
        (dt.date(2026, 11, 23), dt.date(2026, 6, 1), "late"),
    ],
)
def test_ann_1_workspace_status_per_year(world, as_of, first_submitted, state):
    if first_submitted is not None:
        submitted(world, on=first_submitted)
    states = selectors.report_status_as_of(world.org_a, as_of)
    assert [(s.year, s.due_on, s.state) for s in states] == [(2025, dt.date(2026, 5, 31), state)]


def test_workspace_status_lists_every_year_from_the_first_platform_year(world):
    states = selectors.report_status_as_of(world.org_a, dt.date(2028, 6, 1))
    assert [(s.year, s.state) for s in states] == [(2027, "missing"), (2026, "missing"), (2025, "missing")]


def test_a_draft_does_not_count_as_filed(world):
    draft(world)
    [state] = selectors.report_status_as_of(world.org_a, dt.date(2026, 11, 23))
    assert state.state == "missing" and state.report is not None


def test_public_results_show_only_reviewed_reports_without_content(world):
    report = submitted(world)
    assert selectors.public_results_of(world.org_a) == []
    services.report_review(actor=world.officer_jinan, report=report, result="basic", reasons="逾期", now=NOW)
    assert selectors.public_results_of(world.org_a) == [
        {"year": 2025, "result": "basic", "reviewed_on": dt.date(2026, 11, 23), "result_label": "基本合格"}
    ]


def test_queue_filters_by_timeliness(world):
    late = submitted(world, on=dt.date(2026, 6, 1))
    on_time = services.report_submit(
        actor=world.staff_a, report=draft(world, year=2024, now=at(dt.date(2025, 3, 1))), now=at(dt.date(2025, 5, 31))
    )
    queue = lambda **kw: list(selectors.report_queue(actor=world.officer_jinan, filters=selectors.ReportFilters(**kw)))  # noqa: E731
    assert queue(timeliness="late") == [late]
    assert queue(timeliness="on_time") == [on_time]
    assert queue(year=2024, timeliness="late") == []
    assert set(queue()) == {late, on_time}
    assert queue(q="建筑") and queue(q="软件") == []
    assert list(selectors.report_queue(actor=world.officer_qingdao, filters=selectors.ReportFilters())) == []
    assert set(selectors.report_queue(actor=world.officer_province, filters=selectors.ReportFilters())) == {
        late,
        on_time,
    }
    assert list(selectors.report_queue(actor=world.staff_a, filters=selectors.ReportFilters())) == []


def test_criteria_changed_in_the_admin_are_audited(world, rf):
    from django.contrib.admin.sites import site

    criterion = InspectionCriterion.objects.get(code="report_late")
    model_admin = site._registry[InspectionCriterion]
    from xiehui.core.models import User

    admin_user = User.objects.create_superuser("admin", "admin@example.org", "x", role="admin")
    request = rf.post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, criterion, change=True)
    assert "suspension_or_revocation_in_year" in form_class.base_fields["check_name"].help_text
    data = {f: getattr(criterion, f) for f in ("code", "description", "check_name", "leads_to", "position")}
    form = form_class(data={**data, "leads_to": "fail", "active": "on"}, instance=criterion)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    criterion.refresh_from_db()
    assert criterion.leads_to == "fail"
    entry = AuditEntry.objects.get(action="supervision.criterion.changed")
    assert entry.changes == {"leads_to": "fail"} and entry.actor_id == admin_user.pk
    assert "delete_selected" not in model_admin.get_actions(request)
