"""Governance writes: organs, terms and extensions, audits, meetings, resolutions, charter versions,
cooperation matters (GOV-1, GOV-3 … GOV-6); leaders and posts are in services_leaders (re-exported here).

Audit codes: governance.organ.set, governance.term.opened / .extended, governance.audit.recorded,
governance.meeting.recorded, governance.resolution.recorded, governance.charter.recorded,
governance.cooperation.recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xiehui.core import audit, params
from xiehui.core.errors import ApplicationError
from xiehui.core.models import User
from xiehui.registry.models import Organization

from . import rules
from .models import (
    ASSEMBLY_KINDS,
    CharterVersion,
    CooperationMatter,
    FinancialAudit,
    Importance,
    MatterKind,
    Meeting,
    Organ,
    OrganKind,
    Resolution,
    Term,
    TermExtension,
)
from .selectors import route_for, rule_values
from .services_common import require_staff
from .services_leaders import (  # noqa: F401  (the shared interface names them in governance.services)
    appointment_confirm,
    appointment_end,
    appointment_nominate,
    appointments_elect,
    leader_nominate,
    leader_record,
)

MAX_COUNT = 1_000_000


def _text(value: str | None, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"请填写{label}", code="required", field=field)
    return value


def _own(obj: Any, organization: Organization, *, field: str, label: str) -> None:
    if obj is not None and obj.organization_id != organization.pk:
        raise ApplicationError(f"{label}不属于本会", code=f"{field}_invalid", field=field)


@transaction.atomic
def organ_set(
    *, actor: User | None, organization: Organization, kind: str, size: int, charter_clause: str = "", now: dt.datetime
) -> Organ:
    """Set up (or resize) an organ the charter provides for."""
    require_staff(actor, organization)
    if kind not in OrganKind.values:
        raise ApplicationError("请选择机构", code="kind_invalid", field="kind")
    if size < 0 or size > MAX_COUNT:
        raise ApplicationError("组成人数应为非负整数", code="size_invalid", field="size")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()  # one organ of a kind
    organ = Organ.objects.filter(organization=organization, kind=kind).first()
    before = {"size": organ.size, "charter_clause": organ.charter_clause} if organ else {}
    organ = organ or Organ(organization=organization, kind=kind)
    organ.size, organ.charter_clause = size, charter_clause.strip()
    organ.full_clean()
    organ.save()
    changes = audit.diff(before, {"size": size, "charter_clause": organ.charter_clause})
    audit.record(actor=actor, action="governance.organ.set", obj=organ, changes=changes, now=now)
    return organ


def _audits(organization: Organization) -> list[tuple[str, dt.date, str]]:
    rows = FinancialAudit.objects.filter(organization=organization).values_list(
        "occasion", "reported_on", "report_number"
    )
    return list(rows)


@transaction.atomic
def term_open(
    *,
    actor: User | None,
    organization: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    number: int | None = None,
    elected_by: Resolution | None = None,
    now: dt.datetime,
) -> Term:
    """Record a term (届): at most 5 years (GOV-1); a re-election needs a financial audit before it (GOV-4)."""
    require_staff(actor, organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _own(elected_by, organization, field="elected_by", label="换届决议")
    previous = Term.objects.filter(organization=organization).order_by("-number").first()
    number = number or (previous.number + 1 if previous else 1)
    if previous is not None and number <= previous.number:
        raise ApplicationError(f"届次应大于已登记的第{previous.number}届", code="term_number", field="number")
    if ends_on <= starts_on:
        raise ApplicationError("届满日期应晚于起始日期", code="term_dates", field="ends_on")
    if previous is not None and starts_on <= previous.starts_on:
        raise ApplicationError(f"本届起始日期应晚于第{previous.number}届起始日期", code="term_dates", field="starts_on")
    checks = [rules.gov_1_term_length(starts_on, ends_on, rule_values(organization, "GOV-1", as_of=starts_on))]
    if previous is not None:
        checks.append(
            rules.gov_4_audit(
                "reelection", starts_on, _audits(organization), rule_values(organization, "GOV-4", as_of=starts_on)
            )
        )
    rules.refuse(checks)
    term = Term(organization=organization, number=number, starts_on=starts_on, ends_on=ends_on, elected_by=elected_by)
    term.full_clean()
    term.save()
    changes = {"starts_on": starts_on, "ends_on": ends_on, "checks": [c.as_dict() for c in checks]}
    audit.record(actor=actor, action="governance.term.opened", obj=term, changes=changes, now=now)
    return term


@transaction.atomic
def term_extend(
    *,
    actor: User | None,
    term: Term,
    extended_to: dt.date,
    reason: str,
    resolution: Resolution,
    approval_document: str,
    approved_on: dt.date | None,
    now: dt.datetime,
) -> TermExtension:
    """GOV-3: extend a term by an assembly resolution of 2/3 and the registration authority's approval."""
    org = term.organization
    require_staff(actor, org)
    term = Term.objects.select_for_update().get(pk=term.pk)
    _own(resolution, org, field="resolution", label="延期换届决议")
    reason = _text(reason, field="reason", label="延期理由")
    end = rules.effective_end(term.ends_on, term.extended_to)
    if extended_to <= end:
        raise ApplicationError(
            f"延期至日期应晚于本届届满日期{end:%Y-%m-%d}", code="extension_dates", field="extended_to"
        )
    checks = rules.gov_3_extension(
        matter=resolution.matter,
        passed=resolution.passed,
        organ_kind=resolution.organ.kind,
        votes_for=resolution.votes_for,
        present=resolution.present,
        approval_document=approval_document,
        approved_on=approved_on,
        values=rule_values(org, "GOV-3", as_of=resolution.adopted_on),
    )
    rules.refuse(checks)
    assert approved_on is not None  # refused above when missing
    extension = TermExtension(
        term=term,
        extended_to=extended_to,
        reason=reason,
        resolution=resolution,
        approval_document=approval_document.strip(),
        approved_on=approved_on,
        recorded_at=now,
    )
    extension.full_clean()
    extension.save()
    term.extended_to = extended_to
    term.save(update_fields=["extended_to"])
    audit.record(
        actor=actor,
        action="governance.term.extended",
        obj=term,
        changes={"extended_to": extended_to, "resolution": resolution.number, "approval_document": approval_document},
        now=now,
    )
    return extension


