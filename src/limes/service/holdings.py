"""How much the store holds, for the operator: a count of alerts, nothing of their content.

``limes search`` sizes its progress bar with it, ``limes demo --if-empty`` asks it.
Like the search engine's build, which reads every alert to index it, this acts as no
principal and writes no audit record: a total names no alert and opens none.
"""

from __future__ import annotations

from limes.store.port import Store


class Holdings:
    def __init__(self, store: Store) -> None:
        self.store = store

    def alerts(self) -> int:
        """The alerts stored, of every member state and status."""
        return self.store.count()
