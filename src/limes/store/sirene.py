"""Tables of the SIRENE exchange: cases, hits, messages, attachments, feed positions.

Written once for both dialects with ``?`` placeholders and run inside the caller's
transaction (``tx.cases``, ``tx.messages``, ``tx.feed_positions``), so a hit, its case
and its change event commit together. Sealed columns hold envelopes only; the store
never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: str
    alert_id: str
    scope: str
    category: str
    executing_state: str
    immediate: bool
    opened_at: datetime

    @property
    def parties(self) -> frozenset[str]:
        return frozenset({self.scope, self.executing_state})


@dataclass(frozen=True, slots=True)
class HitRow:
    id: str
    case_id: str
    alert_id: str
    alert_version: int
    scope: str
    category: str
    executing_state: str
    recorded_by: str
    recorded_at: datetime
    action_taken: bool
    report: bytes


@dataclass(frozen=True, slots=True)
class MessageRow:
    id: str
    case_id: str
    scope: str
    form: str
    priority: str
    language: str
    from_state: str
    to_state: str
    sender: str
    sent_at: datetime
    reply_to: str | None
    reply_due: datetime | None
    answered_at: datetime | None
    escalation_level: int
    body: bytes


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: str
    message_id: str
    position: int
    scope: str
    media_type: str
    size: int
    sha256: str
    content: bytes | None  # None where only the description was loaded


@dataclass(frozen=True, slots=True)
class InboxFilter:
    state: str
    form: str | None = None
    open_only: bool = True
    overdue_at: datetime | None = None
    limit: int = 100


_CASE = "id, alert_id, scope, category, executing_state, immediate, opened_at"
_HIT = (
    "id, case_id, alert_id, alert_version, scope, category, executing_state, recorded_by, "
    "recorded_at, action_taken, report"
)
_MESSAGE = (
    "id, case_id, scope, form, priority, language, from_state, to_state, sender, sent_at, "
    "reply_to, reply_due, answered_at, escalation_level, body"
)
_ATTACHMENT = "id, message_id, position, scope, media_type, size, sha256"


def _marks(columns: str) -> str:
    return ", ".join("?" for _ in columns.split(","))


def _attachment(r: Any, content: bytes | None) -> AttachmentRow:
    return AttachmentRow(r[0], r[1], int(r[2]), r[3], r[4], int(r[5]), r[6], content)


class SqlCases(Tables):
    """``port.Cases`` in SQL: cases and their hits."""

    def put(self, c: CaseRow) -> None:
        self.run(
            f"INSERT INTO sirene_cases ({_CASE}) VALUES ({_marks(_CASE)})",  # noqa: S608 - constant columns  # nosec B608
            (
                c.id,
                c.alert_id,
                c.scope,
                c.category,
                c.executing_state,
                int(c.immediate),
                self._d.ts_in(c.opened_at),
            ),
        )

    def _case(self, r: Any) -> CaseRow:
        return CaseRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), self._d.ts(r[6]))

    def get(self, case_id: str) -> CaseRow | None:
        rows = self.rows(f"SELECT {_CASE} FROM sirene_cases WHERE id = ?", (case_id,))  # noqa: S608 - constant columns  # nosec B608
        return self._case(rows[0]) if rows else None

    def put_hit(self, h: HitRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO sirene_hits ({_HIT}) VALUES ({_marks(_HIT)})",  # noqa: S608 - constant columns  # nosec B608
            (
                h.id,
                h.case_id,
                h.alert_id,
                h.alert_version,
                h.scope,
                h.category,
                h.executing_state,
                h.recorded_by,
                d.ts_in(h.recorded_at),
                int(h.action_taken),
                h.report,
            ),
        )

    def _hit(self, r: Any) -> HitRow:
        d = self._d
        return HitRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], d.ts(r[8]), bool(r[9]), bytes(r[10])
        )

    def hits_of(self, case_id: str) -> list[HitRow]:
        rows = self.rows(
            f"SELECT {_HIT} FROM sirene_hits WHERE case_id = ? ORDER BY recorded_at, id",  # noqa: S608 - constant columns  # nosec B608
            (case_id,),
        )
        return [self._hit(r) for r in rows]

    def hit_rows(self, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
        """(recorded_at, category, executing_state, issuing_state) of hits in [since, until)."""
        d = self._d
        rows = self.rows(
            "SELECT recorded_at, category, executing_state, scope FROM sirene_hits "
            "WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, id",
            (d.ts_in(since), d.ts_in(until)),
        )
        return [(d.ts(r[0]), r[1], r[2], r[3]) for r in rows]


class SqlMessages(Tables):
    """``port.Messages`` in SQL: messages and their attachments."""

    def put(self, m: MessageRow) -> None:
        d = self._d
        self.run(
            f"INSERT INTO sirene_messages ({_MESSAGE}) VALUES ({_marks(_MESSAGE)})",  # noqa: S608 - constant columns  # nosec B608
            (
                m.id,
                m.case_id,
                m.scope,
                m.form,
                m.priority,
                m.language,
                m.from_state,
                m.to_state,
                m.sender,
                d.ts_in(m.sent_at),
                m.reply_to,
                d.ts_in(m.reply_due),
                d.ts_in(m.answered_at),
                m.escalation_level,
                m.body,
            ),
        )

    def _message(self, r: Any) -> MessageRow:
        d = self._d
        return MessageRow(
            id=r[0],
            case_id=r[1],
            scope=r[2],
            form=r[3],
            priority=r[4],
            language=r[5],
            from_state=r[6],
            to_state=r[7],
            sender=r[8],
            sent_at=d.ts(r[9]),
            reply_to=r[10],
            reply_due=d.ts_out(r[11]),
            answered_at=d.ts_out(r[12]),
            escalation_level=int(r[13]),
            body=bytes(r[14]),
        )

    def get(self, message_id: str) -> MessageRow | None:
        rows = self.rows(f"SELECT {_MESSAGE} FROM sirene_messages WHERE id = ?", (message_id,))  # noqa: S608 - constant columns  # nosec B608
        return self._message(rows[0]) if rows else None

    def of_case(self, case_id: str) -> list[MessageRow]:
        rows = self.rows(
            f"SELECT {_MESSAGE} FROM sirene_messages WHERE case_id = ? ORDER BY sent_at, id",  # noqa: S608 - constant columns  # nosec B608
            (case_id,),
        )
        return [self._message(r) for r in rows]

    def mark_answered(self, message_id: str, at: datetime) -> bool:
        """Note the first reply to a message; False if it had one already."""
        changed = self.run(
            "UPDATE sirene_messages SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
            (self._d.ts_in(at), message_id),
        )
        return changed == 1

    def set_escalation(self, message_id: str, level: int) -> None:
        self.run(
            "UPDATE sirene_messages SET escalation_level = ? WHERE id = ?", (level, message_id)
        )

    def inbox(self, f: InboxFilter) -> list[MessageRow]:
        """Messages to ``f.state``, soonest due first (those expecting no reply last)."""
        clauses, params = ["to_state = ?"], [f.state]
        if f.form is not None:
            clauses.append("form = ?")
            params.append(f.form)
        if f.open_only or f.overdue_at is not None:
            clauses.append("reply_due IS NOT NULL AND answered_at IS NULL")
        if f.overdue_at is not None:
            clauses.append("reply_due <= ?")
            params.append(self._d.ts_in(f.overdue_at))
        rows = self.rows(
            f"SELECT {_MESSAGE} FROM sirene_messages WHERE {' AND '.join(clauses)} "  # noqa: S608 - constant clauses, bound values  # nosec B608
            "ORDER BY CASE WHEN reply_due IS NULL THEN 1 ELSE 0 END, reply_due, sent_at, id "
            "LIMIT ?",
            (*params, f.limit),
        )
        return [self._message(r) for r in rows]

    def overdue(self, now: datetime, limit: int) -> list[MessageRow]:
        """Unanswered messages past their due time, soonest due first."""
        rows = self.rows(
            f"SELECT {_MESSAGE} FROM sirene_messages "  # noqa: S608 - constant columns  # nosec B608
            "WHERE reply_due IS NOT NULL AND answered_at IS NULL AND reply_due <= ? "
            "ORDER BY reply_due, id LIMIT ?",
            (self._d.ts_in(now), limit),
        )
        return [self._message(r) for r in rows]

    def put_attachment(self, a: AttachmentRow) -> None:
        self.run(
            f"INSERT INTO sirene_attachments ({_ATTACHMENT}, content) "  # noqa: S608 - constant columns  # nosec B608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.message_id, a.position, a.scope, a.media_type, a.size, a.sha256, a.content),
        )

    def attachments_of(self, message_id: str) -> list[AttachmentRow]:
        """The descriptions (no content) of a message's attachments, in order."""
        rows = self.rows(
            f"SELECT {_ATTACHMENT} FROM sirene_attachments WHERE message_id = ? ORDER BY position",  # noqa: S608 - constant columns  # nosec B608
            (message_id,),
        )
        return [_attachment(r, None) for r in rows]

    def get_attachment(self, attachment_id: str) -> AttachmentRow | None:
        rows = self.rows(
            f"SELECT {_ATTACHMENT}, content FROM sirene_attachments WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
            (attachment_id,),
        )
        return _attachment(rows[0], bytes(rows[0][7])) if rows else None

    def message_rows(self, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
        """(form, from, to, sent_at, reply_due, answered_at) of messages sent in [since, until)."""
        d = self._d
        rows = self.rows(
            "SELECT form, from_state, to_state, sent_at, reply_due, answered_at "
            "FROM sirene_messages WHERE sent_at >= ? AND sent_at < ? ORDER BY sent_at, id",
            (d.ts_in(since), d.ts_in(until)),
        )
        return [(r[0], r[1], r[2], d.ts(r[3]), d.ts_out(r[4]), d.ts_out(r[5])) for r in rows]


class SqlFeedPositions(Tables):
    """``port.FeedPositions`` in SQL: how far each follower of the change feed has come."""

    def get(self, name: str) -> int:
        """How far the follower ``name`` has come in the change feed (0: from the start)."""
        rows = self.rows("SELECT seq FROM feed_positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def save(self, name: str, seq: int, at: datetime) -> None:
        d = self._d
        if (
            self.run(
                "UPDATE feed_positions SET seq = ?, updated_at = ? WHERE name = ?",
                (seq, d.ts_in(at), name),
            )
            == 0
        ):
            self.run(
                "INSERT INTO feed_positions (name, seq, updated_at) VALUES (?, ?, ?)",
                (name, seq, d.ts_in(at)),
            )
