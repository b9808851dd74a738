"""Attachments are checked as a whole for their declared type: real files pass, the
polyglots (PDF/HTML, PDF/JavaScript, image/HTML) and disguises of the outside review's
kind are refused with the reason, at the attachment's pointer."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.sirene.documents import CATALOG, HTML, flate_stream, jpeg, pdf, png

from limes.sirene import attachments
from limes.sirene.attachments import Refused

JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def _bad_crc(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])  # the IEND chunk's CRC


def _object_stream(body: bytes) -> bytes:
    """An object stream holding object 7 (compressed: its text is not in the file)."""
    header = b"7 0 "
    return flate_stream(header + body, b"/Type /ObjStm /N 1 /First %d " % len(header))


def _big_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels, a few KiB
    return out.getvalue()


ACCEPTED = [
    ("application/pdf", pdf()),
    ("application/pdf", pdf(comment=b"% a comment line\n", trailer=b"/Info 5 0 R ")),
    ("image/png", png()),
    ("image/png", png({"Title": "Passport page 2", "Software": "scanner 4.1"})),
    ("image/jpeg", jpeg()),
    ("image/jpeg", jpeg(b"scanned at the border post")),
    ("text/plain", "Bericht über die Kontrolle\r\nZeile 2:\tÅsa Öberg".encode()),
]


@pytest.mark.parametrize(("media_type", "data"), ACCEPTED)
def test_real_files_are_accepted(media_type: str, data: bytes) -> None:
    attachments.check(media_type, data)


REFUSED = [
    # (case, declared type, bytes, a word of the reason)
    ("HTML after the PDF's end", "application/pdf", pdf() + HTML, "markup"),
    ("script text after %%EOF", "application/pdf", pdf() + b"alert(1)//\n", "%%EOF"),
    ("HTML before the PDF header", "application/pdf", HTML + b"\n" + pdf(), "markup"),
    ("a JS program before the header", "application/pdf", b"/*" + pdf() + b"*/", "header"),
    (
        "HTML in a PDF comment",
        "application/pdf",
        pdf(comment=b"%" + HTML + b"\n"),
        "markup",
    ),
    (
        "JavaScript run on open",
        "application/pdf",
        pdf(catalog=CATALOG[:-2] + b"/OpenAction " + JS_ACTION + b" >>"),
        "/JS, /JavaScript",
    ),
    (
        "JavaScript spelt with #xx escapes",
        "application/pdf",
        pdf(catalog=CATALOG[:-2] + b"/OpenAction << /S /J#61vaScript /J#53 (x) >> >>"),
        "/JS, /JavaScript",
    ),
    (
        "JavaScript inside a compressed object stream",
        "application/pdf",
        pdf(catalog=CATALOG[:-2] + b"/OpenAction 7 0 R >>", extra=(_object_stream(JS_ACTION),)),
        "/JS, /JavaScript",
    ),
    (
        "a launch action",
        "application/pdf",
        pdf(catalog=CATALOG[:-2] + b"/OpenAction << /S /Launch /F (cmd.exe) >> >>"),
        "/Launch",
    ),
    (
        "a stream wrapped in ASCIIHex to hide it",
        "application/pdf",
        pdf(extra=(flate_stream(JS_ACTION, b"/Filter [/ASCIIHexDecode /FlateDecode] "),)),
        "hides",
    ),
    ("an encrypted PDF", "application/pdf", pdf(trailer=b"/Encrypt 6 0 R "), "hides"),
    ("a PDF without a cross-reference", "application/pdf", b"%PDF-1.7\n%%EOF\n", "startxref"),
    (
        "a startxref pointing nowhere",
        "application/pdf",
        pdf().replace(b"startxref\n", b"startxref\n9"),
        "offset",
    ),
    (
        "the old test's 'PDF': a header and nothing",
        "application/pdf",
        b"%PDF-1.7\n% a scanned passport page\n",
        "startxref",
    ),
    (
        "a compressed stream bomb",
        "application/pdf",
        pdf(extra=(flate_stream(bytes(attachments.MAX_INFLATED + 1)),)),
        "inflating to more than",
    ),
    (
        "a stream for every few bytes",
        "application/pdf",
        pdf(extra=tuple(flate_stream(b"q Q") for _ in range(attachments.MAX_STREAMS))),
        "streams",
    ),
    ("HTML after the PNG's IEND", "image/png", png() + HTML, "markup"),
    ("bytes after the PNG's IEND", "image/png", png() + b"PK\x03\x04zip", "after its IEND"),
    (
        "HTML in a PNG text chunk",
        "image/png",
        png({"Comment": HTML.decode()}),
        "markup",
    ),
    ("a PNG with a damaged chunk", "image/png", _bad_crc(png()), "CRC"),
    ("a PNG cut short", "image/png", png()[:-30], "past the end"),
    ("a JPEG declared as PNG", "image/png", jpeg(), "signature"),
    ("a PNG declared as JPEG", "image/jpeg", png(), "SOI"),
    ("HTML in a JPEG comment", "image/jpeg", jpeg(HTML), "markup"),
    ("a ZIP after the JPEG's end", "image/jpeg", jpeg() + b"PK\x03\x04zip", "EOI"),
    (
        "a JPEG header on nothing",
        "image/jpeg",
        b"\xff\xd8\xff\xe0" + b"\x00" * 40 + b"\xff\xd9",
        "decode",
    ),
    ("a decompression bomb", "image/png", _big_png(), "pixels"),
    ("HTML as plain text", "text/plain", b"<!DOCTYPE html>" + HTML, "markup"),
    ("a javascript: link as text", "text/plain", b"click javascript:alert(1)", "markup"),
    ("a NUL in text", "text/plain", b"line one\x00line two", "control"),
    ("text that is not UTF-8", "text/plain", "Åsa".encode("latin-1"), "UTF-8"),
]


@pytest.mark.parametrize(
    ("case", "media_type", "data", "reason"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_polyglots_and_disguises_are_refused(
    case: str, media_type: str, data: bytes, reason: str
) -> None:
    with pytest.raises(Refused, match=None) as caught:
        attachments.check(media_type, data)
    assert reason in str(caught.value), (case, str(caught.value))


def test_the_compressed_javascript_is_not_in_the_raw_bytes() -> None:
    """Only inflating the object stream finds it (the case above is not caught by a
    look at the raw bytes)."""
    compressed = pdf(extra=(_object_stream(JS_ACTION),))
    assert b"JavaScript" not in compressed and b"/JS" not in compressed
