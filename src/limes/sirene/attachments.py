"""What an attachment's bytes must be to pass as its declared media type.

A file accepted as a PDF or a photograph is opened later by an officer's viewer, and a
browser shown the same bytes may take them for a web page. A polyglot (bytes that are
a valid PDF and, read from another offset, HTML or a script) passes a check of the
first bytes. So each type is checked as a whole, by its structure, and refused when
anything in it is markup or active content:

* **image/png, image/jpeg**: decoded in full by Pillow (format as declared, at most
  ``MAX_PIXELS``, no truncation); a PNG is a chain of chunks with correct CRCs that
  ends with ``IEND`` at the last byte, a JPEG ends with its EOI marker at the last
  byte: nothing is carried after the image.
* **application/pdf**: the header ``%PDF-1.0``-``%PDF-2.0`` at byte 0; at the end,
  ``startxref``, an offset that points at a cross-reference table (with its
  ``trailer``) or stream, and ``%%EOF``, followed by nothing but line ends; a
  ``/Root`` catalogue. No action that runs or opens something (``ACTIVE_PDF_NAMES``,
  also when written with ``#xx`` escapes or inside Flate-compressed streams, which
  are inflated up to ``MAX_INFLATED`` bytes in all), and nothing that would hide
  such names from that look (``HIDING_PDF_NAMES``: encryption, and the filters other
  than Flate that a stream could be wrapped in).
* **text/plain**: UTF-8 without control characters (but tab, line feed, carriage
  return).

And for every type: no HTML or script markup (``_MARKUP``) anywhere in the raw bytes,
where a content sniffer would find it. A real PDF or photograph does not hold these;
random compressed bytes match one of them with a chance far below one in a billion.

Checked by hand, not by a PDF library: the rules refuse what is not plainly well
formed, where a reader such as pypdf repairs it, and they are what a polyglot breaks.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from collections.abc import Callable

from PIL import Image

MAX_PIXELS = 16_000_000
"""Largest image decoded: an A4 page scanned at 400 dpi, far more than 128 KiB of real
photograph or scan holds; larger is a decompression bomb (64 MB decoded as RGBA)."""

MAX_STREAMS = 1000
"""Streams one PDF may have. Each is tried with zlib on the rest of the file, so the
count bounds the work a crafted file can ask for."""

MAX_INFLATED = 16 * 1024 * 1024
"""Bytes all compressed streams of one PDF may inflate to while being looked through."""

ACTIVE_PDF_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToE",
    }
)
"""PDF names of scripts, programs, embedded files and forms that send data: a SIRENE
document needs none of them."""

HIDING_PDF_NAMES = frozenset(
    {
        "Encrypt",
        "Crypt",
        "ASCIIHexDecode",
        "AHx",
        "ASCII85Decode",
        "A85",
        "LZWDecode",
        "LZW",
        "RunLengthDecode",
        "RL",
    }
)
"""PDF names that would put content out of this module's sight: encryption, and the
text and legacy filters (a real scan or a printed document uses Flate, DCT, JPX,
CCITT or JBIG2)."""

_MARKUP = re.compile(
    rb"<(?:script|html|body|head|iframe|frame|svg|object|embed|meta|link|style|form|img"
    rb"|!doctype|\?php)[\s/>]|javascript:|vbscript:",
    re.IGNORECASE,
)
_PDF_HEADER = re.compile(rb"%PDF-(?:1\.[0-7]|2\.0)[\r\n]")
_PDF_END = re.compile(rb"startxref[\r\n\t ]+(\d{1,10})[\r\n\t ]+%%EOF[\r\n]*\Z")
_PDF_XREF_STREAM = re.compile(rb"\d{1,10}[\r\n\t ]+\d{1,5}[\r\n\t ]+obj\b")
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHUNK = struct.Struct(">I4s")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(ValueError):
    """The bytes are not what their media type says; the message says what is wrong."""


def _markup(data: bytes) -> None:
    found = _MARKUP.search(data)
    if found is not None:
        shown = found.group().decode("ascii", "replace").strip()
        raise Refused(f"holds markup or script ({shown!r} at byte {found.start()})")


def _decoded(data: bytes, fmt: str) -> None:
    """Decode the whole image with Pillow, as ``fmt`` and nothing else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                if image.format != fmt:
                    raise Refused(f"is a {image.format} image")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refused(f"has {width}x{height} pixels, more than {MAX_PIXELS}")
                image.load()
    except Refused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise Refused(f"does not decode as {fmt} ({exc})") from None


