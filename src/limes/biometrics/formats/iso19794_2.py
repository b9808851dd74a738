"""ISO/IEC 19794-2:2005 finger minutiae records (the "FMR" record format).

Layout (all integers big-endian):

* record header, 24 bytes: format identifier ``FMR\\0``, version `` 20\\0``, record length
  (4 bytes, the whole record), capture equipment (4 bits of certification flags and a
  12-bit device type), image width and height (pixels), x and y resolution (pixels per
  centimetre), number of finger views, one reserved byte (0);
* per finger view, a 4-byte header: finger position, view number (high nibble) and
  impression type (low nibble), finger quality (0-100), number of minutiae;
* per minutia, 6 bytes: type (2 bits) and x (14 bits); 2 reserved bits (0) and y (14
  bits); angle in units of 360/256 degrees; quality (0-100, 0 = not reported);
* per finger view, the extended data block length (2 bytes), then that many bytes, kept
  as they are (vendor areas are not interpreted).

Parsing is strict: every field is range-checked, the declared lengths must match the
bytes given exactly, and sizes are bounded before anything is read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import NoReturn

from limes.biometrics.formats.problems import FormatProblem, at_byte
from limes.biometrics.minutiae import MAX_COORDINATE, Minutia, MinutiaKind

STANDARD = "ISO/IEC 19794-2:2005"
FORMAT_IDENTIFIER = b"FMR\x00"
VERSION = b" 20\x00"

_HEADER = struct.Struct(">4s4sIHHHHHBB")
_VIEW_HEADER = struct.Struct(">BBBB")
_MINUTIA = struct.Struct(">HHBB")
_EXTENDED_LENGTH = struct.Struct(">H")

MAX_FINGER_VIEWS = 32
"""Ten fingers with a rolled and a plain view each fit with room; more is refused."""
MAX_MINUTIAE_PER_VIEW = 255
"""The standard's own bound: the count is one byte."""
MAX_EXTENDED_DATA = 4096
"""Vendor extended data per view; the standard allows 65535, no use here needs more."""
MAX_RECORD_BYTES = _HEADER.size + MAX_FINGER_VIEWS * (
    _VIEW_HEADER.size
    + MAX_MINUTIAE_PER_VIEW * _MINUTIA.size
    + _EXTENDED_LENGTH.size
    + MAX_EXTENDED_DATA
)

FINGER_POSITIONS = range(0, 16)
"""0 unknown, 1-5 right thumb to little, 6-10 left, 11-15 plain thumbs and four-fingers."""
IMPRESSION_TYPES = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
"""Live-scan plain/rolled, non-live plain/rolled, latent impression/tracing/photo/lift,
swipe, contactless (the codes of ISO/IEC 19794-2:2005 and ANSI/NIST-ITL)."""
LATENT_IMPRESSIONS = frozenset({4, 5, 6, 7})


@dataclass(frozen=True, slots=True)
class FingerView:
    """One finger's minutiae with its position, view number, impression type and quality."""

    position: int
    minutiae: tuple[Minutia, ...]
    view_number: int = 0
    impression: int = 0
    quality: int = 0
    extended_data: bytes = b""


@dataclass(frozen=True, slots=True)
class FingerMinutiaeRecord:
    """A whole record: the capture's image size and resolution and its finger views."""

    width: int
    height: int
    views: tuple[FingerView, ...]
    x_resolution: int = 197
    y_resolution: int = 197
    capture_equipment: int = 0


def encode(record: FingerMinutiaeRecord) -> bytes:
    """The record's bytes; a record that the standard (or a bound here) forbids is refused."""
    _check_record(record)
    body = bytearray()
    for view in record.views:
        body += _VIEW_HEADER.pack(
            view.position,
            (view.view_number << 4) | view.impression,
            view.quality,
            len(view.minutiae),
        )
        for m in view.minutiae:
            body += _MINUTIA.pack((m.kind << 14) | m.x, m.y, m.angle, m.quality)
        body += _EXTENDED_LENGTH.pack(len(view.extended_data)) + view.extended_data
    header = _HEADER.pack(
        FORMAT_IDENTIFIER,
        VERSION,
        _HEADER.size + len(body),
        record.capture_equipment,
        record.width,
        record.height,
        record.x_resolution,
        record.y_resolution,
        len(record.views),
        0,
    )
    return header + bytes(body)


def decode(data: bytes) -> FingerMinutiaeRecord:
    """The record in ``data``, which must be exactly one whole record.

    Refuses (``FormatProblem`` with the byte offset) a wrong identifier or version, a
    declared length other than the bytes given, a field out of its range, a minutia
    outside the image, a non-zero reserved bit and anything past the bounds above.
    """
    if len(data) > MAX_RECORD_BYTES:
        _refuse(0, f"{len(data)} bytes is over the {MAX_RECORD_BYTES}-byte bound")
    if len(data) < _HEADER.size:
        _refuse(len(data), f"the {_HEADER.size}-byte record header is cut short")
    (ident, version, length, equipment, width, height, x_res, y_res, view_count, reserved) = (
        _HEADER.unpack_from(data, 0)
    )
    if ident != FORMAT_IDENTIFIER:
        _refuse(0, f"format identifier {ident!r} is not {FORMAT_IDENTIFIER!r}")
    if version != VERSION:
        _refuse(4, f"version {version!r} is not {VERSION!r}")
    if length != len(data):
        _refuse(8, f"record length says {length} bytes, {len(data)} were given")
    _check_image(width, height, x_res, y_res, offset=14)
    if not 1 <= view_count <= MAX_FINGER_VIEWS:
        _refuse(22, f"{view_count} finger views (1 to {MAX_FINGER_VIEWS} allowed)")
    if reserved:
        _refuse(23, "the reserved byte is not 0")
    reader = _Reader(data, _HEADER.size)
    views = tuple(_read_view(reader, width, height) for _ in range(view_count))
    if reader.offset != len(data):
        _refuse(reader.offset, f"{len(data) - reader.offset} bytes follow the last view")
    record = FingerMinutiaeRecord(width, height, views, x_res, y_res, equipment)
    _check_unique_views(record, offset=_HEADER.size)
    return record


