"""Membership rules: MEM-1 voluntary membership and MEM-2 exits (000 二(三); 004 §14, §16).

MEM-1 has no parameter: it is enforced where it can be broken — a refusal may
never rest on the applicant's membership of another association, an exit is
never subject to approval or to any precondition (unpaid fees included), and no
form or endpoint asks about other memberships. MEM-2 is the yearly figures
(`selectors.member_figures`), computed from the member records as of a date.
"""

from __future__ import annotations

from xiehui.core.rules import declare

MEM1 = declare(
    "MEM-1",
    title="入会自愿、退会自由：不得强制或变相强制入会，不得阻挠退会，不得以加入其他协会为由拒绝入会",
    basis="000 二(三)；004 第14条",
)
MEM2 = declare(
    "MEM-2",
    title="会员退出情况：按年度统计年初、年末会员数，入会、退会数，退会原因和退会率",
    basis="004 第16条",
)
