"""The synthetic sets every figure is measured on, built once per run.

A gallery of enrolled persons (capture 0 of their ten-prints), held twice: packed bit
cylinders (what the product re-ranks with) and float32 cylinders (MCC's float version,
to compare); mated ten-print probes
(capture 1 of gallery persons) and non-mated ones (persons never enrolled, drawn from
far later in the same seeded stream); mated and non-mated latents likewise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

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


@dataclass
class Sets:
    seed: int
    gallery: FingerprintGallery
    float_gallery: FingerprintGallery
    enrolled_points: list[tuple[Points, ...]]
    mated: list[TenPrintProbe] = field(default_factory=list)
    non_mated: list[TenPrintProbe] = field(default_factory=list)
    mated_latents: list[LatentProbe] = field(default_factory=list)
    non_mated_latents: list[LatentProbe] = field(default_factory=list)
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
        sets.mated.append(_ten_print_probe(seed, number))
        sets.mated_latents.append(_latent_probe(seed, number))
    fresh = probes if non_mated is None else non_mated
    for number in range(NON_MATED_START, NON_MATED_START + fresh):
        sets.non_mated.append(_ten_print_probe(seed, number))
        sets.non_mated_latents.append(_latent_probe(seed, number))
    return sets


def _ten_print_probe(seed: int, number: int) -> TenPrintProbe:
    points = ten_print(person(seed, number), seed, 1)
    return TenPrintProbe(number, points, tuple(cylinders(p) for p in points))


def _latent_probe(seed: int, number: int) -> LatentProbe:
    position, points = latent_mark(person(seed, number), seed, 0)
    return LatentProbe(number, position, points, cylinders(points))