def _png(data: bytes) -> None:
    if not data.startswith(_PNG_SIGNATURE):
        raise Refused("does not start with the PNG signature")
    at, last = len(_PNG_SIGNATURE), b""
    while at < len(data):
        if at + 12 > len(data):
            raise Refused(f"has a cut chunk at byte {at}")
        length, kind = _PNG_CHUNK.unpack_from(data, at)
        end = at + 12 + length
        if end > len(data):
            raise Refused(f"has a chunk running past the end at byte {at}")
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[at + 4 : end - 4]) != crc:
            raise Refused(f"has a chunk with a wrong CRC at byte {at}")
        at, last = end, kind
        if kind == b"IEND" and at != len(data):
            raise Refused(f"carries {len(data) - at} byte(s) after its IEND chunk")
    if last != b"IEND":
        raise Refused("does not end with an IEND chunk")
    _decoded(data, "PNG")


def _jpeg(data: bytes) -> None:
    if not data.startswith(b"\xff\xd8\xff"):
        raise Refused("does not start with a JPEG SOI marker")
    if not data.endswith(b"\xff\xd9"):
        raise Refused("does not end with the JPEG EOI marker (nothing may follow the image)")
    _decoded(data, "JPEG")


def _pdf_names(data: bytes) -> set[str]:
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        names.add(raw.decode("latin-1"))
    return names


def _inflated_streams(data: bytes) -> list[bytes]:
    """Every stream that inflates with zlib, within ``MAX_INFLATED`` bytes in all and
    ``MAX_STREAMS`` streams."""
    out, budget = [], MAX_INFLATED
    for count, match in enumerate(_PDF_STREAM.finditer(data)):
        if count == MAX_STREAMS:
            raise Refused(f"has more than {MAX_STREAMS} streams")
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(memoryview(data)[match.end() :], budget + 1)
        except zlib.error:
            continue  # not Flate (an image codec, or not a stream at all)
        if len(chunk) > budget:
            raise Refused(f"has compressed streams inflating to more than {MAX_INFLATED} bytes")
        budget -= len(chunk)
        out.append(chunk)
    return out


def _pdf(data: bytes) -> None:
    if _PDF_HEADER.match(data) is None:
        raise Refused("does not start with a PDF header (%PDF-1.0 to %PDF-2.0) at byte 0")
    end = _PDF_END.search(data)
    if end is None:
        raise Refused("does not end with startxref, its offset and %%EOF (nothing may follow)")
    offset = int(end.group(1))
    if not 0 < offset < end.start():
        raise Refused(f"names a cross-reference offset {offset} outside the file")
    xref = data[offset : end.start()]
    if xref.startswith(b"xref"):
        if re.search(rb"trailer[\r\n\t ]*<<", xref) is None:
            raise Refused("has a cross-reference table without a trailer")
    elif _PDF_XREF_STREAM.match(xref) is None or b"/XRef" not in xref:
        raise Refused(f"has no cross-reference table or stream at offset {offset}")
    if b"/Root" not in data:
        raise Refused("has no document catalogue (/Root)")
    hiding = sorted(_pdf_names(data) & HIDING_PDF_NAMES)
    if hiding:
        raise Refused(f"hides content from inspection (/{', /'.join(hiding)})")
    for part in (data, *_inflated_streams(data)):
        active = sorted(_pdf_names(part) & ACTIVE_PDF_NAMES)
        if active:
            raise Refused(f"holds active content (/{', /'.join(active)})")


def _text(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"is not UTF-8 text (byte {exc.start})") from None
    bad = _CONTROLS.search(text)
    if bad is not None:
        raise Refused(f"holds a control character (U+{ord(bad.group()):04X})")


_CHECKS: dict[str, Callable[[bytes], None]] = {
    "application/pdf": _pdf,
    "image/jpeg": _jpeg,
    "image/png": _png,
    "text/plain": _text,
}
MEDIA_TYPES = tuple(_CHECKS)
"""The media types an attachment may have: documents and photographs, nothing executable."""


def check(media_type: str, data: bytes) -> None:
    """Accept ``data`` as ``media_type`` (one of ``MEDIA_TYPES``) or raise ``Refused``."""
    _markup(data)
    _CHECKS[media_type](data)
