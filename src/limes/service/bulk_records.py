"""New alert records, one at a time or spread over processes for the bulk path (issue 15).

A new alert's record is its validated content sealed (``crypto/bodies.py`` inside
``fields.py``'s envelope, bound to its new id), its blind-index tokens and its review
date: pure work on the content, with the issuing state's active data key and the
blind-index key. ``RecordMaker`` does it; ``AlertService`` uses one in its own process
for ``issue``, and ``bulk_issue(…, workers=N)`` has each batch made by N processes
forked for it (``Making``) while this one writes the batch before and keeps every
step that touches the store or the policy: the permission checks, the one transaction
per batch, the change events and the audit.

The workers are forked once the batch is read (``fork``: the keys and the batch are
never written to a pipe or a file; the workers inherit them in memory, as a thread
would share them). A task is a range of the batch, and a worker sends back what the
writer needs and no more (``MadeRows``: the new ids, for the audit, and the rows the
store inserts: alerts, keys and change events, made by the store's pure
``bulk_rows_maker()``), so that the one writing process only inserts them; they
reach nothing else: no store connection, no log, no clock of their own. They live for
one batch, so a key rotated meanwhile is used from the next ``bulk_issue`` call on (a
row sealed under the previous version is re-sealed by the rotation's next pass, as for
a server that missed the rotation). A piece a worker refuses is made again here, which
raises the very error (with its field pointers) the serial path raises; a worker that
dies (killed, out of memory) fails its batch (``Unavailable``), of which nothing is
written. While the workers make the first pieces, this process makes the last ones
that no worker has begun (their tasks cancelled), instead of waiting.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import islice

from limes.crypto.blind_index import BlindIndex
from limes.crypto.bodies import encode_body
from limes.crypto.fields import seal_under
from limes.crypto.keys import DataKey
from limes.domain.alerts import AlertContent, AlertStatus
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.events import EventType
from limes.domain.ids import new_id
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_years
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import validate_content
from limes.errors import Unavailable
from limes.service.alert_views import event
from limes.store.port import AlertRecord, BulkRows, MakeRows

PIECE = 1_000
"""Alerts per task handed to a worker: large enough that sending it costs little."""

FORKED_FROM = 4
"""Pieces a batch needs before workers are forked for it; a smaller one is made here.
Forking costs milliseconds a worker (its copied pages): on 1,600 demo alerts two
workers took 118-149 us of CPU an alert and twice the time, against 100-109 us here
(load 8)."""


Made = tuple[str, str, str | None, bytes, frozenset[str]]
"""What a worker sends back for one alert: (id, category, object type, sealed body,
blind-index tokens); plain values, so that sending it costs little."""


NEW_VERSION = 1
"""The version of a new alert."""


@dataclass(frozen=True, slots=True)
class MadeRows:
    """A batch (or a piece of it) made: its new alerts' ids, in order, and their rows."""

    ids: list[str]
    rows: BulkRows

    @classmethod
    def joined(cls, parts: Sequence[MadeRows]) -> MadeRows:
        ids = [alert_id for part in parts for alert_id in part.ids]
        return cls(ids, BulkRows.joined([part.rows for part in parts]))


_SUBJECTS = {code.value: spec.subject.value for code, spec in CATEGORIES.items()}


def made_record(made: Made, state: str, now: datetime, expires_at: datetime) -> AlertRecord:
    """The record of a new alert of ``state`` issued at ``now``, from what ``made`` holds."""
    alert_id, category, kind, body, tokens = made
    return AlertRecord(
        id=alert_id,
        category=category,
        object_type=kind,
        subject=_SUBJECTS[category],
        issuing_state=state,
        status=AlertStatus.ACTIVE,
        version=NEW_VERSION,
        created_at=now,
        updated_at=now,
        expires_at=expires_at,
        body=body,
        keys=tokens,
    )


def new_record(
    alert_id: str,
    state: str,
    valid: AlertContent,
    now: datetime,
    expires_at: datetime,
    seal: Callable[[bytes], bytes],
    tokens: frozenset[str],
) -> AlertRecord:
    """The record of a new alert ``alert_id`` from validated content, ``seal`` sealing its
    body (bound to ``alert_id``) and ``tokens`` its blind-index tokens."""
    kind = valid.object.type.value if valid.object else None
    made = (alert_id, valid.category.value, kind, seal(encode_body(valid)), tokens)
    return made_record(made, state, now, expires_at)


