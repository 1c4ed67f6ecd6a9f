"""BAL-3, BAL-4, BAL-5, FEE-1 and GOV-1 figures at their boundaries, as the tally checks and explains them."""

from __future__ import annotations

from xiehui.voting import rules
from xiehui.voting.rules import Quorum, Threshold, tally

TWO_THIRDS = Quorum("FEE-1", 2, 3)
MORE_THAN_HALF = Threshold("FEE-1", 1, 2, True)
APPROVE = [{"position": 1, "kind": "approve", "text": "是否同意《2027年会费标准》"}]


def approve(yes: int, no: int, abstain: int = 0) -> list[dict[str, list[str]]]:
    return [{"1": ["for"]}] * yes + [{"1": ["against"]}] * no + [{"1": ["abstain"]}] * abstain


def run(present: int, yes: int, *, roll: int = 90, quorum: Quorum = TWO_THIRDS, threshold: Threshold = MORE_THAN_HALF):
    return tally(
        kind="fee_standard",
        questions=APPROVE,
        ballots=approve(yes, present - yes),
        present=present,
        roll_size=roll,
        quorum=quorum,
        threshold=threshold,
    )


def test_fee_1_quorum_met_with_exactly_two_thirds_of_90():
    result = run(60, 40)
    assert result.explanation["quorum"]["met"] is True
    assert result.explanation["quorum"]["text"] == "FEE-1 法定人数：应到 90，实到 60，达到 2/3（60）"
    assert result.passed is True


def test_fee_1_quorum_missed_with_59_of_90():
    result = run(59, 59)
    assert result.explanation["quorum"]["met"] is False
    assert result.explanation["quorum"]["text"] == "FEE-1 法定人数：应到 90，实到 59，未达到 2/3（需 60）"
    assert result.passed is False
    assert result.explanation["valid"] is False
    assert "未达到法定人数，表决无效" in result.explanation["sentences"]


def test_fee_1_30_of_60_is_not_more_than_half():
    result = run(60, 30)
    question = result.questions[0]
    assert question["met"] is False and question["required"] == 31
    assert question["counts"] == {"for": 30, "against": 30, "abstain": 0}
    assert "未超过半数（需 31）" in question["text"]
    assert result.passed is False


def test_fee_1_31_of_60_is_more_than_half():
    result = run(60, 31)
    assert result.questions[0]["met"] is True
    assert result.questions[0]["text"] == "FEE-1 是否同意《2027年会费标准》：实到 60，赞成 31，超过半数，通过"
    assert result.passed is True


def test_bal_5_exactly_two_thirds_of_present_passes_charter_amendment():
    threshold = Threshold("BAL-5", 2, 3, False)
    assert run(60, 40, quorum=Quorum("BAL-3", 2, 3), threshold=threshold).passed is True
    assert run(60, 39, quorum=Quorum("BAL-3", 2, 3), threshold=threshold).passed is False
    assert run(60, 40, threshold=threshold).questions[0]["required"] == 40


def test_bal_4_trust_vote_counts_each_leader_and_abstentions_count_against():
    questions = [
        {"position": 1, "kind": "trust", "text": "对张三（会长）是否信任"},
        {"position": 2, "kind": "trust", "text": "对李四（秘书长）是否信任"},
    ]
    ballots = [{"1": ["trust"], "2": ["distrust"]}] * 5 + [{"1": ["abstain"], "2": ["trust"]}] * 5
    result = tally(
        kind="trust_vote",
        questions=questions,
        ballots=ballots,
        present=10,
        roll_size=12,
        quorum=Quorum("BAL-3", 2, 3),
        threshold=Threshold("BAL-4", 1, 2, True),
    )
    first, second = result.questions
    assert first["counts"] == {"trust": 5, "distrust": 0, "abstain": 5} and first["met"] is False
    assert second["counts"] == {"trust": 5, "distrust": 5, "abstain": 0} and second["met"] is False
    assert result.passed is False


def _election(votes: dict[str, int], *, seats: int, present: int):
    question = {
        "position": 1,
        "kind": "elect",
        "text": "选举副会长（应选 2 名）",
        "seats": seats,
        "candidates": [{"key": k, "name": k.upper(), "appointment_id": i} for i, k in enumerate(votes, start=1)],
    }
    ballots: list[dict[str, list[str]]] = []
    for key, n in votes.items():
        ballots.extend({"1": [key]} for _ in range(n))
    ballots.extend({"1": []} for _ in range(present - len(ballots)))
    return tally(
        kind="election",
        questions=[question],
        ballots=ballots,
        present=present,
        roll_size=present,
        quorum=Quorum("GOV-1", 2, 3),
        threshold=Threshold("BAL-4", 1, 2, True),
    )


def test_bal_4_election_elects_top_seats_with_more_than_half():
    result = _election({"a": 8, "b": 7, "c": 6}, seats=2, present=10)
    # single-choice ballots here: a and b reach more than half only if > 5
    q = result.questions[0]
    assert q["elected"] == ["a", "b"]
    assert [c["elected"] for c in q["candidates"]] == [True, True, False]
    assert "名额已满" in q["candidates"][2]["text"]


def test_bal_4_election_tie_at_last_seat_elects_neither_and_explains():
    result = _election({"a": 9, "b": 6, "c": 6}, seats=2, present=10)
    q = result.questions[0]
    assert q["elected"] == ["a"]
    assert q["met"] is False
    assert "得票相同（6 票）" in q["candidates"][1]["text"]
    assert result.passed is False


def test_bal_4_candidate_with_exactly_half_is_not_elected():
    result = _election({"a": 5, "b": 0}, seats=1, present=10)
    q = result.questions[0]
    assert q["elected"] == []
    assert "未超过半数（需 6）" in q["candidates"][0]["text"]


def test_gov_1_election_attendance_two_thirds_boundary():
    assert rules.quorum_met(60, 90, Quorum("GOV-1", 2, 3)) is True
    assert rules.quorum_met(59, 90, Quorum("GOV-1", 2, 3)) is False


def test_rules_are_declared_with_their_parameters():
    from xiehui.core import rules as catalogue

    assert catalogue.get("BAL-3").parameters == {"quorum_num": 2, "quorum_den": 3}
    assert catalogue.get("BAL-4").parameters == {"threshold_num": 1, "threshold_den": 2, "strict": True}
    assert catalogue.get("BAL-5").parameters == {"threshold_num": 2, "threshold_den": 3, "strict": False}
    assert {"BAL-1", "BAL-2"} <= set(catalogue.REGISTRY)
