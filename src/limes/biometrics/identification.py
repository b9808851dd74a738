"""1:N identification: the index proposes a short list, the full matcher decides.

A ten-print search asks each finger position's index for votes (a right thumb is only
ever compared with right thumbs), adds the votes per person, and re-ranks the
``shortlist`` persons with most votes by MCC scores fused over the ten fingers. A latent
has no known finger: one index over every finger proposes fingers, and each candidate
person keeps its best finger. The answer is a candidate list for a human examiner,
best first, with the score of each finger that was compared: never an identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from limes.biometrics.index import CylinderIndex, HashSettings, Ids, top
from limes.biometrics.matching.cylinders import Cylinders
from limes.biometrics.matching.fusion import latent_score, ten_print_score
from limes.biometrics.matching.mcc import scores

FINGERS = 10


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person proposed for the examiner: fused score and the finger scores behind it
    (finger position 1-10 → MCC score)."""

    person: int
    score: float
    fingers: tuple[tuple[int, float], ...]


class FingerprintGallery:
    """Enrolled ten-prints under integer person numbers, searchable by ten-print or latent."""

    def __init__(self, settings: HashSettings | None = None) -> None:
        self._by_position = [CylinderIndex(settings) for _ in range(FINGERS)]
        self._all_fingers = CylinderIndex(settings)
        self._templates: dict[int, tuple[Cylinders, ...]] = {}

    def __len__(self) -> int:
        return len(self._templates)

    def finger_keys(self, fingers: Sequence[Cylinders]) -> list[Ids]:
        """Each finger's distinct index keys (all indexes share one hash setting)."""
        return [np.unique(self._all_fingers.keys(finger)) for finger in fingers]

    def enrol(
        self, person: int, fingers: Sequence[Cylinders], keys: Sequence[Ids] | None = None
    ) -> None:
        """Adds a person's ten fingers (positions 1-10 in order); searchable after
        ``freeze``. ``keys``, when given, are ``finger_keys`` of these same fingers,
        kept from an earlier enrolment (a rebuild then skips the hashing)."""
        if len(fingers) != FINGERS:
            raise ValueError(f"a ten-print has {FINGERS} fingers, not {len(fingers)}")
        self._templates[person] = tuple(fingers)
        for position, finger_keys in enumerate(keys or self.finger_keys(fingers)):
            self._by_position[position].add_keys(np.full(len(finger_keys), person), finger_keys)
            self._all_fingers.add_keys(
                np.full(len(finger_keys), person * FINGERS + position), finger_keys
            )

    def template(self, person: int) -> tuple[Cylinders, ...]:
        """The enrolled ten fingers of ``person`` (KeyError for one not enrolled)."""
        return self._templates[person]

    def remove(self, person: int) -> None:
        """Takes a person out of every index and drops the templates."""
        self._templates.pop(person, None)
        for index in self._by_position:
            index.remove(person)
        for position in range(FINGERS):
            self._all_fingers.remove(person * FINGERS + position)

    def freeze(self) -> None:
        """Makes everything enrolled since the last freeze searchable."""
        for index in (*self._by_position, self._all_fingers):
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
            scores(finger, [self._templates[p][position] for p in persons])
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
        """Finger numbers (person * 10 + position - 1) with most index votes."""
        return top(self._all_fingers.votes(latent), shortlist)

    def search_latent(
        self, latent: Cylinders, shortlist: int = 100, answers: int = 10
    ) -> list[Candidate]:
        """The best ``answers`` persons among the fingers the index proposes."""
        fingers = [
            int(f)
            for f in self.latent_shortlist(latent, shortlist)
            if int(f) // FINGERS in self._templates
        ]
        finger_scores = scores(
            latent, [self._templates[f // FINGERS][f % FINGERS] for f in fingers]
        )
        best: dict[int, list[tuple[int, float]]] = {}
        for finger, value in zip(fingers, finger_scores, strict=True):
            best.setdefault(finger // FINGERS, []).append((finger % FINGERS + 1, float(value)))
        found = [
            Candidate(person, latent_score([v for _, v in compared]), tuple(compared))
            for person, compared in best.items()
        ]
        return sorted(found, key=lambda c: (-c.score, c.person))[:answers]

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the indexes (the templates are not counted)."""
        return sum(index.memory_bytes for index in (*self._by_position, self._all_fingers))
