"""Tables of the SIRENE exchange: cases, hits, messages, attachments, feed positions.

Written once for both dialects with ``?`` placeholders and run inside the caller's
transaction (``tx.rows`` / ``tx.run``), so a hit, its case and its change event commit
together. Sealed columns hold envelopes only; the store never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.port import Transaction


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


def put_case(tx: Transaction, c: CaseRow) -> None:
    tx.run(
        f"INSERT INTO sirene_cases ({_CASE}) VALUES ({_marks(_CASE)})",  # noqa: S608 - constant columns  # nosec B608
        (
            c.id,
            c.alert_id,
            c.scope,
            c.category,
            c.executing_state,
            int(c.immediate),
            tx.dialect.ts_in(c.opened_at),
        ),
    )


def _case(tx: Transaction, r: Any) -> CaseRow:
    return CaseRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), tx.dialect.ts(r[6]))


def get_case(tx: Transaction, case_id: str) -> CaseRow | None:
    rows = tx.rows(f"SELECT {_CASE} FROM sirene_cases WHERE id = ?", (case_id,))  # noqa: S608 - constant columns  # nosec B608
    return _case(tx, rows[0]) if rows else None


def put_hit(tx: Transaction, h: HitRow) -> None:
    d = tx.dialect
    tx.run(
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


def _hit(tx: Transaction, r: Any) -> HitRow:
    d = tx.dialect
    return HitRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], d.ts(r[8]), bool(r[9]), bytes(r[10])
    )


def hits_of_case(tx: Transaction, case_id: str) -> list[HitRow]:
    rows = tx.rows(
        f"SELECT {_HIT} FROM sirene_hits WHERE case_id = ? ORDER BY recorded_at, id",  # noqa: S608 - constant columns  # nosec B608
        (case_id,),
    )
    return [_hit(tx, r) for r in rows]


def put_message(tx: Transaction, m: MessageRow) -> None:
    d = tx.dialect
    tx.run(
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


def _message(tx: Transaction, r: Any) -> MessageRow:
    d = tx.dialect
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


def get_message(tx: Transaction, message_id: str) -> MessageRow | None:
    rows = tx.rows(f"SELECT {_MESSAGE} FROM sirene_messages WHERE id = ?", (message_id,))  # noqa: S608 - constant columns  # nosec B608
    return _message(tx, rows[0]) if rows else None


def messages_of_case(tx: Transaction, case_id: str) -> list[MessageRow]:
    rows = tx.rows(
        f"SELECT {_MESSAGE} FROM sirene_messages WHERE case_id = ? ORDER BY sent_at, id",  # noqa: S608 - constant columns  # nosec B608
        (case_id,),
    )
    return [_message(tx, r) for r in rows]


def mark_answered(tx: Transaction, message_id: str, at: datetime) -> bool:
    """Note the first reply to a message; False if it had one already."""
    changed = tx.run(
        "UPDATE sirene_messages SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
        (tx.dialect.ts_in(at), message_id),
    )
    return changed == 1


def set_escalation(tx: Transaction, message_id: str, level: int) -> None:
    tx.run("UPDATE sirene_messages SET escalation_level = ? WHERE id = ?", (level, message_id))


def inbox(tx: Transaction, f: InboxFilter) -> list[MessageRow]:
    """Messages to ``f.state``, soonest due first (those expecting no reply last)."""
    clauses, params = ["to_state = ?"], [f.state]
    if f.form is not None:
        clauses.append("form = ?")
        params.append(f.form)
    if f.open_only or f.overdue_at is not None:
        clauses.append("reply_due IS NOT NULL AND answered_at IS NULL")
    if f.overdue_at is not None:
        clauses.append("reply_due <= ?")
        params.append(tx.dialect.ts_in(f.overdue_at))
    rows = tx.rows(
        f"SELECT {_MESSAGE} FROM sirene_messages WHERE {' AND '.join(clauses)} "  # noqa: S608 - constant clauses, bound values  # nosec B608
        "ORDER BY CASE WHEN reply_due IS NULL THEN 1 ELSE 0 END, reply_due, sent_at, id LIMIT ?",
        (*params, f.limit),
    )
    return [_message(tx, r) for r in rows]


def overdue(tx: Transaction, now: datetime, limit: int) -> list[MessageRow]:
    """Unanswered messages past their due time, soonest due first."""
    rows = tx.rows(
        f"SELECT {_MESSAGE} FROM sirene_messages "  # noqa: S608 - constant columns  # nosec B608
        "WHERE reply_due IS NOT NULL AND answered_at IS NULL AND reply_due <= ? "
        "ORDER BY reply_due, id LIMIT ?",
        (tx.dialect.ts_in(now), limit),
    )
    return [_message(tx, r) for r in rows]


def _attachment(r: Any, content: bytes | None) -> AttachmentRow:
    return AttachmentRow(r[0], r[1], int(r[2]), r[3], r[4], int(r[5]), r[6], content)


def put_attachment(tx: Transaction, a: AttachmentRow) -> None:
    tx.run(
        f"INSERT INTO sirene_attachments ({_ATTACHMENT}, content) "  # noqa: S608 - constant columns  # nosec B608
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (a.id, a.message_id, a.position, a.scope, a.media_type, a.size, a.sha256, a.content),
    )


def attachments_of(tx: Transaction, message_id: str) -> list[AttachmentRow]:
    """The descriptions (no content) of a message's attachments, in order."""
    rows = tx.rows(
        f"SELECT {_ATTACHMENT} FROM sirene_attachments WHERE message_id = ? ORDER BY position",  # noqa: S608 - constant columns  # nosec B608
        (message_id,),
    )
    return [_attachment(r, None) for r in rows]