@transaction.atomic
def financial_audit_record(
    *,
    actor: User | None,
    organization: Organization,
    occasion: str,
    auditor: str,
    report_number: str,
    period_start: dt.date,
    period_end: dt.date,
    reported_on: dt.date,
    now: dt.datetime,
) -> FinancialAudit:
    """Record a financial audit report (GOV-4 reads it before a re-election or a new legal representative)."""
    require_staff(actor, organization)
    if occasion not in FinancialAudit.Occasion.values:
        raise ApplicationError("请选择审计事由", code="occasion_invalid", field="occasion")
    if period_end < period_start:
        raise ApplicationError("审计期间止日不能早于起日", code="audit_period", field="period_end")
    if reported_on < period_start:
        raise ApplicationError("报告日期不能早于审计期间", code="audit_reported_on", field="reported_on")
    row = FinancialAudit(
        organization=organization,
        occasion=occasion,
        auditor=_text(auditor, field="auditor", label="审计机构"),
        report_number=_text(report_number, field="report_number", label="审计报告文号"),
        period_start=period_start,
        period_end=period_end,
        reported_on=reported_on,
        recorded_at=now,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        action="governance.audit.recorded",
        obj=row,
        object_label=row.report_number,
        changes={"occasion": occasion, "reported_on": reported_on},
        now=now,
    )
    return row


