"""Supervision's part of `xiehui demo`: a year of annual reports, penalties, orders, complaints and facts.

Deterministic (fixed seed). Most associations filed their 2025 report on time;
some filed late and some not at all, so the engine (run by `xiehui demo` right
after) lists them on the abnormal list as of today. The featured associations
of the demo staff each show one path: 济南市建筑装饰协会 missed its report
(listed, CR-A1), 青岛市软件行业协会 reported no full-time staff (order, SUP-4),
临沂市温州商会 has substantiated complaints (key inspection, SUP-2).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xiehui.core import clock
from xiehui.core.demo import extension
from xiehui.core.models import User
from xiehui.registry.models import Organization

from .models import (
    AddressLetter,
    AnnualReport,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    CourtListEntry,
    InspectionResult,
    Penalty,
    Pledge,
    ReportStatus,
)

SEED = 20261124
YEAR = 2025
ACTIVITIES = "组织行业培训 6 场、标准宣贯会 2 场，开展会员企业走访调研，发布行业发展报告 1 份。"


def _report(org_id: int, filed: dt.date | None, user: User, rng: random.Random, *, staff: int = 3) -> AnnualReport:
    income = Decimal(rng.randrange(300_000, 5_000_000))
    status = ReportStatus.SUBMITTED if filed else ReportStatus.DRAFT
    return AnnualReport(
        organization_id=org_id,
        year=YEAR,
        status=status,
        compliance="遵守宪法、法律、法规和国家政策，按照章程开展活动，未发现违法违规情形。",
        registration_changes="本年度无登记事项变更。",
        activities=ACTIVITIES,
        organs="召开会员大会 1 次、理事会 2 次；秘书处工作人员稳定。",
        staff_total=max(staff, 5),
        full_time_staff=staff,
        income=income,
        expenditure=(income * Decimal("0.85")).quantize(Decimal("1")),
        net_assets=Decimal(rng.randrange(100_000, 2_000_000)),
        fee_income=(income * Decimal("0.4")).quantize(Decimal("1")),
        donations_received=Decimal(rng.choice((0, 0, 50_000))),
        trips_abroad=rng.choice((0, 0, 1)),
        party_organization=rng.choice(("standalone", "joint", "instructor")),
        party_members=rng.randrange(3, 30),
        created_by=user,
        first_submitted_on=filed,
        submitted_on=filed,
    )


@extension(order=20)
def load_demo(users: dict[str, User], now: dt.datetime) -> str:
    rng = random.Random(SEED)
    today = clock.local_date(now)
    officer = users["officer_sd"]
    featured = dict(Organization.objects.filter(name__in=FEATURED).values_list("name", "id"))
    reports, late, missing = [], 0, 0
    for org_id, registered_on in Organization.objects.filter(status="registered").values_list("id", "registered_on"):
        if registered_on.year > YEAR or org_id in featured.values():
            continue
        roll = rng.random()
        if roll < 0.04:
            missing += 1
            continue
        if roll < 0.07:
            late += 1
            filed = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(90))
        else:
            filed = dt.date(2026, 2, 1) + dt.timedelta(days=rng.randrange(119))
        report = _report(org_id, filed, officer, rng)
        if rng.random() < 0.6:  # reviewed by the authority
            report.status = ReportStatus.REVIEWED
            report.result = rng.choices((InspectionResult.PASS, InspectionResult.BASIC), (9, 1))[0]
            report.result_reasons = "" if report.result == InspectionResult.PASS else "换届逾期，已督促整改"
            report.reviewed_on = min(filed + dt.timedelta(days=rng.randrange(10, 60)), today)
            report.reviewed_by = officer
        reports.append(report)
    # 青岛市软件行业协会 reports no full-time staff: the engine issues an order (SUP-4)
    software = featured["青岛市软件行业协会"]
    reports.append(_report(software, dt.date(2026, 10, 9), users["staff_ruanjian"], rng, staff=0))
    for name in ("山东省物流与采购联合会", "临沂市温州商会", "济南市历下区餐饮业协会"):
        reports.append(_report(featured[name], dt.date(2026, 4, 20), officer, rng))
    # 济南市建筑装饰协会 has a draft it never submitted: listed on 2026-06-01 (CR-A1)
    reports.append(_report(featured["济南市建筑装饰协会"], None, users["staff_jianzhuang"], rng))
    AnnualReport.objects.bulk_create(reports, batch_size=1000)
    _penalties_and_facts(rng, officer, now)
    complaints = _complaints(rng, users, featured["临沂市温州商会"], today, now)
    return (
        f"年度工作报告 {len(reports)} 份（逾期报送 {late}、未报送 {missing + 1}），"
        f"行政处罚 {Penalty.objects.count()} 项，投诉 {complaints} 件"
    )


FEATURED = (
    "山东省物流与采购联合会",
    "济南市建筑装饰协会",
    "青岛市软件行业协会",
    "临沂市温州商会",
    "济南市历下区餐饮业协会",
)


def _penalties_and_facts(rng: random.Random, officer: User, now: dt.datetime) -> None:
    others = list(
        Organization.objects.filter(status="registered")
        .exclude(name__in=FEATURED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    picks = rng.sample(others, 16)
    plan = [("warning", None)] * 8 + [("fine", 20_000)] * 3 + [("fine", 80_000)] * 2 + [("suspension", None)]
    penalties = []
    for n, (org_id, (kind, amount)) in enumerate(zip(picks, plan, strict=False), start=1):
        decided = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(300))
        penalties.append(
            Penalty(
                organization_id=org_id,
                kind=kind,
                decision_number=f"鲁民罚〔2026〕{n}号",
                decided_on=decided,
                amount=Decimal(amount) if amount else None,
                suspension_from=decided if kind == "suspension" else None,
                suspension_until=decided + dt.timedelta(days=90) if kind == "suspension" else None,
                legal_basis="《社会团体登记管理条例》第三十条",
                facts="违反章程规定收取费用，经调查属实。",
                recorded_by=officer,
                recorded_at=now,
            )
        )
    Penalty.objects.bulk_create(penalties)
    unreachable = picks[14]
    AddressLetter.objects.bulk_create(
        [
            AddressLetter(
                organization_id=unreachable,
                sent_on=dt.date(2026, 8, 3),
                returned_on=dt.date(2026, 8, 10),
                tracking_number="1180000000001",
                recorded_by=officer,
            ),
            AddressLetter(
                organization_id=unreachable,
                sent_on=dt.date(2026, 9, 7),
                returned_on=dt.date(2026, 9, 15),
                tracking_number="1180000000002",
                recorded_by=officer,
            ),
        ]
    )
    CourtListEntry.objects.create(
        organization_id=picks[15],
        case_number="（2026）鲁01执1234号",
        court="济南市中级人民法院",
        listed_on=dt.date(2026, 7, 20),
        recorded_by=officer,
        recorded_at=now,
    )


def _complaints(rng: random.Random, users: dict[str, User], chamber: int, today: dt.date, now: dt.datetime) -> int:
    orgs = rng.sample(
        list(Organization.objects.filter(status="registered").values_list("id", "authority_region_id")), 25
    )
    authority = dict(Organization.objects.filter(id=chamber).values_list("id", "authority_region_id"))
    rows = [(org_id, region, False) for org_id, region in orgs] + [(chamber, authority[chamber], True)] * 3
    created = 0
    for n, (org_id, region, substantiated) in enumerate(rows, start=1):
        filed = (
            dt.date(2026, 2, 1) + dt.timedelta(days=rng.randrange(250))
            if not substantiated
            else dt.date(2026, 1, 10) + dt.timedelta(days=(n - len(orgs)) * 45)
        )
        answered = filed + dt.timedelta(days=rng.randrange(20, 58)) if substantiated or rng.random() < 0.6 else None
        if answered and answered > today:
            answered = None
        complaint = Complaint.objects.create(
            code=f"DEMO{n:08d}",
            organization_id=org_id,
            authority_region_id=region,
            pledge=rng.choice(list(Pledge.values)),
            description="要求会员企业参加收费培训，否则不予办理相关证明。",
            anonymous=True,
            filed_on=filed,
            due_on=filed + dt.timedelta(days=60),
            status=ComplaintStatus.ANSWERED if answered else ComplaintStatus.RECEIVED,
            outcome=("substantiated" if substantiated else rng.choice(("unsubstantiated", "partly")))
            if answered
            else "",
            findings="经调查核实。" if answered else "",
            answer="已责令改正并退还费用。" if answered else "",
            answered_on=answered,
        )
        ComplaintEvent.objects.create(complaint=complaint, at=now, status=ComplaintStatus.RECEIVED, note="已受理")
        created += 1
    return created
