"""1:N identification: the index proposes a short list, the full matcher decides.

A ten-print search asks each finger position's index for votes (a right thumb is only
ever compared with right thumbs), adds the votes per person, and re-ranks the
``shortlist`` persons with most votes by MCC scores fused over the ten fingers. A latent
has no known finger: every position's index votes for its fingers (one gather each,
with the latent's keys hashed once, each vote weighted by the rarity of its bucket,
``index.rarity``), and each candidate person keeps its best finger. The index finds a
latent's mate far less often than a ten-print's (a patch of a print shares few
cylinders with the whole), so a latent search spends its larger time budget on a far
longer short list (``LATENT_SHORTLIST`` fingers, never more than
``MAX_LATENT_SHORTLIST``), re-ranked in chunks straight from the packed bits, its best
``packed.RESCORED`` scored again by the agreement over the area the latent and the
finger share (``matching.overlap``: LSS-R alone lets a stranger's few good pairs
outscore the mate; rank-1 48 % against 29 % at 30,000 distinct fingers). The
answer is a candidate list for a human examiner, best first, with the score of each
finger that was compared: never an identity.

The re-ranking compares bit cylinders (MCC's bit version, ``matching.packed``): each
finger is held packed and compressed (about 1.9 KB, where its float32 cylinders were
about 300 KB) and unpacked only when a ten-print search re-ranks it (a latent search
counts the bits where they lie, ``packed.bit_scores``, the same scores); the probe's
cylinders are turned into bits the same way. ``packed=False`` keeps float32 cylinders
and compares them as MCC's float version does (the benchmark measures both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from limes.biometrics.index import CylinderIndex, HashSettings, Ids, top
from limes.biometrics.matching.cylinders import Cylinders
from limes.biometrics.matching.fusion import latent_score, ten_print_score
from limes.biometrics.matching.mcc import scores_together
from limes.biometrics.matching.packed import (
    Held,
    as_compared,
    held_bytes,
    hold,
    opened,
    opened_together,
    partial_scores,
)

FINGERS = 10
LATENT_SHORTLIST = 10_000
"""Fingers a latent search re-ranks by MCC bits unless told otherwise. A latent shares
few cylinders with its mate, so the index ranks the mate far down (among the first 100
fingers for 2 % of latents at 100,000 fingers), while re-ranking a finger costs about
0.3 ms (``packed.bit_scores``): 10,000 fingers took 3.0 s of CPU at the median and 5.6 s
at p99 at 100,000 fingers (load 4-7), a fixed cost within the 10 s a latent search may
take at a million fingers, where the index part grows to some 0.2 s."""
MAX_LATENT_SHORTLIST = 20_000
"""The most fingers one latent search re-ranks, whatever it asks for (some 6 s)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person proposed for the examiner: fused score and the finger scores behind it
    (finger position 1-10 → MCC score)."""

    person: int
    score: float
    fingers: tuple[tuple[int, float], ...]


class FingerprintGallery:
    """Enrolled ten-prints under integer person numbers, searchable by ten-print or latent."""

    def __init__(self, settings: HashSettings | None = None, packed: bool = True) -> None:
        self._by_position = [CylinderIndex(settings) for _ in range(FINGERS)]
        self._packed = packed
        self._templates: dict[int, tuple[Held, ...]] = {}

    def __len__(self) -> int:
        return len(self._templates)

    def finger_keys(self, fingers: Sequence[Cylinders]) -> list[Ids]:
        """Each finger's distinct index keys (all indexes share one hash setting)."""
        return [np.unique(self._by_position[0].keys(finger)) for finger in fingers]

    def enrol(
        self,
        person: int,
        fingers: Sequence[Held],
        keys: Sequence[Ids] | None = None,
    ) -> None:
        """Adds a person's ten fingers (positions 1-10 in order); searchable after
        ``freeze``. A packed gallery also takes fingers already ``pack``-ed. ``keys``,
        when given, are ``finger_keys`` of these same fingers, kept from an earlier
        enrolment (a rebuild then skips the hashing)."""
        if len(fingers) != FINGERS:
            raise ValueError(f"a ten-print has {FINGERS} fingers, not {len(fingers)}")
        if keys is None:
            keys = self.finger_keys([opened(f) for f in fingers])
        self._templates[person] = tuple(hold(f, self._packed) for f in fingers)
        for position, finger_keys in enumerate(keys):
            self._by_position[position].add_keys(np.full(len(finger_keys), person), finger_keys)

    def template(self, person: int) -> tuple[Cylinders, ...]:
        """The enrolled ten fingers of ``person`` as they are compared (bit cylinders in
        a packed gallery; KeyError for one not enrolled)."""
        return tuple(opened(f) for f in self._templates[person])

    def remove(self, person: int) -> None:
        """Takes a person out of every index and drops the templates."""
        self._templates.pop(person, None)
        for index in self._by_position:
            index.remove(person)

    def freeze(self) -> None:
        """Makes everything enrolled since the last freeze searchable."""
        for index in self._by_position:
            index.freeze()

    def ten_print_shortlist(self, probe: Sequence[Cylinders], shortlist: int) -> Ids:
        """The persons with most index votes summed over the ten finger positions."""
        per_position = [
            index.votes(finger) for index, finger in zip(self._by_position, probe, strict=True)
        ]
        votes = np.zeros(max(len(v) for v in per_position))
        for position_votes in per_position:
            votes[: len(position_votes)] += position_votes
        return top(votes, shortlist)

    def search_ten_print(
        self, probe: Sequence[Cylinders], shortlist: int = 50, answers: int = 10
    ) -> list[Candidate]:
        """The best ``answers`` candidates among ``shortlist`` proposed by the index."""
        persons = [
            int(p) for p in self.ten_print_shortlist(probe, shortlist) if int(p) in self._templates
        ]
        per_finger = [
            scores_together(
                as_compared(finger, self._packed),
                *opened_together([self._templates[p][position] for p in persons]),
            )
            for position, finger in enumerate(probe)
        ]
        found = []
        for rank, person in enumerate(persons):
            fingers = {
                position + 1: float(per_finger[position][rank]) for position in range(FINGERS)
            }
            found.append(Candidate(person, ten_print_score(fingers), tuple(fingers.items())))
        return sorted(found, key=lambda c: (-c.score, c.person))[:answers]

    def latent_shortlist(self, latent: Cylinders, shortlist: int) -> Ids:
        """Finger numbers (person * 10 + position - 1) with most index votes: each
        position's index votes for its fingers with the latent's keys (the fingers'
        postings are held once, in their position's index, not again in an index over
        all fingers)."""
        keys = self._by_position[0].keys(latent).ravel()
        per_position = [index.votes_for_keys(keys, rare_first=True) for index in self._by_position]
        votes = np.zeros((max(len(v) for v in per_position), FINGERS))
        for position, position_votes in enumerate(per_position):
            votes[: len(position_votes), position] = position_votes
        return top(votes.ravel(), shortlist)

    def search_latent(
        self, latent: Cylinders, shortlist: int = LATENT_SHORTLIST, answers: int = 10
    ) -> list[Candidate]:
        """The best ``answers`` persons among the fingers the index proposes (at most
        ``MAX_LATENT_SHORTLIST`` of them, whatever ``shortlist`` asks)."""
        fingers = [
            int(f)
            for f in self.latent_shortlist(latent, min(shortlist, MAX_LATENT_SHORTLIST))
            if int(f) // FINGERS in self._templates
        ]
        chosen, finger_scores = partial_scores(
            as_compared(latent, self._packed),
            [self._templates[f // FINGERS][f % FINGERS] for f in fingers],
        )
        best: dict[int, list[tuple[int, float]]] = {}
        for finger, value in zip([fingers[i] for i in chosen], finger_scores, strict=True):
            best.setdefault(finger // FINGERS, []).append((finger % FINGERS + 1, float(value)))
        found = [
            Candidate(person, latent_score([v for _, v in compared]), tuple(compared))
            for person, compared in best.items()
        ]
        return sorted(found, key=lambda c: (-c.score, c.person))[:answers]

    @property
    def indexes(self) -> tuple[CylinderIndex, ...]:
        """The index of each finger position (1-10 in order), for measuring them."""
        return tuple(self._by_position)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the indexes (the templates are not counted)."""
        return sum(index.memory_bytes for index in self._by_position)

    @property
    def template_bytes(self) -> int:
        """Bytes of the held templates' data (packed strings, or the float32 arrays)."""
        return sum(held_bytes(f) for fingers in self._templates.values() for f in fingers)
