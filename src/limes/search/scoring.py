"""Scoring a person candidate as a list of weighted, explained features.

**Name** (the base score, 0..1). The query's names become *parts*: one per word of
each surname and forename field, each with every spelling the query's Latin forms
give at that position (plus the field written together, for run-together names).
A stored identity (``NameSet``) is every spelling of its words. Each query part is
aligned with its most similar stored word:

* the same spelling — 1.0;
* given names of one equivalence group (``given_names.tsv``) — 0.92;
* otherwise the normalised edit similarity (optimal string alignment: a swapped pair
  of letters is one slip, like a wrong, missing or extra letter), lifted by 0.2 (0.1
  where either has fewer than 5 letters: Gang/Kang are two names) to at most 0.88
  where both have the same phonetic code; at least the edit similarity of the two
  respelled one way (``names.respelled``: Schuschitsch and Zhuzhich both shushich),
  at most 0.88; names of two to four letters one slip apart (Wu/Wo, Kim/Kin,
  Yong/Yon) — 0.8: edit similarity would leave them at 0.5-0.75, below any use,
  though the slip is as likely as in a long name (five letters one slip apart score
  0.8 anyway); 0.78 when the slip is the first letter (Su/Zu, Wen/Qen: Wu and Xu are
  also two names), a hit only with the date agreeing — unless no one in the index
  bears the word typed (``persons.unborne``: Oê for Lê, no one named Oê): then it
  is no other name, only a slip, 0.8; where one side is written in
  a script without short vowels (Arabic, Hebrew, Persian) and both have the same
  phonetic code, unless an h inside the name is all that differs (Metaphone reads it
  silent after a vowel; مجاهد writes ه: Mjahd is not Majdi), or the same consonants in order,
  as any custom of writing them reads them (``word_keys.consonant_readings``: French
  ch for ش, Egyptian s for ث …) — at least 0.85, 0.88 from three consonants on:
  Nedjim and Njm/نجم are one name, the vowels only the writer's guess;
* a part aligned with a word of the other role (a surname with a forename) counts
  0.95 of that — unless every part is (all surnames written as forenames and back, a
  clean swap: one slip of data entry), then the name score is 0.98 of the swapped
  alignment; one aligned through a half of a compound only
  ("rahman" of "abdelrahman", on either side) 0.85.

A part scoring below ``PART_FLOOR`` counts as unmatched (0). The name score is
0.85 × the weighted share of the query's parts matched (surname words weigh 1,
forename words 0.8) + 0.15 × the share of the stored person's own words matched —
so a missing middle name or second surname costs little, an extra unmatched name
on the query side costs more.

**Other features** multiply it: date of birth (``dates.compare``; ``BIRTH_UNKNOWN``
when the query has none: a name alone is less evidence; ``ALERT_BIRTH_UNKNOWN`` when
only the alert has none), gender (0.85
when both are known and differ), nationality (0.88 when both are known and share
none). A matching document number lifts the score to at least ``DOCUMENT_MATCH``
whatever the names say: a person travelling on a document named in an alert is a hit.

The cut-offs (``THRESHOLD`` of a hit, ``NEAR_NAME`` of a possible match) and their
reasoning are in ``tiers.py``. The name alignment is ``name_match.py``, the other
features ``features.py`` (each a small pure function in the weighted list
``OTHER_FEATURES``); this module combines them (``Scorer``) and explains a name.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

from limes.search import names
from limes.search.features import (
    DOCUMENT_MATCH,
    OTHER_FEATURES,
    Feature,
    PartMatch,
    Stored,
    other_effects,
    other_features,
)
from limes.search.given_names import given_name_group
from limes.search.name_columns import Gathered, NameColumns, walked, walked_people
from limes.search.name_match import (
    CLEAN_SWAP,
    EQUIVALENT,
    FORENAME,
    MAIN,
    OTHER_ROLE,
    PART_FLOOR,
    ROLE,
    ROLE_NAME,
    Floats,
    Ints,
    NameSet,
    QueryNames,
    alignments,
    combined,
    similarity,
)
from limes.search.person_table import decoded
from limes.search.query import PersonQuery
from limes.search.tiers import NEAR_NAME, THRESHOLD, Evidence

__all__ = [
    "THRESHOLD",
    "Compared",
    "Evidence",
    "ForenameOrder",
    "Scored",
    "Scorer",
    "forename_order",
    "forenames_met",
]


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate's score and what its tier and its place among equals depend on."""

    slot: int
    evidence: Evidence
    agreeing: int
    """Features that agree exactly (same spelling, date, gender, nationality, document)."""


