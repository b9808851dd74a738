"""The rows of many new alerts and their change events at once (the bulk path, issue 15).

``alerts.alert_row`` and ``alerts.event_row`` convert one record or event at a time:
its id to bytes (``alert_ids.py``), its codes to numbers (``event_codes.py``), its
times to the column's form. A bulk load writes tens of thousands of each, most of
which share their codes and times (a batch's alerts are issued at one moment, with a
review date per category) and every event names an alert of the same batch. Here
each distinct value is converted once a batch: an alert's id bytes serve its event
too, and the codes and times are looked up in small tables filled as they are met.
The rows are exactly ``alert_row``'s and ``event_row``'s (a test holds them equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from limes.domain.events import ChangeEvent
from limes.store.alert_ids import id_in
from limes.store.alerts import AlertRecord, at_in
from limes.store.dialect import Dialect
from limes.store.event_codes import (
    category_code,
    category_text,
    event_code,
    object_type_code,
    status_code,
    subject_code,
)
from limes.store.match_key_bytes import packed, stored_keys

Row = tuple[Any, ...]


class _Times:
    """``at_in`` of each distinct time met, converted once."""

    def __init__(self, d: Dialect) -> None:
        self.d = d
        self.seen: dict[datetime | None, Any] = {}

    def __call__(self, value: datetime | None) -> Any:
        try:
            return self.seen[value]
        except KeyError:
            found = self.seen[value] = at_in(self.d, value)
            return found


def bulk_rows(
    d: Dialect, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]
) -> tuple[list[Row], list[Row], list[Row]]:
    """The alert rows of ``records``, their ``alert_keys`` rows and the rows of
    ``events`` (``event_row``'s), as ``alert_row`` and ``event_row`` would write them."""
    at = _Times(d)
    heads: dict[tuple[str, str | None, str], Row] = {}
    ids: dict[str, bytes] = {}
    alerts: list[Row] = []
    keys: list[Row] = []
    for r in records:
        alert_id = ids[r.id] = id_in(r.id)
        shared = (r.category, r.object_type, r.subject)
        head = heads.get(shared)
        if head is None:
            head = heads[shared] = (
                category_code(r.category),
                object_type_code(r.object_type),
                subject_code(r.subject),
            )
        stored = stored_keys(r.keys)
        alerts.append(
            (
                alert_id,
                *head,
                r.issuing_state,
                status_code(r.status),
                r.version,
                at(r.created_at),
                at(r.updated_at),
                at(r.expires_at),
                at(r.warned_at),
                r.body,
                r.extensions,
                packed(stored) or None,
            )
        )
        keys += [(k, alert_id) for k in stored]
    return alerts, keys, _event_rows(d, events, ids, at)


def _event_rows(
    d: Dialect, events: Sequence[ChangeEvent], ids: dict[str, bytes], at: _Times
) -> list[Row]:
    to_category = category_code if d.timestamps_as_text else category_text  # as event_row
    categories: dict[str, int | str] = {}
    types: dict[str, int] = {}
    rows: list[Row] = []
    for e in events:
        alert_id = ids.get(e.alert_id)
        if alert_id is None:
            alert_id = ids[e.alert_id] = id_in(e.alert_id)
        category = categories.get(e.category)
        if category is None:
            category = categories[e.category] = to_category(e.category)
        kind = types.get(e.type)
        if kind is None:
            kind = types[e.type] = event_code(e.type)
        detail = orjson.dumps(e.detail).decode() if e.detail else None
        rows.append((at(e.at), kind, alert_id, e.issuing_state, category, e.version, detail))
    return rows
