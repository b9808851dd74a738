"""The search engine: in-memory indexes built from the store and kept current from the
change feed.

``build`` notes the feed's position, reads every active alert once (opening its sealed
content with the crypto layer), files persons in the ``PersonIndex`` and identifiers in
the ``IdentifierIndex``, then applies the events that arrived meanwhile. ``follow``
starts a daemon thread that applies new events every ``interval`` seconds (0.2 by
default), so an issued alert is findable, and a deleted or expired one gone, well
within a second. Applying an event is idempotent: the alert is read again and indexed
at its stored version, or forgotten if it is no longer active.

Every version of an alert gets a new integer *slot*; ``Indexed`` maps a slot back to the
alert's id, version and category (``slot_table.SlotTable``: arrays up to the last freeze,
which the build ends with and a save makes, Python objects for the slots numbered since).
The indexes hold what matching needs in memory;
on disk only sealed, in the snapshot (``save``, ``load``, ``snapshot.py``), which a
start loads instead of reading every alert, then applies the feed after its position.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from limes.crypto import Crypto
from limes.crypto.records import to_alert
from limes.domain.alerts import AlertContent, AlertStatus
from limes.domain.ids import ID_TIME
from limes.errors import FieldError, InvalidInput, Unavailable
from limes.search import build_pool, snapshot
from limes.search.codes import adopt_codes, export_codes
from limes.search.hits import PersonHit
from limes.search.identifiers import (
    CheckedQuery,
    IdentifierIndex,
    IdentifierMatch,
    object_identifiers,
)
from limes.search.name_match import CODE_ROWS
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery
from limes.search.slot_table import FrozenSlots, SlotTable
from limes.search.slot_table import Indexed as Indexed  # where the engine's users take it
from limes.search.tiers import severity_rank
from limes.store.port import AlertFilter, AlertRecord, SealedRow, Store

log = logging.getLogger("limes.search")

PAGE = 2000
FREEZE_EVERY = 1 << 20
"""Alerts read by a build between two freezes of the object side: in the Python layer an
alert takes some 300 bytes, in the arrays some 70 (at 93 M, 26 GiB against 6)."""
Progress = Callable[[int], None]

MAX_WAIT = 1.0
"""Longest a search waits for the indexes to reach the feed position it names (s)."""
WAIT_STEP = 0.02


class IndexBehind(Unavailable):
    """A search named a feed position the indexes did not reach in time."""

    slug = "index-behind"
    title = "The search index is behind the position asked for"


@dataclass(frozen=True, slots=True)
class BuildReport:
    alerts: int
    persons: int
    identifiers: int
    seconds: float
    snapshot_position: int | None = None
    """The feed position of the snapshot loaded; None when built from the store."""
    refused: str | None = None
    """Why a snapshot was refused before this build, if one was."""
    processes: int = 1
    """The processes that opened the alerts of a build from the store (``build_pool.py``);
    1: the building one alone."""

    def told(self) -> str:
        """What was built, from where, how fast and in how many processes, for a log line."""
        if self.snapshot_position is not None:
            source = f"loaded from the snapshot of feed position {self.snapshot_position}"
        else:
            rate = self.alerts / self.seconds if self.seconds > 0 else 0.0
            processes = f"{self.processes} process{'es' if self.processes > 1 else ''}"
            source = f"built from the store ({rate:,.0f} alerts/s, {processes})"
        return (
            f"{self.alerts:,} alerts, {self.persons:,} persons, {self.identifiers:,} "
            f"identifiers {source} in {self.seconds:.1f} s"
        )


@dataclass(frozen=True, slots=True)
class SnapshotReport:
    position: int
    size: int
    seconds: float


class SearchEngine:
    def __init__(self, store: Store, crypto: Crypto, processes: int | None = None) -> None:
        self.store = store
        self.crypto = crypto
        self.processes = processes or os.cpu_count() or 1
        """Processes a build from the store opens alerts in (``build_pool.py``); 1: here."""
        self.persons = PersonIndex()
        self.identifiers = IdentifierIndex()
        self._slots = SlotTable()
        self._position = 0
        self._apply = threading.Lock()
        self._built = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # how a search waiting for a feed position tells time; tests give a fake clock
        self.monotonic: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], None] = time.sleep

    # -- building and following ---------------------------------------------------------

    @property
    def built(self) -> bool:
        return self._built.is_set()

    @property
    def position(self) -> int:
        """The sequence number of the last change event applied."""
        return self._position

    def _pages(self) -> Iterator[list[AlertRecord]]:
        after = None
        while True:
            with self.store.read() as tx:
                page = tx.alerts.list(
                    AlertFilter(status=AlertStatus.ACTIVE, after=after, limit=PAGE)
                )
            yield page
            if len(page) < PAGE:
                return
            after = page[-1].id

    def _content(self, record: AlertRecord) -> AlertContent | None:
        return to_alert(record, self.crypto).content

    def _file(self, record: AlertRecord, content: AlertContent) -> None:
        slot = self._slots.append(Indexed(record.id, record.version, record.category))
        if content.person is not None:
            self.persons.add(slot, content.person)
        found = object_identifiers(content)
        if found:
            self.identifiers.add(slot, found)

    def _forget(self, alert_id: str) -> None:
        slot = self._slots.forget(alert_id)
        if slot is None:
            return
        self.persons.remove(slot)
        self.identifiers.remove(slot)

    def build(self, progress: Progress | None = None) -> BuildReport:
        """Index every active alert, then what changed while doing so; the alerts opened
        by ``processes`` forked processes when there are more than a page of them and
        the engine holds none yet (``build_pool.py``: the same indexes)."""
        started = time.perf_counter()
        with self._apply:
            position = self.store.last_event()
            count = 0
            # the pages come in id order, so an id read once is not read again: only an
            # engine that already held alerts asks the slot table (a binary search once frozen)
            held = len(self._slots) > 0
            pooled = (
                self.processes > 1
                and not held
                and build_pool.may_fork()
                and self._more_than_a_page()
            )
            if pooled:
                count = self._build_pooled(progress)
            else:
                count = self._build_here(self._pages(), held, progress)
            if progress is not None:
                progress(count % PAGE)
            self.persons.freeze()
            self.identifiers.freeze()
            self._slots.freeze()
            self._position = position
        self.catch_up()
        self._built.set()
        return BuildReport(
            alerts=len(self._slots),
            persons=len(self.persons),
            identifiers=len(self.identifiers),
            seconds=time.perf_counter() - started,
            processes=self.processes if pooled else 1,
        )

    def _build_here(
        self, pages: Iterable[list[AlertRecord]], held: bool, progress: Progress | None
    ) -> int:
        count = 0
        for record in itertools.chain.from_iterable(pages):
            known = held and self._slots.get(record.id) is not None
            if record.body is not None and not known:
                content = self._content(record)
                if content is not None:
                    self._file(record, content)
            count = self._counted(count, progress)
        return count

    def _counted(self, count: int, progress: Progress | None) -> int:
        count += 1
        if count % FREEZE_EVERY == 0:  # the Python layer stays small
            self.identifiers.freeze()
            self._slots.freeze()
        if progress is not None and count % PAGE == 0:
            progress(PAGE)
        return count

    def _sealed_pages(self) -> Iterator[list[SealedRow]]:
        after = None
        while True:
            with self.store.read() as tx:
                page = tx.alerts.sealed(after, PAGE)
            yield page
            if len(page) < PAGE:
                return
            after = page[-1][0]

    def _more_than_a_page(self) -> bool:
        with self.store.read() as tx:
            return len(tx.alerts.sealed(None, PAGE)) == PAGE

    def _build_pooled(self, progress: Progress | None) -> int:
        """``_build_here`` with the pages opened by forked processes, filed in their
        order; a failure (``Unavailable``: a process died) leaves the engine empty."""
        pool = build_pool.OpeningPool(self.store, self.crypto, self.processes)
        count = 0
        try:
            waiting: deque[tuple[list[SealedRow], Future[build_pool.Page]]] = deque()
            for page in self._sealed_pages():
                waiting.append((page, pool.submit(page)))
                if len(waiting) > 2 * self.processes:  # a few pages ahead, no more in memory
                    count = self._file_page(*waiting.popleft(), pool, count, progress)
            while waiting:
                count = self._file_page(*waiting.popleft(), pool, count, progress)
        except BaseException:
            self.persons, self.identifiers, self._slots = (
                PersonIndex(),
                IdentifierIndex(),
                SlotTable(),
            )
            raise
        finally:
            pool.close()
        return count

    def _file_page(
        self,
        page: list[SealedRow],
        future: Future[build_pool.Page],
        pool: build_pool.OpeningPool,
        count: int,
        progress: Progress | None,
    ) -> int:
        made = pool.opened(future)
        if made is None:  # the worker could not: opened here, failing as ``_build_here`` does
            made = [build_pool.opened_row(self.crypto, row) for row in page]
        for (alert_id, category, _, version, _, _), found in zip(page, made, strict=True):
            if found is not None:
                identifiers, person = found
                slot = self._slots.append(Indexed(alert_id, version, category))
                if person is not None:
                    self.persons.add_stored(slot, person)
                if identifiers:
                    self.identifiers.add(slot, identifiers)
            count = self._counted(count, progress)
        return count

    # -- the snapshot (``snapshot.py``) ---------------------------------------------------

    def save(self, path: Path) -> SnapshotReport:
        """Write the built indexes, sealed, with the position they reflect. The feed waits
        while they are serialised (searches do not), not while they are compressed,
        sealed and written."""
        started = time.perf_counter()
        with self._apply:
            state = {
                "slots": self._slots.state(),
                "persons": self.persons.state(),
                "identifiers": self.identifiers.state(),
                "codes": export_codes(),  # after the state: ids only grow
            }
            position = self._position
            serialised = snapshot.serialise(state)
        data = snapshot.seal_serialised(self.crypto.fields, position, serialised)
        del serialised
        snapshot.write(path, data)
        return SnapshotReport(position, len(data), time.perf_counter() - started)

    def load(self, path: Path) -> BuildReport:
        """Load the indexes from the snapshot at ``path``, then apply the change feed after
        its position. ``SnapshotRefused`` (nothing loaded) if it is missing, altered, not
        this installation's, or ahead of the store (a store restored from a backup)."""
        started = time.perf_counter()
        position, state = snapshot.unseal(self.crypto.fields, snapshot.read(path))
        written = self.store.last_event()
        if position > written:
            raise snapshot.SnapshotRefused(
                f"it reflects feed position {position}, past the store's {written}"
            )
        try:
            persons = PersonIndex.restored(state["persons"])
            identifiers = IdentifierIndex.restored(state["identifiers"])
            if not isinstance(state["slots"], FrozenSlots):
                raise TypeError(f"not frozen slots: {type(state['slots']).__name__}")
            slots = SlotTable(state["slots"])
            adopt_codes(state["codes"], persons.code_arrays(), CODE_ROWS)
        except (KeyError, TypeError, IndexError) as exc:
            raise snapshot.SnapshotRefused(f"its content is not an index: {exc!r}") from None
        with self._apply:
            if self._built.is_set():
                raise RuntimeError("the indexes are built already")
            self.persons, self.identifiers = persons, identifiers
            self._slots, self._position = slots, position
        applied = self.catch_up()
        self._built.set()
        log.info(
            "search indexes loaded from %s at feed position %d, %d change events applied",
            path,
            position,
            applied,
        )
        return BuildReport(
            alerts=len(self._slots),
            persons=len(self.persons),
            identifiers=len(self.identifiers),
            seconds=time.perf_counter() - started,
            snapshot_position=position,
        )

    def catch_up(self, limit: int = 1000) -> int:
        """Apply every change event after the position; the number applied."""
        applied = 0
        with self._apply:
            while True:
                events = self.store.events_after(self._position, limit)
                for alert_id in dict.fromkeys(e.alert_id for e in events):
                    self._refresh(alert_id)
                if events:
                    self._position = events[-1].seq
                    applied += len(events)
                if len(events) < limit:
                    return applied

    def _refresh(self, alert_id: str) -> None:
        with self.store.read() as tx:
            record = tx.alerts.get(alert_id)
        slot = self._slots.get(alert_id)
        current = self._slots.indexed(slot) if slot is not None else None
        if record is None or record.status is not AlertStatus.ACTIVE or record.body is None:
            self._forget(alert_id)
            return
        if current is not None and current.version == record.version:
            return
        content = self._content(record)
        self._forget(alert_id)
        if content is not None:
            self._file(record, content)

    def wait_for(self, position: int, timeout: float = MAX_WAIT) -> int:
        """Apply the feed until the indexes reflect ``position`` (a writer's answer said
        it), at most ``timeout`` seconds; the position reached. ``IndexBehind`` if not
        reached: the caller must not be told "no hit" for an alert it just wrote;
        ``InvalidInput`` for a position the store has not written (no write answered it)."""
        deadline = self.monotonic() + timeout
        while self._position < position:
            self.catch_up()  # this search applies the feed itself rather than wait for the follower
            if self._position >= position:
                break
            written = self.store.last_event()
            if written < position:  # no write has answered it: waiting cannot help
                raise InvalidInput(
                    "wait_for names a change-feed position no write has made",
                    [FieldError("/wait_for", f"the change feed is at {written}")],
                )
            left = deadline - self.monotonic()
            if left <= 0:
                raise IndexBehind(
                    f"the search index reflects feed position {self._position}, not yet "
                    f"{position}; search again shortly"
                )
            self.sleep(min(WAIT_STEP, left))
        return self._position

    def follow(self, interval: float = 0.2) -> None:
        """Apply new change events every ``interval`` seconds until ``stop``."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.catch_up()
                except Exception:  # the next round tries again; a search never waits for it
                    log.exception("applying change events to the search indexes failed")

        self._thread = threading.Thread(target=run, name="limes-search-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- searching ----------------------------------------------------------------------

    def indexed(self, slot: int) -> Indexed | None:
        return self._slots.indexed(slot)

    def _order(self, slot: int) -> tuple[int, str]:
        """A slot's place among equal hits: its category's severity, then the random part
        of the alert id (``tiers.py``), never the order the alerts were recorded in. The
        whole id would not do: a ULID begins with its time (``domain/ids.py``), so the
        first alert issued would always be shown first."""
        found = self.indexed(slot)
        if found is None:
            return severity_rank(""), ""
        return severity_rank(found.category), found.alert_id[ID_TIME:] + found.alert_id[:ID_TIME]

    def persons_matching(
        self, query: PersonQuery, limit: int, tied: bool = False
    ) -> list[tuple[Indexed, PersonHit]]:
        """Both tiers, at most ``limit`` each: the strong hits first, then the possible;
        with ``tied``, last the hits the limit left out that the query cannot tell from
        the last hit shown (``Found.tied``, each ``beyond_limit``)."""
        found = self.persons.find(query, limit, self._order)
        return [
            (indexed, hit)
            for hit in (*found.hits, *found.possible, *(found.tied if tied else ()))
            if (indexed := self.indexed(hit.slot)) is not None
        ]

    def identifiers_matching(self, query: CheckedQuery) -> list[tuple[Indexed, IdentifierMatch]]:
        matches = self.identifiers.lookup(query)
        return [(found, m) for m in matches if (found := self.indexed(m.slot)) is not None]