@dataclass(frozen=True, slots=True)
class Compared:
    """What scoring found of the query's names against every candidate's identities:
    the similarity of the query's strings to theirs, where each identity's columns
    begin, and each identity's score under both alignments. A shown answer is
    explained from its part (``of``) instead of comparing its names again."""

    similarity: Floats
    starts: npt.NDArray[np.int64]
    written: Floats
    """Each identity's name score as written."""
    swapped: Floats
    """Each identity's name score with surnames and forenames swapped (before
    ``CLEAN_SWAP``)."""
    owner: list[int] = field(default_factory=list)
    """The slot of each identity, in the order of their columns."""
    first: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    """Where each slot's identities begin in ``owner`` (``of``): filled when first asked,
    once for the answers of a search, not a scan of ``owner`` for each of them."""

    @property
    def best(self) -> Floats:
        """Each identity's name score."""
        best: Floats = np.maximum(self.written, CLEAN_SWAP * self.swapped)
        return best

    def of(self, slot: int, stored: Stored) -> Compared | None:
        """The part of ``slot`` (held as ``stored``), None when it was not scored. Found
        for the few answers shown, not kept per candidate: scoring spends nothing on it."""
        if not self.first and self.owner:
            for at, owner in enumerate(self.owner):
                self.first.setdefault(owner, at)
        first = self.first.get(slot)
        if first is None:
            return None
        count = len(stored.name_sets)
        start = int(self.starts[first])
        width = sum(len(s.strings) for s in stored.name_sets)
        return Compared(
            self.similarity[:, start : start + width],
            self.starts[first : first + count] - start,
            self.written[first : first + count],
            self.swapped[first : first + count],
        )


class ForenameOrder(NamedTuple):
    """Where the first forename asked meets the identity's forenames (``forename_order``)."""

    later_first: bool
    """The first forename asked meets a later forename word of the identity's (of two or
    more), not its first."""
    first_asked: bool
    """A word asked, in whichever field or place, meets the identity's first forename."""

    @property
    def skips_first(self) -> bool:
        """A later forename asked first and the first one nowhere (Hope asked, the alert's
        Grace Hope; ``tiers.py``)."""
        return self.later_first and not self.first_asked

    @property
    def reordered(self) -> bool:
        """Every forename there, in another order (Vadym Symon asked, the alert's Symon
        Vadym; ``tiers.py``)."""
        return self.later_first and self.first_asked


def forename_order(wanted: QueryNames, sim: Floats, codes: Ints) -> ForenameOrder:
    """How the forenames asked meet the identity's (``ForenameOrder``). ``sim`` is the
    query's similarity to the identity's strings (``codes``' columns)."""
    main = np.abs(codes[MAIN])
    forename = (codes[ROLE] == FORENAME) & (main > 0)
    words = np.unique(main[forename])
    asked = [n for n, part in enumerate(wanted.parts) if part.role == FORENAME]
    if len(words) < 2 or not asked or not sim.size:
        return ForenameOrder(later_first=False, first_asked=False)
    first_asked = bool((sim[:, forename & (main == words[0])] >= PART_FLOOR).any())
    block = sim[wanted.part_of == asked[0]]
    column = int(np.argmax(block.max(axis=0)))
    later = forename[column] and main[column] != words[0] and block[:, column].max() >= PART_FLOOR
    return ForenameOrder(later_first=bool(later), first_asked=first_asked)


def forenames_met(
    wanted: QueryNames, sets: Sequence[NameSet], compared: Compared | None
) -> ForenameOrder:
    """``forename_order`` of the identity that scored best (``compared``:
    ``Compared.of`` the candidate); neither flag when it was not scored."""
    if compared is None or not wanted.parts or not sets:
        return ForenameOrder(later_first=False, first_asked=False)
    best = int(np.argmax(compared.best))
    start = int(compared.starts[best])
    sim = compared.similarity[:, start : start + len(sets[best].strings)]
    return forename_order(wanted, sim, sets[best].codes)


_READS = tuple(sorted({feature.reads for feature in OTHER_FEATURES}))
"""The fields of ``Stored`` the features beside the name read (``Weighted.reads``): two
persons alike in these are weighed alike (``explain``'s ``others``)."""


def _nothing(identities: int, owner: list[int] | None) -> Compared:
    """What comparing finds where the query has no name or the candidates no identity."""
    nothing = np.zeros(identities, dtype=np.float32)
    offsets = np.zeros(identities, dtype=np.int64)
    return Compared(np.zeros((0, 0), np.float32), offsets, nothing, nothing, owner or [])


