"""Synthetic fingerprint records for the tests of enrolment, search and verification."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from limes.biometrics.synthetic.persons import Person, latent_mark, person, ten_print
from limes.biometrics.synthetic.records import LATENT_IMPRESSION, iso_record

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
