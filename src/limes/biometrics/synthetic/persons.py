"""Synthetic persons with ten fingers, their ten-print captures and latent marks.

Each person is drawn from its own generator seeded with (seed, person index), so a
gallery of 1,000 persons is the first 1,000 of a gallery of 100,000 with the same seed,
and a person's probe never depends on how many others were drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from limes.biometrics.minutiae import Points
from limes.biometrics.synthetic.fingers import (
    LATENT,
    TEN_PRINT,
    MasterFinger,
    impression,
    master_finger,
)

FINGERS = 10
"""Finger positions 1-10 of ISO/IEC 19794-2 and ANSI/NIST-ITL: right thumb to left little."""

_MASTER, _ENROLMENT, _PROBE, _LATENT = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic person: index in the set and the ten master fingers (position 1-10)."""

    index: int
    fingers: tuple[MasterFinger, ...]


def person(seed: int, index: int) -> Person:
    """Person ``index`` of the set drawn with ``seed``."""
    rng = np.random.default_rng([seed, index, _MASTER])
    return Person(index, tuple(master_finger(rng) for _ in range(FINGERS)))


def persons(seed: int, count: int, start: int = 0) -> list[Person]:
    """Persons ``start`` to ``start + count - 1`` of the set drawn with ``seed``."""
    return [person(seed, index) for index in range(start, start + count)]


def ten_print(subject: Person, seed: int, capture_number: int) -> tuple[Points, ...]:
    """The ten fingers' minutiae of one ten-print capture; capture 0 is the enrolment and
    each other number a later, independent capture of the same fingers."""
    stream = _ENROLMENT if capture_number == 0 else _PROBE
    rng = np.random.default_rng([seed, subject.index, stream, capture_number])
    return tuple(impression(finger, rng, TEN_PRINT) for finger in subject.fingers)


def latent_mark(subject: Person, seed: int, number: int) -> tuple[int, Points]:
    """A latent mark of one of the person's fingers: (finger position 1-10, minutiae).
    The position is known to the generator only; a latent search does not get it."""
    rng = np.random.default_rng([seed, subject.index, _LATENT, number])
    finger = int(rng.integers(0, FINGERS))
    return finger + 1, impression(subject.fingers[finger], rng, LATENT)