class Scorer:
    def compare(
        self, wanted: QueryNames, sets: Sequence[NameSet], owner: list[int] | None = None
    ) -> Compared:
        """The query's names against each identity in ``sets`` (of the slots ``owner``)."""
        if not wanted.parts or not sets:
            return _nothing(len(sets), owner)
        return self._compare(wanted, walked(sets), owner or [])

    def _compare(self, wanted: QueryNames, gathered: Gathered, owner: list[int]) -> Compared:
        """``compare`` of identities gathered as columns (``name_columns``). Each spelling
        the candidates share is compared once (``Gathered.spelling``): ``similarity``
        treats every column alone, so each column takes its spelling's values."""
        codes = gathered.codes
        numbers, first, inverse = np.unique(
            gathered.spelling, return_index=True, return_inverse=True
        )
        strings, respelled = gathered.spelled(numbers.tolist())
        sim = similarity(wanted, strings, codes[:, first], respelled)[:, inverse.reshape(-1)]
        widths = gathered.widths
        offsets = np.cumsum(widths) - widths  # where each identity's columns begin
        mixed, swapped = alignments(wanted, sim, codes)
        as_written, as_swapped = combined(wanted, mixed, swapped, codes, offsets)
        return Compared(sim, offsets, as_written, as_swapped, owner)

    def score(
        self,
        query: PersonQuery,
        wanted: QueryNames,
        present: Sequence[tuple[int, Stored]],
        columns: NameColumns | None = None,
    ) -> tuple[list[Scored], Compared]:
        """Each candidate's score, in the order of ``present``: ``contenders``, and every
        other candidate at its name score alone (no tier can take it: ``tiers.tier``).
        The search asks ``contenders`` (``PersonIndex.find``); this whole list is what the
        tests hold it to, one candidate at a time."""
        contenders, names, compared = self.contenders(query, wanted, present, columns)
        built = {s.slot: s for s in contenders}
        out = [
            built.get(slot) or Scored(slot, Evidence(name, name, False, False), 0)
            for (slot, _), name in zip(present, names.tolist(), strict=True)
        ]
        return out, compared

    def contenders(
        self,
        query: PersonQuery,
        wanted: QueryNames,
        present: Sequence[tuple[int, Stored]],
        columns: NameColumns | None = None,
        document_holders: Collection[int] | None = None,
    ) -> tuple[list[Scored], npt.NDArray[np.float64], Compared]:
        """The candidates that may still reach a tier, scored, in the order of
        ``present``; each candidate's name score (float64, as ``present``); the query's
        similarity to each candidate, for ``explain``. Their names are gathered from
        ``columns`` (the index's, ``name_columns``) where laid out there, else from
        their name sets: the same scores either way.

        The name scores are found for all at once; the other features only where the
        name score may still reach a tier (their factors are at most 1) or a document may
        lift it. A candidate below both (most of them) is a number in an array, never an
        object: ``tiers.tier`` gives none of them a tier (``score`` builds them). The
        others' features are weighed together (``features.other_effects``, their records
        decoded at once): the values ``other_features`` gives one at a time, to the bit.

        A query naming a document may lift any candidate holding it: ``document_holders``
        (the slots filed under its number, a superset of those holding it, as the person
        index files them) spares weighing the others below the name floor, most of a
        machine-readable zone's candidates; None weighs every candidate."""
        gathered = columns.gather(present) if columns is not None else walked_people(present)
        counts = gathered.counts
        slots = [slot for slot, _ in present]
        owner = np.repeat(np.asarray(slots, dtype=np.int64), counts).tolist()
        identities = len(gathered.widths)
        if wanted.parts and identities:
            compared = self._compare(wanted, gathered, owner)
        else:
            compared = _nothing(identities, owner)
        names = np.zeros(len(present), dtype=np.float64)
        if identities:  # each candidate's best identity; one without any scores 0
            sizes = np.asarray(counts, dtype=np.int64)
            held = sizes > 0
            starts = (np.cumsum(sizes) - sizes)[held]
            names[held] = np.maximum.reduceat(compared.best.astype(np.float64), starts)
            np.maximum(names, 0.0, out=names)
        floor = min(THRESHOLD, NEAR_NAME)
        if not query.document_number:  # only the name can lift a candidate to a tier
            chosen = np.flatnonzero(names >= floor)
        elif document_holders is not None:  # ... or the document, which only these may hold
            may_hold = np.isin(np.asarray(slots, dtype=np.int64), list(document_holders))
            chosen = np.flatnonzero((names >= floor) | may_hold)
        else:
            chosen = np.arange(len(present))
        people = [present[i][1] for i in chosen.tolist()]
        decoded(people)
        effects = other_effects(query, people)
        name = names[chosen]
        value = name.copy()
        for factor in effects.factors:  # in the order ``with_other_features`` multiplies
            value *= factor
        value = np.where(effects.document, np.maximum(value, DOCUMENT_MATCH), value)
        agreeing = (name >= 1.0) + effects.agreeing
        kept = np.flatnonzero((name >= floor) | effects.document)
        out = [
            Scored(present[i][0], Evidence(v, n, disagrees, document), a)
            for i, v, n, disagrees, document, a in zip(
                chosen[kept].tolist(),
                value[kept].tolist(),
                name[kept].tolist(),
                effects.disagrees[kept].tolist(),
                effects.document[kept].tolist(),
                agreeing[kept].tolist(),
                strict=True,
            )
        ]
        return out, names, compared

    def explain(
        self,
        query: PersonQuery,
        wanted: QueryNames,
        stored: Stored,
        compared: Compared | None = None,
        memo: dict[Hashable, Any] | None = None,
    ) -> tuple[Feature, ...]:
        """The features of one answer; ``compared``, what scoring found of it
        (``Compared.of``), spares comparing its names again. ``memo``, kept by the
        caller over the answers of one query, holds what was explained by what it
        depends on: the features beside the name by the fields they read
        (``other_features``), the name by the identity chosen (its strings and codes,
        which alone make its columns of the similarity: ``similarity``), its label and
        display, and its two scores. Namesakes of a common name, often tied beyond the
        limit and all explained (``hits.tied_beyond``), are then explained once."""
        if not wanted.parts:  # a document-only check: no name to align
            features = [
                Feature("name", 0.0, 1.0, None, None, "not compared: the query has no name")
            ]
        else:
            sets = stored.name_sets  # most people have one identity: nothing to choose
            if compared is None:
                compared = self.compare(wanted, sets)
            best = int(np.argmax(compared.best)) if len(sets) > 1 else 0
            start = int(compared.starts[best])
            chosen = sets[best]
            written, swapped = float(compared.written[best]), float(compared.swapped[best])
            identity = (chosen.strings, chosen.codes.tobytes(), chosen.label, chosen.display)
            key = (*identity, written, swapped)
            name = None if memo is None else memo.get(key)
            if name is None:
                sim = compared.similarity[:, start : start + len(chosen.strings)]
                name = _name_feature(query, wanted, chosen, sim, written, swapped)
                if memo is not None:
                    memo[key] = name
            features = [name]
        if memo is None:
            features.extend(other_features(query, stored))
            return tuple(features)
        fields = ("others", *(getattr(stored, read) for read in _READS))
        found = memo.get(fields)
        if found is None:
            found = memo[fields] = other_features(query, stored)
        features.extend(found)
        return tuple(features)


