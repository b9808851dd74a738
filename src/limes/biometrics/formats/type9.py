"""ANSI/NIST-ITL 1-2011 Type-9 minutiae records ↔ ISO/IEC 19794-2 finger views.

ANSI/NIST-ITL 1-2011 gives a Type-9 record several blocks of fields. Limes reads the one
that maps minutia for minutia onto its own ISO/IEC 19794-2 codec: the INCITS 378 block,
fields 9.126-9.141 ("19794-2" minutiae in the standard's own words). The Extended
Feature Set (9.300 and over: an examiner's markup in units of 10 micrometres, with
dots, incipients, creases and more that the matchers have no use for), the legacy fields
9.005-9.012 and the vendors' blocks (9.013-9.125, 9.176-9.225) are refused, each at its
field, rather than half read.

Read (each refusal a ``FormatProblem`` at ``/fields/9.xxx``, placed under its record by
the door):

* 9.004 FMT: ``0`` (or 1-2007's ``S``): minutiae in a standard block; user-defined
  (``1``, ``U``) minutiae are refused;
* 9.003 IMP: the impression type, an ISO/IEC 19794-2 one (0-9);
* 9.128 HLL and 9.129 VLL: the image's width and height (1-8000 pixels);
* 9.130 SLC with 9.131 THPS and 9.132 TVPS: 500 pixels per inch (``1``, 500, 500) or
  197 per centimetre (``2``, 197, 197): the matchers' distances are 500 ppi pixels;
* 9.133 FVW the view number (0-15, 0 when absent); 9.134 FGP the finger (0-10: slaps
  are segmented before sending, palms come as Type-15 images);
* 9.135 FQD: the finger's quality, the first item of its first subfield (0-100; 254
  "not computed" and 255 "failed" become 0, which ISO/IEC 19794-2 reads as none);
* 9.136 NOM, the number of minutiae (at most 255), which 9.137 FMD must hold exactly,
  one subfield each of six items: index (1, 2, ... in order), x and y in pixels inside
  the image, angle in units of two degrees (0-179), type (0 other, 1 ridge ending,
  2 bifurcation) and quality (0-100, 0 none);
* 9.126 CBEFF information, 9.127 capture equipment, 9.138 ridge counts, 9.139 cores,
  9.140 deltas and 9.141 additional delta angles may be present and are read past (the
  matchers use minutiae alone).

An angle of two-degree units becomes the nearest ISO unit of 360/256 degrees; written
back (``type9_record``), an ISO unit becomes the nearest two-degree unit, so a record
that went ISO → Type-9 → ISO keeps its angles within one degree.
"""

from __future__ import annotations

from typing import NoReturn

from limes.biometrics.formats.iso19794_2 import (
    IMPRESSION_TYPES,
    MAX_MINUTIAE_PER_VIEW,
    FingerMinutiaeRecord,
    FingerView,
    encode,
)
from limes.biometrics.formats.nist_itl import MAX_IMAGE_SIDE, STANDARD, FieldValue, TaggedRecord
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.minutiae import ANGLE_UNITS, Minutia, MinutiaKind

TYPE = 9
STANDARD_FORMATS = frozenset({"0", "S"})
HEADER_FIELDS = frozenset({2, 3, 4})
READ_FIELDS = frozenset(range(128, 138)) - {133, 135}
OPTIONAL_FIELDS = frozenset({126, 127, 133, 135, 138, 139, 140, 141})
REQUIRED = (128, 129, 130, 131, 132, 134, 136, 137)
SCALES = {"1": "500", "2": "197"}
"""SLC → the pixel scale 9.131 and 9.132 must give: 500 per inch, or 197 per cm."""
PIXELS_PER_CM = 197
FINGERS = range(0, 11)
VIEWS = range(0, 16)
TWO_DEGREE_UNITS = 180
NOT_COMPUTED = frozenset({254, 255})
ITEMS_PER_MINUTIA = 6


