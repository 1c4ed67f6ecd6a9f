"""Test helpers shared across domains; production code never imports this module."""

from __future__ import annotations

import functools
import io

from reportlab.pdfgen import canvas


@functools.cache
def tiny_pdf() -> bytes:
    """A small, valid, script-free PDF (uploads are parsed and checked for active content)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "xiehui test document")
    pdf.save()
    return buffer.getvalue()
