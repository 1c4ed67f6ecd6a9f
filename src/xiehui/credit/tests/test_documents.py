"""Decision documents (列入/移出决定书) as PDF with the vendored CJK font."""

from __future__ import annotations

import contextlib
import hashlib
import re
import zlib

from xiehui.conftest import NOW
from xiehui.credit import documents, services
from xiehui.credit.models import Decision

from .test_services import apply, decide

FONT_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


def test_vendored_font_is_the_debian_wqy_microhei_file_with_its_licence():
    assert hashlib.sha256(documents.FONT_PATH.read_bytes()).hexdigest() == FONT_SHA256
    licence = (documents.FONT_PATH.parent / "LICENSE.txt").read_text()
    assert "Apache-2.0" in licence and "0.2.0-beta-3.1" in licence and FONT_SHA256 in licence


def _text_of(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated (enough to find the font name; no PDF library needed)."""
    out = [pdf]
    for body in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(body))
    return b"".join(out)


def test_inclusion_decision_renders_as_pdf_with_embedded_cjk_font(world):
    listing = decide(world, "A2")
    decision = Decision.objects.get(listing=listing)
    pdf = documents.decision_pdf(decision)
    assert pdf.startswith(b"%PDF")
    assert b"WenQuanYi" in _text_of(pdf)
    assert b"/FontFile2" in pdf  # the TrueType program is embedded, not referenced
    assert len(pdf) < 200_000  # a subset, not the 5 MB collection


def test_removal_decision_renders_and_is_named_by_its_number(world):
    listing = decide(world, "A2")
    app = apply(world, listing)
    services.removal_verify(actor=world.officer_jinan, application=app, note="核实", now=NOW)
    services.removal_approve(actor=world.officer_jinan, application=app, now=NOW)
    decision = Decision.objects.get(listing=listing, kind=Decision.Kind.REMOVAL)
    assert documents.decision_pdf(decision).startswith(b"%PDF")
    assert documents.filename(decision) == "济南市民政局异移字〔2026〕第1号.pdf"
