"""Latent prints held on alerts on unknown wanted persons, searched the other way round.

A crime-scene mark is stored on an alert that knows no one: each new ten-print (an
enrolment or a search) is checked against every stored latent ("reverse latent
search"). The latents sit in one ``CylinderIndex`` of their own, never in the ten-print
gallery's (a ten-print search must not take a mark for somebody's finger): each finger
of the ten-print proposes the latents its cylinders share (votes weighted by bucket
rarity, as a latent search's are), the short list is scored in one pass as a latent
search scores its best fingers (``matching.packed.agreed_scores``: LSS-R on the bit
version, latents being held packed, weighed by the agreement over the shared area), and
a latent keeps the best of the fingers it was compared with, as a latent search does
(``fusion.latent_score``).

A latent's slot in the store is ``LATENT_BASE`` plus its number on the alert, beside
the fingers' positions 1-10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from limes.biometrics.index import CylinderIndex, FrozenOnPut, HashSettings, top
from limes.biometrics.matching.cylinders import Cylinders
from limes.biometrics.matching.packed import Held, agreed_scores, as_compared, hold

LATENT_BASE = 100
"""Slot of latent number 0 on an alert; latent n is at 100 + n."""
MAX_LATENTS = 100
"""Latents one alert holds (slots 100-199)."""


@dataclass(frozen=True, slots=True)
class LatentMatch:
    """A stored latent that a ten-print's finger matches: its alert, its slot, the best
    finger position and score."""

    key: str
    slot: int
    position: int
    score: float


class LatentBank(FrozenOnPut):
    """Latents by key (alert id) and slot; safe to search from many threads."""

    def __init__(self, settings: HashSettings | None = None, packed: bool = True) -> None:
        super().__init__()
        self._packed = packed
        self._index = CylinderIndex(settings)
        self._held: list[tuple[str, int, Held] | None] = []
        self._ids_of: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._ids_of.values())

    def slots(self, key: str) -> list[int]:
        """The slots of the latents held under ``key``."""
        with self._lock:
            return sorted(h[1] for i in self._ids_of.get(key, ()) if (h := self._held[i]))

    def put(self, key: str, latents: Mapping[int, Cylinders]) -> None:
        """Holds exactly ``latents`` (slot → cylinders) under ``key``, replacing any."""
        with self._lock:
            self._forget(key)
            for slot, latent in latents.items():
                identity = len(self._held)
                self._held.append((key, slot, hold(latent, self._packed)))
                self._ids_of.setdefault(key, []).append(identity)
                self._index.add(identity, latent)
            self._freeze_unless_loading()

    def _freeze(self) -> None:
        self._index.freeze()

    def remove(self, key: str) -> None:
        with self._lock:
            self._forget(key)

    def _forget(self, key: str) -> None:
        for identity in self._ids_of.pop(key, ()):
            self._held[identity] = None
            self._index.remove(identity)

    def search(
        self, fingers: Mapping[int, Cylinders], shortlist: int, threshold: float
    ) -> Sequence[LatentMatch]:
        """Latents that one of ``fingers`` (position → cylinders) matches with a score of
        at least ``threshold``, best first, one match per latent."""
        best: dict[int, LatentMatch] = {}
        with self._lock:
            if not self._ids_of:
                return ()
            for position, finger in fingers.items():
                votes = self._index.votes_for_keys(self._index.keys(finger).ravel(), True)
                proposed = [
                    (int(identity), held)
                    for identity in top(votes, shortlist)
                    if votes[identity] > 0 and (held := self._held[int(identity)]) is not None
                ]
                values = agreed_scores(
                    as_compared(finger, self._packed), [h[2] for _, h in proposed]
                )
                for (identity, (key, slot, _)), value in zip(
                    proposed, values.tolist(), strict=True
                ):
                    known = best.get(identity)
                    if value >= threshold and (known is None or value > known.score):
                        best[identity] = LatentMatch(key, slot, position, value)
        return sorted(best.values(), key=lambda m: (-m.score, m.key, m.slot))