def get_attachment(tx: Transaction, attachment_id: str) -> AttachmentRow | None:
    rows = tx.rows(
        f"SELECT {_ATTACHMENT}, content FROM sirene_attachments WHERE id = ?",  # noqa: S608 - constant columns  # nosec B608
        (attachment_id,),
    )
    return _attachment(rows[0], bytes(rows[0][7])) if rows else None


def hit_rows(tx: Transaction, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(recorded_at, category, executing_state, issuing_state) of hits in [since, until)."""
    d = tx.dialect
    rows = tx.rows(
        "SELECT recorded_at, category, executing_state, scope FROM sirene_hits "
        "WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, id",
        (d.ts_in(since), d.ts_in(until)),
    )
    return [(d.ts(r[0]), r[1], r[2], r[3]) for r in rows]


def message_rows(tx: Transaction, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(form, from, to, sent_at, reply_due, answered_at) of messages sent in [since, until)."""
    d = tx.dialect
    rows = tx.rows(
        "SELECT form, from_state, to_state, sent_at, reply_due, answered_at "
        "FROM sirene_messages WHERE sent_at >= ? AND sent_at < ? ORDER BY sent_at, id",
        (d.ts_in(since), d.ts_in(until)),
    )
    return [(r[0], r[1], r[2], d.ts(r[3]), d.ts_out(r[4]), d.ts_out(r[5])) for r in rows]


def position(tx: Transaction, name: str) -> int:
    """How far the follower ``name`` has come in the change feed (0: from the start)."""
    rows = tx.rows("SELECT seq FROM feed_positions WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else 0


def save_position(tx: Transaction, name: str, seq: int, at: datetime) -> None:
    d = tx.dialect
    if (
        tx.run(
            "UPDATE feed_positions SET seq = ?, updated_at = ? WHERE name = ?",
            (seq, d.ts_in(at), name),
        )
        == 0
    ):
        tx.run(
            "INSERT INTO feed_positions (name, seq, updated_at) VALUES (?, ?, ?)",
            (name, seq, d.ts_in(at)),
        )
