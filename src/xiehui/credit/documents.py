"""Decision documents (列入/移出决定书) as PDF, rendered on demand from the Decision row.

The row's `text` is the snapshot taken when the decision was issued (credit/listings.py),
so the document reads the same however the listing changes later. The CJK font is
vendored (credit/fonts/, see LICENSE.txt there) so rendering needs nothing installed.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .models import Decision, ListKind

FONT_NAME = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"

TITLES = {
    (ListKind.ABNORMAL, Decision.Kind.INCLUSION): "活动异常名录列入决定书",
    (ListKind.ABNORMAL, Decision.Kind.REMOVAL): "活动异常名录移出决定书",
    (ListKind.SERIOUS, Decision.Kind.INCLUSION): "严重违法失信名单列入决定书",
    (ListKind.SERIOUS, Decision.Kind.REMOVAL): "严重违法失信名单移出决定书",
}


def _font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=20, wordWrap="CJK", firstLineIndent=23)
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=11, leading=18, alignment=TA_CENTER),
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "right": ParagraphStyle("right", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
    }


def _date(value: str | None) -> str:
    if not value:
        return "—"
    day = dt.date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _inclusion(text: dict[str, Any]) -> list[str]:
    facts = str(text.get("facts", "")).rstrip("。")
    rows = [
        f"经查，{facts}。依据{text.get('basis', '')}，本机关决定自{_date(text.get('start_on'))}起"
        f"将你单位列入{text.get('list', '')}。",
        f"列入事由：{text.get('ground', '')}（{text.get('rule_id', '')}）。",
    ]
    if text.get("earliest_removal_on"):
        rows.append(f"最早可申请移出日期：{_date(text['earliest_removal_on'])}。")
    if text.get("auto_removal_on"):
        rows.append(f"自动移出日期：{_date(text['auto_removal_on'])}。")
    return rows


def _removal(decision: Decision, text: dict[str, Any]) -> list[str]:
    note = f"（{text['end_note']}）" if text.get("end_note") else ""
    ended = _date(text.get("ended_on") or decision.issued_on.isoformat())
    return [
        f"你单位于{_date(text.get('start_on'))}因“{text.get('ground', '')}”（{text.get('rule_id', '')}）"
        f"被列入{text.get('list', '')}，依据：{text.get('basis', '')}。",
        f"移出原因：{text.get('end_reason', '')}{note}。本机关决定自{ended}起将你单位移出{text.get('list', '')}。",
    ]


def _body(decision: Decision, text: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Paragraph]:
    org = f"{text.get('organization', '')}（统一社会信用代码：{text.get('uscc', '')}）："
    lines = _inclusion(text) if decision.kind == Decision.Kind.INCLUSION else _removal(decision, text)
    parameters = text.get("parameters") or {}
    if parameters:
        lines.append("适用参数：" + "；".join(f"{k}={v}" for k, v in parameters.items()) + "。")
    lines.append(str(text.get("route", "")))
    return [_p(org, s["plain"]), *(_p(line, s["body"]) for line in lines)]


def decision_pdf(decision: Decision) -> bytes:
    """The decision as an A4 PDF with the authority, grounds, basis, facts, dates and the route to object."""
    text = decision.text or {}
    s = _styles()
    kind = ListKind(decision.listing.list_kind)
    authority = text.get("authority", "")
    story: list[Any] = [
        _p(authority, s["number"]),
        _p(TITLES[(kind, Decision.Kind(decision.kind))], s["title"]),
        _p(decision.number, s["number"]),
        Spacer(1, 8 * mm),
        *_body(decision, text, s),
        Spacer(1, 16 * mm),
        _p(authority, s["right"]),
        _p(_date(decision.issued_on.isoformat()), s["right"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=30 * mm,
        title=f"{TITLES[(kind, Decision.Kind(decision.kind))]} {decision.number}",
        author=authority,
    )
    doc.build(story)
    return buffer.getvalue()


def filename(decision: Decision) -> str:
    return f"{decision.number}.pdf"
