"""Enrolled fingers under string keys (alert ids), any subset of the ten positions,
searchable by a set of fingers of known position or by one latent of unknown position.

``identification.FingerprintGallery`` holds complete ten-prints under integer persons
for the benchmarks; an alert holds whatever fingers were enrolled on it, and is
enrolled, re-enrolled and removed one at a time while searches run. Each enrolment
gives the key a new integer slot (the indexes never forget a posting, they mark it
removed), one ``CylinderIndex`` per finger position proposes slots for a finger of
that position; a latent, of no known position, is hashed once and every position's
index votes for its fingers with those keys (the postings are held once, not again in
an index over all fingers: the same votes, weighted by bucket rarity, as
``identification`` does). The short list (a latent's far longer, as there) is
re-ranked by MCC and fused as ``identification`` does: the sum over the
positions both sides hold (a ten-print or flat set), the best finger (a latent). The
fingers are held as packed bit cylinders and re-ranked by MCC's bit version
(``matching.packed``; ``packed=False`` holds float32 cylinders).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from limes.biometrics.identification import MAX_LATENT_SHORTLIST
from limes.biometrics.index import CylinderIndex, FrozenOnPut, HashSettings, top
from limes.biometrics.matching.cylinders import Cylinders
from limes.biometrics.matching.fusion import latent_score, ten_print_score
from limes.biometrics.matching.mcc import score
from limes.biometrics.matching.packed import Held, as_compared, hold, opened, partial_scores

POSITIONS = range(1, 11)
"""Finger positions 1-10 (ISO/IEC 19794-2): right thumb to left little."""
UNKNOWN = 0
"""The position of a latent: the finger that left it is not known."""
PALM_POSITIONS = range(21, 39)
"""ANSI/NIST-ITL palm codes: 21 right full palm, 22 right writer's palm, 23 left full
palm, 24 left writer's palm, 25-28 lower and upper palms, 29-30 other, 31-36
interdigital, thenar and hypothenar areas, 37-38 grasps."""
UNKNOWN_PALM = 20
"""The code of a palm print of unknown position (a latent palm mark)."""


@dataclass(frozen=True, slots=True)
class Match:
    """A key proposed for the examiner: fused score, and each compared finger's score."""

    key: str
    score: float
    fingers: tuple[tuple[int, float], ...]