@transaction.atomic
def meeting_record(
    *,
    actor: User | None,
    organization: Organization,
    organ: Organ,
    title: str,
    held_on: dt.date,
    entitled: int | None = None,
    attended: int | None = None,
    place: str = "",
    minutes: str = "",
    now: dt.datetime,
) -> Meeting:
    """Record a meeting of an organ with its attendance against the entitled number (default: the organ's size)."""
    require_staff(actor, organization)
    _own(organ, organization, field="organ", label="会议机构")
    entitled = organ.size if entitled is None else entitled
    if not 0 < entitled <= MAX_COUNT:
        raise ApplicationError("应到人数应为正整数（请先设定机构组成人数）", code="entitled_invalid", field="entitled")
    if attended is not None and not 0 <= attended <= entitled:
        raise ApplicationError(f"实到人数应在 0 至应到人数{entitled}之间", code="attended_invalid", field="attended")
    meeting = Meeting(
        organization=organization,
        organ=organ,
        title=_text(title, field="title", label="会议名称"),
        held_on=held_on,
        place=place.strip(),
        entitled=entitled,
        attended=attended,
        minutes=minutes.strip(),
        created_at=now,
    )
    meeting.full_clean()
    meeting.save()
    audit.record(
        actor=actor,
        action="governance.meeting.recorded",
        obj=meeting,
        changes={"organ": organ.kind, "held_on": held_on, "entitled": entitled, "attended": attended},
        now=now,
    )
    return meeting


def _allocate_number(organization: Organization, year: int) -> str:
    """The next "<year>-<seq>" of the association (the organisation row is locked by the caller)."""
    taken = set(
        Resolution.objects.filter(organization=organization, number__startswith=f"{year}-").values_list(
            "number", flat=True
        )
    )
    seq = len(taken) + 1
    while f"{year}-{seq}" in taken:
        seq += 1
    return f"{year}-{seq}"


def _counts(votes_for: int, votes_against: int, votes_abstain: int, present: int, entitled: int) -> None:
    for name, value in (
        ("votes_for", votes_for),
        ("votes_against", votes_against),
        ("votes_abstain", votes_abstain),
        ("present", present),
        ("entitled", entitled),
    ):
        if not 0 <= value <= MAX_COUNT:
            raise ApplicationError("票数和人数应为非负整数", code="count_invalid", field=name)
    if votes_for + votes_against + votes_abstain > present:
        raise ApplicationError("赞成、反对、弃权票数之和不能超过到会人数", code="votes_exceed_present", field="present")
    if entitled and present > entitled:
        raise ApplicationError("到会人数不能超过应到人数", code="present_exceeds_entitled", field="present")


