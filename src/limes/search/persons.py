"""The person index: candidate retrieval by blocking keys, then explained scoring.

``PersonIndex`` holds every active person alert in memory under an integer *slot*
(the engine maps slots to alert ids). A search runs in two steps:

1. **Retrieval.** Every spelling of every name part of a stored person (all Latin
   forms of ``names.name_forms``, their tokens and compound variants) is filed under
   blocking keys: its phonetic code (``names.phonetic``), for given names the
   equivalence group of ``given_names.tsv`` and, for a name written without short
   vowels, its consonants (``word_keys.consonants``). A query computes the same keys for its
   own parts and takes the posting lists. With a date of birth, only people born in
   the query's year ±1 (or with no recorded year) remain. Candidates are ranked by
   the query's name parts they share a key with, each weighing the log of its rarity
   (IDF: sharing "Poirier" says more than sharing "Robert"), and at most
   ``MAX_CANDIDATES`` go on to scoring.
2. **Scoring** (``scoring.py``): each candidate gets a list of weighted features —
   name similarity aligned part by part, date of birth, gender, nationality,
   document — each with its score and the two values compared. ``tiers.py`` decides
   what is shown: strong *hits* and *possible* matches (the same name, a date of birth
   a typing slip away), each sorted by score, ties broken by its stated rule.

Concurrency: one writer (the engine's feed follower) adds and removes, many readers
search. Posting lists built at start are frozen into NumPy arrays; later additions go
to small Python lists beside them; removal clears the slot's ``alive`` flag. The people
filed at the freeze are held as flat arrays and one packed blob (``person_table``), their
names laid out as columns (``name_columns``) that scoring gathers from, each person
decoded only when read; a person filed again or removed since is marked stale there
first, and one filed again is read from its name sets like one filed after the freeze,
held as an object until the next freeze. Readers
take references to the current arrays at the start of a search, so a concurrent
resize never tears a read (CPython assigns attributes atomically).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from limes.domain.alerts import Person
from limes.search import given_names, names
from limes.search.dates import PartialDate, birth_year, years_to_search
from limes.search.features import Stored, identities
from limes.search.hits import Found, PersonHit, tied_beyond
from limes.search.identifier_arrays import FrozenIdentifiers
from limes.search.identifiers import skeleton
from limes.search.name_columns import NameColumns
from limes.search.name_match import (
    ABJAD,
    Ints,
    NameSet,
    QueryNames,
    QueryPart,
    query_names,
)
from limes.search.person_table import Documents, FrozenPeople, People
from limes.search.postings import Postings, Slots, difference, merged, tallied, union
from limes.search.query import PersonQuery
from limes.search.scoring import ForenameOrder, Scored, Scorer, forenames_met
from limes.search.tiers import Tier, tier, weak_date
from limes.search.word_keys import (
    NearWords,
    consonant_readings,
    consonants,
    letter_unknown,
    slips_undone,
)

MAX_CANDIDATES = 200
"""Candidates scored per search, the best by shared blocking keys."""
SLIP_SHARE = 0.1
"""Share of a part's weight a candidate found only one typing slip back gains: a tie-breaker."""
EDIT_SHARE = 0.3
"""Share of a part's weight a candidate gains through a stored word one edit away from
the part's (``word_keys.NearWords``): a whole word one slip off is surer than a sound one
slip off (``SLIP_SHARE``), which a slip in a short word shares with many."""
EXACT_SHARE = 0.25
"""Share of a part's weight a candidate gains for holding the part's word as written,
beside its sound (``p:``): among the many who share a common sound (Qiang, Kang, Gong),
those who hold the word itself go on first."""
CLOSE_YEAR_BONUS = 0.5
"""Share of the rarest part's weight a candidate born within a year of the query gains."""
SHORT_SLIP_SHARE = 0.9 * (1 - CLOSE_YEAR_BONUS)
"""Share of a part's weight a candidate found through a short word with a letter unknown
(``letter_unknown``) gains: more than a tie-breaker, since such a word scores as the
same name one slip off (``name_match.SHORT_SLIP``) while the mistyped word often
sounds like other people's names (Tao typed Tso), whose bearers must not crowd the
person out of the candidates; below ``1 - CLOSE_YEAR_BONUS``, so that a slip and a
close year together never outrank the part itself (Đặng Tùng born two years from the
date asked stays ahead of Đặng Hùng born in that year)."""

