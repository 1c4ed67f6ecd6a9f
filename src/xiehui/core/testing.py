"""Test helpers shared across domains; production code never imports this module."""

from __future__ import annotations

import functools
import io
import json
from typing import Any

from reportlab.pdfgen import canvas


@functools.cache
def tiny_pdf() -> bytes:
    """A small, valid, script-free PDF (uploads are parsed and checked for active content)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "xiehui test document")
    pdf.save()
    return buffer.getvalue()


def follow_cursor(client: Any, url: str, params: dict[str, Any] | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Every item of a list from its first page on, following `next_cursor` until it is null.

    Asserts each page answers 200, no page is empty but the only one, and no item
    (by `id`, else the item itself) comes twice.
    """
    params = {**(params or {})}
    items: list[dict[str, Any]] = []
    for _page in range(1000):
        response = client.get(url, params, **extra)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert body["items"] or not items, "a cursor led to an empty page"
        items += body["items"]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    else:
        raise AssertionError("next_cursor never became null")
    keys = [json.dumps(item.get("id", item), sort_keys=True) for item in items]
    assert len(keys) == len(set(keys)), "an item came twice"
    return items
