"""Fingerprint images to minutiae: NBIS ``mindtct`` and NFIQ 2 through nbis-py.

An image arrives as 8-bit grey at 500 ppi: bare (PNG, or WSQ) or inside an ANSI/NIST-ITL
record (``transactions``). Its size is read from the header and bounded before any
pixel is decoded; PNG must be one 8-bit grey channel and, where it states a resolution,
500 ppi (``PPI_TOLERANCE``). The minutiae are NBIS ``mindtct``'s, and the finger's
quality is NFIQ 2's score (0-100, the scale ISO/IEC 19794-2 gives finger quality), both
computed by nbis-py, whose wheel carries NFIQ 2's model; nothing is downloaded.

The answer is a one-view ISO/IEC 19794-2 record, the template every other door takes,
so the quality gate and the matchers see an image's finger as they see a record's:
each minutia with mindtct's reliability as its quality (0-100), the ``MAX_MINUTIAE``
most reliable kept. nbis-py's own ISO export is not used (its header is not the
standard's, ``formats.nbis_template``); its minutiae angles are in the record's units
already (multiples of 11.25 degrees, NBIS's direction resolution).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any, NoReturn

import nbis  # type: ignore[import-untyped]  # nbis-py ships no type hints
from PIL import Image, UnidentifiedImageError

from limes.biometrics.formats import wsq_images
from limes.biometrics.formats.iso19794_2 import FingerMinutiaeRecord, FingerView, encode
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.formats.wsq_images import GrayImage
from limes.biometrics.minutiae import Minutia, MinutiaKind, angle_units

PPI = 500
PPI_TOLERANCE = 5
"""A stated resolution within 495-505 ppi counts as 500 (rounding in pixels per metre)."""
MIN_SIDE = 150
"""Under 150 pixels (0.3 inch at 500 ppi) a side, no finger area is left to read."""
MAX_SIDE = 2000
"""A rolled 500 ppi finger print is under 1000 pixels a side."""
MAX_PALM_SIDE = 4000
"""A full palm at 500 ppi is about 2500 pixels high; the WSQ reader's bound."""
MAX_PNG_BYTES = 8 * 1024 * 1024
MAX_MINUTIAE = 100
"""A good rolled print has 60-100 minutiae; past that mindtct's extra ones are noise."""
MAX_PALM_MINUTIAE = 255
"""A palm has many hundred minutiae; a one-view record holds at most 255 (the most
reliable are kept)."""
PIXELS_PER_CM = round(PPI / 2.54)
"""500 ppi as the ISO record states resolution: 197 pixels per centimetre."""
PNG_START = b"\x89PNG\r\n\x1a\n"

_SETTINGS = nbis.NbisExtractorSettings(
    min_quality=0.0, get_center=False, check_fingerprint=False, compute_nfiq2=True, ppi=PPI
)
_KINDS = {1: MinutiaKind.RIDGE_ENDING, 2: MinutiaKind.BIFURCATION}


@dataclass(frozen=True, slots=True)
class Extracted:
    """One finger read from an image: its one-view record and NFIQ 2 score."""

    record: bytes
    quality: int
    minutiae: int


class Extractor:
    """mindtct and NFIQ 2, one nbis-py extractor per process (its calls serialised)."""

    def __init__(self) -> None:
        self._extractor: Any = None
        self._lock = threading.Lock()

    def finger(
        self, image: GrayImage, position: int, impression: int = 0, palm: bool = False
    ) -> Extracted:
        """The finger in ``image`` (500 ppi grey) at ``position`` as a one-view record;
        a ``palm`` (position 0 in the record) may be larger and keeps more minutiae."""
        max_side = MAX_PALM_SIDE if palm else MAX_SIDE
        if abs(image.ppi - PPI) > PPI_TOLERANCE:
            _refuse("Image", "/ppi", f"{image.ppi} ppi: images are taken at {PPI} ppi")
        if not (MIN_SIDE <= image.width <= max_side and MIN_SIDE <= image.height <= max_side):
            where, size = "/size", f"{image.width}x{image.height}"
            _refuse("Image", where, f"{size} pixels is not {MIN_SIDE} to {max_side} a side")
        png = io.BytesIO()
        Image.frombytes("L", (image.width, image.height), image.pixels).save(png, format="PNG")
        with self._lock:
            if self._extractor is None:
                self._extractor = nbis.new_nbis_extractor(_SETTINGS)
            try:
                found = self._extractor.extract_minutiae(png.getvalue())
                quality = int(found.quality().score)
            except nbis.NbisError:
                _refuse("Image", "/pixels", "mindtct found no finger it could read")
            most = MAX_PALM_MINUTIAE if palm else MAX_MINUTIAE
            read = sorted(found.get(), key=lambda m: -m.reliability())[:most]
        minutiae = tuple(_minutia(m, image.width, image.height) for m in read)
        quality = min(max(quality, 0), 100)
        view = FingerView(position, minutiae, impression=impression, quality=quality)
        record = FingerMinutiaeRecord(
            image.width, image.height, (view,), PIXELS_PER_CM, PIXELS_PER_CM
        )
        return Extracted(encode(record), quality, len(minutiae))


def _minutia(found: Any, width: int, height: int) -> Minutia:
    return Minutia(
        _KINDS.get(found.kind().value, MinutiaKind.OTHER),
        min(max(int(found.x()), 0), width - 1),
        min(max(int(found.y()), 0), height - 1),
        angle_units(float(found.angle()) * 3.141592653589793 / 180),
        min(max(round(float(found.reliability()) * 100), 1), 100),
    )


def png_image(data: bytes, max_side: int = MAX_SIDE) -> GrayImage:
    """The 8-bit grey image in PNG ``data``, its size checked before its pixels are read."""
    if len(data) > MAX_PNG_BYTES:
        _refuse("PNG", "/bytes/0", f"{len(data)} bytes is over the {MAX_PNG_BYTES}-byte bound")
    if not data.startswith(PNG_START):
        _refuse("PNG", "/bytes/0", "no PNG signature")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as picture:
            width, height = picture.size
            if not (0 < width <= max_side and 0 < height <= max_side):
                _refuse("PNG", "/bytes/16", f"image size {width}x{height} is out of range")
            if picture.mode != "L":
                _refuse("PNG", "/bytes/24", f"mode {picture.mode}: 8-bit grey (L) is taken")
            ppi = _ppi(picture.info.get("dpi"))
            pixels = picture.tobytes()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        _refuse("PNG", "/bytes", f"not a readable PNG image ({type(error).__name__})")
    if len(pixels) != width * height:
        _refuse("PNG", "/bytes", "the pixels are not width x height bytes")
    return GrayImage(width, height, pixels, ppi)


def wsq_image(data: bytes) -> GrayImage:
    """The image in WSQ ``data`` (``formats.wsq_images``, strict); its resolution 500
    ppi where the frame states none."""
    return wsq_images.decode(data)


def _ppi(dpi: Any) -> int:
    if not dpi:
        return PPI
    horizontal, vertical = (round(float(v)) for v in dpi)
    if horizontal != vertical:
        _refuse("PNG", "/bytes", f"resolution {horizontal}x{vertical} ppi is not square")
    return horizontal


def _refuse(standard: str, where: str, detail: str) -> NoReturn:
    raise FormatProblem(standard, where, detail)
