"""The people of the person index as a few flat arrays and one packed blob, not a
Python object per person (``PersonIndex``'s stored persons, and the snapshot's state).

``FrozenPeople`` holds every person filed up to the last freeze:

* ``columns`` (``name_columns.NameColumns``): every identity's strings and codes, laid
  out flat for scoring; a person's name sets (``name_match.NameSet``) are these columns
  again (the string of each column is its spelling's word, its codes the column's), so
  they are not kept beside them;
* ``at`` (int64, a cell a person and one more) and ``blob``: per person, in the order of
  ``columns.slots``, a JSON array of what scoring needs besides the names: the date of
  birth, the gender, the nationalities, the document numbers, and each identity's label
  and display form.

``FrozenStored`` is a person read from them, a ``features.Stored`` that decodes its
record, and builds its name sets, only when first asked (most candidates of a search
are read only through the columns). A snapshot reads back as a few arrays, a list of
distinct words and one bytes object: no object per person to rebuild.

``Documents`` files the people's document numbers (their skeletons) the same way: a
frozen layer of ``identifier_arrays.FrozenIdentifiers`` (keyed hashes, slots, offsets,
one blob; one entry a filing) and a dict of lists filed since, merged at a freeze. As
the dict it replaces, it keeps a slot under a number its person no longer holds (the
candidate step checks that the slot is alive; scoring, the number).

``People`` is the mapping the index files into: the frozen people (those not filed
again or removed since: ``NameColumns.fresh``) and a dict of those filed since; a
freeze merges the two into a new ``FrozenPeople`` (``FrozenPeople.merged``). Memory:
the JSON record (about 60-100 bytes a person) and the columns; the objects took about a
kilobyte a person (``python -m bench.search``'s index memory).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from limes.domain.alerts import Gender
from limes.search.features import Stored
from limes.search.identifier_arrays import FrozenIdentifiers
from limes.search.name_columns import NameColumns, ranges
from limes.search.name_match import NameSet

_GENDERS = {gender.value: gender for gender in Gender}
_SET = object.__setattr__  # past ``Stored``'s frozen check, which its own fields keep


def _record(stored: Stored) -> bytes:
    return orjson.dumps(
        [
            stored.date_of_birth,
            None if stored.gender is None else stored.gender.value,
            stored.nationalities,
            stored.documents,
            [[s.label, s.display] for s in stored.name_sets],
        ]
    )


@dataclass(frozen=True, slots=True)
class FrozenPeople:
    """The people filed at a freeze (see the module). Immutable but for the columns'
    ``fresh`` flags."""

    columns: NameColumns
    at: npt.NDArray[np.int64]
    blob: bytes

    @classmethod
    def of(cls, people: Mapping[int, Stored]) -> FrozenPeople:
        """``people`` laid out, in ascending slots."""
        columns = NameColumns.of(people)
        records = [_record(people[slot]) for slot in columns.slots.tolist()]
        at = _offsets(np.fromiter(map(len, records), np.int64, len(records)))
        return cls(columns, at, b"".join(records))

    def __len__(self) -> int:
        return len(self.columns.slots)

    def position(self, slot: int) -> int | None:
        """Where ``slot`` is laid out, None when it is not or no longer (``fresh``)."""
        slots = self.columns.slots
        at = bisect_left(slots.data, slot)  # a Python int: no NumPy scalar per look-up
        if at < len(slots) and slots.data[at] == slot and self.columns.fresh.data[at]:
            return at
        return None

    def record(self, position: int) -> list[Any]:
        """The decoded record of the person at ``position``."""
        found: list[Any] = orjson.loads(self.blob[self.at[position] : self.at[position + 1]])
        return found

    def name_sets(self, position: int, labels: Sequence[Sequence[str]]) -> tuple[NameSet, ...]:
        """The name sets of the person at ``position`` (``labels``: each one's label and
        display, from its record), built from the columns."""
        columns = self.columns
        first = int(columns.first_set[position])
        words, spelling, starts = columns.words, columns.spelling, columns.set_start
        sets = []
        for number, (label, display) in enumerate(labels, first):
            begin, end = int(starts[number]), int(starts[number + 1])
            strings = tuple(map(words.__getitem__, spelling[begin:end].tolist()))
            sets.append(NameSet(label, display, strings, columns.codes[:, begin:end].copy()))
        return tuple(sets)

    def merged(self, recent: Mapping[int, Stored]) -> FrozenPeople:
        """These people but those filed again or removed since (not ``fresh``), and
        ``recent`` (filed since), laid out anew in ascending slots: arrays selected, not
        people decoded. Words no column uses any longer are dropped."""
        old = self.columns
        if not recent and bool(old.fresh.all()):
            return self
        if not len(old.slots):
            return FrozenPeople.of(recent)
        new = FrozenPeople.of(recent)
        added = new.columns
        slots = np.concatenate((old.slots, added.slots))
        first_set = np.concatenate((old.first_set[:-1], added.first_set + old.first_set[-1]))
        set_start = np.concatenate((old.set_start[:-1], added.set_start + old.set_start[-1]))
        at = np.concatenate((self.at[:-1], new.at + self.at[-1]))
        kept = np.flatnonzero(np.concatenate((old.fresh, added.fresh)))
        order = kept[np.argsort(slots[kept], kind="stable")]
        first, last = first_set[order], first_set[order + 1]
        sets = ranges(first, last)
        begin, end = set_start[sets], set_start[sets + 1]
        taken = ranges(begin, end)
        spelling = np.concatenate((old.spelling, added.spelling + len(old.words)))[taken]
        used, renumbered = np.unique(spelling, return_inverse=True)
        words, respelled = old.words + added.words, old.respelled + added.respelled
        start, stop = at[order], at[order + 1]
        raw = np.frombuffer(self.blob + new.blob, dtype=np.uint8)
        return FrozenPeople(
            NameColumns(
                slots=slots[order],
                fresh=np.ones(len(order), dtype=np.bool_),
                first_set=_offsets(last - first),
                set_start=_offsets(end - begin),
                words=list(map(words.__getitem__, used.tolist())),
                respelled=list(map(respelled.__getitem__, used.tolist())),
                codes=np.concatenate((old.codes, added.codes), axis=1)[:, taken],
                spelling=renumbered.reshape(-1).astype(np.int32),
            ),
            _offsets(stop - start),
            raw[ranges(start, stop)].tobytes(),
        )


def _offsets(sizes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    out = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


class FrozenStored(Stored):
    """A person of ``FrozenPeople``: its record decoded, and its name sets built, when
    first read (``Stored``'s fields, as properties)."""

    __slots__ = ("_people", "_position", "_record", "_sets")
    _people: FrozenPeople
    _position: int
    _record: list[Any] | None
    _sets: tuple[NameSet, ...] | None

    def __init__(self, people: FrozenPeople, position: int) -> None:
        # made for every candidate of a search: the rest is set when first read
        _SET(self, "_people", people)
        _SET(self, "_position", position)

    def _decoded(self) -> list[Any]:
        try:
            return self._record  # type: ignore[return-value]
        except AttributeError:
            record = self._people.record(self._position)
            _SET(self, "_record", record)
            return record

    @property
    def name_sets(self) -> tuple[NameSet, ...]:
        try:
            return self._sets  # type: ignore[return-value]
        except AttributeError:
            sets = self._people.name_sets(self._position, self._decoded()[4])
            _SET(self, "_sets", sets)
            return sets

    @property
    def date_of_birth(self) -> str | None:
        found: str | None = self._decoded()[0]
        return found

    @property
    def gender(self) -> Gender | None:
        value = self._decoded()[1]
        return None if value is None else _GENDERS[value]

    @property
    def nationalities(self) -> tuple[str, ...]:
        return tuple(self._decoded()[2])

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(self._decoded()[3])


def decoded(people: Sequence[Stored]) -> None:
    """Decode the records of the frozen persons among ``people`` not yet decoded, all of
    one ``FrozenPeople`` in one JSON parse (their records joined as one array), not one
    parse each: scoring reads the other features of its contenders (``Scorer``)."""
    waiting: dict[int, list[FrozenStored]] = defaultdict(list)
    for person in people:
        if type(person) is FrozenStored and not hasattr(person, "_record"):
            waiting[id(person._people)].append(person)
    for group in waiting.values():
        frozen = group[0]._people
        positions = np.fromiter((p._position for p in group), np.int64, len(group))
        blob = frozen.blob
        spans = zip(frozen.at[positions].tolist(), frozen.at[positions + 1].tolist(), strict=True)
        records = orjson.loads(b"[" + b",".join([blob[a:b] for a, b in spans]) + b"]")
        for person, record in zip(group, records, strict=True):
            _SET(person, "_record", record)


class People(MutableMapping[int, Stored]):
    """Slot → stored person: the frozen people still current, and those filed since (see
    the module). One writer; readers see each change whole (a person filed again is
    never missing between its two versions)."""

    def __init__(self, frozen: FrozenPeople | None = None) -> None:
        self.frozen = frozen if frozen is not None else FrozenPeople.of({})
        self.recent: dict[int, Stored] = {}
        self._current = int(self.frozen.columns.fresh.sum())  # frozen people still current

    def __getitem__(self, slot: int) -> Stored:
        found = self.recent.get(slot)
        if found is not None:
            return found
        at = self.frozen.position(slot)
        if at is None:
            raise KeyError(slot)
        return FrozenStored(self.frozen, at)

    def get(self, slot: int, default: Stored | None = None) -> Stored | None:  # type: ignore[override]
        """The person at ``slot``, else ``default`` (no exception raised per miss)."""
        found = self.recent.get(slot)
        if found is not None:
            return found
        at = self.frozen.position(slot)
        return default if at is None else FrozenStored(self.frozen, at)

    def present(self, slots: Sequence[int]) -> list[tuple[int, Stored]]:
        """(slot, person) of each of ``slots`` filed, in their order: one look-up for
        all (a search's candidates), not one each."""
        recent, frozen = self.recent, self.frozen
        laid, fresh = frozen.columns.slots, frozen.columns.fresh
        if not len(laid):
            return [(slot, found) for slot in slots if (found := recent.get(slot)) is not None]
        wanted = np.fromiter(slots, np.int64, len(slots))
        at = np.searchsorted(laid, wanted)
        at[at == len(laid)] = 0
        held = (laid[at] == wanted) & fresh[at]
        if not recent:  # the usual case: nobody filed since the freeze
            kept = np.flatnonzero(held).tolist()
            positions = at[kept].tolist()
            return [
                (slots[i], FrozenStored(frozen, p)) for i, p in zip(kept, positions, strict=True)
            ]
        out: list[tuple[int, Stored]] = []
        for slot, position, there in zip(slots, at.tolist(), held.tolist(), strict=True):
            found = recent.get(slot)
            if found is not None:
                out.append((slot, found))
            elif there:
                out.append((slot, FrozenStored(frozen, position)))
        return out

    def __contains__(self, slot: object) -> bool:
        return slot in self.recent or (
            isinstance(slot, int) and self.frozen.position(slot) is not None
        )

    def _unfreeze(self, slot: int) -> bool:
        """Mark ``slot``'s frozen person stale (``NameColumns.stale``), if it is current."""
        at = self.frozen.position(slot)
        if at is None:
            return False
        self.frozen.columns.stale(slot)
        self._current -= 1
        return True

    def __setitem__(self, slot: int, stored: Stored) -> None:
        at = self.frozen.position(slot)
        if at is not None:  # a reader meets the old version until the new one is there
            self.recent[slot] = FrozenStored(self.frozen, at)
            self._unfreeze(slot)
        self.recent[slot] = stored

    def __delitem__(self, slot: int) -> None:
        if self.recent.pop(slot, None) is None and not self._unfreeze(slot):
            raise KeyError(slot)

    def __iter__(self) -> Iterator[int]:
        columns = self.frozen.columns
        yield from columns.slots[columns.fresh].tolist()
        yield from list(self.recent)

    def __len__(self) -> int:
        return self._current + len(self.recent)

    def laid_out(self) -> FrozenPeople:
        """Every person filed now, frozen (``FrozenPeople.merged``); this mapping is not
        changed."""
        return self.frozen.merged(self.recent)


class Documents:
    """Document number skeleton → the slots filed under it, in the order filed within
    each layer (see the module). One writer; a reader sees the layers of one moment."""

    def __init__(self, frozen: FrozenIdentifiers | None = None) -> None:
        self.frozen = frozen if frozen is not None else FrozenIdentifiers()
        self.recent: defaultdict[str, list[int]] = defaultdict(list)

    def add(self, key: str, slot: int) -> None:
        self.recent[key].append(slot)

    def get(self, key: str, default: Sequence[int] = ()) -> Sequence[int]:
        """The slots filed under ``key`` (``default`` when none)."""
        found = [int(slot) for slot, _, _ in self.frozen.under(key)]
        found.extend(self.recent.get(key, ()))
        return found or default

    def laid_out(self) -> FrozenIdentifiers:
        """Every filing frozen: the frozen layer with those since merged in; this index
        is not changed."""
        if not self.recent:
            return self.frozen
        filed = ((slot, (key, key, "")) for key, slots in self.recent.items() for slot in slots)
        return self.frozen.merged((), filed)
