"""Credit-list rules CR-A*, CR-S*, CR-X, CR-O, CR-P, CR-R, CR-E (民政部令第60号, 2018; 004 §18).

Declarations first, then the engine's evaluators: from one association's facts
as of a date, the listings that should exist, each with its natural key, start
date, earliest or automatic removal date and the facts that decided it.
"""

from __future__ import annotations

from xiehui.core.rules import declare

ORDER60 = "《社会组织信用信息管理办法》（民政部令第60号）"

CRA = declare(
    "CR-A",
    title="活动异常名录的移出",
    basis=f"{ORDER60} 第十四条、第十五条",
    auto_removal_months=6,
    removal_working_days=5,
)
CRA1 = declare("CR-A1", title="未按规定报送年度工作报告", basis=f"{ORDER60} 第十条第（一）项；条例第二十八条")
CRA2 = declare("CR-A2", title="未按规定建立党组织", basis=f"{ORDER60} 第十条；004 第23条")
CRA3 = declare(
    "CR-A3",
    title="未按登记管理机关整改要求完成整改",
    basis=f"{ORDER60} 第十条第（二）项；004 第6条",
    reminder_days=[30, 7, 1],
)
CRA4 = declare(
    "CR-A4", title="受到警告或者不满5万元罚款处罚", basis=f"{ORDER60} 第十条第（三）项", fine_threshold=50000
)
CRA5 = declare(
    "CR-A5",
    title="通过登记的住所无法取得联系",
    basis=f"{ORDER60} 第十条第（四）项",
    min_days_between_letters=20,
    max_days_between_letters=60,
)
CRA6 = declare("CR-A6", title="法律、行政法规规定的其他情形（活动异常）", basis=f"{ORDER60} 第十条第（五）项")
CRS = declare("CR-S", title="严重违法失信名单的移出", basis=f"{ORDER60} 第十九条", removal_months=24)
CRS1 = declare("CR-S1", title="被列入活动异常名录满2年", basis=f"{ORDER60} 第十七条第（一）项", months=24)
CRS2 = declare("CR-S2", title="弄虚作假办理变更登记被撤销", basis=f"{ORDER60} 第十七条第（二）项")
CRS3 = declare("CR-S3", title="受到限期停止活动行政处罚", basis=f"{ORDER60} 第十七条第（三）项")
CRS4 = declare("CR-S4", title="受到5万元以上罚款处罚", basis=f"{ORDER60} 第十七条第（四）项", fine_threshold=50000)
CRS5 = declare(
    "CR-S5",
    title="3年内2次以上受到警告或者不满5万元罚款处罚",
    basis=f"{ORDER60} 第十七条第（五）项",
    count=2,
    window_months=36,
)
CRS6 = declare("CR-S6", title="被列入失信被执行人名单", basis=f"{ORDER60} 第十七条第（六）项")
CRS7 = declare(
    "CR-S7", title="被吊销登记证书或撤销登记", basis=f"{ORDER60} 第十七条第（七）项；第十九条（注销完成后移出）"
)
CRS8 = declare("CR-S8", title="法律、行政法规规定的其他情形（严重失信）", basis=f"{ORDER60} 第十七条第（八）项")
CRX = declare("CR-X", title="列入期间出现新的列入事由，期限重新计算", basis=f"{ORDER60} 第十五条、第十九条")
CRO = declare("CR-O", title="异议的核查与决定", basis=f"{ORDER60} 第二十二条", decide_working_days=15)
CRP = declare("CR-P", title="名录公开与信用信息记录", basis=f"{ORDER60} 第六条、第二十三条", record_working_days=5)
CRR = declare("CR-R", title="移出后不再公示", basis=f"{ORDER60} 第二十四条")
CRE = declare("CR-E", title="列入名录的效果（联合惩戒）", basis=f"{ORDER60} 第二十五条；004 第18条")