class AlertGallery(FrozenOnPut):
    """Fingers per key; safe to search from many threads while one enrols."""

    def __init__(
        self,
        settings: HashSettings | None = None,
        positions: range = POSITIONS,
        unknown: int = UNKNOWN,
        packed: bool = True,
    ) -> None:
        """Fingers 1-10 searched by a latent at ``UNKNOWN`` (0), or palms by their codes
        (``PALM_POSITIONS``, ``UNKNOWN_PALM``)."""
        super().__init__()
        self._packed = packed
        self._positions, self._unknown = positions, unknown
        self._by_position = {p: CylinderIndex(settings) for p in positions}
        self._slot_of: dict[str, int] = {}
        self._held: list[tuple[str, dict[int, Held]] | None] = []

    def __len__(self) -> int:
        return len(self._slot_of)

    def fingers(self, key: str) -> dict[int, Cylinders]:
        """The fingers held under ``key`` by position, as they are compared (none:
        empty)."""
        with self._lock:
            return {p: opened(f) for p, f in self._fingers(key).items()}

    def _fingers(self, key: str) -> dict[int, Held]:
        slot = self._slot_of.get(key)
        held = None if slot is None else self._held[slot]
        return dict(held[1]) if held else {}

    def put(self, key: str, fingers: Mapping[int, Cylinders]) -> None:
        """Holds ``fingers`` under ``key``, beside (or replacing, position by position)
        those it held; searchable at once."""
        if not set(fingers) <= set(self._positions):
            first, last = self._positions[0], self._positions[-1]
            raise ValueError(f"positions are {first}-{last}, not {sorted(fingers)}")
        with self._lock:
            given = {p: hold(f, self._packed) for p, f in fingers.items()}
            merged = self._fingers(key) | given
            self._forget(key)
            slot = len(self._held)
            self._held.append((key, merged))
            self._slot_of[key] = slot
            for position, held in merged.items():
                finger = fingers[position] if position in fingers else opened(held)
                self._by_position[position].add(slot, finger)
            self._freeze_unless_loading()

    def _freeze(self) -> None:
        for index in self._by_position.values():
            index.freeze()

    def remove(self, key: str) -> None:
        """Takes ``key`` out of every later search."""
        with self._lock:
            self._forget(key)

    def _forget(self, key: str) -> None:
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return
        held = self._held[slot]
        self._held[slot] = None
        for position in held[1] if held else ():
            self._by_position[position].remove(slot)

    def search(self, probe: Mapping[int, Cylinders], shortlist: int, answers: int) -> list[Match]:
        """The best ``answers`` keys among ``shortlist`` the indexes propose: for fingers of
        known positions (1-10), or for one latent (position ``UNKNOWN``; ``shortlist``
        fingers, at most ``identification.MAX_LATENT_SHORTLIST``)."""
        with self._lock:
            if self._unknown in probe:
                fingers = min(shortlist, MAX_LATENT_SHORTLIST)
                return self._latent(probe[self._unknown], fingers, answers)
            return self._known(probe, shortlist, answers)

    def _known(self, probe: Mapping[int, Cylinders], shortlist: int, answers: int) -> list[Match]:
        per_position = [self._by_position[p].votes(finger) for p, finger in probe.items()]
        votes = np.zeros(max((len(v) for v in per_position), default=0))
        for position_votes in per_position:
            votes[: len(position_votes)] += position_votes
        found = []
        compared_probe = {p: as_compared(f, self._packed) for p, f in probe.items()}
        for slot in top(votes, shortlist):
            held = self._held[int(slot)]
            if votes[slot] <= 0 or held is None:
                continue
            key, enrolled = held
            compared = {
                p: score(f, opened(enrolled[p])) for p, f in compared_probe.items() if p in enrolled
            }
            found.append(Match(key, ten_print_score(compared), tuple(sorted(compared.items()))))
        return _best(found, answers)

    def latent_fingers(self, latent: Cylinders, shortlist: int) -> list[tuple[int, int]]:
        """The (slot, position) of the ``shortlist`` fingers with most votes for a
        latent, best first (ties by slot, then position): each position's index votes
        with the latent's keys, hashed once."""
        with self._lock:
            return self._latent_fingers(latent, shortlist)

    def _latent_fingers(self, latent: Cylinders, shortlist: int) -> list[tuple[int, int]]:
        indexes = list(self._by_position.values())
        keys = indexes[0].keys(latent).ravel()
        per_position = [index.votes_for_keys(keys, rare_first=True) for index in indexes]
        votes = np.zeros((max(len(v) for v in per_position), len(indexes)))
        for column, position_votes in enumerate(per_position):
            votes[: len(position_votes), column] = position_votes
        flat = votes.ravel()
        positions = list(self._by_position)
        found = []
        for finger in top(flat, shortlist).tolist():
            slot, column = divmod(finger, len(indexes))
            if flat[finger] > 0 and self._held[slot] is not None:
                found.append((slot, positions[column]))
        return found

    def _latent(self, latent: Cylinders, shortlist: int, answers: int) -> list[Match]:
        fingers = [
            (slot, position, held[1][position])
            for slot, position in self._latent_fingers(latent, shortlist)
            if (held := self._held[slot]) is not None
        ]
        chosen, values = partial_scores(
            as_compared(latent, self._packed), [f for _, _, f in fingers]
        )
        best: dict[int, list[tuple[int, float]]] = {}
        compared = [fingers[i] for i in chosen]
        for (slot, position, _), value in zip(compared, values.tolist(), strict=True):
            best.setdefault(slot, []).append((position, value))
        found = []
        for slot, scored in best.items():
            held = self._held[slot]
            if held is not None:
                value = latent_score([v for _, v in scored])
                found.append(Match(held[0], value, tuple(sorted(scored))))
        return _best(found, answers)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the indexes (the fingers' templates are not counted)."""
        return sum(index.memory_bytes for index in self._by_position.values())


def _best(found: list[Match], answers: int) -> list[Match]:
    return sorted(found, key=lambda m: (-m.score, m.key))[:answers]
