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
  where both have the same phonetic code; names of two or three letters one slip
  apart with the same first letter (Wu/Wo, Li/Lu, Kim/Kin) — 0.8: edit similarity
  would leave them at 0.5, below any use, though the slip is as likely as in a long
  name; where one side is written in a script without short vowels (Arabic,
  Hebrew, Persian) and both have the same phonetic code (Metaphone keeps the
  consonants) — at least 0.85: Nedjim and Njm/نجم are one name, the vowels only the
  writer's guess;
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
when both are known and differ), nationality (0.93 when both are known and share
none). A matching document number lifts the score to at least ``DOCUMENT_MATCH``
whatever the names say: a person travelling on a document named in an alert is a hit.

The cut-offs (``THRESHOLD`` of a hit, ``NEAR_NAME`` of a possible match) and their
reasoning are in ``tiers.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from limes.domain.alerts import Gender, Name, Person
from limes.search import dates, names
from limes.search.given_names import given_name_group
from limes.search.identifiers import skeleton
from limes.search.query import PersonQuery
from limes.search.tiers import NEAR_NAME, THRESHOLD, Evidence

__all__ = ["THRESHOLD", "Evidence", "Feature", "NameSet", "Scored", "Scorer", "Stored"]
PART_FLOOR = 0.75
COVERED = 0.8
EQUIVALENT = 0.92
PHONETIC_LIFT = 0.2
PHONETIC_CAP = 0.88
LONG_NAME = 5
SHORT_NAME, SHORT_SLIP = 3, 0.8
SAME_CONSONANTS = 0.85
HALF_OF_COMPOUND = 0.85
OTHER_ROLE = 0.95
CLEAN_SWAP = 0.98
SURNAME_WEIGHT, FORENAME_WEIGHT = 1.0, 0.8
QUERY_SHARE = 0.85
GENDER_DIFFERS = 0.85
NO_COMMON_NATIONALITY = 0.93
DOCUMENT_MATCH = 0.95
BIRTH_UNKNOWN = 0.9
ALERT_BIRTH_UNKNOWN = 0.78
"""The officer gave a date of birth and the alert holds none: the commonest wrong hit is
a namesake so recorded, so an exact name alone is a *possible* match here (never
dropped, ``tiers.py``), not a hit; the same name asked without a date still is one."""
DATE_EFFECT = {
    1.0: 1.0,
    0.9: 0.97,
    0.85: 0.95,
    0.75: 0.9,
    0.6: 0.8,
    0.45: 0.7,
    0.3: 0.6,
    0.0: 0.5,
}
"""Date agreement (``dates.py``) → factor on the score."""

SURNAME, FORENAME = 0, 1
_ROLE_NAME = ("surname", "forename")

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]


class _Codes:
    """Phonetic codes and name groups as small integers, so candidates compare in bulk.

    Only the writer adds codes; a reader asks with ``known``, and a code no stored
    word has gets an id that equals nothing stored.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, code: str) -> int:
        found = self._ids.get(code)
        if found is None:
            with self._lock:
                found = self._ids.setdefault(code, len(self._ids) + 1)
        return found

    def known(self, code: str | None, absent: int) -> int:
        if code is None:
            return absent
        return self._ids.get(code, absent)


_PHONETIC = _Codes()
_GROUPS = _Codes()
_NO_GROUP_STORED, _NO_GROUP_ASKED, _UNKNOWN = 0, -2, -1


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate's score and what its tier and its place among equals depend on."""

    slot: int
    evidence: Evidence
    agreeing: int
    """Features that agree exactly (same spelling, date, gender, nationality, document)."""


@dataclass(frozen=True, slots=True)
class PartMatch:
    """How one query part was aligned: with which stored word, how, and how well."""

    role: str
    query: str
    alert: str | None
    score: float
    how: str


@dataclass(frozen=True, slots=True)
class Feature:
    """One scored feature: ``effect`` is its weight (name) or factor (the others)."""

    name: str
    score: float
    effect: float
    query: str | None
    alert: str | None
    note: str
    parts: tuple[PartMatch, ...] = ()


ROLE, MAIN, PHONETIC, GROUP, HALF, ABJAD = range(6)
"""The rows of ``NameSet.codes``. ``MAIN``: k + 1 for the identity's main word k (a word
of the standard form of a name), -(k + 1) for another spelling of it word for word,
0 for any other string."""
_WORDS = 1 << 20