def _how(
    query: str,
    alert: str,
    score: float,
    cross: bool,
    wanted_group: str | None,
    stored_group: str | None,
) -> str:
    if query == alert:
        how = "same spelling"
    elif (
        wanted_group is not None
        and wanted_group == stored_group
        and score >= EQUIVALENT * (OTHER_ROLE if cross else 1)
    ):
        how = "equivalent given names"
    elif names.phonetic(query) == names.phonetic(alert):
        how = "same sound, spelled differently"
    else:
        how = f"{OSA.distance(query, alert)} letter(s) differ"
    return how + (" (surname and forename swapped)" if cross else "")


def _name_feature(
    query: PersonQuery,
    wanted: QueryNames,
    best: NameSet,
    sim: Floats,
    as_written: float,
    as_swapped: float,
) -> Feature:
    """The name feature of one identity from the query's similarity to its strings
    and its scores under both alignments (``Compared``)."""
    mixed, swapped = alignments(wanted, sim, best.codes)
    as_swapped = CLEAN_SWAP * as_swapped
    clean_swap, score = as_swapped > as_written, max(as_swapped, as_written)
    sim = swapped * CLEAN_SWAP if clean_swap else mixed
    parts = []
    for number, part in enumerate(wanted.parts):
        rows = np.flatnonzero(wanted.part_of == number)
        block = sim[rows]
        row, col = np.unravel_index(int(np.argmax(block)), block.shape)
        value = float(block[row, col])
        if value < PART_FLOOR:
            parts.append(PartMatch(ROLE_NAME[part.role], part.written, None, 0.0, "not found"))
            continue
        asked, found = wanted.strings[rows[row]], best.strings[col]
        cross = int(best.codes[ROLE, col]) != part.role
        how = _how(asked, found, value, cross, given_name_group(asked), given_name_group(found))
        parts.append(PartMatch(ROLE_NAME[part.role], part.written, found, round(value, 4), how))
    asked = " ".join(query.surnames) + ", " + " ".join(query.forenames)
    return Feature(
        "name",
        round(score, 4),
        1.0,
        asked.strip(", "),
        best.display,
        f"best of the stored identities: {best.label}",
        tuple(parts),
    )
