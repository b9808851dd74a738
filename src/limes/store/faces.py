"""``port.Faces`` in SQL: the sealed faces (image and template) enrolled on alerts.

The store moves each face as an opaque envelope; the service seals and opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from limes.store.dialect import Row, Tables


@dataclass(frozen=True, slots=True)
class FaceRow:
    """One enrolled face: its number on the alert (1-5), the sealed image and template,
    the image's media type, the eye distance it passed the gate with, when enrolled."""

    alert_id: str
    number: int
    face: bytes
    media_type: str
    eye_distance: int
    enrolled_at: datetime


_COLUMNS = "alert_id, number, face, media_type, eye_distance, enrolled_at"


class SqlFaces(Tables):
    def put(self, face: FaceRow) -> None:
        """Store the face, replacing one enrolled before under the same number."""
        self._exec(
            "DELETE FROM alert_faces WHERE alert_id = ? AND number = ?",
            (face.alert_id, face.number),
        )
        self._exec(
            f"INSERT INTO alert_faces ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed column names  # nosec B608
            (
                face.alert_id,
                face.number,
                face.face,
                face.media_type,
                face.eye_distance,
                self._d.ts_in(face.enrolled_at),
            ),
        )

    def of(self, alert_id: str) -> list[FaceRow]:
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM alert_faces WHERE alert_id = ? ORDER BY number",  # noqa: S608 - fixed column names  # nosec B608
            (alert_id,),
        )
        return [self._face(row) for row in rows]

    def page(self, after: tuple[str, int] | None, limit: int) -> list[FaceRow]:
        """Up to ``limit`` faces after ``after`` (alert id, number), in that order."""
        where, params = "", []
        if after is not None:
            where = "WHERE alert_id > ? OR (alert_id = ? AND number > ?)"
            params = [after[0], after[0], after[1]]
        rows = self.rows(
            f"SELECT {_COLUMNS} FROM alert_faces {where} "  # noqa: S608 - fixed column names  # nosec B608
            "ORDER BY alert_id, number LIMIT ?",
            [*params, limit],
        )
        return [self._face(row) for row in rows]

    def remove_all(self, alert_id: str) -> int:
        """Delete every face of the alert; how many there were."""
        return self.run("DELETE FROM alert_faces WHERE alert_id = ?", (alert_id,))

    def _face(self, row: Row) -> FaceRow:
        alert_id, number, face, media_type, eye_distance, enrolled_at = row
        return FaceRow(
            str(alert_id),
            int(number),
            bytes(face),
            str(media_type),
            int(eye_distance),
            self._d.ts(enrolled_at),
        )
