"""The tables of national copies and of the centre's completeness digests.

At a copy, ``copy_state`` is one row (the centre followed, the filter as JSON, the
centre's feed position applied so far, the time of that position's event at the
centre, and when the copy last knew itself current) and ``copy_alerts`` holds, per
alert, the feed position of the sealed row applied last: a row older than that is
never applied over a newer one. At the centre, ``feed_digests`` keeps the signed
digests and ``feed_bindings`` the filter each replicating client is bound to
(migration 0020). ``leaves`` reads what a digest is made of, at either end: every alert's id,
partition, version and status, never its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.store.alert_ids import id_in, id_out
from limes.store.dialect import Tables
from limes.store.event_codes import object_type_of, status_of, stored_category


@dataclass(frozen=True, slots=True)
class CopyState:
    centre: str
    filter: str
    position: int
    centre_at: datetime | None
    checked_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Leaf:
    """One alert as a digest sees it; ``held_seq`` is the copy's (None at the centre)."""

    alert_id: str
    issuing_state: str
    category: str
    object_type: str | None
    version: int
    status: str
    held_seq: int | None = None


@dataclass(frozen=True, slots=True)
class DigestRow:
    seq: int
    at: datetime
    body: str
    signature: str


@dataclass(frozen=True, slots=True)
class ForwardedRecord:
    """One audit record of a copy as the centre keeps it, with its batch's signature."""

    client: str
    seq: int
    record: str
    batch_first: int
    batch_sha256: str
    signature: str
    key_id: str
    received_at: datetime


