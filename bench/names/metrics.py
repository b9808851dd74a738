"""Quality and latency figures per kind of query.

Definitions (a *hit* is a strong result, at or above the system's threshold; Limes
also answers *possible* matches below it, the peer has one tier only; each tier holds
at most 10, best first):

* **recall@1** — among queries with a target, the share whose first *hit* is the
  target (the target shown first, as an alert to act on), strictly: of hits the query
  cannot tell apart, the one the last step of the tie rule happened to put first.
* **shown first** — the figure issue 14's aim judges (≥ 98 %), by the kind's rule:

  - ``hits`` (every kind but the date slips): the target first among the hits, or
    *tied first*: a hit the query cannot tell apart from the first (``Answer.tied``:
    the same score and, for Limes, the same explanation — every feature and every
    name part scoring the same). The aim asks whether the person is put ahead of what
    the evidence ranks lower; where several alerts are indistinguishable by all the
    query holds (four Bùi Ánh, no date asked), the tie rule's last step (the alert's
    random id; in the bench, the record order the issue forbids) makes the strict
    figure a draw of 1 in k whatever the matching does, and the officer is shown k
    equal hits to look at alike. A hit the evidence ranks above the target by even
    one feature still fails the query. recall@1 keeps the strict count beside it;
  - ``slip`` (``classes.DATE_SLIP_KINDS``: every query's date of birth is a typing slip
    of the target's): the target first among the hits, or, where the issue's tier rule
    places it among the possible matches (a date a slip away: "possible, worth the
    officer's look"), first among the possible matches with no hit at all — no strong
    hit of another person above it. A slip kind is never judged laxer than that: a
    hit of anyone else still fails the query.
* **recall@10** — among queries with a target, the share whose target is shown at all:
  among the hits (at most 10) or the possible matches (at most 10).
* **false-hit rate** — the share of queries with at least one *hit* that is not the
  target; for ``absent`` queries (no target) any hit is a false hit. Possible matches
  are not counted: they are not alerts to act on.
* **n** — the number of queries of the kind the system answered.
* **latency** — mean and 99th percentile (nearest rank) of the time each query took,
  in milliseconds.

recall is None for ``absent`` (there is nothing to find).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.search.measure import percentile

__all__ = [
    "HITS",
    "SLIP",
    "Answer",
    "KindFigures",
    "by_kind",
    "figures",
    "percentile",
    "shown",
    "tied_first",
]

HITS = "hits"
SLIP = "slip"
"""The two rules of *shown first* (the module's docstring)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a system returned for one query: slots best first, and the seconds taken."""

    query_id: int
    slots: tuple[int, ...]
    seconds: float
    strong: int | None = None
    """How many of ``slots`` (the first ones) are hits; the rest are possible matches.
    None: all are hits."""
    tied: tuple[int, ...] = ()
    """The hits the query cannot tell apart from the first (the first among them): the
    same score, and for Limes the same explanation (``tied_first``); () for none."""

    @property
    def hits(self) -> tuple[int, ...]:
        return self.slots if self.strong is None else self.slots[: self.strong]

    @property
    def possible(self) -> tuple[int, ...]:
        return () if self.strong is None else self.slots[self.strong :]


@dataclass(frozen=True, slots=True)
class KindFigures:
    n: int
    recall_at_1: float | None
    recall_at_10: float | None
    false_hit_rate: float
    mean_ms: float
    p99_ms: float
    shown_first: float | None = None
    rule: str = HITS


def shown(hit: Any) -> tuple[object, ...]:
    """What the query shows of a Limes hit (a ``PersonHit``): its score and every
    feature's and name part's score (``tied_first``)."""
    return (
        hit.score,
        *((f.name, f.score, tuple(p.score for p in f.parts)) for f in hit.features),
    )


def tied_first(signed: Sequence[tuple[int, Hashable]]) -> tuple[int, ...]:
    """Of hits as (slot, what the query shows of it), best first, the slots showing the
    same as the first (``Answer.tied``); () where no other hit does."""
    if not signed:
        return ()
    first = signed[0][1]
    tied = tuple(slot for slot, shown in signed if shown == first)
    return tied if len(tied) > 1 else ()


def _shown_first(target: int, answer: Answer, rule: str) -> bool:
    hits = answer.hits
    if hits:
        return hits[0] == target or target in answer.tied
    return rule == SLIP and answer.possible[:1] == (target,)


def figures(pairs: Iterable[tuple[int | None, Answer]], rule: str = HITS) -> KindFigures:
    """The figures of one kind from (target, answer) pairs; see the module docstring."""
    if rule not in (HITS, SLIP):
        raise ValueError(f"unknown rule {rule!r}")
    n = found_first = shown = found = with_target = false = 0
    times: list[float] = []
    for target, answer in pairs:
        n += 1
        times.append(answer.seconds)
        hits = answer.hits[:10]
        if any(slot != target for slot in hits):
            false += 1
        if target is None:
            continue
        with_target += 1
        found_first += bool(hits) and hits[0] == target
        shown += _shown_first(target, answer, rule)
        found += target in hits or target in answer.possible[:10]
    if n == 0:
        raise ValueError("no answers to measure")
    return KindFigures(
        n=n,
        recall_at_1=found_first / with_target if with_target else None,
        recall_at_10=found / with_target if with_target else None,
        false_hit_rate=false / n,
        mean_ms=1000 * sum(times) / n,
        p99_ms=1000 * percentile(times, 0.99),
        shown_first=shown / with_target if with_target else None,
        rule=rule,
    )


def by_kind(
    targets: Mapping[int, tuple[str, int | None]],
    answers: Iterable[Answer],
    slip_kinds: Collection[str] = frozenset(),
) -> dict[str, KindFigures]:
    """Figures per kind; ``targets`` maps a query id to (kind, target slot or None);
    the kinds of ``slip_kinds`` are judged by the ``SLIP`` rule, the others by ``HITS``."""
    grouped: dict[str, list[tuple[int | None, Answer]]] = {}
    for answer in answers:
        kind, target = targets[answer.query_id]
        grouped.setdefault(kind, []).append((target, answer))
    return {
        kind: figures(pairs, SLIP if kind in slip_kinds else HITS)
        for kind, pairs in grouped.items()
    }
