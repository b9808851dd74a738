"""An in-memory biometric index that follows the change feed: the fingerprint gallery
(with the palms and the latent bank) and the face index.

Each process builds its index from the store at its first use, remembering the feed's
position just before it read (so an event written while it read is applied again, never
missed); every later use first applies the events written since, by this process or
any other ``--workers`` process on the same store. An alert with an
``alert.biometrics_enrolled`` event, or any event on an alert the index holds (its
deletion or expiry), is *refreshed*: the index reads that alert's rows again, holding
none once the alert is no longer active. Events on alerts it does not hold are skipped
without reading the store.

The index itself is the caller's: ``build`` fills it from the store, ``holds`` says
whether it holds an alert, ``refresh`` re-reads one alert into it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from limes.domain.events import EventType
from limes.store.port import Store

PAGE = 1000
"""Change events read at a time while catching up."""


class FeedFollower:
    def __init__(
        self,
        store: Store,
        build: Callable[[], None],
        holds: Callable[[str], bool],
        refresh: Callable[[str], None],
    ) -> None:
        self.store = store
        self._build = build
        self._holds = holds
        self._refresh = refresh
        self._built = False
        self.position = 0
        """The last change event applied."""
        self._lock = threading.Lock()

    def follow(self) -> int:
        """Build the index (once per process), then apply the change feed written since;
        the number of events applied now."""
        with self._lock:
            if not self._built:
                self.position = self.store.last_event()  # events after it are applied again
                self._build()
                self._built = True
            return self._catch_up()

    def _catch_up(self) -> int:
        applied = 0
        while events := self.store.events_after(self.position, PAGE):
            for alert_id in dict.fromkeys(
                e.alert_id
                for e in events
                if e.type == EventType.ALERT_BIOMETRICS_ENROLLED or self._holds(e.alert_id)
            ):
                self._refresh(alert_id)
            self.position = events[-1].seq
            applied += len(events)
            if len(events) < PAGE:
                break
        return applied
