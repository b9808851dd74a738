"""``port.Biometrics`` in SQL: the sealed finger templates enrolled on alerts.

The store moves templates as opaque envelopes; the service seals and opens them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.store.dialect import Row, Tables


@dataclass(frozen=True, slots=True)
class FingerRow:
    """One enrolled finger: its position (1-10), the sealed template, its quality (0-100)
    and when it was enrolled."""

    alert_id: str
    position: int
    template: bytes
    quality: int
    enrolled_at: datetime


_COLUMNS = "alert_id, position, template, quality, enrolled_at"


class SqlBiometrics(Tables):
    def put(self, finger: FingerRow) -> None:
        """Store the finger, replacing one enrolled before at the same position."""
        self._exec(
            "DELETE FROM alert_biometrics WHERE alert_id = ? AND position = ?",
            (finger.alert_id, finger.position),
        )
        self._exec(
            f"INSERT INTO alert_biometrics ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - fixed column names  # nosec B608
            (
                finger.alert_id,
                finger.position,
                finger.template,
                finger.quality,
                self._d.ts_in(finger.enrolled_at),
            ),
        )

    def of(self, alert_id: str) -> list[FingerRow]:
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM alert_biometrics WHERE alert_id = ? ORDER BY position",  # noqa: S608 - fixed column names  # nosec B608
            (alert_id,),
        )
        return [self._finger(row) for row in rows]

    def page(self, after: tuple[str, int] | None, limit: int) -> list[FingerRow]:
        """Up to ``limit`` fingers after ``after`` (alert id, position), in that order."""
        where, params = "", []
        if after is not None:
            where = "WHERE alert_id > ? OR (alert_id = ? AND position > ?)"
            params = [after[0], after[0], after[1]]
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM alert_biometrics {where} "  # noqa: S608 - fixed column names  # nosec B608
            "ORDER BY alert_id, position LIMIT ?",
            [*params, limit],
        )
        return [self._finger(row) for row in rows]

    def remove_all(self, alert_id: str) -> int:
        """Delete every finger of the alert; how many there were."""
        return self.run("DELETE FROM alert_biometrics WHERE alert_id = ?", (alert_id,))

    def _finger(self, row: Row) -> FingerRow:
        alert_id, position, template, quality, enrolled_at = row
        return FingerRow(
            str(alert_id), int(position), bytes(template), int(quality), self._d.ts(enrolled_at)
        )
