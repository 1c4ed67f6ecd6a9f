"""Streaming CSV exports: BOM, and no formula reaches a spreadsheet (CSV injection)."""

from __future__ import annotations

from xiehui.web.exports import csv_response


def test_csv_has_a_bom_and_neutralises_formulas():
    response = csv_response(
        "x.csv", ["名称", "金额"], [['=HYPERLINK("http://x")', -5], ["@SUM(A1)", "普通"], ["-1+2", 3]]
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff名称,金额")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'-1+2" in text
    assert ",-5" in text  # numbers are data, not text typed by someone
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
