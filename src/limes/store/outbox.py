"""The outbox of change events (``tx.outbox``): one row per state change, numbered by
``seq``, written in the transaction of the change it reports.

PostgreSQL (migration 0030): an event whose alert row holds its issuing state and
category stores neither (NULL, NULL; 40 bytes of data a row, not 48), and a read takes
both from that row. An alert's state and category never change and its row is never
deleted, so the event reads back as written; an event without such a row (a link's, a
subject request's, a category or state its alert does not hold) keeps both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from limes.domain.events import ChangeEvent, EventType
from limes.store.alert_ids import id_in, id_out
from limes.store.alerts import at_in, at_required
from limes.store.dialect import Dialect, Row, Tables
from limes.store.event_codes import (
    category_code,
    category_of_text,
    category_text,
    event_code,
    event_type,
    stored_category,
)

INSERT_EVENT = (
    "INSERT INTO change_events (at, type, alert_id, issuing_state, category, version, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_AS_ALERT = (  # PostgreSQL (0030): NULL, NULL where the alert's row holds both
    "INSERT INTO change_events (at, type, alert_id, issuing_state, category, version, detail) "
    "SELECT v.at, v.type, v.alert_id, CASE WHEN a.id IS NULL THEN v.state END, "
    "CASE WHEN a.id IS NULL THEN v.category END, v.version, v.detail FROM (VALUES "
    "(?::timestamptz, ?::smallint, ?::bytea, ?::text, ?::text, ?::integer, ?::jsonb)) "
    "AS v (at, type, alert_id, state, category, version, detail) LEFT JOIN alerts a "
    "ON a.id = v.alert_id AND a.issuing_state = v.state AND a.category::text = v.category"
)
EVENTS_AFTER = (
    "SELECT seq, at, type, alert_id, issuing_state, category, version, detail "
    "FROM change_events WHERE seq > ? ORDER BY seq LIMIT ?"
)
EVENTS_AFTER_AS_ALERTS = (  # PostgreSQL (0030): NULL, NULL read from the alert's row, by
    # its primary key, for the page's events alone (never a join over every alert)
    "SELECT e.seq, e.at, e.type, e.alert_id, COALESCE(e.issuing_state, a.issuing_state), "
    "COALESCE(e.category, a.category::text), e.version, e.detail FROM (SELECT * FROM "
    "change_events WHERE seq > ? ORDER BY seq LIMIT ?) e LEFT JOIN LATERAL (SELECT "
    "issuing_state, category FROM alerts WHERE id = e.alert_id AND e.issuing_state IS NULL "
    "LIMIT 1) a ON true ORDER BY e.seq"
)


def event_row(d: Dialect, e: ChangeEvent, *, as_alert: bool = False) -> tuple[Any, ...]:
    """The row of ``e``: its alert id as bytes (0028), its type by number and no detail
    when it has none (SQLite: 0027, PostgreSQL: 0029), its category by number (SQLite:
    the number, or the text if it has none; PostgreSQL: the number's digits, or the
    name), the detail as JSON text. ``as_alert``: the alert's row holds this state and
    category (a bulk load's new alerts), so PostgreSQL stores neither (0030)."""
    category: int | str | None
    state: str | None = e.issuing_state
    detail = orjson.dumps(e.detail).decode() if e.detail else None
    if d.timestamps_as_text:  # SQLite's compact rows (0023, 0024, 0027)
        category = category_code(e.category)
    else:
        category = category_text(e.category)
        if as_alert:
            state = category = None
    row = (at_in(d, e.at), event_code(e.type), id_in(e.alert_id), state, category)
    return (*row, e.version, detail)


def event_from_row(d: Dialect, row: Row) -> ChangeEvent:
    seq, at, type_, alert_id, state, category, version, detail = row
    if isinstance(type_, int):
        type_ = event_type(type_)
    if isinstance(category, str) and not d.timestamps_as_text:
        category = category_of_text(category)  # PostgreSQL's digits (0029)
    category = stored_category(category)
    if detail is None:
        detail = {}
    elif isinstance(detail, str):
        detail = orjson.loads(detail)
    return ChangeEvent(
        EventType(type_),
        id_out(alert_id),
        state,
        category,
        version,
        at_required(d, at),
        dict(detail),
        seq,
    )


class SqlOutbox(Tables):
    """``port.Outbox`` in SQL: the change events, numbered by ``seq``."""

    def _insert(self) -> str:
        return INSERT_AS_ALERT if self._d.postgres_indexes else INSERT_EVENT

    def append(self, event: ChangeEvent) -> int:
        self._exec(self._insert() + " RETURNING seq", event_row(self._d, event))
        (seq,) = self._cur.fetchone()
        return int(seq)

    def append_many(self, events: Sequence[ChangeEvent]) -> None:
        """Append in one statement, numbered in the order given (initial loads)."""
        d = self._d
        self._cur.executemany(d.sql(self._insert()), [event_row(d, e) for e in events])

    def after(self, seq: int, limit: int) -> list[ChangeEvent]:
        sql = EVENTS_AFTER_AS_ALERTS if self._d.postgres_indexes else EVENTS_AFTER
        self._exec(sql, (seq, limit))
        return [event_from_row(self._d, row) for row in self._cur.fetchall()]

    def last(self) -> int:
        self._exec("SELECT COALESCE(MAX(seq), 0) FROM change_events")
        return int(self._cur.fetchone()[0])