class _Reader:
    """Reads fixed structures one after the other, refusing a read past the end."""

    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset

    def take(self, layout: struct.Struct, what: str) -> tuple[int, ...]:
        if self.offset + layout.size > len(self.data):
            _refuse(self.offset, f"{what} is cut short")
        values = layout.unpack_from(self.data, self.offset)
        self.offset += layout.size
        return tuple(values)

    def raw(self, size: int, what: str) -> bytes:
        if self.offset + size > len(self.data):
            _refuse(self.offset, f"{what} ({size} bytes) is cut short")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk


def _read_view(reader: _Reader, width: int, height: int) -> FingerView:
    start = reader.offset
    position, view_impression, quality, count = reader.take(_VIEW_HEADER, "a finger view header")
    view_number, impression = view_impression >> 4, view_impression & 0x0F
    problem = _view_problem(position, impression, quality)
    if problem:
        _refuse(start, problem)
    minutiae = []
    for _ in range(count):
        at = reader.offset
        type_x, reserved_y, angle, m_quality = reader.take(_MINUTIA, "a minutia")
        kind_code, x = type_x >> 14, type_x & MAX_COORDINATE
        if kind_code > MinutiaKind.BIFURCATION:
            _refuse(at, f"minutia type {kind_code} is not 0, 1 or 2")
        if reserved_y >> 14:
            _refuse(at + 2, "the reserved bits before y are not 0")
        minutia = Minutia(MinutiaKind(kind_code), x, reserved_y & MAX_COORDINATE, angle, m_quality)
        problem = _minutia_problem(minutia, width, height)
        if problem:
            _refuse(at, problem)
        minutiae.append(minutia)
    at = reader.offset
    (extended_length,) = reader.take(_EXTENDED_LENGTH, "the extended data length")
    if extended_length > MAX_EXTENDED_DATA:
        _refuse(at, f"{extended_length} bytes of extended data (at most {MAX_EXTENDED_DATA})")
    extended = reader.raw(extended_length, "the extended data")
    return FingerView(position, tuple(minutiae), view_number, impression, quality, extended)


def _view_problem(position: int, impression: int, quality: int) -> str | None:
    if position not in FINGER_POSITIONS:
        return f"finger position {position} is not 0-15"
    if impression not in IMPRESSION_TYPES:
        return f"impression type {impression} is not one of {sorted(IMPRESSION_TYPES)}"
    if quality > 100:
        return f"finger quality {quality} is over 100"
    return None


def _minutia_problem(minutia: Minutia, width: int, height: int) -> str | None:
    if not (0 <= minutia.x < width and 0 <= minutia.y < height):
        return f"minutia at ({minutia.x}, {minutia.y}) lies outside the {width}x{height} image"
    if not 0 <= minutia.angle <= 255:
        return f"angle {minutia.angle} is not 0-255"
    if not 0 <= minutia.quality <= 100:
        return f"minutia quality {minutia.quality} is not 0-100"
    return None


def _check_image(width: int, height: int, x_res: int, y_res: int, offset: int) -> None:
    if not (0 < width <= MAX_COORDINATE + 1 and 0 < height <= MAX_COORDINATE + 1):
        _refuse(offset, f"image size {width}x{height} is not 1 to {MAX_COORDINATE + 1} pixels")
    if x_res == 0 or y_res == 0:
        _refuse(offset + 4, "a resolution of 0 pixels per centimetre")


def _check_unique_views(record: FingerMinutiaeRecord, offset: int) -> None:
    seen = set()
    for view in record.views:
        key = (view.position, view.view_number)
        if key in seen:
            _refuse(offset, f"finger {view.position} view {view.view_number} appears twice")
        seen.add(key)


def _check_record(record: FingerMinutiaeRecord) -> None:
    """The encoder's checks: the same rules as the parser, without a byte offset."""
    if not 0 <= record.capture_equipment <= 0xFFFF:
        _refuse(12, f"capture equipment {record.capture_equipment} is not 16 bits")
    _check_image(record.width, record.height, record.x_resolution, record.y_resolution, 14)
    if not (0 <= record.x_resolution <= 0xFFFF and 0 <= record.y_resolution <= 0xFFFF):
        _refuse(18, "a resolution is not 16 bits")
    if not 1 <= len(record.views) <= MAX_FINGER_VIEWS:
        _refuse(22, f"{len(record.views)} finger views (1 to {MAX_FINGER_VIEWS} allowed)")
    for view in record.views:
        problem = _view_problem(view.position, view.impression, view.quality)
        if problem is None and not 0 <= view.view_number <= 15:
            problem = f"view number {view.view_number} is not 0-15"
        if problem is None and len(view.minutiae) > MAX_MINUTIAE_PER_VIEW:
            problem = f"{len(view.minutiae)} minutiae (at most {MAX_MINUTIAE_PER_VIEW})"
        if problem is None and len(view.extended_data) > MAX_EXTENDED_DATA:
            problem = f"{len(view.extended_data)} bytes of extended data"
        for minutia in view.minutiae:
            problem = problem or _minutia_problem(minutia, record.width, record.height)
        if problem:
            raise FormatProblem(STANDARD, f"/views/{record.views.index(view)}", problem)
    _check_unique_views(record, offset=_HEADER.size)


def _refuse(offset: int, detail: str) -> NoReturn:
    raise FormatProblem(STANDARD, at_byte(offset), detail)