@dataclass(frozen=True, slots=True)
class NameSet:
    """One identity of a stored person: every spelling of its words, with their roles.

    ``codes`` holds one column per spelling and six rows (``ROLE``, ``MAIN`` (which
    main word a string spells),
    ``PHONETIC``, ``GROUP``, ``HALF``: only a half of a compound, ``ABJAD``: of a name
    written in a script without short vowels): one array per
    identity keeps a million of them small, and the candidates of a search are joined
    with one concatenation.
    """

    label: str
    display: str
    strings: tuple[str, ...]
    codes: Ints

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.strings

    @classmethod
    def of(cls, surnames: Sequence[Name], forenames: Sequence[Name], label: str) -> NameSet:
        seen: dict[str, tuple[int, bool, bool]] = {}
        abjad: set[str] = set()
        numbers: dict[str, int] = {}  # each main word's number
        spells: dict[str, int] = {}  # another spelling, word for word, of a main word
        for role, field in ((SURNAME, surnames), (FORENAME, forenames)):
            standard: list[str] = []  # the first form of each name of the field
            for name in field:
                vowelless = names.is_abjad(name.original or "", name.script)
                first: tuple[str, ...] = ()
                for number, form in enumerate(names.name_forms(name)):
                    words = names.tokens(form)
                    if number == 0:
                        standard.extend(words)
                        first = words
                        for word in words:
                            numbers.setdefault(word, len(numbers))
                    elif len(words) == len(first):
                        for word, main_word in zip(words, first, strict=True):
                            spells.setdefault(word, numbers[main_word])
                    for text, half in _spellings(form, words):
                        main = number == 0 and text in words
                        old = seen.get(text)
                        if old is None or (main and not old[1]) or (old[2] and not half):
                            seen[text] = (role, main, half and not main)
                        if vowelless:
                            abjad.add(text)
            if len(field) > 1:  # two names written as one: "Valeriu", "Jean" -> "valeriujean"
                seen.setdefault("".join(standard), (role, False, False))
        strings = tuple(seen)
        display = " ".join(n.latin for n in surnames) + ", " + " ".join(n.latin for n in forenames)
        codes = np.array(
            [
                [r for r, _, _ in seen.values()],
                [
                    numbers[t] + 1 if m else -(spells[t] + 1) if t in spells else 0
                    for t, (_, m, _) in seen.items()
                ],
                [_PHONETIC.add(names.phonetic(t)) for t in strings],
                [
                    _GROUPS.add(g) if (g := given_name_group(t)) else _NO_GROUP_STORED
                    for t in strings
                ],
                [h for _, _, h in seen.values()],
                [t in abjad for t in strings],
            ],
            dtype=np.int32,
        ).reshape(6, len(strings))
        return cls(label=label, display=display.strip(", "), strings=strings, codes=codes)