@dataclass(frozen=True, slots=True)
class RecordMaker:
    """Validates and seals new alerts of one state under one data key."""

    key: DataKey
    index: BlindIndex
    review_years: Mapping[CategoryCode, int]

    def made(self, content: AlertContent, now: datetime) -> Made:
        valid = validate_content(content, now.date())
        alert_id = new_id()
        body = seal_under(self.key, alert_id, SealedField.BODY, encode_body(valid))
        kind = valid.object.type.value if valid.object else None
        return alert_id, valid.category.value, kind, body, self.index.tokens(content_keys(valid))

    def record(self, made: Made, now: datetime) -> AlertRecord:
        """The record of an alert ``made`` (here or by a worker) at ``now``."""
        return made_record(made, self.key.scope, now, self._review_date(made[1], now))

    def _review_date(self, category: str, now: datetime) -> datetime:
        return _review_date(now, self.review_years[CategoryCode(category)])

    def make_all(self, contents: Sequence[AlertContent], now: datetime) -> list[AlertRecord]:
        return [self.record(self.made(content, now), now) for content in contents]

    def make_rows(
        self, contents: Sequence[AlertContent], now: datetime, rows: MakeRows
    ) -> MadeRows:
        """``contents`` made into the rows ``rows`` makes of their records and their
        ``ALERT_ISSUED`` events at ``now``: what the writer inserts."""
        records = self.make_all(contents, now)
        events = [event(EventType.ALERT_ISSUED, r, now) for r in records]
        return MadeRows([r.id for r in records], rows(records, events))


@lru_cache(maxsize=64)
def _review_date(now: datetime, years: int) -> datetime:
    return add_years(now, years)  # a batch's alerts share ``now``: one per category


# What the forked workers inherit (set before they fork): the maker and the contents they
# make pieces of, so that no content is ever sent to them, only (start, end).
_MAKER: RecordMaker | None = None
_ROWS: MakeRows | None = None
_BATCH: Sequence[AlertContent] = ()


def _piece(start: int, end: int, now: datetime) -> MadeRows:
    if _MAKER is None or _ROWS is None:
        raise RuntimeError("a bulk worker started without its record maker")
    return _MAKER.make_rows(_BATCH[start:end], now, _ROWS)


class Workers:
    """Processes forked with ``contents`` in memory, which make pieces of it (``_piece``).

    Forked for one batch, or once for a whole load that is a sequence (every batch a
    range of it): a fork costs the pages that this process and each worker write to
    afterwards (copy on write), so one fork per load, not per batch (on 200,000 demo
    alerts, forking per batch cost 38 us of system time an alert, issue 15)."""

    def __init__(
        self, maker: RecordMaker, contents: Sequence[AlertContent], workers: int, rows: MakeRows
    ) -> None:
        global _MAKER, _ROWS, _BATCH
        if _MAKER is not None:
            raise RuntimeError("a batch is being made already: one at a time")
        _MAKER, _ROWS, _BATCH = maker, rows, contents
        # A forked worker shares this process's memory until it writes to a page; a
        # garbage collection there would touch every object's header and copy the whole
        # heap into each worker. Frozen here (out of the collector's reach) and disabled
        # there, the workers copy only what they use; their garbage is freed by counts.
        # The pool forks its workers at the first submit, with the contents in memory.
        gc.freeze()
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.disable
        )

    def submit(self, start: int, end: int, now: datetime) -> Future[MadeRows]:
        if self._pool is None:
            raise RuntimeError("the bulk workers have ended")
        return self._pool.submit(_piece, start, end, now)

    def close(self) -> None:
        """End the workers (at once: the pieces not begun are cancelled)."""
        global _MAKER, _ROWS, _BATCH
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            _MAKER, _ROWS, _BATCH = None, None, ()
            gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off in this process for a batch's writing, as it is
    in the workers: the batch's rows arrive as some 100,000 tuples, each allocation
    counting towards a collection that walks every young object and finds no cycle
    (they are freed by their counts). Measured on 100,000 demo alerts, 2 workers: 875
    young, 74 middle and 1 full collection in the writer, 0.62 s of CPU (6 us an alert).
    Turned back on (if it was on) before anything else runs here."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def shared_workers(
    maker: RecordMaker, contents: Iterable[AlertContent], workers: int, rows: MakeRows
) -> Workers | None:
    """Workers forked once for a whole load, when it is a sequence (in memory already)
    of enough pieces to be worth forking for; else None (forked per batch, or none)."""
    if workers <= 1 or not isinstance(contents, Sequence):
        return None
    if len(contents) < FORKED_FROM * PIECE:
        return None
    return Workers(maker, contents, workers, rows)