@transaction.atomic
def resolution_record(
    *,
    actor: User | None,
    organization: Organization,
    organ: Organ,
    meeting: Meeting | None = None,
    number: str | None = None,
    matter: str,
    title: str,
    decision: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    present: int,
    entitled: int,
    passed: bool,
    adopted_on: dt.date,
    explanation: dict[str, Any] | None = None,
    ballot_id: int | None = None,
    published_to_members_on: dt.date | None = None,
    importance: str = "",
    distributes_income: bool = False,
    now: dt.datetime,
) -> Resolution:
    """Record a resolution of an organ (number None: "<year>-<seq>"); GOV-6 refuses distributing income,
    GOV-5 a cooperation matter decided by another organ than the charter's."""
    require_staff(actor, organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _own(organ, organization, field="organ", label="决议机构")
    _own(meeting, organization, field="meeting", label="会议")
    if meeting is not None and meeting.organ_id != organ.pk:
        raise ApplicationError("会议与决议机构不一致", code="meeting_organ", field="meeting")
    if matter not in MatterKind.values:
        raise ApplicationError("请选择议题类型", code="matter_invalid", field="matter")
    if importance and importance not in Importance.values:
        raise ApplicationError("请选择重要程度", code="importance_invalid", field="importance")
    _counts(votes_for, votes_against, votes_abstain, present, entitled)
    checks = [rules.gov_6_check(distributes_income)]
    if matter == MatterKind.COOPERATION and importance:
        checks.append(rules.gov_5_check(importance, organ.kind, route_for(organization, importance, as_of=adopted_on)))
    rules.refuse(checks)
    number = (number or "").strip() or _allocate_number(organization, adopted_on.year)
    if Resolution.objects.filter(organization=organization, number=number).exists():
        raise ApplicationError(f"决议文号{number}已被使用", code="number_taken", field="number")
    resolution = Resolution(
        organization=organization,
        meeting=meeting,
        organ=organ,
        number=number,
        matter=matter,
        importance=importance,
        title=_text(title, field="title", label="议题"),
        decision=_text(decision, field="decision", label="决议内容"),
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        present=present,
        entitled=entitled,
        passed=passed,
        adopted_on=adopted_on,
        explanation=explanation or {},
        ballot_id=ballot_id,
        published_to_members_on=published_to_members_on,
        recorded_at=now,
    )
    resolution.full_clean()
    resolution.save()
    changes = {
        "matter": matter,
        "passed": passed,
        "votes": [votes_for, votes_against, votes_abstain, present, entitled],
    }
    audit.record(actor=actor, action="governance.resolution.recorded", obj=resolution, changes=changes, now=now)
    return resolution


def _charter_parameters(parameters: Any) -> dict[str, Any]:
    if not isinstance(parameters, dict):
        raise ApplicationError(
            '章程参数应为键值对，如 {"GOV-5.important": "council"}', code="parameter_invalid", field="parameters"
        )
    for key, value in parameters.items():
        try:
            fallback = params.default(key)
        except KeyError:
            raise ApplicationError(
                f"章程参数“{key}”不是平台规则的参数", code="parameter_unknown", field="parameters"
            ) from None
        if key.startswith("GOV-5."):
            problem = "" if value in OrganKind.values else "应为机构代码，如 assembly、council、president_office"
        else:
            problem = params.out_of_bounds(key, value, fallback)
        if problem:
            raise ApplicationError(f"章程参数“{key}”{problem}", code="parameter_invalid", field="parameters")
    return parameters


@transaction.atomic
def charter_version_record(
    *,
    actor: User | None,
    organization: Organization,
    text: str,
    resolution: Resolution,
    effective_on: dt.date,
    parameters: dict[str, Any] | None = None,
    now: dt.datetime,
) -> CharterVersion:
    """A new charter version, adopted by a passed charter resolution of the member (delegate) assembly."""
    require_staff(actor, organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _own(resolution, organization, field="resolution", label="章程决议")
    if resolution.matter != MatterKind.CHARTER or not resolution.passed or resolution.organ.kind not in ASSEMBLY_KINDS:
        raise ApplicationError(
            "章程须由会员（代表）大会通过的章程修改决议通过", code="charter_resolution", field="resolution"
        )
    last = CharterVersion.objects.filter(organization=organization).order_by("-version").first()
    version = CharterVersion(
        organization=organization,
        version=(last.version + 1) if last else 1,
        text=_text(text, field="text", label="章程全文"),
        resolution=resolution,
        effective_on=effective_on,
        parameters=dict(_charter_parameters(parameters if parameters is not None else {})),
        recorded_at=now,
    )
    version.full_clean()
    version.save()
    audit.record(
        actor=actor,
        action="governance.charter.recorded",
        obj=version,
        object_label=f"章程第{version.version}版",
        changes={"resolution": resolution.number, "effective_on": effective_on, "parameters": version.parameters},
        now=now,
    )
    return version


@transaction.atomic
def cooperation_matter_record(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    partner: str,
    importance: str,
    on: dt.date,
    routed_to: str = "",
    resolution: Resolution | None = None,
    now: dt.datetime,
) -> CooperationMatter:
    """GOV-5: a cooperation matter goes to the organ the charter sets for its importance."""
    require_staff(actor, organization)
    if importance not in Importance.values:
        raise ApplicationError("请选择重要程度", code="importance_invalid", field="importance")
    _own(resolution, organization, field="resolution", label="决议")
    expected = route_for(organization, importance, as_of=on)
    checks = []
    if routed_to:
        checks.append(rules.gov_5_check(importance, routed_to, expected))
    if resolution is not None:
        check = rules.gov_5_check(importance, resolution.organ.kind, expected)
        checks.append(
            rules.Check(
                check.rule_id, check.name, check.ok, f"所引决议{resolution.number}：{check.facts}", "resolution"
            )
        )
    rules.refuse(checks)
    matter = CooperationMatter(
        organization=organization,
        title=_text(title, field="title", label="合作事项"),
        partner=_text(partner, field="partner", label="合作方"),
        importance=importance,
        routed_to=expected,
        resolution=resolution,
        recorded_at=now,
        recorded_by=actor,
    )
    matter.full_clean(exclude=["recorded_by"])  # None: recorded by the system (demo data)
    matter.save()
    audit.record(
        actor=actor,
        action="governance.cooperation.recorded",
        obj=matter,
        object_label=matter.title,
        changes={"importance": importance, "routed_to": expected},
        now=now,
    )
    return matter