YEARS = 1 << 15
"""Years of birth are held as int16 (0: unknown): a table of this size maps any of them."""


def unborne(wanted: QueryNames, bearers: Callable[[str], int]) -> QueryNames:
    """``wanted`` knowing which of its strings no one bears (``bearers`` of a word: the
    people in the index filed under it as written; ``QueryNames.unborne``)."""
    flags = np.fromiter((bearers(s) == 0 for s in wanted.strings), np.bool_, len(wanted.strings))
    return replace(wanted, unborne=flags)


Order = Callable[[int], tuple[int, str]]
"""A slot's place among equals after the features agreeing: (severity rank, alert id)."""


def _slot_order(slot: int) -> tuple[int, str]:
    return 0, f"{slot:012d}"


class PersonIndex:
    def __init__(self) -> None:
        self._write = threading.Lock()
        self._keys: dict[str, int] = {}
        self._near = NearWords("w:")  # the words filed (``w:`` keys), by their deletions
        self._postings = Postings()
        self._documents = Documents()
        self._stored = People()
        self._years: npt.NDArray[np.int16] = np.zeros(1024, dtype=np.int16)
        self._alive: npt.NDArray[np.bool_] = np.zeros(1024, dtype=np.bool_)
        self._counts: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self._scorer = Scorer()

    def __len__(self) -> int:
        return len(self._stored)

    @property
    def _columns(self) -> NameColumns:
        """The name columns of the people frozen (``person_table.FrozenPeople``)."""
        return self._stored.frozen.columns

    # -- writing (one writer at a time) ------------------------------------------------

    def _key(self, text: str) -> int:
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = len(self._keys)
            self._near.add(text)  # a word (``w:``) is filed by its deletions too
            if found >= len(self._counts):
                counts = np.zeros(2 * len(self._counts), dtype=np.int32)
                counts[: len(self._counts)] = self._counts
                self._counts = counts
        return found

    def _count(self, keys: Iterable[str], change: int) -> None:
        """Add ``change`` to the people filed under each of ``keys`` (``bearers``)."""
        ids = [self._key(key) for key in keys]
        self._counts[ids] += change

    def bearers(self, key: str) -> int:
        """How many people in the index are filed under ``key`` (a name's blocking key:
        ``p:`` its sound, ``g:`` its given-name group, ``w:`` the word): how common the
        name is here (``tiers.py``). Kept by ``add`` and ``remove``, so it follows the
        change feed, and in the snapshot's state."""
        found = self._keys.get(key)
        counts = self._counts
        return int(counts[found]) if found is not None and found < len(counts) else 0

    def _ensure(self, slot: int) -> None:
        size = len(self._alive)
        if slot < size:
            return
        while size <= slot:
            size *= 2
        years, alive = np.zeros(size, dtype=np.int16), np.zeros(size, dtype=np.bool_)
        years[: len(self._years)] = self._years
        alive[: len(self._alive)] = self._alive
        self._years, self._alive = years, alive

    def add(self, slot: int, person: Person) -> None:
        """File a person under ``slot`` (a new slot for every version of an alert)."""
        self.add_stored(slot, Stored.of(person, identities(person)))

    def add_stored(self, slot: int, stored: Stored) -> None:
        """``add`` of a person already made ``Stored`` (by a process of the build's
        pool, ``build_pool.py``, its name codes renumbered as this process's)."""
        name_sets = stored.name_sets
        with self._write:
            self._ensure(slot)
            if slot in self._stored:  # filed again: counted once (its columns made stale
                # before the person changes: ``People.__setitem__``)
                self._count(self._blocking_keys(self._stored[slot].name_sets), -1)
            keys = self._blocking_keys(name_sets)
            for key in keys:
                self._postings.recent[self._key(key)].append(slot)
            self._count(keys, 1)
            for number in stored.documents:
                self._documents.add(skeleton(number), slot)
            self._stored[slot] = stored
            year = birth_year(stored.date_of_birth)
            if year != self._years[slot] and slot < self._postings.dated_below:
                self._postings.redated()  # its frozen postings hold the year it had
            self._years[slot] = year
            self._alive[slot] = True

    def add_many(self, people: Iterable[tuple[int, Person]]) -> None:
        """``add`` each, then freeze the posting lists into arrays (the initial build)."""
        for slot, person in people:
            self.add(slot, person)
        self.freeze()

    def freeze(self) -> None:
        """Move the recent posting lists, and the words added since (``NearWords``), into
        the frozen arrays (compact, fast to search), and lay out every person's names as
        columns (``name_columns``)."""
        with self._write:
            self._near.freeze()
            frozen = merged(self._postings.frozen, self._postings.recent)
            self._postings = Postings(frozen).dated(self._years)
            self._stored = People(self._stored.laid_out())
            self._documents = Documents(self._documents.laid_out())

    def state(self) -> dict[str, Any]:
        """What a snapshot keeps of this index (``search/snapshot.py``): the posting
        lists merged into arrays (ascending, each slot once: ``postings``); no lock, no
        scorer; every person filed, and the document numbers, as arrays and a blob
        (``person_table``), no object per person. The caller stops the writer."""
        with self._write:
            return {
                "keys": self._keys,
                "near": self._near,
                "postings": merged(self._postings.frozen, self._postings.recent),
                "documents": self._documents.laid_out(),
                "people": self._stored.laid_out(),
                "years": self._years,
                "alive": self._alive,
                "counts": self._counts,
            }

    @classmethod
    def restored(cls, state: dict[str, Any]) -> PersonIndex:
        """The index ``state`` describes, its name codes adopted by this process."""
        index = cls()
        index._keys = state["keys"]
        index._near = state["near"]
        if not isinstance(state["documents"], FrozenIdentifiers):
            raise TypeError(f"not frozen documents: {type(state['documents']).__name__}")
        index._documents = Documents(state["documents"])
        if not isinstance(state["people"], FrozenPeople):
            raise TypeError(f"not frozen people: {type(state['people']).__name__}")
        index._stored = People(state["people"])
        index._years = state["years"]
        index._postings = Postings(frozen=state["postings"]).dated(index._years)
        index._alive = state["alive"]
        index._counts = state["counts"]
        return index

    def code_arrays(self) -> Iterator[Ints]:
        """Every array of name codes held (each name set's, and the name columns'), for
        ``codes.adopt_codes``."""
        for stored in self._stored.recent.values():  # the frozen ones': the columns'
            for name_set in stored.name_sets:
                yield name_set.codes
        yield self._columns.codes

    def remove(self, slot: int) -> None:
        """Make a slot unfindable (its alert was updated, deleted or expired)."""
        with self._write:
            if slot < len(self._alive):
                self._alive[slot] = False
            gone = self._stored.pop(slot, None)
            if gone is not None:
                self._count(self._blocking_keys(gone.name_sets), -1)

    @staticmethod
    def _blocking_keys(name_sets: Sequence[NameSet]) -> set[str]:
        keys: set[str] = set()
        for name_set in name_sets:
            unvowelled = name_set.codes[ABJAD].tolist()
            for token, abjad in zip(name_set.tokens, unvowelled, strict=True):
                keys.add("p:" + names.phonetic(token))
                keys.add("w:" + token)  # the word itself, met by a query one slip off
                group = given_names.given_name_group(token)
                if group is not None:
                    keys.add("g:" + group)
                if abjad and (skeleton := consonants(token, unvowelled=True)):
                    keys.add("c:" + skeleton)  # met by a spelling with vowels guessed
                keys.update("s:" + pattern for pattern in letter_unknown(token))
        return keys

    # -- reading -------------------------------------------------------------------------

    def search(self, query: PersonQuery, limit: int = 10) -> list[PersonHit]:
        """Strong hits only, best first, at most ``limit``."""
        return list(self.find(query, limit).hits)

    def find(self, query: PersonQuery, limit: int = 10, order: Order = _slot_order) -> Found:
        """Both tiers, at most ``limit`` each, best first; equal scores ordered by the
        features agreeing exactly, then ``order`` (``tiers.py``)."""
        wanted = query_names(query.surnames, query.forenames)
        wanted = unborne(wanted, lambda word: self.bearers("w:" + word))
        candidates = self._candidates(query, wanted)
        if not candidates:
            return Found((), ())
        stored = self._stored  # one view: its frozen people and columns, for this search
        columns = stored.frozen.columns
        present = stored.present(candidates)
        # who may hold the document asked, read after them: a writer files a person's
        # documents before the person, so this holds every one of them holding it
        holders = self._holders(query)
        tiers: dict[Tier, list[Scored]] = {Tier.HIT: [], Tier.POSSIBLE: []}
        name_only = weak_date(query.date_of_birth)
        asked_year = PartialDate.parse(query.date_of_birth).year if query.date_of_birth else 0
        years = self._years
        held = dict(present)  # checked and explained as scored, whatever a writer changed since
        # only those that may reach a tier are built (``Scorer.contenders``)
        scores, _, compared = self._scorer.contenders(query, wanted, present, columns, holders)
        # namesakes holding the same identities (strings and codes, of which alone what
        # is read here depends: the similarity's columns, ``Compared``) are read once
        named: dict[Hashable, tuple[int, ForenameOrder]] = {}
        for scored in scores:
            evidence = scored.evidence
            if name_only and not evidence.document and tier(evidence) is Tier.HIT:
                mine = held[scored.slot]  # as scored: its record and name sets read once
                sets = mine.name_sets
                alike = tuple((s.strings, s.codes.tobytes()) for s in sets)
                if alike not in named:
                    named[alike] = (
                        self.other_name(wanted, mine),
                        forenames_met(wanted, sets, compared.of(scored.slot, mine)),
                    )
                other, met = named[alike]
                born = int(years[scored.slot])  # 0: the alert holds no date of birth
                evidence = replace(
                    evidence,
                    name_only=True,
                    other_name=other,
                    later_forename=met.skips_first,
                    year_agrees=asked_year != 0 and born == asked_year,
                    undated_near=query.date_of_birth is None
                    and born != 0
                    and bool(query.surnames and query.forenames)
                    and (evidence.name < 1.0 or met.reordered),
                )
                scored = replace(scored, evidence=evidence)
            found = tier(evidence)
            if found is not None:
                tiers[found].append(scored)

        memo: dict[Hashable, Any] = {}  # what is explained once for answers alike (``explain``)

        def shown(group: Iterable[Scored], which: Tier, beyond: bool = False) -> list[PersonHit]:
            return [
                PersonHit(
                    s.slot,
                    round(s.evidence.score, 4),
                    self._scorer.explain(
                        query, wanted, held[s.slot], compared.of(s.slot, held[s.slot]), memo
                    ),
                    which,
                    beyond,
                )
                for s in group
                if s.slot in stored
            ]

        for group in tiers.values():
            group.sort(key=lambda s: (-round(s.evidence.score, 4), -s.agreeing, *order(s.slot)))
        hits = shown(tiers[Tier.HIT][:limit], Tier.HIT)
        possible = shown(tiers[Tier.POSSIBLE][:limit], Tier.POSSIBLE)
        return Found(tuple(hits), tuple(possible), tied_beyond(tiers[Tier.HIT], limit, hits, shown))

    def other_name(self, wanted: QueryNames, stored: Stored) -> int:
        """The most people in the index bearing, as written, a word asked that ``stored``
        does not hold in any spelling (0 when it holds them all): how common a name of
        its own the officer typed where the alert holds another (``tiers.py``). A word
        with the sound of one the alert holds written without short vowels (Ali: علی, ly)
        is that word read, not another name: its vowels were the writer's guess."""
        held = {s for name_set in stored.name_sets for s in name_set.strings}
        unvowelled = {
            names.phonetic(s)
            for name_set in stored.name_sets
            for s, abjad in zip(name_set.strings, name_set.codes[ABJAD].tolist(), strict=True)
            if abjad
        }
        most = 0
        for part in wanted.parts:
            spellings = part.spellings
            if held.intersection(spellings):
                continue
            if unvowelled and unvowelled.intersection(names.phonetic(t) for t in spellings):
                continue
            most = max(most, max((self.bearers("w:" + t) for t in spellings), default=0))
        return most

    def _slots_under(
        self, keys: set[str], wanted_years: npt.NDArray[np.bool_] | None
    ) -> Slots | None:
        """The slots filed under any of ``keys`` (born in one of ``wanted_years``, or of
        unknown year, when given), ascending, each once; None when no key is known."""
        known = self._keys
        # wanted_years: the years a slip of the query's year could be
        return self._postings.under(
            (i for k in keys if (i := known.get(k)) is not None), self._years, wanted_years
        )

    def _holders(self, query: PersonQuery) -> Sequence[int] | None:
        """The slots filed under the document asked (perhaps some no longer holding it);
        None if the query names none."""
        if not query.document_number:
            return None
        return self._documents.get(skeleton(query.document_number), ())

    def _candidates(self, query: PersonQuery, wanted: QueryNames) -> list[int]:
        years, alive = self._years, self._alive  # one consistent view for this search
        wanted_years = None  # indexed by year: True for a year searched, and for 0 (unknown)
        if query.date_of_birth:
            wanted_years = np.zeros(YEARS, dtype=np.bool_)
            wanted_years[
                [0, *(y for y in years_to_search(query.date_of_birth) if 0 < y < YEARS)]
            ] = True
        total = max(len(self._stored), 1)
        per_part: list[Slots] = []
        weights: list[float] = []
        extra: list[Slots] = []
        extra_weights: list[float] = []
        looked: list[tuple[QueryPart, set[str], Slots | None, float]] = []
        for part in wanted.parts:
            keys = {"p:" + names.phonetic(t) for t in part.spellings}
            keys |= {"g:" + g for t in part.spellings if (g := given_names.given_name_group(t))}
            own = self._slots_under(keys, wanted_years)
            # the consonants meet names written without short vowels; they widen the
            # part's candidates, not its weight (else every part sharing them weighs less)
            # ... as other customs read them too (Kosor: kthr, the skeleton of كوثر)
            skeletons = {"c:" + c for t in part.spellings if (c := consonants(t))}
            skeletons |= {"c:" + c for c in consonant_readings(part.written)}
            more = self._slots_under(skeletons, wanted_years)
            met = [a for a in (own, more) if a is not None]
            weight = np.log1p(total / (1 + len(met[0]))) if met else 0.0
            joined = union(met) if met else None
            looked.append((part, keys, joined, weight))
            if joined is None:
                continue
            per_part.append(joined)
            weights.append(weight)
        # where a part found no one or more people than go on to scoring, the best-weighted
        # are chosen by what else they share: the word as written (Qiang, not only its
        # sound, which Kang and Gong share: ``EXACT_SHARE``), and the word one typing slip
        # back (Avlaro: alvaro; a short one with a letter unknown: Kiu: ?iu; any stored
        # word one edit off: Fobert: robert). These only break ties (the shares below),
        # so that the person is not left to the common name beside a slip, and never
        # outweigh a part that matched
        if any(j is None for _, _, j, _ in looked) or sum(map(len, per_part)) > MAX_CANDIDATES:
            for part, keys, joined, weight in looked:
                written = part.written
                if joined is not None:
                    exact = self._slots_under({"w:" + t for t in part.spellings}, wanted_years)
                    if exact is not None and len(exact) < len(joined):  # else it tells nothing
                        extra.append(exact)
                        extra_weights.append(EXACT_SHARE * weight)
                # a word someone is filed under is rarely a slip: the words one edit from
                # it are not looked up
                known = "w:" + written in self._keys
                for share, slipped in (
                    (SLIP_SHARE, {"p:" + names.phonetic(t) for t in slips_undone(written)} - keys),
                    (SHORT_SLIP_SHARE, {"s:" + p for p in letter_unknown(written)}),
                    (EDIT_SHARE, set() if known else self._near.near(written)),
                ):
                    near = self._slots_under(slipped, wanted_years)
                    if near is not None and joined is not None:
                        near = difference(near, joined)
                    if near is not None and len(near):
                        rarity = np.log1p(total / (1 + len(near)))
                        extra.append(near)
                        extra_weights.append(
                            share * (min(rarity, weight) if joined is not None else rarity)
                        )
        ranked: list[int] = []
        if per_part or extra:
            weights_of_parts = weights or extra_weights
            per_part, weights = per_part + extra, weights + extra_weights
            # a part shared with few people says more than one shared with many: each
            # part weighs the log of its rarity (IDF), and the best-weighted candidates go on
            found, shared = tallied(per_part, weights, alive)
            if query.date_of_birth:
                # the wider window of slips lets in namesakes born years apart: among
                # equals, those born in the year asked (±1) or of unknown year go first
                asked = PartialDate.parse(query.date_of_birth).year
                born = years[found].astype(np.int32)
                close = (born == 0) | (np.abs(born - asked) <= 1)
                shared = shared + close * (CLOSE_YEAR_BONUS * min(weights_of_parts))
            if len(found) > MAX_CANDIDATES:
                best = np.argpartition(-shared, MAX_CANDIDATES)[:MAX_CANDIDATES]
                found = found[best]
            ranked = found.tolist()
        holders = self._holders(query)
        if holders is not None:
            ranked.extend(s for s in holders if s < len(alive) and alive[s])
        return list(dict.fromkeys(ranked))
