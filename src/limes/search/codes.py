"""Phonetic codes, name groups and consonant skeletons numbered as small integers
(``name_match`` keeps one numbering of each per process), so that candidates compare in
bulk; an index snapshot carries the numbering it was made with (``export``) and a
process that numbered otherwise maps the snapshot's ids to its own (``adopt``)."""

from __future__ import annotations

import threading

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
