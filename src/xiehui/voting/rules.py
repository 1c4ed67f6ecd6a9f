"""Ballot rules BAL-1 … BAL-5, and the tally that checks quorum and threshold and explains them.

The figures a ballot is checked against are copied onto the ballot when it is set
up (the charter's override, else the platform parameter), so a tally always uses
the figures that were in force for that ballot. `tally()` is pure: it reads the
questions, the cast choices and the counts, and returns the result with one
explanation entry per rule (id, parameters, figures, met or not, a sentence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xiehui.core import params
from xiehui.core.rules import declare

BAL1 = declare(
    "BAL-1",
    title="投票人名册在截止日冻结，投票开始前公布名册人数和SM3摘要，此后不得增补",
    basis="000 二(四)；民发〔2014〕166号",
)
BAL2 = declare(
    "BAL-2",
    title="一人（一会员单位）一票；投票人获得回执码；计票后公布全部选票的回执摘要及选择（公告板）",
    basis="000 二(四)；民发〔2014〕166号（无记名投票）",
)
BAL3 = declare(
    "BAL-3",
    title="会员（代表）大会法定人数：须有应到人数的2/3以上出席（参加表决）",
    basis="社会团体章程示范文本；000 二(四)",
    quorum_num=2,
    quorum_den=3,
)
BAL4 = declare(
    "BAL-4",
    title="信任投票与负责人选举：获得到会（参加表决）人数过半数的票",
    basis="社会团体章程示范文本；GOV-1（民发〔2015〕166号）",
    threshold_num=1,
    threshold_den=2,
    strict=True,
)
BAL5 = declare(
    "BAL-5",
    title="章程修改：须经到会（参加表决）人数2/3以上同意",
    basis="社会团体章程示范文本",
    threshold_num=2,
    threshold_den=3,
    strict=False,
)

FEE_STANDARD, TRUST_VOTE, ELECTION, CHARTER_AMENDMENT, TERM_EXTENSION = (
    "fee_standard",
    "trust_vote",
    "election",
    "charter_amendment",
    "term_extension",
)
APPROVE, TRUST, ELECT = "approve", "trust", "elect"
CHOICES = {
    APPROVE: {"for": "赞成", "against": "反对", "abstain": "弃权"},
    TRUST: {"trust": "信任", "distrust": "不信任", "abstain": "弃权"},
}
YES = {APPROVE: "for", TRUST: "trust"}


@dataclass(frozen=True)
class Quorum:
    rule: str
    num: int
    den: int


@dataclass(frozen=True)
class Threshold:
    rule: str
    num: int
    den: int
    strict: bool


# which rule and which parameters each kind of ballot is checked against (FEE-1's threshold is fixed: more than half)
QUORUM_KEYS = {
    FEE_STANDARD: ("FEE-1", "FEE-1.quorum_num", "FEE-1.quorum_den"),
    TRUST_VOTE: ("BAL-3", "BAL-3.quorum_num", "BAL-3.quorum_den"),
    ELECTION: ("GOV-1", "GOV-1.election_attendance_num", "GOV-1.election_attendance_den"),
    CHARTER_AMENDMENT: ("BAL-3", "BAL-3.quorum_num", "BAL-3.quorum_den"),
    TERM_EXTENSION: ("BAL-3", "BAL-3.quorum_num", "BAL-3.quorum_den"),
}
THRESHOLD_KEYS: dict[str, tuple[str, str | int, str | int, str | bool]] = {
    FEE_STANDARD: ("FEE-1", 1, 2, True),
    TRUST_VOTE: ("BAL-4", "BAL-4.threshold_num", "BAL-4.threshold_den", "BAL-4.strict"),
    ELECTION: ("BAL-4", "BAL-4.threshold_num", "BAL-4.threshold_den", "BAL-4.strict"),
    CHARTER_AMENDMENT: ("BAL-5", "BAL-5.threshold_num", "BAL-5.threshold_den", "BAL-5.strict"),
    TERM_EXTENSION: ("GOV-3", "GOV-3.extension_num", "GOV-3.extension_den", False),
}


def _read(key: Any, charter: Mapping[str, Any], stored: dict[str, Any]) -> Any:
    if not isinstance(key, str):
        return key  # fixed by the rule itself
    return charter[key] if key in charter else params.value(key, stored=stored)


def figures_for(kind: str, *, charter: Mapping[str, Any]) -> tuple[Quorum, Threshold]:
    """The quorum and threshold in force for a kind of ballot: the charter's figure, else the platform parameter."""
    stored = params.overrides()
    q_rule, q_num, q_den = QUORUM_KEYS[kind]
    t_rule, t_num, t_den, t_strict = THRESHOLD_KEYS[kind]
    quorum = Quorum(q_rule, int(_read(q_num, charter, stored)), int(_read(q_den, charter, stored)))
    threshold = Threshold(
        t_rule,
        int(_read(t_num, charter, stored)),
        int(_read(t_den, charter, stored)),
        bool(_read(t_strict, charter, stored)),
    )
    return quorum, threshold