class SqlCopies(Tables):
    """``port.Copies`` in SQL."""

    def state(self) -> CopyState | None:
        rows = self.rows(
            "SELECT centre, filter, position, centre_at, checked_at, created_at "
            "FROM copy_state WHERE id = 1"
        )
        if not rows:
            return None
        centre, filter_, position, centre_at, checked_at, created_at = rows[0]
        d = self._d
        return CopyState(
            centre,
            filter_,
            int(position),
            d.ts_out(centre_at),
            d.ts_out(checked_at),
            d.ts(created_at),
        )

    def begin(self, centre: str, filter_json: str, at: datetime) -> None:
        """Make this store a copy of ``centre`` (once: a second call is refused)."""
        self.run(
            "INSERT INTO copy_state (id, centre, filter, position, created_at) "
            "VALUES (1, ?, ?, 0, ?)",
            (centre, filter_json, self._d.ts_in(at)),
        )

    def set_centre(self, centre: str) -> None:
        """The centre's addresses (``feed/centres.stored``): which one answered last."""
        self.run("UPDATE copy_state SET centre = ? WHERE id = 1", (centre,))

    def advance(self, position: int, centre_at: datetime | None) -> None:
        """The copy has applied every event up to ``position`` (never moves back)."""
        self.run(
            "UPDATE copy_state SET position = ?, centre_at = COALESCE(?, centre_at) "
            "WHERE id = 1 AND position < ?",
            (position, self._d.ts_in(centre_at), position),
        )

    def checked(self, at: datetime) -> None:
        """The copy learnt at ``at`` that the centre had nothing past its position."""
        self.run("UPDATE copy_state SET checked_at = ? WHERE id = 1", (self._d.ts_in(at),))

    def held_seq(self, alert_id: str) -> int | None:
        rows = self.rows("SELECT seq FROM copy_alerts WHERE alert_id = ?", (id_in(alert_id),))
        return int(rows[0][0]) if rows else None

    def hold(self, alert_id: str, seq: int) -> None:
        stored = id_in(alert_id)  # as the alerts' ids (alert_ids.py, migration 0028)
        if self.run("UPDATE copy_alerts SET seq = ? WHERE alert_id = ?", (seq, stored)) == 0:
            self.run("INSERT INTO copy_alerts (alert_id, seq) VALUES (?, ?)", (stored, seq))

    def leaves(self, after: str | None, limit: int) -> list[Leaf]:
        """Up to ``limit`` alerts after the id ``after``, in id order, with the copy's
        position of each (None where this store holds no copy row for it)."""
        where, params = ("WHERE a.id > ?", [id_in(after)]) if after is not None else ("", [])
        rows = self.rows(
            "SELECT a.id, a.issuing_state, a.category, a.object_type, a.version, a.status, "  # noqa: S608 - constant SQL, values bound  # nosec B608
            f"c.seq FROM alerts a LEFT JOIN copy_alerts c ON c.alert_id = a.id {where} "
            "ORDER BY a.id LIMIT ?",
            [*params, limit],
        )
        return [
            Leaf(
                id_out(i),
                s,
                stored_category(c),
                object_type_of(o),
                int(v),
                status_of(st).value,
                None if q is None else int(q),
            )
            for i, s, c, o, v, st, q in rows
        ]

    def put_digest(self, digest: DigestRow) -> None:
        self.run(
            "INSERT INTO feed_digests (seq, at, body, signature) VALUES (?, ?, ?, ?)",
            (digest.seq, self._d.ts_in(digest.at), digest.body, digest.signature),
        )

    def latest_digest(self) -> DigestRow | None:
        rows = self.rows(
            "SELECT seq, at, body, signature FROM feed_digests ORDER BY seq DESC LIMIT 1"
        )
        if not rows:
            return None
        seq, at, body, signature = rows[0]
        return DigestRow(int(seq), self._d.ts(at), body, signature)

    def binding(self, client: str) -> str | None:
        """The filter (JSON) ``client`` may replicate, or None if it is bound to none."""
        rows = self.rows("SELECT filter FROM feed_bindings WHERE client = ?", (client,))
        return str(rows[0][0]) if rows else None

    def bind(
        self, client: str, filter_json: str, at: datetime, by: str, audit_key: str | None = None
    ) -> None:
        """Bind ``client`` to ``filter_json`` (and the copy's audit public key, PEM, if
        given), replacing any earlier binding."""
        values = (filter_json, self._d.ts_in(at), by, audit_key, client)
        if (
            self.run(
                "UPDATE feed_bindings SET filter = ?, bound_at = ?, bound_by = ?, audit_key = ? "
                "WHERE client = ?",
                values,
            )
            == 0
        ):
            self.run(
                "INSERT INTO feed_bindings (filter, bound_at, bound_by, audit_key, client) "
                "VALUES (?, ?, ?, ?, ?)",
                values,
            )

    def audit_key(self, client: str) -> str | None:
        """The audit public key (PEM) bound to ``client``, or None."""
        rows = self.rows("SELECT audit_key FROM feed_bindings WHERE client = ?", (client,))
        return None if not rows or rows[0][0] is None else str(rows[0][0])

    # -- a copy's audit records forwarded to the centre --------------------------------

    def forwarded_record(self, client: str, seq: int) -> str | None:
        rows = self.rows(
            "SELECT record FROM forwarded_audit WHERE client = ? AND seq = ?", (client, seq)
        )
        return str(rows[0][0]) if rows else None

    def forwarded_next(self, client: str) -> int:
        """The next record ``client`` has to send (0 before any)."""
        rows = self.rows("SELECT MAX(seq) FROM forwarded_audit WHERE client = ?", (client,))
        return 0 if not rows or rows[0][0] is None else int(rows[0][0]) + 1

    def put_forwarded(self, row: ForwardedRecord) -> None:
        self.run(
            "INSERT INTO forwarded_audit (client, seq, record, batch_first, batch_sha256, "
            "signature, key_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.client,
                row.seq,
                row.record,
                row.batch_first,
                row.batch_sha256,
                row.signature,
                row.key_id,
                self._d.ts_in(row.received_at),
            ),
        )

    def forwarded(self, client: str, after: int, limit: int) -> list[ForwardedRecord]:
        rows = self.rows(
            "SELECT client, seq, record, batch_first, batch_sha256, signature, key_id, "
            "received_at FROM forwarded_audit WHERE client = ? AND seq > ? ORDER BY seq LIMIT ?",
            (client, after, limit),
        )
        return [
            ForwardedRecord(c, int(q), r, int(f), h, sig, k, self._d.ts(at))
            for c, q, r, f, h, sig, k, at in rows
        ]

    def forwarded_upto(self) -> int:
        """At a copy: how many of its own records were accepted by the centre."""
        rows = self.rows("SELECT upto FROM copy_audit_sent WHERE id = 1")
        return int(rows[0][0]) if rows else 0

    def forwarded_to(self, upto: int) -> None:
        if self.run("UPDATE copy_audit_sent SET upto = ? WHERE id = 1 AND upto < ?", (upto, upto)):
            return
        if not self.rows("SELECT 1 FROM copy_audit_sent WHERE id = 1"):
            self.run("INSERT INTO copy_audit_sent (id, upto) VALUES (1, ?)", (upto,))
