"""Self-regulation rules: SR-1 (rules adopted by the member assembly), BL-2 (social evaluation).

SR-1 is an id xiehui adds for 000 二(一) "行规行约的制定应召开会员（代表）大会进行审议"
(documented in docs/architecture.md, like SUP-4).
"""

from __future__ import annotations

from xiehui.core.rules import declare

SR1 = declare(
    "SR-1",
    title="行规行约须经会员（代表）大会审议通过；各类自律规范须经会议决议通过后发布",
    basis="000 二(一)；004 第9条",
)
BL2 = declare(
    "BL-2",
    title="社会评价：会员和社会公众对协会评分（每人每年一次），评价结果用于评估和重点检查",
    basis="000 二(一)",
    min_score=1,
    max_score=5,
    comment_max=500,
)
