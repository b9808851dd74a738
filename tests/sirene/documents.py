"""Real attachments built in the tests: small valid PDFs, PNGs and JPEGs, and the
polyglots and disguises an attacker makes of them.

The PDFs are written object by object with a correct cross-reference table, so that
any reader opens them; the images are drawn and encoded by Pillow.
"""

from __future__ import annotations

import io
import zlib

from PIL import Image, PngImagePlugin

PAGE = b"BT /F1 12 Tf 72 720 Td (Passport page, scanned) Tj ET"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
HTML = b"<html><body><script>alert(document.domain)</script></body></html>"


def flate_stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    head = b"<< /Length %d /Filter /FlateDecode %s>>" % (len(packed), extra)
    return head + b"\nstream\n" + packed + b"\nendstream"


def pdf(
    *,
    catalog: bytes = CATALOG,
    extra: tuple[bytes, ...] = (),
    comment: bytes = b"",
    trailer: bytes = b"",
) -> bytes:
    """A one-page PDF 1.7: catalogue, pages, page, content stream, font, then ``extra``
    objects (numbered from 6); ``comment`` is a comment line after the header."""
    objects = (
        catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        flate_stream(PAGE),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + comment)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _drawn() -> Image.Image:
    image = Image.new("RGB", (48, 32), (30, 60, 200))
    for x in range(48):
        image.putpixel((x, x % 32), (250, 250, 250))
    return image


def png(text: dict[str, str] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    _drawn().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg(comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    _drawn().save(out, "JPEG", quality=90, comment=comment)
    return out.getvalue()
