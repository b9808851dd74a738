"""A gallery of distinct synthetic persons for the 1:N speed figures, and what the index
does on it.

Each person is drawn as ``sets.build`` draws the enrolled ones (``person(seed, n)``,
capture 0), its cylinders made by ``bulk_cylinders`` (the per-finger cylinders bit for
bit, in less time), packed and hashed into index keys, in ``WORKERS`` processes, a
``CHUNK`` of persons at a time; the main process only enrols. So person n of a 100,000
person gallery is the person the mated probes of ``sets`` search for, and every bucket
holds the postings of different fingers, as a real gallery's would (a gallery copied
under new numbers puts each probe's mate and its copies in every bucket it hits).
"""

from __future__ import annotations

import multiprocessing
import pickle
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.biometrics.accuracy import PENETRATIONS
from bench.biometrics.metrics import hit_rate_at_penetration
from bench.biometrics.sets import LatentProbe, TenPrintProbe
from limes.biometrics.identification import FINGERS, FingerprintGallery
from limes.biometrics.index import CylinderIndex, Ids, top
from limes.biometrics.matching.bulk import bulk_cylinders
from limes.biometrics.matching.packed import pack
from limes.biometrics.synthetic.persons import person, ten_print

WORKERS = 2
CHUNK = 50
Enrolment = tuple[int, list[bytes], list[Ids]]


def drawn_persons(task: tuple[int, int, int]) -> list[Enrolment]:
    """Persons ``start`` to ``stop - 1``: number, packed fingers and each finger's keys."""
    seed, start, stop = task
    index = CylinderIndex()
    drawn = []
    for number in range(start, stop):
        fingers = bulk_cylinders(ten_print(person(seed, number), seed, 0))
        keys = [np.unique(index.keys(f)).astype(np.int32) for f in fingers]
        drawn.append((number, [pack(f) for f in fingers], keys))
    return drawn


def _timed(task: tuple[int, int, int]) -> tuple[float, list[Enrolment]]:
    started = time.process_time()
    drawn = drawn_persons(task)
    return time.process_time() - started, drawn


