"""The rows of many new alerts and their change events, made before the write
transaction begins (the bulk path, issue 15), so that the write lock is held only
while the store inserts them. The rows are ``alerts.rows_of``'s and
``outbox.event_row``'s: one place says how a record or an event becomes a row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from limes.domain.events import ChangeEvent
from limes.store.alerts import AlertRecord, rows_of
from limes.store.dialect import Dialect
from limes.store.outbox import event_row

Row = tuple[Any, ...]


class BulkRows(NamedTuple):
    """The rows of a batch of new alerts: its alerts', their keys' and its events'."""

    alerts: list[Row]
    keys: list[Row]
    events: list[Row]

    @classmethod
    def joined(cls, parts: Sequence[BulkRows]) -> BulkRows:
        """The rows of ``parts`` (a batch's pieces, made apart), in their order."""
        alerts: list[Row] = []
        keys: list[Row] = []
        events: list[Row] = []
        for part in parts:
            alerts += part.alerts
            keys += part.keys
            events += part.events
        return cls(alerts, keys, events)


MakeRows = Callable[[Sequence[AlertRecord], Sequence[ChangeEvent]], BulkRows]
"""``bulk_rows`` of one dialect: pure, so that the bulk path's worker processes make the
rows of their pieces themselves and the writer only inserts them (issue 15)."""


def rows_maker(d: Dialect) -> MakeRows:
    return partial(bulk_rows, d)


def bulk_rows(
    d: Dialect, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]
) -> BulkRows:
    """The alert rows of ``records``, their ``alert_keys`` rows and the rows of
    ``events``, as ``alert_row`` and ``event_row`` write them one at a time: an event
    of one of ``records`` with its state and category, as the alert's row holds them
    (``event_row``'s ``as_alert``; PostgreSQL stores neither, migration 0030)."""
    alerts, keys = rows_of(d, records)
    held = {(r.id, r.issuing_state, r.category) for r in records}
    changes = [
        event_row(d, e, as_alert=(e.alert_id, e.issuing_state, e.category) in held) for e in events
    ]
    # in key order: the keys are keyed hashes, so a batch's rows land all over
    # alert_keys' B-tree; inserted in order, each leaf is visited once, not evicted and
    # read again (4,000,000 keys stored: 15.2-15.4 against 18.6-19.8 us a key, issue
    # 15). Each piece is sorted where it is made; the writer's sort merges the runs.
    return BulkRows(alerts, sorted(keys), changes)
