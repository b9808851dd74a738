"""The multiple-identity links and their history (migrations 0013, 0018)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from limes.store.dialect import Tables

_COLUMNS = (
    "id, alert_id, other_id, alert_category, other_category, resolver_state, other_state, "
    "colour, score, created_at, due_at, resolved_at, resolved_by, other_kind, escalation_level"
)
ALERT = "alert"
EXTERNAL = "external"
"""``other_kind``: the link's other end is a person alert, or an external identity
(``external_identities``; its system in ``other_category``)."""


@dataclass(frozen=True, slots=True)
class IdentityLinkRow:
    """Two person alerts whose identity data agree, and the colour a bureau gave the link."""

    id: str
    alert_id: str
    other_id: str
    alert_category: str
    other_category: str
    resolver_state: str
    other_state: str
    colour: str
    score: float
    created_at: datetime
    due_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    other_kind: str = ALERT
    escalation_level: int = 0

    @property
    def external(self) -> bool:
        return self.other_kind == EXTERNAL


@dataclass(frozen=True, slots=True)
class LinkChange:
    """One colour of a link's history: what, when, by whom."""

    seq: int
    colour: str
    at: datetime
    by: str


class SqlIdentityLinks(Tables):
    """``port.IdentityLinks`` in SQL."""

    def _link(self, row: Any) -> IdentityLinkRow:
        d = self._d
        link_id, alert_id, other_id, alert_category, other_category = row[:5]
        resolver_state, other_state, colour = row[5:8]
        return IdentityLinkRow(
            link_id,
            alert_id,
            other_id,
            alert_category,
            other_category,
            resolver_state,
            other_state,
            colour,
            float(row[8]),
            d.ts(row[9]),
            d.ts(row[10]),
            d.ts_out(row[11]),
            row[12],
            row[13],
            int(row[14]),
        )

    def put(self, link: IdentityLinkRow, by: str) -> None:
        """A new link, and the first entry of its history."""
        d = self._d
        self.run(
            f"INSERT INTO identity_links ({_COLUMNS}) "  # noqa: S608 - constant columns  # nosec B608
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                link.id,
                link.alert_id,
                link.other_id,
                link.alert_category,
                link.other_category,
                link.resolver_state,
                link.other_state,
                link.colour,
                link.score,
                d.ts_in(link.created_at),
                d.ts_in(link.due_at),
                d.ts_in(link.resolved_at),
                link.resolved_by,
                link.other_kind,
                link.escalation_level,
            ),
        )
        self._history(link.id, link.colour, link.created_at, by)

    def _history(self, link_id: str, colour: str, at: datetime, by: str) -> None:
        self.run(
            "INSERT INTO identity_link_history (link_id, seq, colour, at, by_whom) "
            "SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM identity_link_history "
            "WHERE link_id = ?",
            (link_id, colour, self._d.ts_in(at), by, link_id),
        )

    def get(self, link_id: str, *, for_update: bool = False) -> IdentityLinkRow | None:
        lock = self._d.for_update if for_update else ""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM identity_links WHERE id = ?{lock}",  # noqa: S608 - constant columns  # nosec B608
            (link_id,),
        )
        return self._link(rows[0]) if rows else None

    def between(self, one: str, other: str) -> IdentityLinkRow | None:
        """The link between two alerts, whichever made it."""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM identity_links WHERE (alert_id = ? AND other_id = ?) "  # noqa: S608 - constant columns  # nosec B608
            "OR (alert_id = ? AND other_id = ?)",
            (one, other, other, one),
        )
        return self._link(rows[0]) if rows else None

    def of_alert(self, alert_id: str) -> list[IdentityLinkRow]:
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM identity_links WHERE alert_id = ? OR other_id = ? "  # noqa: S608 - constant columns  # nosec B608
            "ORDER BY created_at, id",
            (alert_id, alert_id),
        )
        return [self._link(r) for r in rows]

    def resolve(self, link_id: str, colour: str, at: datetime, by: str) -> None:
        """Give the link ``colour``; its history keeps the colour it had."""
        self.run(
            "UPDATE identity_links SET colour = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
            (colour, self._d.ts_in(at), by, link_id),
        )
        self._history(link_id, colour, at, by)

    def history(self, link_id: str) -> list[LinkChange]:
        rows = self.rows(
            "SELECT seq, colour, at, by_whom FROM identity_link_history WHERE link_id = ? "
            "ORDER BY seq",
            (link_id,),
        )
        return [LinkChange(int(r[0]), r[1], self._d.ts(r[2]), r[3]) for r in rows]

    def overdue(self, now: datetime, limit: int) -> list[IdentityLinkRow]:
        """Yellow links past their deadline, the most overdue first."""
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM identity_links WHERE colour = 'yellow' AND due_at < ? "  # noqa: S608 - constant columns  # nosec B608
            "ORDER BY due_at, id LIMIT ?",
            (self._d.ts_in(now), limit),
        )
        return [self._link(r) for r in rows]

    def set_escalation(self, link_id: str, level: int) -> None:
        self.run("UPDATE identity_links SET escalation_level = ? WHERE id = ?", (level, link_id))

    def erase(self, alert_id: str) -> int:
        """Forget every link of an erased alert (its history goes with it)."""
        return self.run(
            "DELETE FROM identity_links WHERE alert_id = ? OR other_id = ?", (alert_id, alert_id)
        )
