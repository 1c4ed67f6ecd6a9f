"""Governance rules GOV-1 … GOV-6 (民发〔2015〕166号; 004 §7; 条例 art. 27; 000 二(四)).

Declarations first (what explanations cite, with their configurable parameters),
then pure checks: functions of facts (dataclasses, no queries) that return the
evaluated `Check`s, each with the rule id, whether it passed, and the fact in
Chinese with the dates, ages, counts and the parameter value that decided it.
Services run them at nomination, appointment, term and resolution recording;
the engine (governance/flags.py) and the ANN-2 checks (governance/checks.py)
run the same functions over the stored facts as of a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.core.rules import declare

from .models import ASSEMBLY_KINDS, LEADER_POSTS, Importance, MatterKind, OfficialStatus, OrganKind, Post

GOV1 = declare(
    "GOV-1",
    title="负责人任职条件：年龄不超过70周岁、任期不超过5年、连任不超过2届、会长与秘书长不得兼任或来自同一会员单位、不得在其他社会团体兼任会长或秘书长",
    basis="民发〔2015〕166号；《社会团体登记管理条例》",
    max_age=70,
    max_term_years=5,
    max_consecutive_terms=2,
    election_attendance_num=2,
    election_attendance_den=3,
)
GOV2 = declare(
    "GOV-2",
    title="党政领导干部在社会团体兼职：现职及离岗未退休者不得兼任；退（离）休干部兼职须经批准、限1个社团、2届、70周岁、不取酬、一般不任法定代表人，退休3年内从严",
    basis="004 第7条；中组部 2014、2015 年有关规定",
    retired_max_associations=1,
    retired_max_terms=2,
    retired_max_age=70,
    cooling_off_years=3,
)
GOV3 = declare(
    "GOV-3",
    title="按期换届；延期换届须经会员（代表）大会2/3以上表决通过并报登记管理机关批准",
    basis="《社会团体登记管理条例》；000 二(四)",
    extension_num=2,
    extension_den=3,
)
GOV4 = declare(
    "GOV-4",
    title="换届和更换法定代表人之前进行财务审计",
    basis="《社会团体登记管理条例》第二十七条",
    audit_window_months=12,
)
GOV5 = declare(
    "GOV-5",
    title="合作事项按章程规定的重要程度提交会员（代表）大会、理事会或会长办公会决策",
    basis="000 二(四)",
    major="assembly",
    important="council",
    ordinary="president_office",
)
GOV6 = declare(
    "GOV-6",
    title="不得向会员分配收入，不得以营利为目的投资会员企业",
    basis="000 二(四)；《社会团体登记管理条例》",
)

PRESIDENT_OR_SG = frozenset({Post.PRESIDENT, Post.SECRETARY_GENERAL})
OFFICIAL_BARRED = frozenset({OfficialStatus.SERVING, OfficialStatus.ON_LEAVE})
COUNTED_STATUSES = ("serving", "ended")  # appointments that were actually held


@dataclass(frozen=True)
class Check:
    """One evaluated check: the rule, a stable name, passed or not, and the fact."""

    rule_id: str
    name: str
    ok: bool
    facts: str
    field: str = ""

    @property
    def message(self) -> str:
        return f"{self.rule_id}：{self.facts}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def refusals(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]


def refuse(checks: Sequence[Check], *, default_field: str = "") -> None:
    """Raise one ApplicationError naming every refusal (the first one's rule id is the code)."""
    failed = refusals(checks)
    if failed:
        first = failed[0]
        raise ApplicationError(
            "；".join(c.message for c in failed),
            code=first.rule_id,
            field=first.field or default_field or None,
            extra={"rule_id": first.rule_id, "refusals": [c.as_dict() for c in failed]},
        )


def d(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day is not None else "—"


def anniversary(born: dt.date, years: int) -> dt.date:
    """The day `years` years after `born`; a 29 February birth has it on 28 February in a common year
    (民法典第二百零三条: without a corresponding day, the last day of the month)."""
    return clock.add_calendar_months(born, 12 * years)


def over_age(born: dt.date, on: dt.date, max_age: int) -> bool:
    """Over `max_age` on `on`: the day is after the max_age-th birthday (the birthday itself is allowed)."""
    return on > anniversary(born, max_age)


def age_on(born: dt.date, on: dt.date) -> int:
    years = on.year - born.year
    return years if anniversary(born, years) <= on else years - 1


# -- facts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    name: str
    birth_date: dt.date
    official_status: str = OfficialStatus.NONE
    retired_on: dt.date | None = None


@dataclass(frozen=True)
class Held:
    """A post a person holds or held (another appointment than the one checked)."""

    organization_id: int
    organization_name: str
    post: str
    term_id: int
    term_number: int
    status: str
    person_id: int = 0
    member_unit_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@dataclass(frozen=True)
class Candidate:
    """The appointment being checked, as of the nomination or appointment day `on`."""

    organization_id: int
    person_id: int
    post: str
    term_id: int
    term_number: int
    on: dt.date
    member_unit_id: int | None = None
    paid: bool = False
    approval_document: str = ""
    approved_on: dt.date | None = None


def post_label(post: str) -> str:
    return str(Post(post).label)


# -- GOV-1 -----------------------------------------------------------------------------------------------


def gov_1_age(person: PersonFacts, on: dt.date, values: Mapping[str, Any]) -> Check:
    limit = values["max_age"]
    birthday = anniversary(person.birth_date, limit)
    if over_age(person.birth_date, on, limit):
        facts = (
            f"{person.name}出生于{d(person.birth_date)}，{d(birthday)}年满{limit}周岁，"
            f"{d(on)}已超过{limit}周岁（上限{limit}周岁）"
        )
        return Check("GOV-1", "age", False, facts, "person")
    facts = (
        f"{person.name}出生于{d(person.birth_date)}，{d(on)}为{age_on(person.birth_date, on)}周岁（上限{limit}周岁）"
    )
    return Check("GOV-1", "age", True, facts)


def gov_1_term_length(starts_on: dt.date, ends_on: dt.date, values: Mapping[str, Any]) -> Check:
    years = values["max_term_years"]
    latest = clock.add_calendar_months(starts_on, 12 * years)
    if ends_on > latest:
        facts = f"本届任期{d(starts_on)}至{d(ends_on)}，超过{years}年（最迟应于{d(latest)}届满）"
        return Check("GOV-1", "term_length", False, facts, "ends_on")
    return Check("GOV-1", "term_length", True, f"本届任期{d(starts_on)}至{d(ends_on)}，不超过{years}年")


def consecutive_before(term_number: int, held_numbers: Iterable[int]) -> int:
    """How many terms immediately before `term_number` were held (a gap resets the count)."""
    numbers = set(held_numbers)
    count, n = 0, term_number - 1
    while n in numbers:
        count, n = count + 1, n - 1
    return count


def gov_1_consecutive(c: Candidate, history: Sequence[Held], values: Mapping[str, Any]) -> Check:
    limit = values["max_consecutive_terms"]
    same = [
        h.term_number
        for h in history
        if h.organization_id == c.organization_id and h.post == c.post and h.status in COUNTED_STATUSES
    ]
    before = consecutive_before(c.term_number, same)
    label = post_label(c.post)
    if before >= limit:
        facts = (
            f"已连续{before}届（第{c.term_number - before}届至第{c.term_number - 1}届）担任{label}，"
            f"第{c.term_number}届将为连续第{before + 1}届（上限连任{limit}届）"
        )
        return Check("GOV-1", "consecutive_terms", False, facts, "post")
    return Check("GOV-1", "consecutive_terms", True, f"此前连续担任{label}{before}届（上限{limit}届）")


def gov_1_president_sg(c: Candidate, same_term: Sequence[Held]) -> list[Check]:
    """President and secretary-general: not the same person, not from the same member unit."""
    if c.post not in PRESIDENT_OR_SG:
        return []
    other = Post.SECRETARY_GENERAL if c.post == Post.PRESIDENT else Post.PRESIDENT
    holders = [h for h in same_term if h.post == other and h.status in ("nominated", "serving")]
    out = []
    if any(h.person_id == c.person_id for h in holders):
        facts = f"同一人已被提名或担任本届{post_label(other)}，会长与秘书长不得由同一人兼任"
        out.append(Check("GOV-1", "president_sg_person", False, facts, "person"))
    elif c.member_unit_id is not None and any(h.member_unit_id == c.member_unit_id for h in holders):
        facts = f"本届{post_label(other)}来自同一会员单位，会长与秘书长不得来自同一会员单位"
        out.append(Check("GOV-1", "president_sg_unit", False, facts, "member_unit"))
    else:
        out.append(Check("GOV-1", "president_sg", True, "会长与秘书长不是同一人，也不来自同一会员单位"))
    return out


def gov_1_other_association(c: Candidate, history: Sequence[Held]) -> list[Check]:
    if c.post not in PRESIDENT_OR_SG:
        return []
    elsewhere = [
        h
        for h in history
        if h.organization_id != c.organization_id and h.post in PRESIDENT_OR_SG and h.status == "serving"
    ]
    if elsewhere:
        listed = "、".join(f"{h.organization_name}{post_label(h.post)}" for h in elsewhere)
        facts = f"现任{listed}，不得在其他社会团体兼任会长或秘书长"
        return [Check("GOV-1", "other_association", False, facts, "person")]
    return [Check("GOV-1", "other_association", True, "未在平台上其他社会团体担任会长或秘书长")]


# -- GOV-2 -----------------------------------------------------------------------------------------------


def gov_2_checks(c: Candidate, person: PersonFacts, history: Sequence[Held], values: Mapping[str, Any]) -> list[Check]:
    status = person.official_status
    if status in OFFICIAL_BARRED:
        label = OfficialStatus(status).label
        return [Check("GOV-2", "official", False, f"{person.name}为{label}，不得在社会团体兼任职务", "official_status")]
    if status != OfficialStatus.RETIRED:
        return [Check("GOV-2", "official", True, f"{person.name}非现职或离岗未退休公务员")]
    if person.retired_on is not None and person.retired_on > c.on:
        facts = f"{person.name}于{d(person.retired_on)}退（离）休，{d(c.on)}尚为在职公务员，不得在社会团体兼任职务"
        return [Check("GOV-2", "official", False, facts, "retired_on")]
    return [
        _gov_2_associations(c, history, values),
        _gov_2_terms(c, history, values),
        _gov_2_age(c, person, values),
        Check(
            "GOV-2",
            "unpaid",
            not c.paid,
            "退（离）休领导干部兼职不得领取薪酬" + ("，但登记为领取薪酬" if c.paid else "：未领取"),
            "paid",
        ),
        _gov_2_legal_representative(c),
        _gov_2_approval(c),
        _gov_2_cooling_off(c, person, values),
    ]


def _gov_2_associations(c: Candidate, history: Sequence[Held], values: Mapping[str, Any]) -> Check:
    limit = values["retired_max_associations"]
    others = sorted(
        {h.organization_name for h in history if h.organization_id != c.organization_id and h.status == "serving"}
    )
    if len(others) + 1 > limit:
        facts = f"退（离）休领导干部兼职限{limit}个社会团体，已在{'、'.join(others)}任职"
        return Check("GOV-2", "associations", False, facts, "person")
    return Check("GOV-2", "associations", True, f"未在其他社会团体兼职（上限{limit}个）")


def _gov_2_terms(c: Candidate, history: Sequence[Held], values: Mapping[str, Any]) -> Check:
    limit = values["retired_max_terms"]
    terms = {h.term_id for h in history if h.organization_id == c.organization_id and h.status in COUNTED_STATUSES}
    terms.discard(c.term_id)
    if len(terms) + 1 > limit:
        facts = f"退（离）休领导干部兼职不超过{limit}届，已在本会任职{len(terms)}届，本届将为第{len(terms) + 1}届"
        return Check("GOV-2", "terms", False, facts, "person")
    return Check("GOV-2", "terms", True, f"已在本会任职{len(terms)}届（上限{limit}届）")


def _gov_2_age(c: Candidate, person: PersonFacts, values: Mapping[str, Any]) -> Check:
    limit = values["retired_max_age"]
    if over_age(person.birth_date, c.on, limit):
        birthday = anniversary(person.birth_date, limit)
        facts = f"退（离）休领导干部兼职年龄上限{limit}周岁，{person.name}于{d(birthday)}年满{limit}周岁"
        return Check("GOV-2", "age", False, facts, "person")
    return Check("GOV-2", "age", True, f"{d(c.on)}为{age_on(person.birth_date, c.on)}周岁（上限{limit}周岁）")


def _gov_2_legal_representative(c: Candidate) -> Check:
    if c.post == Post.LEGAL_REPRESENTATIVE:
        return Check("GOV-2", "legal_representative", False, "退（离）休领导干部一般不得担任法定代表人", "post")
    return Check("GOV-2", "legal_representative", True, "不担任法定代表人")


def _gov_2_approval(c: Candidate) -> Check:
    if not c.approval_document.strip() or c.approved_on is None:
        facts = "退（离）休领导干部在社会团体兼职须经批准，未填写审批（备案）文号和审批日期"
        return Check("GOV-2", "approval", False, facts, "approval_document")
    if c.approved_on > c.on:
        facts = f"退（离）休领导干部兼职须事先经批准：审批日期{d(c.approved_on)}晚于{d(c.on)}"
        return Check("GOV-2", "approval", False, facts, "approved_on")
    return Check("GOV-2", "approval", True, f"已经批准：{c.approval_document}（{d(c.approved_on)}）")


def _gov_2_cooling_off(c: Candidate, person: PersonFacts, values: Mapping[str, Any]) -> Check:
    years = values["cooling_off_years"]
    if person.retired_on is None:
        return Check("GOV-2", "cooling_off", False, "未填写退（离）休日期", "retired_on")
    until = anniversary(person.retired_on, years)
    if c.on < until:
        if not c.approval_document.strip():
            facts = f"{d(person.retired_on)}退（离）休，{d(c.on)}尚在{years}年内（至{d(until)}），未经特别批准不得兼职"
            return Check("GOV-2", "cooling_off", False, facts, "approval_document")
        return Check("GOV-2", "cooling_off", True, f"退（离）休未满{years}年，已经特别批准：{c.approval_document}")
    return Check("GOV-2", "cooling_off", True, f"{d(person.retired_on)}退（离）休，已满{years}年")


def appointment_checks(
    c: Candidate,
    person: PersonFacts,
    history: Sequence[Held],
    same_term: Sequence[Held],
    *,
    gov1: Mapping[str, Any],
    gov2: Mapping[str, Any],
) -> list[Check]:
    """Every GOV-1 and GOV-2 check of one nomination or appointment (age and consecutive terms: the leader
    posts only, as the engine flags them; GOV-2: every post)."""
    leader = [gov_1_age(person, c.on, gov1), gov_1_consecutive(c, history, gov1)] if c.post in LEADER_POSTS else []
    return [
        *leader,
        *gov_1_president_sg(c, same_term),
        *gov_1_other_association(c, history),
        *gov_2_checks(c, person, history, gov2),
    ]


def gov_1_election_attendance(present: int, entitled: int, values: Mapping[str, Any]) -> Check:
    num, den = values["election_attendance_num"], values["election_attendance_den"]
    if not entitled:
        facts = f"选举决议未登记应到人数，无法核对出席是否达到{num}/{den}"
        return Check("GOV-1", "election_attendance", False, facts, "resolution")
    if present * den < num * entitled:
        facts = f"选举会议应到{entitled}人、实到{present}人，未达到{num}/{den}"
        return Check("GOV-1", "election_attendance", False, facts, "resolution")
    return Check("GOV-1", "election_attendance", True, f"选举会议应到{entitled}人、实到{present}人（须达{num}/{den}）")


# -- GOV-3 -----------------------------------------------------------------------------------------------


def effective_end(ends_on: dt.date, extended_to: dt.date | None) -> dt.date:
    return extended_to if extended_to is not None and extended_to > ends_on else ends_on


def gov_3_overdue(number: int, end: dt.date, newer_starts_on: dt.date | None, as_of: dt.date) -> Check:
    """The latest term is overdue when its (extended) end is before `as_of` and no newer term has started."""
    if end < as_of and (newer_starts_on is None or newer_starts_on > as_of):
        days = (as_of - end).days
        facts = f"第{number}届于{d(end)}届满，至{d(as_of)}未换届（逾期{days}天）"
        return Check("GOV-3", "overdue", False, facts)
    if newer_starts_on is not None and newer_starts_on <= as_of:
        return Check("GOV-3", "overdue", True, f"第{number}届已于{d(newer_starts_on)}换届")
    return Check("GOV-3", "overdue", True, f"第{number}届{d(end)}届满，尚未到期")


def gov_3_extension(
    *,
    matter: str,
    passed: bool,
    organ_kind: str,
    votes_for: int,
    present: int,
    approval_document: str,
    approved_on: dt.date | None,
    values: Mapping[str, Any],
) -> list[Check]:
    num, den = values["extension_num"], values["extension_den"]
    out = []
    if matter != MatterKind.TERM_EXTENSION or organ_kind not in ASSEMBLY_KINDS or not passed:
        facts = "延期换届须有会员（代表）大会通过的延期换届决议"
        out.append(Check("GOV-3", "extension_resolution", False, facts, "resolution"))
    elif present == 0 or votes_for * den < num * present:
        facts = f"延期换届决议赞成{votes_for}票、到会{present}人，未达到{num}/{den}"
        out.append(Check("GOV-3", "extension_vote", False, facts, "resolution"))
    else:
        out.append(Check("GOV-3", "extension_vote", True, f"赞成{votes_for}票、到会{present}人，达到{num}/{den}"))
    if not approval_document.strip() or approved_on is None:
        facts = "延期换届须经登记管理机关批准，未填写批复文号和日期"
        out.append(Check("GOV-3", "extension_approval", False, facts, "approval_document"))
    return out


# -- GOV-4 -----------------------------------------------------------------------------------------------


def gov_4_audit(
    occasion: str, on: dt.date, audits: Iterable[tuple[str, dt.date, str]], values: Mapping[str, Any]
) -> Check:
    """A financial audit of `occasion` reported within the window before `on` (inclusive at both ends)."""
    months = values["audit_window_months"]
    earliest = clock.add_calendar_months(on, -months)
    found = sorted((a for a in audits if a[0] == occasion and earliest <= a[1] <= on), key=lambda a: a[1])
    what = "换届" if occasion == "reelection" else "更换法定代表人"
    if not found:
        facts = f"{what}前须进行财务审计：{d(earliest)}至{d(on)}（{months}个月内）没有相应的财务审计报告"
        return Check("GOV-4", "audit", False, facts, "audit")
    _, reported_on, number = found[-1]
    return Check("GOV-4", "audit", True, f"{what}前已审计：{number}（{d(reported_on)}报告）")


# -- GOV-5 and GOV-6 -------------------------------------------------------------------------------------


def gov_5_route(importance: str, *, values: Mapping[str, Any], has_delegate_assembly: bool) -> str:
    """The organ kind a cooperation matter of `importance` goes to (charter parameters override)."""
    kind = str(values[Importance(importance).value])
    if kind == OrganKind.ASSEMBLY and has_delegate_assembly:
        return str(OrganKind.DELEGATE_ASSEMBLY)
    return kind


def gov_5_check(importance: str, routed_to: str, expected: str) -> Check:
    label = Importance(importance).label
    if routed_to != expected:
        facts = f"{label}应提交{OrganKind(expected).label}决策（章程规定），不能由{OrganKind(routed_to).label}决定"
        return Check("GOV-5", "routing", False, facts, "resolution")
    return Check("GOV-5", "routing", True, f"{label}由{OrganKind(expected).label}决策")


def gov_6_check(distributes_income: bool) -> Check:
    if distributes_income:
        facts = "决议涉及向会员分配收入或以营利为目的投资会员企业，协会收入不得分配"
        return Check("GOV-6", "no_distribution", False, facts, "distributes_income")
    return Check("GOV-6", "no_distribution", True, "决议不涉及向会员分配收入")
