"""Uploads: a PDF with active content (script, launch, embedded file, rich media, XFA), encrypted or broken."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from xiehui.core import files
from xiehui.core.errors import ApplicationError
from xiehui.core.files import attachments_store, check_document
from xiehui.core.models import Attachment

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
OPEN_JS = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"


def hand_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand: objects numbered from 1 (1 is the catalog), a classic xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def compressed_pdf(*objects: bytes) -> bytes:
    """A PDF 1.5 whose objects (numbered from 1) all sit in one compressed object stream, with an xref stream."""
    header, body = b"", b""
    for number, obj in enumerate(objects, start=1):
        header += b"%d %d " % (number, len(body))
        body += obj + b"\n"
    packed = zlib.compress(header + body)
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number,
        len(objects),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    rows += [b"\x02" + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(len(objects))]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in (stream_offset, xref_offset)]
    table = zlib.compress(b"".join(rows))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def reportlab_pdf(pages: int = 3) -> bytes:
    """An ordinary document: text, an outline entry and a web link on every page."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number in range(pages):
        pdf.drawString(72, 770, f"Page {number + 1}")
        pdf.bookmarkPage(f"p{number}")
        pdf.addOutlineEntry(f"Page {number + 1}", f"p{number}")
        pdf.linkURL("https://www.example.org/", (72, 72, 200, 90))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def rewritten(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refusal(data: bytes, name: str = "报告.pdf", field: str = "documents") -> ApplicationError:
    with pytest.raises(ApplicationError) as exc_info:
        check_document(upload(data, name), field=field)
    return exc_info.value


# Accepted


def test_it_accepts_an_ordinary_pdf_with_outline_and_links() -> None:
    assert check_document(upload(reportlab_pdf())) == "application/pdf"


def test_it_accepts_hand_written_and_compressed_pdfs_without_active_content() -> None:
    go_to = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>"
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://www.example.org/) >> >>"
    page_with_link = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    assert check_document(upload(hand_pdf(go_to, PAGES, page_with_link, link))) == "application/pdf"
    assert check_document(upload(compressed_pdf(CATALOG, PAGES, PAGE))) == "application/pdf"


def test_it_accepts_words_like_javascript_inside_stream_data() -> None:
    text = b"BT /F1 12 Tf 72 770 Td (How /JavaScript and /Launch /JS work) Tj ET"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
    assert check_document(upload(hand_pdf(CATALOG, PAGES, page, stream))) == "application/pdf"


def test_it_walks_looping_action_chains_without_hanging() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    first = b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>"
    second = b"<< /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >>"
    assert check_document(upload(hand_pdf(catalog, PAGES, PAGE, first, second))) == "application/pdf"


def test_it_does_not_walk_the_structure_tree_of_a_tagged_pdf() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 4 0 R >>"
    tree = b"<< /Type /StructTreeRoot /K 5 0 R >>"
    element = b"<< /Type /StructElem /S /P /P 4 0 R /K 6 0 R >>"
    assert check_document(upload(compressed_pdf(catalog, PAGES, PAGE, tree, element, b"<< /Hidden /JS >>")))


# Active content


def test_it_refuses_a_pdf_that_runs_a_script_when_opened() -> None:
    error = refusal(hand_pdf(OPEN_JS, PAGES, PAGE))
    assert error.code == "upload_active_content" and error.field == "documents"
    assert error.message == (
        "文件“报告.pdf”含有脚本（JavaScript），出于安全原因不予接收；请导出为不含脚本的 PDF 后重新上传"
    )
    assert error.extra == {"found": ["javascript"]}


def test_it_refuses_a_script_added_by_a_pdf_writer() -> None:
    data = rewritten(reportlab_pdf(), lambda writer: writer.add_open_action(JavaScript("app.alert(1)")))
    assert refusal(data).extra == {"found": ["javascript"]}


def test_it_refuses_a_script_whose_names_are_hex_escaped() -> None:
    escaped = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"
    assert refusal(hand_pdf(escaped, PAGES, PAGE)).extra == {"found": ["javascript"]}


def test_it_refuses_a_script_hidden_in_a_compressed_object_stream() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
    data = compressed_pdf(catalog, PAGES, PAGE, b"<< /S /J#61vaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in data and b"/JS" not in data  # only the walk of the objects can see it
    error = refusal(data)
    assert error.code == "upload_active_content" and error.extra == {"found": ["javascript"]}


def test_it_refuses_a_script_in_an_unreferenced_object_by_the_raw_bytes_net() -> None:
    orphan = b"<< /Type /Action /S /J#61vaScript /JS (app.alert(1)) >>"
    assert refusal(hand_pdf(CATALOG, PAGES, PAGE, orphan)).extra == {"found": ["javascript"]}


def test_it_refuses_a_document_level_script_name_tree() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>"
    tree = b"<< /Names [(init) << /S /JavaScript /JS 5 0 R >>] >>"
    assert refusal(compressed_pdf(catalog, PAGES, PAGE, tree, b"(app.alert(1))")).extra == {"found": ["javascript"]}


def test_it_refuses_a_launch_action_on_a_page() -> None:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>"
    launch = b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"
    error = refusal(compressed_pdf(CATALOG, PAGES, page, launch), name="通知.pdf")
    assert error.extra == {"found": ["launch"]}
    assert error.message.startswith("文件“通知.pdf”含有启动外部程序的动作（Launch）")


def test_it_refuses_an_embedded_file() -> None:
    data = rewritten(reportlab_pdf(), lambda writer: writer.add_attachment("payload.exe", b"MZ"))
    error = refusal(data)
    assert error.extra == {"found": ["embedded_file"]} and "嵌入文件（EmbeddedFile）" in error.message


def test_it_refuses_a_file_attachment_whose_stream_has_no_type() -> None:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    annotation = b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /F (a.exe) /EF << /F 5 0 R >> >> >>"
    data = compressed_pdf(CATALOG, PAGES, page, annotation, b"<< /Length 0 >>")
    assert refusal(data).extra == {"found": ["embedded_file"]}


def test_it_refuses_rich_media_and_xfa_forms_naming_both() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 5 0 R >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
    annotation = b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] /RichMediaContent << >> >>"
    error = refusal(compressed_pdf(catalog, PAGES, page, annotation, b"[(template) 6 0 R]", b"(<xdp/>)"))
    assert error.extra == {"found": ["rich_media", "xfa"]}
    assert "含有富媒体内容（RichMedia）、XFA 动态表单（XFA）" in error.message
    assert "请导出为不含富媒体内容、XFA 表单的 PDF" in error.message


def test_it_keeps_the_field_of_the_caller() -> None:
    assert refusal(hand_pdf(OPEN_JS, PAGES, PAGE), field="evidence").field == "evidence"


# Encrypted or broken


@pytest.mark.parametrize("user_password", ["", "secret"])
def test_it_refuses_an_encrypted_pdf(user_password: str) -> None:
    data = rewritten(reportlab_pdf(), lambda writer: writer.encrypt(user_password, "owner", algorithm="AES-128"))
    error = refusal(data, field="attachments")
    assert error.code == "upload_invalid_pdf" and error.field == "attachments"
    assert error.message.startswith("文件“报告.pdf”已加密")
    assert error.extra == {"problem": "encrypted"}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(reportlab_pdf()[:900], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 8, id="garbage"),
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", id="no-xref"),
        pytest.param(
            hand_pdf(b"<< /Type /Catalog /Pages 2 0 R >>").replace(b"/Root 1 0 R", b"/Root 9 0 R"), id="no-root"
        ),
        pytest.param(hand_pdf(b"[" * 5000 + b"]" * 5000), id="deeply-nested"),
    ],
)
def test_it_refuses_a_pdf_that_cannot_be_parsed(data: bytes) -> None:
    error = refusal(data, name="x.pdf")
    assert error.code == "upload_invalid_pdf"
    assert error.message.startswith("文件“x.pdf”不是有效的 PDF 文件")