def finger_record(record: TaggedRecord) -> tuple[int, bytes]:
    """The finger position and the one-view ISO/IEC 19794-2 record of a Type-9 record."""
    tags = {tag for tag, _ in record.fields}
    for tag in sorted(tags - HEADER_FIELDS - READ_FIELDS - OPTIONAL_FIELDS):
        _refuse(tag, "only the ISO/IEC 19794-2 block (9.126-9.141) of a Type-9 record is read")
    for tag in REQUIRED:
        if tag not in tags:
            _refuse(tag, "a mandatory field of the ISO/IEC 19794-2 block is missing")
    if _text(record, 4) not in STANDARD_FORMATS:
        _refuse(4, "user-defined minutiae are not read: FMT must be 0 (standard)")
    impression = _number(record, 3, IMPRESSION_TYPES, "an ISO/IEC 19794-2 impression type")
    width = _number(record, 128, range(1, MAX_IMAGE_SIDE + 1), f"a width 1-{MAX_IMAGE_SIDE}")
    height = _number(record, 129, range(1, MAX_IMAGE_SIDE + 1), f"a height 1-{MAX_IMAGE_SIDE}")
    scale = SCALES.get(_text(record, 130))
    if scale is None:
        _refuse(130, "SLC must be 1 (pixels per inch) or 2 (per centimetre)")
    for tag in (131, 132):
        if _text(record, tag) != scale:
            _refuse(tag, "only 500 ppi minutiae are taken (500 per inch, 197 per cm)")
    view = _number(record, 133, VIEWS, "a view number 0-15") if 133 in tags else 0
    position = _number(record, 134, FINGERS, "a finger position 0-10")
    quality = _quality(record) if 135 in tags else 0
    count = _number(record, 136, range(1, MAX_MINUTIAE_PER_VIEW + 1), "a count 1-255")
    minutiae = _minutiae(record, count, width, height)
    finger = FingerView(position, minutiae, view, impression, quality)
    iso = FingerMinutiaeRecord(width, height, (finger,), PIXELS_PER_CM, PIXELS_PER_CM)
    return position, encode(iso)


def type9_record(view: FingerView, width: int, height: int, idc: int = 1) -> TaggedRecord:
    """The Type-9 record (ISO/IEC 19794-2 block, 500 ppi) of one ISO finger view."""
    minutiae = tuple(
        (
            str(number),
            str(m.x),
            str(m.y),
            str(round(m.angle * TWO_DEGREE_UNITS / ANGLE_UNITS) % TWO_DEGREE_UNITS),
            str(int(m.kind)),
            str(m.quality),
        )
        for number, m in enumerate(view.minutiae, 1)
    )
    fields: tuple[tuple[int, FieldValue], ...] = (
        (2, str(idc)),
        (3, str(view.impression)),
        (4, "0"),
        (128, str(width)),
        (129, str(height)),
        (130, "2"),
        (131, str(PIXELS_PER_CM)),
        (132, str(PIXELS_PER_CM)),
        (133, str(view.view_number)),
        (134, str(view.position)),
        (135, ((str(view.quality), "255", "0"),)),
        (136, str(len(minutiae))),
        (137, minutiae),
    )
    return TaggedRecord(TYPE, fields)


def _minutiae(record: TaggedRecord, count: int, width: int, height: int) -> tuple[Minutia, ...]:
    subfields = _subfields(record.field(137))
    if len(subfields) != count:
        _refuse(137, f"{len(subfields)} minutiae where NOM (9.136) says {count}")
    found = []
    for number, items in enumerate(subfields, 1):
        if len(items) != ITEMS_PER_MINUTIA or not all(i.isdigit() for i in items):
            _refuse(137, f"minutia {number} is not six numbers (index, x, y, angle, type, quality)")
        index, x, y, angle, kind, quality = (int(i) for i in items)
        problem = (
            f"its index is {index}" if index != number
            else "x is outside the image" if x >= width
            else "y is outside the image" if y >= height
            else "the angle is not 0-179 (two-degree units)" if angle >= TWO_DEGREE_UNITS
            else "the type is not 0, 1 or 2" if kind > MinutiaKind.BIFURCATION
            else "the quality is not 0-100" if quality > 100
            else None
        )  # fmt: skip
        if problem:
            _refuse(137, f"minutia {number}: {problem}")
        units = round(angle * ANGLE_UNITS / TWO_DEGREE_UNITS) % ANGLE_UNITS
        found.append(Minutia(MinutiaKind(kind), x, y, units, quality))
    return tuple(found)


def _quality(record: TaggedRecord) -> int:
    first = _subfields(record.field(135))[0]
    if not first or not first[0].isdigit():
        _refuse(135, "the finger quality is not a number")
    quality = int(first[0])
    if quality in NOT_COMPUTED:
        return 0
    if quality > 100:
        _refuse(135, "the finger quality is not 0-100 (254, 255: none)")
    return quality


def _subfields(value: FieldValue | None) -> list[tuple[str, ...]]:
    """A field's subfields, each as its information items (one text: one item)."""
    if value is None:
        return [()]
    if isinstance(value, str):
        return [(value,)]
    return [(part,) if isinstance(part, str) else tuple(part) for part in value]


def _text(record: TaggedRecord, tag: int) -> str:
    value = record.field(tag)
    if not isinstance(value, str):
        _refuse(tag, "one value was expected")
    return value


def _number(record: TaggedRecord, tag: int, allowed: range | frozenset[int], what: str) -> int:
    text = _text(record, tag)
    if not text.isdigit() or int(text) not in allowed:
        _refuse(tag, f"{text[:12]!r} is not {what}")
    return int(text)


def _refuse(tag: int, detail: str) -> NoReturn:
    raise FormatProblem(STANDARD, f"/fields/{TYPE}.{tag:03d}", detail)
