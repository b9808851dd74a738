"""What a person search answers of each candidate shown (``PersonHit``), both tiers
(``Found``), and the hits a limit left out that the query cannot tell from the last one
shown (``tied_beyond``, counted for the answer by ``tied_count``): when more equal hits
than fit tie at the limit, which are shown is arbitrary (``tiers.py``: the alert id
decides last), so the officer is told how many more there are, to narrow the query."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import takewhile

from limes.search.features import Feature
from limes.search.scoring import Scored
from limes.search.tiers import Tier

__all__ = ["Found", "PersonHit", "tied_beyond", "tied_count"]


@dataclass(frozen=True, slots=True)
class PersonHit:
    slot: int
    score: float
    features: tuple[Feature, ...]
    tier: Tier = Tier.HIT
    beyond_limit: bool = False
    """A hit the limit left out that the query cannot tell from the last one shown
    (``Found.tied``): counted for the officer, not shown."""

    @property
    def shown(self) -> tuple[object, ...]:
        """What the query shows of the hit: its score and every feature's and name part's
        score. Hits showing the same are ones the query cannot tell apart."""
        parts = ((f.name, f.score, tuple(p.score for p in f.parts)) for f in self.features)
        return (self.score, *parts)


@dataclass(frozen=True, slots=True)
class Found:
    """A person answer's two tiers (``tiers.py``), each best first."""

    hits: tuple[PersonHit, ...]
    possible: tuple[PersonHit, ...]
    tied: tuple[PersonHit, ...] = ()
    """Hits the limit left out that show the same as the last hit shown
    (``PersonHit.shown``; ``beyond_limit``): the officer is told how many, so as to narrow
    the query, since the order among them is arbitrary (``tiers.py``)."""


def tied_beyond(
    group: list[Scored],
    limit: int,
    hits: list[PersonHit],
    shown: Callable[[Iterable[Scored], Tier, bool], list[PersonHit]],
) -> tuple[PersonHit, ...]:
    """Of the hits ``group`` (sorted, cut at ``limit`` to ``hits``), those left out that
    show the same as the last hit shown (``Found.tied``). Only the ones sorted as its
    equals (the same rounded score and features agreeing) are explained to compare."""
    if len(group) <= limit or not hits:
        return ()

    def rank(s: Scored) -> tuple[float, int]:
        return round(s.evidence.score, 4), s.agreeing

    last = rank(group[limit - 1])
    equal = takewhile(lambda s: rank(s) == last, group[limit:])
    return tuple(h for h in shown(equal, Tier.HIT, True) if h.shown == hits[-1].shown)


def tied_count(seen: Sequence[PersonHit]) -> int:
    """Of the hits of an answer as ``SearchEngine.persons_matching`` lists them (with
    ``tied``; some perhaps dropped as not to be shown), how many the limit left out
    (``beyond_limit``) show the same as the last hit shown (``PersonHit.shown``)."""
    shown = [h for h in seen if h.tier is Tier.HIT and not h.beyond_limit]
    return sum(h.beyond_limit and h.shown == shown[-1].shown for h in seen) if shown else 0
