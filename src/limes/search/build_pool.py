"""The build from the store spread over processes (issue 15, aim 3).

Of a build from the store, opening the sealed bodies (AES-GCM, decompressing, decoding
the content) and laying out each person's names (``features.identities``: every
spelling, its phonetic code, its given-name group…) are pure work on each alert, and
more than half of the build's CPU; filing the results in the indexes is not (one
writer, every structure shared). So the engine (``SearchEngine.build``) reads the
store's pages and files them in their order as before, and ``OpeningPool``'s forked
processes open each page meanwhile and send back, per alert, what filing needs and no
more (``Opened``): its identifiers and its person made ``Stored``. The indexes are
then the very ones one process builds: the same slots, postings and arrays in the same
order, the same snapshot state.

The one thing a worker cannot make as the engine would is a name code: codes are
numbered per process in the order they are first met (``codes.py``), and each worker
numbers those it meets itself. It tells the parent the codes it numbered (``since``)
with each page, and the parent renumbers a page's name sets as it files them, code by
code in the order one process would have met them, so that its numbering, kept in the
snapshot, is one process's too.

Forked once a build, as the bulk load's workers are (``service/bulk_records.py``):
they inherit the keys in memory (every data key the store holds is unwrapped first, so
that a worker never reads the store, whose connection is this process's), and they
only ever see the sealed columns of the pages sent to them. Each is ended by the
kernel when the process that forked it ends, killed or not (``die_with``). A page a worker cannot
open (a key it does not hold, an altered body) is opened again by the engine, which
raises what one process raises; a worker that dies (killed, out of memory) fails the
build with ``Unavailable``, and the engine drops what it had filed of it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from limes.crypto import Crypto
from limes.crypto.fields import key_id
from limes.crypto.keys import IntegrityError
from limes.crypto.records import opened_fields
from limes.domain.alerts import AlertContent
from limes.errors import Unavailable
from limes.local_service import die_with
from limes.search.codes import NUMBERINGS, Codes
from limes.search.features import Stored, identities
from limes.search.identifiers import object_identifiers
from limes.search.name_match import CODE_ROWS, NO_GROUP_STORED
from limes.store.port import SealedRow, Store

Identifiers = list[tuple[str, str, str | None, str]]
Opened = tuple[Identifiers, Stored | None] | None
"""What filing one alert needs: its identifiers (``object_identifiers``) and its person
made ``Stored``; None for an alert with nothing to file (no body)."""

Row = tuple[str, str, bytes | None, bytes | None]
"""What a worker is sent of an alert: its id, issuing state, sealed body and extensions."""


def opened(content: AlertContent | None) -> Opened:
    """What filing ``content`` needs (one process makes the same in ``PersonIndex.add``)."""
    if content is None:
        return None
    person = content.person
    stored = None if person is None else Stored.of(person, identities(person))
    return object_identifiers(content), stored


def opened_row(crypto: Crypto, row: SealedRow) -> Opened:
    """What filing the alert of ``row`` needs (``IntegrityError`` if it was altered)."""
    alert_id, _, state, _, body, extensions = row
    if body is None:
        return None
    return opened(opened_fields(crypto, state, alert_id, body, extensions)[0])


@dataclass(frozen=True, slots=True)
class Page:
    """A page opened by a worker: per alert what to file (None: the worker could not
    open the page), and the codes it numbered since its last page, by kind, its
    numbering beginning at ``base``."""

    worker: int
    opened: list[Opened] | None
    base: dict[str, int]
    codes: dict[str, list[str]]


# What a forked worker inherits (set before the fork): the keys and which are unwrapped.
_CRYPTO: Crypto | None = None
_WARM: frozenset[tuple[str, int]] = frozenset()
_TOLD: dict[str, int] = {}


def _started(parent: int, told: dict[str, int]) -> None:
    """A worker's start: ended when ``parent`` ends, no garbage collection (see
    ``OpeningPool``), and the length of each numbering it was forked with, of which it
    tells the parent nothing."""
    # Otherwise a worker whose parent was killed waits on its queue for ever (the
    # queue's writing end is open in the workers too, inherited at the fork), holding
    # the store's keys and its memory, with no one left to send it a page.
    die_with(parent)
    gc.disable()
    _TOLD.clear()
    _TOLD.update(told)


def _open_page(rows: Sequence[Row]) -> Page:
    if _CRYPTO is None:
        raise RuntimeError("a build worker started without its keys")
    crypto, warm = _CRYPTO, _WARM
    made: list[Opened] = []
    opened_all = True
    try:
        for alert_id, state, body, extensions in rows:
            if body is None:
                made.append(None)
                continue
            for sealed in (body, extensions):
                if sealed and key_id(sealed) not in warm:
                    raise IntegrityError("a key this worker does not hold")  # the parent opens it
            made.append(opened(opened_fields(crypto, state, alert_id, body, extensions)[0]))
    except Exception:  # the parent opens the page again and raises what it raises
        opened_all = False
    # told even for a page not opened: the codes numbered are this worker's from now on
    base = dict(_TOLD)
    codes = {kind: numbering.since(base[kind]) for kind, numbering in NUMBERINGS.items()}
    for kind, new in codes.items():
        _TOLD[kind] = base[kind] + len(new)
    return Page(os.getpid(), made if opened_all else None, base, codes)


def warm_keys(store: Store, crypto: Crypto) -> frozenset[tuple[str, int]]:
    """Unwrap every data key the store holds (retired ones cannot be: their alerts are
    opened by the engine, which fails as one process does); the keys unwrapped."""
    with store.read() as tx:
        rows = crypto.keys.rows(tx)
    warm = set()
    for row in rows:
        try:
            crypto.keys.version(row.scope, row.version)
        except IntegrityError:
            continue
        warm.add((row.scope, row.version))
    return frozenset(warm)


def may_fork() -> bool:
    """Whether this process may start a pool: not in a daemonic process, which
    ``multiprocessing`` forbids children (the pooled build failed the start of
    ``limes serve --workers N``'s index process while it was one; it no longer is,
    ``local_service.Supervisor``)."""
    return not multiprocessing.current_process().daemon


class OpeningPool:
    """``processes`` forked workers that open pages (``submit``); ``opened`` is a page's
    result in this process's code numbering. One pool at a time in a process."""

    def __init__(self, store: Store, crypto: Crypto, processes: int) -> None:
        global _CRYPTO, _WARM
        if _CRYPTO is not None:
            raise RuntimeError("a build pool is running already: one at a time")
        _WARM = warm_keys(store, crypto)
        _CRYPTO = crypto
        told = {kind: len(numbering) for kind, numbering in NUMBERINGS.items()}
        # per worker, its numbering of each kind: its id - 1 -> the code
        self._numbered: dict[int, dict[str, list[str]]] = {}
        # As for the bulk load's workers: a garbage collection in a forked worker would
        # touch every object's header and copy the whole heap into it; frozen here,
        # disabled there, a worker copies only what it uses.
        gc.freeze()
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_started,
            initargs=(os.getpid(), told),
        )

    def submit(self, rows: Sequence[SealedRow]) -> Future[Page]:
        if self._pool is None:
            raise RuntimeError("the build pool has ended")
        try:
            return self._pool.submit(_open_page, [(i, s, b, e) for i, _, s, _, b, e in rows])
        except BrokenProcessPool:  # a worker died before its page was asked for
            raise _died() from None

    def opened(self, future: Future[Page]) -> list[Opened] | None:
        """A page's results, its name codes renumbered as this process numbers them;
        None if the worker could not open it (the caller opens it). ``Unavailable`` if
        the worker died."""
        try:
            page = future.result()
        except BrokenProcessPool:
            raise _died() from None
        numbered = self._numbered.setdefault(page.worker, {})
        for kind, codes in page.codes.items():
            known = numbered.setdefault(kind, NUMBERINGS[kind].since(0)[: page.base[kind]])
            if len(known) != page.base[kind]:
                raise RuntimeError("a build worker's codes were told out of order")
            known.extend(codes)
        if page.opened is None:
            return None
        for found in page.opened:
            if found is not None and found[1] is not None:
                for name_set in found[1].name_sets:
                    _renumber(name_set.codes, numbered)
        return page.opened

    def close(self) -> None:
        """End the workers at once (pages not begun are cancelled)."""
        global _CRYPTO, _WARM
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _CRYPTO, _WARM = None, frozenset()
            gc.unfreeze()


def _died() -> Unavailable:
    return Unavailable(
        "a process of the search index build ended before its page was opened; "
        "the build failed and nothing of it is used"
    )


def _renumber(codes: np.ndarray, numbered: dict[str, list[str]]) -> None:
    """A name set's codes, numbered by a worker, as this process numbers them: each row
    of codes in column order, as ``NameSet.of`` numbers them, so that a code met here
    first gets the number one process would have given it."""
    for kind, row in CODE_ROWS.items():
        numbering: Codes = NUMBERINGS[kind]
        theirs = numbered[kind]
        codes[row] = [
            numbering.add(theirs[code - 1]) if code != NO_GROUP_STORED else NO_GROUP_STORED
            for code in codes[row].tolist()
        ]