def test_it_accepts_a_pdf_whose_cross_reference_offsets_are_off() -> None:
    data = re.sub(rb"startxref\n\d+", b"startxref\n0", hand_pdf(CATALOG, PAGES, PAGE))
    assert check_document(upload(data)) == "application/pdf"


def test_it_refuses_a_pdf_that_points_at_many_undefined_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "PDF_MAX_REPAIR_BYTES", 10_000)
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Junk [" + b" ".join(b"%d 0 R" % n for n in range(10, 60)) + b"] >>"
    error = refusal(hand_pdf(catalog, PAGES, PAGE))
    assert error.code == "upload_invalid_pdf" and error.extra == {"problem": "invalid"}


def test_it_refuses_a_pdf_past_the_bound_on_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "PDF_MAX_OBJECTS", 2)
    error = refusal(hand_pdf(CATALOG, PAGES, PAGE))
    assert error.code == "upload_invalid_pdf" and error.extra == {"problem": "complex"}


# The callers


@pytest.mark.django_db
def test_it_stores_nothing_when_one_pdf_of_several_has_a_script(world, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    good, bad = upload(reportlab_pdf(), "章程.pdf"), upload(hand_pdf(OPEN_JS, PAGES, PAGE), "附件.pdf")
    with pytest.raises(ApplicationError) as exc_info:
        attachments_store(owner=world.org_a, uploads=[good, bad], actor=world.staff_a, field="evidence")
    assert exc_info.value.code == "upload_active_content" and exc_info.value.field == "evidence"
    assert "附件.pdf" in exc_info.value.message
    assert not Attachment.objects.exists()
    stored = attachments_store(owner=world.org_a, uploads=[upload(reportlab_pdf(), "章程.pdf")], actor=world.staff_a)
    assert [a.mime for a in stored] == ["application/pdf"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "upload_type"),
        (b"PK\x03\x04" + b"\0" * 40, "upload_type"),
        (b"", "upload_empty"),
    ],
)
def test_it_still_refuses_other_types_and_empty_files(data: bytes, code: str) -> None:
    assert refusal(data).code == code


def test_it_still_refuses_a_too_large_file_before_opening_it(settings) -> None:  # type: ignore[no-untyped-def]
    settings.XIEHUI_MAX_UPLOAD_BYTES = 1000
    assert refusal(b"%PDF-1.7\n" + b" " * 2000).code == "upload_too_large"