# -- arithmetic --------------------------------------------------------------------------------------------


def quorum_met(present: int, roll_size: int, quorum: Quorum) -> bool:
    """present / roll_size >= num / den, in integers (exactly 2/3 meets 2/3)."""
    return present * quorum.den >= quorum.num * roll_size


def quorum_required(roll_size: int, quorum: Quorum) -> int:
    return -(-quorum.num * roll_size // quorum.den)  # ceiling


def threshold_met(yes: int, present: int, threshold: Threshold) -> bool:
    if threshold.strict:
        return yes * threshold.den > threshold.num * present
    return yes * threshold.den >= threshold.num * present


def threshold_required(present: int, threshold: Threshold) -> int:
    if threshold.strict:
        return threshold.num * present // threshold.den + 1
    return -(-threshold.num * present // threshold.den)


def fraction_label(num: int, den: int) -> str:
    return "半数" if (num, den) == (1, 2) else f"{num}/{den}"


def threshold_label(threshold: Threshold) -> str:
    frac = fraction_label(threshold.num, threshold.den)
    return f"超过{frac}" if threshold.strict else f"{frac}以上（含本数）"


# -- the tally ---------------------------------------------------------------------------------------------


@dataclass
class TallyResult:
    questions: list[dict[str, Any]]
    passed: bool
    explanation: dict[str, Any]


def _quorum_entry(present: int, roll_size: int, quorum: Quorum) -> dict[str, Any]:
    met = quorum_met(present, roll_size, quorum)
    required = quorum_required(roll_size, quorum)
    frac = fraction_label(quorum.num, quorum.den)
    verdict = f"达到 {frac}（{required}）" if met else f"未达到 {frac}（需 {required}）"
    return {
        "rule_id": quorum.rule,
        "parameters": {"num": quorum.num, "den": quorum.den},
        "roll_size": roll_size,
        "present": present,
        "required": required,
        "met": met,
        "text": f"{quorum.rule} 法定人数：应到 {roll_size}，实到 {present}，{verdict}",
    }


def _threshold_entry(label: str, yes: int, present: int, threshold: Threshold, *, word: str) -> dict[str, Any]:
    met = threshold_met(yes, present, threshold)
    required = threshold_required(present, threshold)
    need = threshold_label(threshold)
    verdict = f"{need}，通过" if met else f"未{need}（需 {required}），未通过"
    return {
        "rule_id": threshold.rule,
        "parameters": {"num": threshold.num, "den": threshold.den, "strict": threshold.strict},
        "present": present,
        "yes": yes,
        "required": required,
        "met": met,
        "text": f"{threshold.rule} {label}：实到 {present}，{word} {yes}，{verdict}",
    }


def _choice_question(question: Mapping[str, Any], picks: list[list[str]], present: int, threshold: Threshold) -> dict:
    kind = question["kind"]
    counts = Counter(p[0] for p in picks if p)
    result = {key: counts.get(key, 0) for key in CHOICES[kind]}
    yes = result[YES[kind]]
    entry = _threshold_entry(question["text"], yes, present, threshold, word=CHOICES[kind][YES[kind]])
    return {"position": question["position"], "kind": kind, "text": question["text"], "counts": result, **entry}


def _elect_question(question: Mapping[str, Any], picks: list[list[str]], present: int, threshold: Threshold) -> dict:
    seats = int(question.get("seats") or 1)
    counts = Counter(key for p in picks for key in p)
    candidates = []
    for cand in question.get("candidates") or []:
        votes = counts.get(cand["key"], 0)
        entry = _threshold_entry(cand["name"], votes, present, threshold, word="得票")
        candidates.append({**cand, "votes": votes, "met": entry["met"], "required": entry["required"], "text": ""})
    reaching = sorted((c for c in candidates if c["met"]), key=lambda c: -c["votes"])
    elected, notes = _fill_seats(reaching, seats)
    for cand in candidates:
        if cand["key"] in elected:
            cand["elected"], cand["text"] = True, f"{cand['name']}：得票 {cand['votes']}，当选"
        elif not cand["met"]:
            cand["elected"] = False
            cand["text"] = (
                f"{threshold.rule} {cand['name']}：实到 {present}，得票 {cand['votes']}，"
                f"未{threshold_label(threshold)}（需 {cand['required']}），未当选"
            )
        else:
            cand["elected"] = False
            cand["text"] = notes.get(cand["key"], f"{cand['name']}：得票 {cand['votes']}，名额已满，未当选")
    return {
        "position": question["position"],
        "kind": ELECT,
        "text": question["text"],
        "seats": seats,
        "rule_id": threshold.rule,
        "parameters": {"num": threshold.num, "den": threshold.den, "strict": threshold.strict},
        "present": present,
        "candidates": candidates,
        "elected": [c["key"] for c in candidates if c["elected"]],
        "met": len(elected) == seats,
        "text_summary": f"应选 {seats} 名，当选 {len(elected)} 名",
    }


def _fill_seats(reaching: list[dict[str, Any]], seats: int) -> tuple[set[str], dict[str, str]]:
    """The top `seats` by votes; candidates tied at the last seat who would exceed it are all not elected."""
    if len(reaching) <= seats:
        return {c["key"] for c in reaching}, {}
    cut = reaching[seats - 1]["votes"]
    above = [c for c in reaching if c["votes"] > cut]
    tied = [c for c in reaching if c["votes"] == cut]
    if len(above) + len(tied) <= seats:
        return {c["key"] for c in above + tied}, {}
    names = "、".join(c["name"] for c in tied)
    note = f"{names} 得票相同（{cut} 票），争夺剩余 {seats - len(above)} 个名额，本轮均不当选，须另行选举"
    return {c["key"] for c in above}, {c["key"]: note for c in tied}


def tally(
    *,
    kind: str,
    questions: Sequence[Mapping[str, Any]],
    ballots: Iterable[Mapping[str, list[str]]],
    present: int,
    roll_size: int,
    quorum: Quorum,
    threshold: Threshold,
) -> TallyResult:
    """Count the cast ballots per question, check the quorum and each question's threshold, and explain both."""
    cast = list(ballots)
    quorum_entry = _quorum_entry(present, roll_size, quorum)
    results = []
    for question in questions:
        picks = [list(b.get(str(question["position"])) or []) for b in cast]
        if question["kind"] == ELECT:
            results.append(_elect_question(question, picks, present, threshold))
        else:
            results.append(_choice_question(question, picks, present, threshold))
    passed = bool(quorum_entry["met"] and results and all(r["met"] for r in results))
    sentences = [quorum_entry["text"]]
    for r in results:
        sentences.extend([c["text"] for c in r["candidates"]] if r["kind"] == ELECT else [r["text"]])
    if not quorum_entry["met"]:
        sentences.append("未达到法定人数，表决无效")
    explanation = {
        "kind": kind,
        "cast": len(cast),
        "quorum": quorum_entry,
        "questions": results,
        "valid": quorum_entry["met"],
        "passed": passed,
        "sentences": sentences,
    }
    return TallyResult(questions=results, passed=passed, explanation=explanation)