def _spellings(form: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """The words of a form, the form written together (without and with its particles),
    and each word's compound variants; each with True where it is only a half of a
    compound ("rahman" of "abdelrahman")."""
    out = [(w, False) for w in words]
    if len(words) > 1:
        out.append(("".join(words), False))
    if " " in form:  # run together with its particles: "van der berg" -> "vanderberg"
        out.append((form.replace(" ", ""), False))
    for word in words:
        for variant in names.token_variants(word):
            parts = variant.split()
            out.extend((p, len(parts) > 1) for p in parts)
            if len(parts) > 1:
                out.append(("".join(parts), False))
    return [(w, half) for w, half in out if w]


@dataclass(frozen=True, slots=True)
class Stored:
    """What scoring needs of a stored person."""

    name_sets: tuple[NameSet, ...]
    date_of_birth: str | None
    gender: Gender | None
    nationalities: tuple[str, ...]
    documents: tuple[str, ...]

    @classmethod
    def of(cls, person: Person, name_sets: Sequence[NameSet]) -> Stored:
        return cls(
            tuple(name_sets),
            person.date_of_birth,
            person.gender,
            person.nationalities,
            tuple(doc.number for doc in person.documents),
        )


@dataclass(frozen=True, slots=True)
class QueryPart:
    role: int
    weight: float
    written: str
    spellings: tuple[str, ...]
    halves: frozenset[str] = frozenset()
    abjad: bool = False
    """Typed in a script that leaves short vowels unwritten."""


@dataclass(frozen=True, slots=True)
class QueryNames:
    parts: tuple[QueryPart, ...]
    strings: tuple[str, ...]
    part_of: Ints
    starts: Ints
    roles: npt.NDArray[np.int8]
    phonetic: Ints
    groups: Ints
    halves: npt.NDArray[np.bool_]
    abjad: npt.NDArray[np.bool_]


def _field_parts(texts: Sequence[str], role: int) -> list[QueryPart]:
    parts: list[QueryPart] = []
    weight = SURNAME_WEIGHT if role == SURNAME else FORENAME_WEIGHT
    # the whole field written as one word, for a stored name held as one
    whole = [
        "".join(t for text in texts for t in names.tokens((names.latin_forms(text) or ("",))[0]))
    ]
    for text in texts:
        forms = names.latin_forms(text)
        if not forms:
            continue
        first = names.tokens(forms[0])
        aligned = [names.tokens(f) for f in forms if len(names.tokens(f)) == len(first)]
        joined = ["".join(names.tokens(f)) for f in forms] if len(first) > 1 else []
        joined += [f.replace(" ", "") for f in forms if " " in f]
        for position, word in enumerate(first):
            spellings = [t[position] for t in aligned]
            halves: set[str] = set()
            for variant in names.token_variants(word):
                pieces = variant.split()
                spellings.extend(pieces)
                if len(pieces) > 1:
                    halves.update(pieces)
                spellings.append(variant.replace(" ", ""))
            spellings.extend(joined)
            if len(texts) > 1:
                spellings.extend(whole)
            unique = tuple(dict.fromkeys(spellings))
            halves -= {t[position] for t in aligned} | set(joined) | set(whole)
            parts.append(
                QueryPart(role, weight, word, unique, frozenset(halves), names.is_abjad(text))
            )
    return parts


def query_names(surnames: Sequence[str], forenames: Sequence[str]) -> QueryNames:
    parts = _field_parts(surnames, SURNAME) + _field_parts(forenames, FORENAME)
    strings: list[str] = []
    part_of: list[int] = []
    starts: list[int] = []
    halves: list[bool] = []
    for number, part in enumerate(parts):
        starts.append(len(strings))
        strings.extend(part.spellings)
        part_of.extend([number] * len(part.spellings))
        halves.extend(s in part.halves for s in part.spellings)
    return QueryNames(
        parts=tuple(parts),
        strings=tuple(strings),
        part_of=np.asarray(part_of, dtype=np.int32),
        starts=np.asarray(starts, dtype=np.int32),
        roles=np.asarray([parts[p].role for p in part_of], dtype=np.int8),
        phonetic=np.asarray(
            [_PHONETIC.known(names.phonetic(s), _UNKNOWN) for s in strings], dtype=np.int32
        ),
        groups=np.asarray(
            [_GROUPS.known(given_name_group(s), _NO_GROUP_ASKED) for s in strings],
            dtype=np.int32,
        ),
        halves=np.asarray(halves, dtype=np.bool_),
        abjad=np.asarray([parts[p].abjad for p in part_of], dtype=np.bool_),
    )


def _similarity(wanted: QueryNames, strings: Sequence[str], codes: Ints) -> Floats:
    """(query strings × stored strings) similarity under the rules of the docstring;
    ``codes`` are the stored strings' ``NameSet.codes`` columns."""
    sim = cdist(wanted.strings, strings, scorer=OSA.normalized_similarity, dtype=np.float32)
    same_sound = wanted.phonetic[:, None] == codes[PHONETIC][None, :]
    asked_lengths = np.fromiter(map(len, wanted.strings), np.int32, len(wanted.strings))[:, None]
    stored_lengths = np.fromiter(map(len, strings), np.int32, len(strings))[None, :]
    lengths = np.minimum(asked_lengths, stored_lengths)
    longest = np.maximum(asked_lengths, stored_lengths)
    # a short name (Wu, Li, Ng, Kim) with one slip keeps its first letter: Wo, Lu, Ny, Kin
    first = np.asarray([w[:1] for w in wanted.strings])[:, None] == np.asarray(
        [w[:1] for w in strings]
    )[None, :]
    slip = (
        (longest <= SHORT_NAME)
        & (lengths >= 2)
        & first
        & (np.rint((1.0 - sim) * longest) == 1)
    )
    sim = np.where(slip, np.maximum(sim, SHORT_SLIP), sim)
    lift = np.where(lengths >= LONG_NAME, PHONETIC_LIFT, PHONETIC_LIFT / 2)
    lifted = np.minimum(sim + lift, PHONETIC_CAP)
    sim = np.where(same_sound & (lifted > sim), lifted, sim)
    # one side written without its short vowels (Arabic, Hebrew, Persian script or their
    # consonant skeletons): the same consonants in the same order is the same name
    unvowelled = wanted.abjad[:, None] | (codes[ABJAD][None, :] != 0)
    sim = np.where(same_sound & unvowelled, np.maximum(sim, SAME_CONSONANTS), sim)
    same_group = wanted.groups[:, None] == codes[GROUP][None, :]
    sim = np.where(same_group, np.maximum(sim, EQUIVALENT), sim)
    half = wanted.halves[:, None] | (codes[HALF][None, :] != 0)
    sim = np.where(half, sim * HALF_OF_COMPOUND, sim)
    return sim.astype(np.float32, copy=False)


def _alignments(wanted: QueryNames, sim: Floats, codes: Ints) -> tuple[Floats, Floats]:
    """The similarity as two alignments: *mixed* (any word with any, one of the other
    role counting ``OTHER_ROLE`` of its value) and *swapped* (every surname with a
    forename and back, at full value: a clean swap is one slip of data entry, scored
    ``CLEAN_SWAP`` as a whole)."""
    cross = wanted.roles[:, None] != codes[ROLE][None, :]
    mixed = np.where(cross, sim * OTHER_ROLE, sim).astype(np.float32, copy=False)
    swapped = np.where(cross, sim, 0.0).astype(np.float32, copy=False)
    return mixed, swapped


def _combined(
    wanted: QueryNames, sim: Floats, codes: Ints, offsets: npt.NDArray[np.int64]
) -> Floats:
    """The name score of each identity (columns from ``offsets`` on) under ``sim``."""
    per_set = np.maximum.reduceat(sim, offsets, axis=1)  # query strings × sets
    per_part = np.maximum.reduceat(per_set, wanted.starts, axis=0)  # parts × sets
    per_part = np.where(per_part >= PART_FLOOR, per_part, 0.0)
    weights = np.asarray([p.weight for p in wanted.parts], dtype=np.float32)
    query_share = weights @ per_part / weights.sum()
    # the share of each identity's own words met: a word counts once, met in any of its
    # spellings (Lazić as lazic or lazich)
    word = codes[MAIN]
    main = word > 0
    met = (sim.max(axis=0) >= COVERED) & (word != 0)
    owner = np.repeat(np.arange(len(offsets)), np.diff(np.append(offsets, len(word))))
    keys = np.unique(owner[met].astype(np.int64) * _WORDS + np.abs(word[met]))
    covered = np.bincount(keys // _WORDS, minlength=len(offsets))
    stored_share = covered / np.maximum(np.add.reduceat(main, offsets), 1)
    combined: Floats = (QUERY_SHARE * query_share + (1 - QUERY_SHARE) * stored_share).astype(
        np.float32
    )
    return combined


class Scorer:
    def name_scores(self, wanted: QueryNames, sets: Sequence[NameSet]) -> Floats:
        """The name score of each stored identity."""
        if not wanted.parts or not sets:
            return np.zeros(len(sets), dtype=np.float32)
        strings: list[str] = []
        offsets = np.empty(len(sets), dtype=np.int64)
        for i, name_set in enumerate(sets):
            offsets[i] = len(strings)
            strings.extend(name_set.strings)
        codes = np.concatenate([s.codes for s in sets], axis=1)
        mixed, swapped = _alignments(wanted, _similarity(wanted, strings, codes), codes)
        as_written = _combined(wanted, mixed, codes, offsets)
        best: Floats = np.maximum(
            as_written, CLEAN_SWAP * _combined(wanted, swapped, codes, offsets)
        )
        return best

    def score(
        self, query: PersonQuery, wanted: QueryNames, present: Sequence[tuple[int, Stored]]
    ) -> list[Scored]:
        """Each candidate's score; the name score first, the other features only where
        it may still reach a tier (their factors are at most 1) or a document may lift
        it."""
        sets = [s for _, stored in present for s in stored.name_sets]
        owner = [slot for slot, stored in present for _ in stored.name_sets]
        best: dict[int, float] = {slot: 0.0 for slot, _ in present}
        for slot, value in zip(owner, self.name_scores(wanted, sets).tolist(), strict=True):
            if value > best[slot]:
                best[slot] = value
        asked_document = skeleton(query.document_number) if query.document_number else None
        out = []
        for slot, stored in present:
            name = value = best[slot]
            document = asked_document is not None and asked_document in {
                skeleton(d) for d in stored.documents
            }
            disagrees, agreeing = False, int(name >= 1.0)
            if value >= min(THRESHOLD, NEAR_NAME) or document:
                features = _other_features(query, stored)
                value = _with_other_features(features, value, document)
                disagrees = _dates_disagree(query, stored)
                agreeing += sum(f.score >= 1.0 for f in features)
            out.append(Scored(slot, Evidence(value, name, disagrees, document), agreeing))
        return out

    def explain(
        self, query: PersonQuery, wanted: QueryNames, stored: Stored
    ) -> tuple[Feature, ...]:
        if not wanted.parts:  # a document-only check: no name to align
            features = [
                Feature("name", 0.0, 1.0, None, None, "not compared: the query has no name")
            ]
        else:
            scores = self.name_scores(wanted, stored.name_sets)
            best = int(np.argmax(scores)) if len(scores) else 0
            features = [_name_feature(query, wanted, stored.name_sets[best], float(scores[best]))]
        features.extend(_other_features(query, stored))
        return tuple(features)


def _dates_disagree(query: PersonQuery, stored: Stored) -> bool:
    """Both dates known and neither equal as far as known nor a typing slip apart."""
    if not (query.date_of_birth and stored.date_of_birth):
        return False
    agreement = dates.compare(query.date_of_birth, stored.date_of_birth)
    return agreement.score < dates.LESS_KNOWN and not agreement.slip


def _with_other_features(features: Sequence[Feature], name: float, document: bool) -> float:
    value = name
    for feature in features:
        if feature.name == "document":
            continue
        value *= feature.effect
    if document:
        value = max(value, DOCUMENT_MATCH)
    return value


def _other_features(query: PersonQuery, stored: Stored) -> list[Feature]:
    features = []
    if query.date_of_birth and stored.date_of_birth:
        agreement = dates.compare(query.date_of_birth, stored.date_of_birth)
        features.append(
            Feature(
                "date_of_birth",
                agreement.score,
                DATE_EFFECT[agreement.score],
                query.date_of_birth,
                stored.date_of_birth,
                agreement.reason,
            )
        )
    else:
        missing = "the alert has" if query.date_of_birth else "the query has"
        features.append(
            Feature(
                "date_of_birth",
                0.0,
                ALERT_BIRTH_UNKNOWN if query.date_of_birth else BIRTH_UNKNOWN,
                query.date_of_birth,
                stored.date_of_birth,
                f"not compared: {missing} no date of birth",
            )
        )
    known = (Gender.FEMALE, Gender.MALE)
    if query.gender in known and stored.gender in known:
        same = query.gender == stored.gender
        features.append(
            Feature(
                "gender",
                1.0 if same else 0.0,
                1.0 if same else GENDER_DIFFERS,
                str(query.gender),
                str(stored.gender),
                "equal" if same else "differ",
            )
        )
    if query.nationalities and stored.nationalities:
        common = set(query.nationalities) & set(stored.nationalities)
        features.append(
            Feature(
                "nationality",
                1.0 if common else 0.0,
                1.0 if common else NO_COMMON_NATIONALITY,
                ",".join(query.nationalities),
                ",".join(stored.nationalities),
                "share " + ",".join(sorted(common)) if common else "none shared",
            )
        )
    if query.document_number:
        asked = skeleton(query.document_number)
        matched = next((d for d in stored.documents if skeleton(d) == asked), None)
        features.append(
            Feature(
                "document",
                1.0 if matched else 0.0,
                DOCUMENT_MATCH if matched else 1.0,
                query.document_number,
                matched,
                "same document number" if matched else "no document of this number",
            )
        )
    return features


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


def _name_feature(query: PersonQuery, wanted: QueryNames, best: NameSet, score: float) -> Feature:
    mixed, swapped = _alignments(wanted, _similarity(wanted, best.strings, best.codes), best.codes)
    start = np.zeros(1, dtype=np.int64)
    clean_swap = (
        CLEAN_SWAP * _combined(wanted, swapped, best.codes, start)[0]
        > _combined(wanted, mixed, best.codes, start)[0]
    )
    sim = swapped * CLEAN_SWAP if clean_swap else mixed
    parts = []
    for number, part in enumerate(wanted.parts):
        rows = np.flatnonzero(wanted.part_of == number)
        block = sim[rows]
        row, col = np.unravel_index(int(np.argmax(block)), block.shape)
        value = float(block[row, col])
        if value < PART_FLOOR:
            parts.append(PartMatch(_ROLE_NAME[part.role], part.written, None, 0.0, "not found"))
            continue
        asked, found = wanted.strings[rows[row]], best.strings[col]
        cross = int(best.codes[ROLE, col]) != part.role
        how = _how(
            asked, found, value, cross, given_name_group(asked), given_name_group(found)
        )
        parts.append(PartMatch(_ROLE_NAME[part.role], part.written, found, round(value, 4), how))
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
