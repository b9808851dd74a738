"""Fingers taken from the ISO/IEC 19794-2 records a door receives, checked for use.

A request carries one or more records (``records[i]``); each is parsed strictly
(``formats/iso19794_2``) and its problems are located in the request
(``/records/1/bytes/40``). The quality gate then refuses what cannot be enrolled or
searched with, every refusal with its location:

* an enrolment takes fingers of known position (1-10), at most one view each, with at
  least ``MIN_MINUTIAE`` minutiae and a finger quality of at least ``MIN_QUALITY``;
* a search takes fingers of known position the same way, or one latent (position 0,
  unknown finger) of at least ``MIN_LATENT_MINUTIAE`` minutiae;
* a latent impression (impression types 4-7) is searched with, never enrolled on an
  alert on a known person; an alert on an unknown wanted person holds latents only
  (position 0, at least ``MIN_LATENT_MINUTIAE`` minutiae each, ``latent_marks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from limes.biometrics.formats.iso19794_2 import (
    LATENT_IMPRESSIONS,
    FingerMinutiaeRecord,
    FingerView,
    decode,
    encode,
)
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.gallery import PALM_POSITIONS, POSITIONS, UNKNOWN, UNKNOWN_PALM
from limes.errors import FieldError, InvalidInput

MIN_MINUTIAE = 12
"""Fewer minutiae than this identify nobody: 12 is the classic point standard that
courts long required, and the MCC cylinders of a sparser finger are mostly invalid."""
MIN_QUALITY = 20
"""ISO/IEC 19794-2 finger quality (0-100, the scale NFIQ 2 reports on): below 20 is
NFIQ 2's poorest band, where matching fails more often than it succeeds; 0 (quality not
reported) is refused too, as a capture nobody assessed cannot pass a gate."""
MIN_LATENT_MINUTIAE = 6
"""A latent is partial by nature; under 6 minutiae its short list is chance."""
MAX_RECORDS = 10


def enrolment_fingers(records: Sequence[bytes]) -> dict[int, bytes]:
    """Each finger to enrol by position: its one-view ISO/IEC 19794-2 record (the
    template stored), after the quality gate."""
    found: dict[int, bytes] = {}
    for where, record, view in _views(records):
        if view.position not in POSITIONS:
            _refuse(where, f"finger position {view.position}: enrolment takes fingers 1-10")
        if view.impression in LATENT_IMPRESSIONS:
            _refuse(where, "a latent impression is searched with, not enrolled")
        _gate(where, view, MIN_MINUTIAE)
        if view.quality < MIN_QUALITY:
            _refuse(where, f"finger quality {view.quality} is under {MIN_QUALITY}")
        if view.position in found:
            _refuse(where, f"finger {view.position} is given twice")
        found[view.position] = single(record, view)
    return found


def latent_marks(records: Sequence[bytes]) -> list[tuple[FingerView, bytes]]:
    """Each latent to store on an alert on an unknown wanted person, with its one-view
    record, after the quality gate."""
    found = []
    for where, record, view in _views(records):
        if view.position != UNKNOWN:
            _refuse(where, f"finger position {view.position}: a latent's finger is unknown (0)")
        _gate(where, view, MIN_LATENT_MINUTIAE)
        found.append((view, single(record, view)))
    return found


def enrolment_palms(palms: dict[int, bytes]) -> dict[int, bytes]:
    """Each palm to enrol by its code (21-38), after the gate: at least ``MIN_MINUTIAE``
    minutiae (NFIQ 2 is a finger measure: a palm's score is kept, not gated on)."""
    for code, record in palms.items():
        where = f"/palms/{code}"
        if code not in PALM_POSITIONS:
            _refuse(where, f"palm code {code}: enrolment takes palms 21-38")
        _gate(where, decode(record).views[0], MIN_MINUTIAE)
    return dict(palms)


def search_palms(palms: dict[int, bytes]) -> dict[int, FingerView]:
    """The palm probe by code (``UNKNOWN_PALM`` for one palm mark, searched alone)."""
    found = {}
    for code, record in palms.items():
        where = f"/palms/{code}"
        _gate(where, decode(record).views[0], MIN_LATENT_MINUTIAE)
        found[code] = decode(record).views[0]
    if UNKNOWN_PALM in found and len(found) > 1:
        _refuse("/palms", "a palm mark (palm 20) is searched alone")
    return found


def search_fingers(records: Sequence[bytes]) -> dict[int, FingerView]:
    """The probe by position (``UNKNOWN`` for one latent), after the quality gate."""
    found: dict[int, FingerView] = {}
    for where, _, view in _views(records):
        if view.position not in (UNKNOWN, *POSITIONS):
            _refuse(where, f"finger position {view.position}: a search takes fingers 0-10")
        latent = view.position == UNKNOWN
        _gate(where, view, MIN_LATENT_MINUTIAE if latent else MIN_MINUTIAE)
        if view.position in found:
            _refuse(where, f"finger {view.position} is given twice")
        if found and (latent or UNKNOWN in found):
            _refuse(where, "a latent (finger 0) is searched alone")
        found[view.position] = view
    return found


def single(record: FingerMinutiaeRecord, view: FingerView) -> bytes:
    """The record of one view, with the capture's image size and resolution."""
    return encode(
        FingerMinutiaeRecord(
            record.width,
            record.height,
            (view,),
            record.x_resolution,
            record.y_resolution,
            record.capture_equipment,
        )
    )


def _views(records: Sequence[bytes]) -> list[tuple[str, FingerMinutiaeRecord, FingerView]]:
    if not 1 <= len(records) <= MAX_RECORDS:
        _refuse("/records", f"give 1 to {MAX_RECORDS} records, not {len(records)}")
    found = []
    for number, data in enumerate(records):
        try:
            record = decode(data)
        except FormatProblem as problem:
            where = f"/records/{number}{problem.where}"
            detail = problem.errors[0].detail
            raise InvalidInput(
                f"{problem} in record {number}", [FieldError(where, detail)]
            ) from None
        found += [(f"/records/{number}/views/{i}", record, v) for i, v in enumerate(record.views)]
    return found


def _gate(where: str, view: FingerView, least: int) -> None:
    if len(view.minutiae) < least:
        _refuse(where, f"{len(view.minutiae)} minutiae; at least {least} are needed")


def _refuse(where: str, detail: str) -> NoReturn:
    raise InvalidInput(f"{detail} (at {where})", [FieldError(where, detail)])
