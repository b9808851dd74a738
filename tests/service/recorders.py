"""A recorder for use case tests: the records kept in a list."""

from __future__ import annotations

from collections.abc import Sequence

from limes.audit.record import Entry


class Memory:
    """Records kept in a list."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def append(self, entries: Sequence[Entry]) -> list[int]:
        self.entries.extend(entries)
        return [len(self.entries)]
