"""The synthetic sets every figure is measured on, built once per run.

A gallery of enrolled persons (capture 0 of their ten-prints), held twice: packed bit
cylinders (what the product re-ranks with) and float32 cylinders (MCC's float version,
to compare); mated ten-print probes
(capture 1 of gallery persons) and non-mated ones (persons never enrolled, drawn from
far later in the same seeded stream, each when a search reads it); mated and non-mated
latents likewise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, overload

from limes.biometrics.identification import FingerprintGallery
from limes.biometrics.matching.cylinders import Cylinders, cylinders
from limes.biometrics.minutiae import Points
from limes.biometrics.synthetic.persons import latent_mark, person, ten_print

NON_MATED_START = 1_000_000
"""Persons from here on are never enrolled: their searches are non-mated."""


@dataclass(frozen=True, slots=True)
class TenPrintProbe:
    person: int
    points: tuple[Points, ...]
    fingers: tuple[Cylinders, ...]


@dataclass(frozen=True, slots=True)
class LatentProbe:
    person: int
    position: int
    points: Points
    finger: Cylinders


Probe = TypeVar("Probe")


class Drawn(Sequence[Probe], Generic[Probe]):
    """The probes of persons ``numbers``, each drawn when it is read and not held: a
    thousand non-mated ten-prints' float cylinders would hold some 3 GB."""

    def __init__(self, draw: Callable[[int, int], Probe], seed: int, numbers: range) -> None:
        self._draw, self._seed, self._numbers = draw, seed, numbers

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, at: int) -> Probe: ...

    @overload
    def __getitem__(self, at: slice) -> Drawn[Probe]: ...

    def __getitem__(self, at: int | slice) -> Probe | Drawn[Probe]:
        if isinstance(at, slice):
            return Drawn(self._draw, self._seed, self._numbers[at])
        return self._draw(self._seed, self._numbers[at])


@dataclass
class Sets:
    seed: int
    gallery: FingerprintGallery
    float_gallery: FingerprintGallery
    enrolled_points: list[tuple[Points, ...]]
    mated: list[TenPrintProbe] = field(default_factory=list)
    non_mated: Sequence[TenPrintProbe] = ()
    mated_latents: list[LatentProbe] = field(default_factory=list)
    non_mated_latents: Sequence[LatentProbe] = ()
    enrol_seconds: float = 0.0


def build(seed: int, persons: int, probes: int, non_mated: int | None = None) -> Sets:
    """Enrols ``persons`` and draws ``probes`` mated searches of each kind and
    ``non_mated`` (``probes`` unless given) non-mated ones."""
    gallery, float_gallery = FingerprintGallery(), FingerprintGallery(packed=False)
    enrolled_points = []
    spent = 0.0
    for number in range(persons):
        points = ten_print(person(seed, number), seed, 0)
        started = time.perf_counter()
        fingers = [cylinders(p) for p in points]
        gallery.enrol(number, fingers)
        spent += time.perf_counter() - started
        float_gallery.enrol(number, fingers)
        enrolled_points.append(points)
    started = time.perf_counter()
    gallery.freeze()
    spent += time.perf_counter() - started
    float_gallery.freeze()
    sets = Sets(seed, gallery, float_gallery, enrolled_points, enrol_seconds=spent / persons)
    for number in range(min(probes, persons)):
        sets.mated.append(ten_print_probe(seed, number))
        sets.mated_latents.append(latent_probe(seed, number))
    fresh = range(NON_MATED_START, NON_MATED_START + (probes if non_mated is None else non_mated))
    sets.non_mated = Drawn(ten_print_probe, seed, fresh)
    sets.non_mated_latents = Drawn(latent_probe, seed, fresh)
    return sets


def ten_print_probe(seed: int, number: int) -> TenPrintProbe:
    points = ten_print(person(seed, number), seed, 1)
    return TenPrintProbe(number, points, tuple(cylinders(p) for p in points))


def latent_probe(seed: int, number: int) -> LatentProbe:
    position, points = latent_mark(person(seed, number), seed, 0)
    return LatentProbe(number, position, points, cylinders(points))