def chunked(
    contents: Iterable[AlertContent], batch: int
) -> Iterator[tuple[int, list[AlertContent]]]:
    """The batches of ``contents``, each with its offset; read one at a time, so that a
    load that is not in memory (an iterator) is never held whole."""
    if isinstance(contents, Sequence):
        for start in range(0, len(contents), batch):
            yield start, list(contents[start : start + batch])
        return
    it, offset = iter(contents), 0
    while chunk := list(islice(it, batch)):
        yield offset, chunk
        offset += len(chunk)


class Making:
    """The rows of one batch: made by forked workers, started at once so that they work
    while the caller writes the previous batch, or made here when ``result()`` is asked
    (one worker, or a batch of fewer than ``FORKED_FROM`` pieces).

    ``shared``: workers forked once for the whole load, of which this batch is the range
    from ``offset``; else workers are forked for this batch alone and end with it."""

    def __init__(
        self,
        maker: RecordMaker,
        contents: Sequence[AlertContent],
        now: datetime,
        workers: int,
        rows: MakeRows,
        shared: Workers | None = None,
        offset: int = 0,
    ) -> None:
        self.maker, self.contents, self.now, self.rows = maker, contents, now, rows
        self._workers: Workers | None = None
        self._own = False
        self._pieces = [(i, min(i + PIECE, len(contents))) for i in range(0, len(contents), PIECE)]
        if workers <= 1 or (shared is None and len(self._pieces) < FORKED_FROM):
            return
        if shared is None:
            shared, offset, self._own = Workers(maker, contents, workers, rows), 0, True
        self._workers = shared
        self._futures = [shared.submit(offset + a, offset + b, now) for a, b in self._pieces]

    def _here(self, start: int, end: int) -> MadeRows:
        return self.maker.make_rows(self.contents[start:end], self.now, self.rows)

    def result(self) -> MadeRows:
        """The batch's ids and rows, in the order of its contents; a piece a worker
        refused is made again here, which raises the very error the serial path raises;
        a worker that died fails the batch (``Unavailable``).

        The pieces no worker has taken yet are made here, from the last one back, while
        the workers make the first ones: this process would otherwise wait idle."""
        if self._workers is None:
            return self._here(0, len(self.contents))
        made: list[MadeRows] = []
        try:
            here = self._make_untaken()
            for i, ((start, end), future) in enumerate(
                zip(self._pieces, self._futures, strict=True)
            ):
                if i in here:
                    piece = here[i]
                    if isinstance(piece, Exception):
                        raise piece  # the first refused piece in order, as the serial path
                    made.append(piece)
                    continue
                try:
                    made.append(future.result())
                except BrokenProcessPool:
                    raise Unavailable(
                        "a bulk-load worker process ended before its batch was made; "
                        "nothing of that batch is written"
                    ) from None
                except Exception:
                    made.append(self._here(start, end))
        finally:
            self.close()
        return MadeRows.joined(made)

    def _make_untaken(self) -> dict[int, MadeRows | Exception]:
        """Each piece no worker has begun (its task cancelled), made here; or its error,
        raised by ``result`` in the order of the pieces."""
        here: dict[int, MadeRows | Exception] = {}
        for i in range(len(self._pieces) - 1, -1, -1):
            if not self._futures[i].cancel():
                break  # the workers take the pieces in order: every one before is taken
            try:
                here[i] = self._here(*self._pieces[i])
            except Exception as exc:  # kept: ``result`` raises it once the pieces before pass
                here[i] = exc
                break  # the batch is refused: nothing more to make
        return here

    def close(self) -> None:
        """End this batch: its own workers, or its pieces not begun of shared ones."""
        if self._workers is None:
            return
        if self._own:
            self._workers.close()
        else:
            for future in self._futures:
                future.cancel()
        self._workers = None
