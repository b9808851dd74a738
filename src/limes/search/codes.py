"""Phonetic codes, name groups and consonant skeletons numbered as small integers
(one numbering of each per process, here), so that candidates compare in
bulk; an index snapshot carries the numbering it was made with (``export``) and a
process that numbered otherwise maps the snapshot's ids to its own (``adopt``)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int32]


class Codes:
    """Phonetic codes and name groups as small integers, so candidates compare in bulk.

    Only the writer adds codes; a reader asks with ``known``, and a code no stored
    word has gets an id that equals nothing stored.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._codes: list[str] = []  # id - 1 -> code, for ``since``
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._codes)

    def add(self, code: str) -> int:
        found = self._ids.get(code)
        if found is None:
            with self._lock:
                found = self._ids.get(code)
                if found is None:
                    self._codes.append(code)
                    found = self._ids[code] = len(self._codes)
        return found

    def since(self, count: int) -> list[str]:
        """The codes numbered after the first ``count``, in order (id ``count + 1`` on):
        what a process of the build's pool tells its parent (``build_pool.py``)."""
        with self._lock:
            return self._codes[count:]

    def known(self, code: str | None, absent: int) -> int:
        if code is None:
            return absent
        return self._ids.get(code, absent)

    def export(self) -> dict[str, int]:
        """Every code and its id, for an index snapshot (``search/snapshot.py``)."""
        with self._lock:
            return dict(self._ids)

    def adopt(self, exported: dict[str, int]) -> Ints | None:
        """Take the codes of a snapshot written by another process: None if each keeps
        its id here, else the table mapping a snapshot's id to this process's id."""
        table = np.zeros(max(exported.values(), default=0) + 1, dtype=np.int32)
        same = True
        for code, old in sorted(exported.items(), key=lambda item: item[1]):
            table[old] = new = self.add(code)
            same = same and new == old
        return None if same else table


PHONETIC_CODES = Codes()
GROUP_CODES = Codes()
CONSONANT_CODES = Codes()
NUMBERINGS = {"phonetic": PHONETIC_CODES, "group": GROUP_CODES, "consonants": CONSONANT_CODES}
"""This process's numbering of each kind, by the name a snapshot records it under."""


def export_codes() -> dict[str, dict[str, int]]:
    """This process's numberings, for a snapshot."""
    return {name: codes.export() for name, codes in NUMBERINGS.items()}


def adopt_codes(
    exported: Mapping[str, dict[str, int]], arrays: Iterable[Ints], rows: Mapping[str, int]
) -> None:
    """Register a snapshot's numberings here and, where an id differs, rewrite the row
    of that kind (``rows``: kind → row, ``name_match.CODE_ROWS``) in each of ``arrays``
    (``NameSet.codes`` or columns of them, in place), so that they compare with the
    codes of this process's queries."""
    tables = [
        (rows[name], table)
        for name, codes in NUMBERINGS.items()
        if (table := codes.adopt(exported.get(name, {}))) is not None
    ]
    if not tables:
        return
    for array in arrays:
        for row, table in tables:
            array[row] = table[array[row]]
