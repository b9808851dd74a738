"""New alert records, one at a time or spread over processes for the bulk path (issue 15).

A new alert's record is its validated content sealed (``crypto/bodies.py`` inside
``fields.py``'s envelope, bound to its new id), its blind-index tokens and its review
date: pure work on the content, with the issuing state's active data key and the
blind-index key. ``RecordMaker`` does it; ``AlertService`` uses one in its own process
for ``issue``, and ``bulk_issue(…, workers=N)`` hands pieces of each batch to N forked
processes while this one keeps every step that touches the store or the policy: the
permission checks, the one transaction per batch, the change events and the audit.

The workers are forked from this process once the maker exists (``fork``: the keys are
never written to a pipe or a file; the workers inherit them in memory, as a thread
would share them) and reach nothing else: no store, no log, no clock of their own. They
live for one ``bulk_issue`` call, so a key rotated meanwhile is used from the next call
on (a row sealed under the previous version is re-sealed by the rotation's next pass,
as for a server that missed the rotation). A piece a worker refuses is made again
here, which raises the very error (with its field pointers) the serial path raises.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from limes.crypto.blind_index import BlindIndex
from limes.crypto.bodies import encode_body
from limes.crypto.fields import seal_under
from limes.crypto.keys import DataKey
from limes.domain.alerts import AlertContent, AlertStatus
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.ids import new_id
from limes.domain.match_keys import content_keys
from limes.domain.periods import add_years
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import validate_content
from limes.store.port import AlertRecord

PIECE = 1_000
"""Alerts per task handed to a worker: large enough that sending it costs little."""


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
    return AlertRecord(
        id=alert_id,
        category=valid.category.value,
        object_type=valid.object.type.value if valid.object else None,
        subject=CATEGORIES[valid.category].subject.value,
        issuing_state=state,
        status=AlertStatus.ACTIVE,
        version=1,
        created_at=now,
        updated_at=now,
        expires_at=expires_at,
        body=seal(encode_body(valid)),
        keys=tokens,
    )


@dataclass(frozen=True, slots=True)
class RecordMaker:
    """Validates and seals new alerts of one state under one data key."""

    key: DataKey
    index: BlindIndex
    review_years: Mapping[CategoryCode, int]

    def make(self, content: AlertContent, now: datetime) -> AlertRecord:
        valid = validate_content(content, now.date())
        alert_id = new_id()
        return new_record(
            alert_id,
            self.key.scope,
            valid,
            now,
            add_years(now, self.review_years[valid.category]),
            lambda body: seal_under(self.key, alert_id, SealedField.BODY, body),
            self.index.tokens(content_keys(valid)),
        )

    def make_all(self, contents: Sequence[AlertContent], now: datetime) -> list[AlertRecord]:
        return [self.make(content, now) for content in contents]


_MAKER: RecordMaker | None = None  # the forked workers' maker, set before they fork


def _piece(contents: Sequence[AlertContent], now: datetime) -> list[AlertRecord]:
    if _MAKER is None:
        raise RuntimeError("a bulk worker started without its record maker")
    return _MAKER.make_all(contents, now)


class RecordPool:
    """``make_all`` over forked workers (``workers`` of them), or here when there is one."""

    def __init__(self, maker: RecordMaker, pool: Executor | None) -> None:
        self.maker, self._pool = maker, pool

    def make_all(self, contents: Sequence[AlertContent], now: datetime) -> list[AlertRecord]:
        if self._pool is None or len(contents) <= PIECE:
            return self.maker.make_all(contents, now)
        pieces = [contents[i : i + PIECE] for i in range(0, len(contents), PIECE)]
        futures = [self._pool.submit(_piece, piece, now) for piece in pieces]
        made: list[AlertRecord] = []
        for piece, future in zip(pieces, futures, strict=True):
            try:
                made += future.result()
            except Exception:
                made += self.maker.make_all(piece, now)
        return made


@contextmanager
def record_pool(maker: RecordMaker, workers: int) -> Iterator[RecordPool]:
    """A pool of ``workers`` forked processes making records with ``maker`` (none if 1)."""
    global _MAKER
    if workers <= 1:
        yield RecordPool(maker, None)
        return
    _MAKER = maker
    # A forked worker shares this process's memory until it writes to a page; a garbage
    # collection there would touch every object's header and copy the whole heap into
    # each worker. Frozen here (moved out of the collector's reach) and disabled there,
    # the workers copy only what they use; their own garbage is freed by reference counts.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.disable
        ) as pool:
            yield RecordPool(maker, pool)
    finally:
        _MAKER = None
        gc.unfreeze()
