"""Tables of the data-subject request register: requests, alerts found, replies.

Written once for both dialects with ``?`` placeholders, run inside the caller's
transaction (``tx.subject_requests``). Sealed columns (``body``) hold envelopes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: str
    receiving_state: str
    kind: str
    channel: str
    language: str
    received_on: str
    registered_at: datetime
    registered_by: str
    due_at: datetime
    escalation_level: int
    replied_at: datetime | None
    outcome: str | None
    court_case: bool
    body: bytes
    court_case_on: str | None = None


@dataclass(frozen=True, slots=True)
class HoldingRow:
    request_id: str
    alert_id: str
    issuing_state: str
    category: str
    score: float
    status: str
    case_id: str | None = None
    message_id: str | None = None
    disclosure: str | None = None
    correction: str | None = None
    ground: str | None = None
    alert_version: int | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyRow:
    request_id: str
    receiving_state: str
    created_at: datetime
    body: bytes


@dataclass(frozen=True, slots=True)
class ExtensionRow:
    """The time limit of a request extended (once): from ``previous_due_at`` to
    ``due_at``; ``body`` the sealed extension letter."""

    request_id: str
    receiving_state: str
    extended_at: datetime
    extended_by: str
    previous_due_at: datetime
    due_at: datetime
    body: bytes


_REQUEST = (
    "id, receiving_state, kind, channel, language, received_on, registered_at, registered_by, "
    "due_at, escalation_level, replied_at, outcome, court_case, body, court_case_on"
)
_EXTENSION = "request_id, receiving_state, extended_at, extended_by, previous_due_at, due_at, body"
_HOLDING = (
    "request_id, alert_id, issuing_state, category, score, status, case_id, message_id, "
    "disclosure, correction, ground, alert_version, answered_at, answered_by"
)


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


class SqlSubjectRequests(Tables):
    """``port.SubjectRequests`` in SQL."""

    def put(self, r: RequestRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO subject_requests ({_REQUEST}) VALUES ({_marks(_REQUEST)})",  # noqa: S608 - constant columns  # nosec B608
            (
                r.id,
                r.receiving_state,
                r.kind,
                r.channel,
                r.language,
                r.received_on,
                d.ts_in(r.registered_at),
                r.registered_by,
                d.ts_in(r.due_at),
                r.escalation_level,
                d.ts_in(r.replied_at),
                r.outcome,
                int(r.court_case),
                r.body,
                r.court_case_on,
            ),
        )

    def _request(self, r: Any) -> RequestRow:
        d = self._d
        return RequestRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            d.ts(r[6]),
            r[7],
            d.ts(r[8]),
            int(r[9]),
            d.ts_out(r[10]),
            r[11],
            bool(r[12]),
            bytes(r[13]),
            r[14],
        )

    def get(self, request_id: str) -> RequestRow | None:
        rows = self.rows(f"SELECT {_REQUEST} FROM subject_requests WHERE id = ?", (request_id,))  # noqa: S608 - constant columns  # nosec B608
        return self._request(rows[0]) if rows else None

    def visible_to(self, state: str, open_only: bool, limit: int) -> list[RequestRow]:
        """Requests ``state`` received or holds a confirmed alert of, soonest due first."""
        clause = " AND replied_at IS NULL" if open_only else ""
        rows = self.rows(
            f"SELECT {_REQUEST} FROM subject_requests WHERE (receiving_state = ? OR id IN "  # noqa: S608 - constant columns  # nosec B608
            "(SELECT request_id FROM subject_holdings WHERE issuing_state = ? "
            f"AND status = 'confirmed')){clause} ORDER BY due_at, id LIMIT ?",
            (state, state, limit),
        )
        return [self._request(r) for r in rows]

    def overdue(self, now: datetime, limit: int) -> list[RequestRow]:
        """Unanswered requests past their due time, soonest due first."""
        rows = self.rows(
            f"SELECT {_REQUEST} FROM subject_requests "  # noqa: S608 - constant columns  # nosec B608
            "WHERE replied_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (self._d.ts_in(now), limit),
        )
        return [self._request(r) for r in rows]

    def set_escalation(self, request_id: str, level: int) -> None:
        self.run(
            "UPDATE subject_requests SET escalation_level = ? WHERE id = ?", (level, request_id)
        )

    def put_holding(self, h: HoldingRow) -> None:
        """Insert or replace the row of one alert found for a request."""
        self.run(
            "DELETE FROM subject_holdings WHERE request_id = ? AND alert_id = ?",
            (h.request_id, h.alert_id),
        )
        self.run(
            f"INSERT INTO subject_holdings ({_HOLDING}) VALUES ({_marks(_HOLDING)})",  # noqa: S608 - constant columns  # nosec B608
            (
                h.request_id,
                h.alert_id,
                h.issuing_state,
                h.category,
                h.score,
                h.status,
                h.case_id,
                h.message_id,
                h.disclosure,
                h.correction,
                h.ground,
                h.alert_version,
                self._d.ts_in(h.answered_at),
                h.answered_by,
            ),
        )

    def holdings(self, request_id: str) -> list[HoldingRow]:
        rows = self.rows(
            f"SELECT {_HOLDING} FROM subject_holdings WHERE request_id = ? ORDER BY alert_id",  # noqa: S608 - constant columns  # nosec B608
            (request_id,),
        )
        d = self._d
        return [
            HoldingRow(
                r[0],
                r[1],
                r[2],
                r[3],
                float(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                None if r[11] is None else int(r[11]),
                d.ts_out(r[12]),
                r[13],
            )
            for r in rows
        ]

    def put_reply(self, reply: ReplyRow, outcome: str) -> bool:
        """Record the reply and mark the request replied; False if it was already."""
        d = self._d
        changed = self.run(
            "UPDATE subject_requests SET replied_at = ?, outcome = ? "
            "WHERE id = ? AND replied_at IS NULL",
            (d.ts_in(reply.created_at), outcome, reply.request_id),
        )
        if changed != 1:
            return False
        self.run(
            "INSERT INTO subject_replies (request_id, receiving_state, created_at, body) "
            "VALUES (?, ?, ?, ?)",
            (reply.request_id, reply.receiving_state, d.ts_in(reply.created_at), reply.body),
        )
        return True

    def reply(self, request_id: str) -> ReplyRow | None:
        rows = self.rows(
            "SELECT request_id, receiving_state, created_at, body FROM subject_replies "
            "WHERE request_id = ?",
            (request_id,),
        )
        return (
            ReplyRow(rows[0][0], rows[0][1], self._d.ts(rows[0][2]), bytes(rows[0][3]))
            if rows
            else None
        )

    def put_extension(self, e: ExtensionRow) -> bool:
        """Move the request's due date and keep the extension; False (nothing written) if
        it was replied to, extended already, or its due date moved meanwhile."""
        d = self._d
        changed = self.run(
            "UPDATE subject_requests SET due_at = ? WHERE id = ? AND replied_at IS NULL "
            "AND due_at = ? AND NOT EXISTS "
            "(SELECT 1 FROM subject_extensions WHERE request_id = ?)",
            (d.ts_in(e.due_at), e.request_id, d.ts_in(e.previous_due_at), e.request_id),
        )
        if changed != 1:
            return False
        self.run(
            f"INSERT INTO subject_extensions ({_EXTENSION}) VALUES ({_marks(_EXTENSION)})",  # noqa: S608 - constant columns  # nosec B608
            (
                e.request_id,
                e.receiving_state,
                d.ts_in(e.extended_at),
                e.extended_by,
                d.ts_in(e.previous_due_at),
                d.ts_in(e.due_at),
                e.body,
            ),
        )
        return True

    def extension(self, request_id: str) -> ExtensionRow | None:
        rows = self.rows(
            f"SELECT {_EXTENSION} FROM subject_extensions WHERE request_id = ?",  # noqa: S608 - constant columns  # nosec B608
            (request_id,),
        )
        if not rows:
            return None
        r, d = rows[0], self._d
        return ExtensionRow(r[0], r[1], d.ts(r[2]), r[3], d.ts(r[4]), d.ts(r[5]), bytes(r[6]))

    def set_court_case(self, request_id: str, brought_on: str) -> bool:
        """Record that a court case was brought about the request; False if one was already."""
        changed = self.run(
            "UPDATE subject_requests SET court_case = 1, court_case_on = ? "
            "WHERE id = ? AND court_case = 0",
            (brought_on, request_id),
        )
        return changed == 1

    def statistics_rows(self, since: str, until: str) -> list[tuple[Any, ...]]:
        """(receiving_state, kind, channel, received_on, outcome, court_case) of requests
        received on days in [since, until) (ISO dates)."""
        rows = self.rows(
            "SELECT receiving_state, kind, channel, received_on, outcome, court_case "
            "FROM subject_requests WHERE received_on >= ? AND received_on < ? "
            "ORDER BY received_on, id",
            (since, until),
        )
        return [(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]
