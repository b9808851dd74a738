"""Synthetic fingerprint records for the tests of enrolment, search and verification."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from functools import cache

from PIL import Image

from limes.biometrics.formats import nist_itl, wsq_images
from limes.biometrics.formats.nist_itl import FieldValue, Record, TaggedRecord, Transaction
from limes.biometrics.formats.wsq_images import GrayImage
from limes.biometrics.synthetic.persons import Person, latent_mark, person, ten_print
from limes.biometrics.synthetic.records import LATENT_IMPRESSION, iso_record
from limes.biometrics.synthetic.ridges import impression, ridge_image

SEED = 1916


def subject(index: int) -> Person:
    return person(SEED, index)


def fingers(index: int, positions: Iterable[int] = range(1, 11), capture: int = 0) -> bytes:
    """An ISO/IEC 19794-2 record of person ``index``'s fingers at ``positions``; capture 0
    is the enrolment, each other number a later capture of the same fingers."""
    prints = ten_print(subject(index), SEED, capture)
    return iso_record({p: prints[p - 1] for p in positions})


def latent(index: int, number: int = 0) -> tuple[int, bytes]:
    """A latent of one of person ``index``'s fingers: (its position, the record)."""
    position, mark = latent_mark(subject(index), SEED, number)
    return position, iso_record({0: mark}, impression=LATENT_IMPRESSION)


def sparse() -> bytes:
    """A record of one finger with 11 minutiae: refused by the quality gate (after the
    policy: the authorization matrix uses it to stop there)."""
    thumb = ten_print(subject(0), SEED, 0)[0]
    return iso_record({1: thumb[:11]})


def base64_of(record: bytes) -> str:
    return base64.b64encode(record).decode()


@cache
def finger_image(seed: int, capture: int = 0) -> GrayImage:
    """A drawn ridge image of finger ``seed`` (capture 0), or another impression of it;
    cached, as drawing one takes a second or two."""
    master = ridge_image(seed)
    drawn = master if capture == 0 else impression(master, seed * 100 + capture)
    return GrayImage(drawn.width, drawn.height, drawn.pixels.tobytes())


def png_of(image: GrayImage, dpi: int | None = 500) -> bytes:
    out = io.BytesIO()
    picture = Image.frombytes("L", (image.width, image.height), image.pixels)
    picture.save(out, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


def type14(
    image: GrayImage, position: int, compression: str = "WSQ20", record_type: int = 14
) -> TaggedRecord:
    """A Type-14 record of ``image`` at ``position`` (500 ppi, 8 bits); with
    ``record_type`` 15, a palm print record (``position`` a palm code)."""
    data = wsq_images.encode(image) if compression == "WSQ20" else image.pixels
    fields: tuple[tuple[int, FieldValue], ...] = (
        (2, "1"),
        (3, "0"),
        (4, "DEBKA"),
        (5, "20260101"),
        (6, str(image.width)),
        (7, str(image.height)),
        (8, "1"),
        (9, "500"),
        (10, "500"),
        (11, compression),
        (12, "8"),
        (13, (str(position),)),
    )
    return TaggedRecord(record_type, fields, data)


def transaction(*records: Record) -> bytes:
    """An ANSI/NIST-ITL transaction of ``records`` after a Type-1 header."""
    header = (
        (2, "0500"),
        (4, "CAR"),
        (5, "20260101"),
        (7, "DEBKA0000"),
        (8, "DEBKA0000"),
        (9, "TCN-1"),
        (11, "19.69"),
        (12, "19.69"),
    )
    return nist_itl.encode(Transaction(header, tuple(records)))