class DistinctPersons:
    """A pool of ``WORKERS`` processes drawing persons (started before the gallery grows:
    the workers are forked small)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._pool = multiprocessing.get_context("fork").Pool(WORKERS)
        self.cpu_seconds = 0.0
        """CPU the workers spent drawing, summed over them."""

    def drawn(self, start: int, stop: int) -> Iterator[Enrolment]:
        """Persons ``start`` to ``stop - 1`` in order, drawn ``CHUNK`` at a time."""
        tasks = [(self._seed, s, min(s + CHUNK, stop)) for s in range(start, stop, CHUNK)]
        for spent, chunk in self._pool.imap(_timed, tasks):
            self.cpu_seconds += spent
            yield from chunk

    def close(self) -> None:
        self._pool.close()
        self._pool.join()


def drawn(seed: int, persons: int, keep: Path | None) -> list[Enrolment]:
    """Persons 0 to ``persons - 1`` of ``seed``, read from ``keep`` when it holds as
    many (drawing 100,000 fingers takes some 15 minutes of two cores, reading them a
    few seconds), else drawn and written there."""
    if keep is not None and keep.exists():
        with keep.open("rb") as file:
            stored: list[Enrolment] = pickle.load(file)  # noqa: S301 - our own file
        if len(stored) >= persons:
            return stored[:persons]
    source = DistinctPersons(seed)
    found = list(source.drawn(0, persons))
    source.close()
    if keep is not None:
        with keep.open("wb") as file:
            pickle.dump(found, file, protocol=pickle.HIGHEST_PROTOCOL)
    return found


class RepeatedPersons:
    """``DistinctPersons``' interface over persons drawn once: person n is drawn
    person n mod ``len(drawn)``, enrolled under its own number with its own copy of
    the packed fingers (real memory), its keys the drawn one's. A gallery of a million
    fingers over 100,000 distinct ones: every bucket holds different fingers' postings
    as a distinct gallery's would, each ten times (a copied gallery of 50 persons holds
    each 2,000 times), and it is built in minutes, not hours."""

    def __init__(self, persons: Sequence[Enrolment]) -> None:
        self._persons = persons
        self.cpu_seconds = 0.0
        """Nothing is drawn here (the drawing's CPU was spent before)."""

    def drawn(self, start: int, stop: int) -> Iterator[Enrolment]:
        for number in range(start, stop):
            _, fingers, keys = self._persons[number % len(self._persons)]
            yield number, [bytes(bytearray(f)) for f in fingers], keys

    def close(self) -> None:
        """Nothing to close (``DistinctPersons`` closes its pool)."""


def postings_per_key(
    gallery: FingerprintGallery, ten_prints: Sequence[TenPrintProbe], latents: Sequence[LatentProbe]
) -> tuple[float, float]:
    """Mean postings a search gathers per probe key: a ten-print's keys in their own
    position's index, a latent's in each of the ten."""
    indexes = gallery.indexes
    ten = [
        indexes[position].bucket_sizes(indexes[position].keys(finger).ravel())
        for probe in ten_prints
        for position, finger in enumerate(probe.fingers)
    ]
    latent = [
        index.bucket_sizes(index.keys(probe.finger).ravel())
        for probe in latents
        for index in indexes
    ]
    return float(np.concatenate(ten).mean()), float(np.concatenate(latent).mean())


def pessimistic_rank(votes: np.ndarray, wanted: int) -> int:
    """``wanted``'s place by votes, behind every other entry of as many votes (the
    search breaks ties by lower number, and the mates, the first persons, would win
    them all); one without votes is not found (ranked last)."""
    if wanted >= len(votes) or votes[wanted] <= 0:
        return len(votes)
    return int((votes >= votes[wanted]).sum()) - 1


def _votes(index: CylinderIndex, keys: Ids, cap: int | None, latent: bool = False) -> np.ndarray:
    """Votes for ``keys`` (a latent's weighted by rarity, as its search weighs them),
    leaving out buckets of more than ``cap`` postings."""
    if cap is not None:
        keys = keys[index.bucket_sizes(keys) <= cap]
    return index.votes_for_keys(keys, rare_first=latent)


def ten_print_votes(
    gallery: FingerprintGallery, probe: TenPrintProbe, cap: int | None
) -> np.ndarray:
    """Votes per person summed over the positions, as ``ten_print_shortlist`` counts
    them, with buckets above ``cap`` left out."""
    per_position = [
        _votes(index, index.keys(finger).ravel(), cap)
        for index, finger in zip(gallery.indexes, probe.fingers, strict=True)
    ]
    votes = np.zeros(max(len(v) for v in per_position))
    for position_votes in per_position:
        votes[: len(position_votes)] += position_votes
    return votes


def latent_votes(gallery: FingerprintGallery, probe: LatentProbe, cap: int | None) -> np.ndarray:
    """Votes per finger (person * 10 + position - 1), as ``latent_shortlist`` counts
    them, with buckets above ``cap`` left out."""
    keys = gallery.indexes[0].keys(probe.finger).ravel()
    per_position = [_votes(index, keys, cap, latent=True) for index in gallery.indexes]
    votes = np.zeros((max(len(v) for v in per_position), FINGERS))
    for position, position_votes in enumerate(per_position):
        votes[: len(position_votes), position] = position_votes
    return votes.ravel()


def print_penetration(
    gallery: FingerprintGallery,
    probes: tuple[Sequence[TenPrintProbe], Sequence[LatentProbe]],
    shortlists: tuple[int, int],
    caps: Sequence[int | None],
) -> None:
    """Hit rate (mate within the share of the gallery the index hands on, and within the
    search's short list) with buckets above each cap left out of the votes, and the
    median CPU of the index part of a search (votes and short list) under that cap."""
    ten_prints, latents = probes
    persons = len(gallery)
    print(
        f"    penetration vs hit rate over {persons:,} persons ({len(ten_prints)} ten-prints,"
        f" {len(latents)} latents); 'list' = within the search's short list"
        f" ({shortlists[0]} persons / {shortlists[1]} fingers); buckets above 'cap' left out"
    )
    print(
        "           cap  kind        "
        + "  ".join(f"{p:6.1%}" for p in PENETRATIONS)
        + "    list  index CPU p50 s"
    )
    kinds: list[tuple[str, Callable[..., np.ndarray], Sequence[Any], int, Callable[[Any], int]]]
    kinds = [
        ("ten-print", ten_print_votes, ten_prints, persons, lambda p: p.person),
        (
            "latent",
            latent_votes,
            latents,
            persons * FINGERS,
            lambda p: p.person * FINGERS + p.position - 1,
        ),
    ]
    for cap in caps:
        for (kind, voting, kind_probes, size, mate), shortlist in zip(
            kinds, shortlists, strict=True
        ):
            ranks, spent = [], []
            for probe in kind_probes:
                started = time.thread_time()
                votes = voting(gallery, probe, cap)
                top(votes, shortlist)
                spent.append(time.thread_time() - started)
                ranks.append(pessimistic_rank(votes, mate(probe)))
            rates = "  ".join(
                f"{hit_rate_at_penetration(ranks, size, p):6.1%}" for p in PENETRATIONS
            )
            within = sum(1 for r in ranks if r < shortlist) / len(ranks)
            label = "none" if cap is None else f"{cap:,}"
            print(
                f"    {label:>10}  {kind:<10}  {rates}  {within:6.1%}  "
                f"{statistics.median(spent):7.3f}"
            )
