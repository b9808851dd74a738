"""Fingers and palms from the captures a door receives in other forms than records.

A ``Submission`` is what arrived: ISO/IEC 19794-2 records (taken as they are), one
ANSI/NIST-ITL transaction, or one bare image (PNG or WSQ) with the position the caller
names (a finger 0-10, a palm by its code 20-38). Each image becomes a one-view minutiae
record through ``extraction`` (mindtct and NFIQ 2), so the quality gates
(``captures``) and the matchers see every form alike; a palm's record holds finger
position 0 (ISO/IEC 19794-2 has no palm codes) and travels under its palm code
(``Captured.palms``). A transaction is parsed strictly (``formats.nist_itl``) and read
for its images, each refusal located by record and field (``/records/2/fields/14.011``):

* Type-4: 500 ppi grey, raw or WSQ (compression 0 or 1); the finger is the first
  position of field 4.004 that is used (255 is unused);
* Type-14 (fingers) and Type-15 (palms): 500 ppi (.008 SLC 1 with 500, or 2 with 197
  pixels per centimetre), 8 bits a pixel (.012), compression ``NONE``, ``WSQ20`` or
  ``PNG`` (.011), the position the first subfield of .013 (a finger 0-10; a palm code
  20-38: 20 unknown, 21-38 the ANSI/NIST-ITL palm codes);
* Type-9 (minutiae, the ISO/IEC 19794-2 block 9.126-9.141, ``formats.type9``): the
  finger of 9.134 and its minutiae as they are, no image and no extraction;
* Type-2 descriptive text is read past; Type-10 (face) and every other record are
  refused here.

A transaction gives at most ``MAX_FINGER_IMAGES`` images and minutiae records; every
image is bounded by the WSQ and PNG readers before it is decoded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import NoReturn, TypeVar

from limes.biometrics.extraction import (
    MAX_PALM_SIDE,
    MAX_SIDE,
    PPI,
    Extractor,
    png_image,
    wsq_image,
)
from limes.biometrics.formats import nist_itl, type9
from limes.biometrics.formats.nist_itl import FingerprintImageRecord, TaggedRecord
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.formats.wsq_images import GrayImage
from limes.biometrics.gallery import PALM_POSITIONS, UNKNOWN_PALM
from limes.errors import FieldError, InvalidInput

MAX_FINGER_IMAGES = 12
"""A ten-print, or the palms of two hands with their writer's palms; flat and rolled sets
of the same fingers go in separate requests."""
FINGER_POSITIONS = range(0, 11)
"""0 unknown (a latent), 1-10 the fingers; slaps (13-15) are segmented before sending."""
PALM_CODES = range(UNKNOWN_PALM, PALM_POSITIONS[-1] + 1)
"""20 a palm of unknown position (a mark), 21-38 the ANSI/NIST-ITL palm codes."""
LATENT_IMPRESSION = 4
UNUSED_POSITION = 255
PIXELS_PER_CM = 197

T = TypeVar("T")


class Form(Enum):
    """How a capture arrived (``records``: ISO/IEC 19794-2 minutiae records)."""

    RECORDS = "records"
    TRANSACTION = "ansi-nist"
    PNG = "png"
    WSQ = "wsq"


@dataclass(frozen=True, slots=True)
class Submission:
    """A capture as it arrived; ``position`` names the finger of one bare image."""

    form: Form
    parts: tuple[bytes, ...]
    position: int = 0


@dataclass(frozen=True, slots=True)
class Captured:
    """What a submission holds: finger records, and palm records by palm code (each a
    one-view record whose finger position is 0: ISO/IEC 19794-2 has no palm codes)."""

    fingers: list[bytes]
    palms: dict[int, bytes]


def records_of(submission: Submission | Sequence[bytes], extractor: Extractor) -> list[bytes]:
    """The finger records of a submission; one that holds palm prints is refused."""
    found = captured(submission, extractor)
    if found.palms:
        _refuse("/records", "palm prints are not taken here")
    return found.fingers


def captured(submission: Submission | Sequence[bytes], extractor: Extractor) -> Captured:
    """The ISO/IEC 19794-2 records of a submission (a list of records: as it is)."""
    if not isinstance(submission, Submission):
        return Captured(list(submission), {})
    if submission.form is Form.RECORDS:
        return Captured(list(submission.parts), {})
    if len(submission.parts) != 1:
        _refuse("", f"one {submission.form.value} body is taken, not {len(submission.parts)}")
    (data,) = submission.parts
    if submission.form is Form.TRANSACTION:
        return _sorted(_transaction_records(data, extractor))
    position = submission.position
    if position not in FINGER_POSITIONS and position not in PALM_CODES:
        _refuse("/position", f"position {position} is not a finger (0-10) or palm (20-38)")
    side = MAX_PALM_SIDE if position in PALM_CODES else MAX_SIDE
    image = _located(
        "", lambda: png_image(data, side) if submission.form is Form.PNG else wsq_image(data)
    )
    impression = LATENT_IMPRESSION if position in (0, UNKNOWN_PALM) else 0
    return _sorted([(position, _extracted("", extractor, image, position, impression))])


def _sorted(records: list[tuple[int, bytes]]) -> Captured:
    palms: dict[int, bytes] = {}
    for position, record in records:
        if position in PALM_CODES:
            if position in palms:
                _refuse("/records", f"palm {position} is given twice")
            palms[position] = record
    return Captured([r for p, r in records if p not in PALM_CODES], palms)


def _transaction_records(data: bytes, extractor: Extractor) -> list[tuple[int, bytes]]:
    transaction = _located("", lambda: nist_itl.decode(data))
    images: list[tuple[str, GrayImage, int, int]] = []  # where, image, position, impression
    minutiae: list[tuple[int, bytes]] = []  # position, record
    for index, record in enumerate(transaction.records, 1):
        where = f"/records/{index}"
        if isinstance(record, FingerprintImageRecord):
            images.append((where, *_type4(where, record)))
        elif record.type in (14, 15):
            images.append((where, *_tagged_image(where, record)))
        elif record.type == 9:
            minutiae.append(_located(where, partial(type9.finger_record, record)))
        elif record.type != 2:
            _refuse(where, f"a Type-{record.type} record is not read at a fingerprint door")
    if not images and not minutiae:
        _refuse("/records", "the transaction holds no Type-4, 9, 14 or 15 record")
    if len(images) + len(minutiae) > MAX_FINGER_IMAGES:
        count = len(images) + len(minutiae)
        _refuse("/records", f"{count} fingers or palms (at most {MAX_FINGER_IMAGES})")
    extracted = [(p, _extracted(w, extractor, image, p, m)) for w, image, p, m in images]
    return extracted + minutiae


def _extracted(
    where: str, extractor: Extractor, image: GrayImage, position: int, impression: int
) -> bytes:
    palm = position in PALM_CODES
    return _located(
        where,
        lambda: extractor.finger(image, 0 if palm else position, impression, palm).record,
    )


def _type4(where: str, record: FingerprintImageRecord) -> tuple[GrayImage, int, int]:
    used = [p for p in record.positions if p != UNUSED_POSITION]
    if not used or used[0] not in FINGER_POSITIONS:
        _refuse(f"{where}/fields/4.004", "the finger position is not 0-10")
    if record.high_resolution:
        _refuse(f"{where}/fields/4.005", f"only {PPI} ppi images are taken")
    if record.compression == 1:
        image = _located(f"{where}/fields/4.009", lambda: wsq_image(record.data))
        if (image.width, image.height) != (record.width, record.height):
            _refuse(f"{where}/fields/4.006", "the WSQ image is not of the size declared")
    else:
        image = GrayImage(record.width, record.height, record.data)
    return image, used[0], record.impression


def _tagged_image(where: str, record: TaggedRecord) -> tuple[GrayImage, int, int]:
    """A Type-14 finger or Type-15 palm image: the same fields, the position in .013."""
    kind = record.type
    position = _first(record, 13, where)
    allowed = FINGER_POSITIONS if kind == 14 else PALM_CODES
    if not position.isdigit() or int(position) not in allowed:
        what = "finger position is not 0-10" if kind == 14 else "palm code is not 20-38"
        _refuse(f"{where}/fields/{kind}.013", f"the {what}")
    scale = {"1": str(PPI), "2": str(PIXELS_PER_CM)}.get(str(record.field(8)))
    if scale is None or record.field(9) != scale or record.field(10) != scale:
        _refuse(f"{where}/fields/{kind}.009", f"only {PPI} ppi images are taken")
    if record.field(12) != "8":
        _refuse(f"{where}/fields/{kind}.012", "only 8 bits a pixel are taken")
    width, height = int(str(record.field(6))), int(str(record.field(7)))
    data = record.data or b""
    compression = str(record.field(11)).upper()
    data_at = f"{where}/fields/{kind}.999"
    if compression == "NONE":
        if len(data) != width * height:
            _refuse(data_at, "uncompressed data is not width x height bytes")
        image = GrayImage(width, height, data)
    elif compression == "WSQ20":
        image = _located(data_at, lambda: wsq_image(data))
    elif compression == "PNG":
        image = _located(data_at, lambda: png_image(data, MAX_PALM_SIDE))
    else:
        _refuse(f"{where}/fields/{kind}.011", f"compression {compression}: NONE, WSQ20, PNG taken")
    if (image.width, image.height) != (width, height):
        _refuse(f"{where}/fields/{kind}.006", "the image is not of the size declared")
    impression = _first(record, 3, where)
    return image, int(position), int(impression) if impression.isdigit() else 0


def _first(record: TaggedRecord, tag: int, where: str) -> str:
    value = record.field(tag)
    while isinstance(value, tuple):
        if not value:
            _refuse(f"{where}/fields/{record.type}.{tag:03d}", "the field is empty")
        value = value[0]
    return str(value)


def _located(where: str, read: Callable[[], T]) -> T:
    """``read()``, with a format problem's pointer placed under ``where``."""
    try:
        return read()
    except FormatProblem as problem:
        pointer = f"{where}{problem.where}"
        detail = problem.errors[0].detail
        raise InvalidInput(
            f"{problem.standard}: {detail} (at {pointer})", [FieldError(pointer, detail)]
        ) from None


def _refuse(where: str, detail: str) -> NoReturn:
    pointer = where or "/"
    raise InvalidInput(f"{detail} (at {pointer})", [FieldError(pointer, detail)])
