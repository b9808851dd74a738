"""``tx.faces`` on each store: faces per alert and number, replaced, paged in order,
removed with the alert's other data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.store.port import FaceRow, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)


def face(alert_id: str, number: int, sealed: bytes = b"\x00sealed\xff", **kw: object) -> FaceRow:
    values: dict[str, object] = {"eye_distance": 80, "enrolled_at": T0} | kw
    return FaceRow(
        alert_id,
        number,
        sealed,
        "image/jpeg",
        values["eye_distance"],  # type: ignore[arg-type]
        values["enrolled_at"],  # type: ignore[arg-type]
    )


def test_faces_round_trip_by_number_and_replace_under_the_same_number(store: Store) -> None:
    with store.transaction() as tx:
        tx.faces.put(face("A1", 3))
        tx.faces.put(face("A1", 1))
        tx.faces.put(face("A2", 1))
    later = T0 + timedelta(days=1)
    with store.transaction() as tx:
        tx.faces.put(face("A1", 3, b"again", eye_distance=120, enrolled_at=later))
    with store.read() as tx:
        assert tx.faces.of("A1") == [
            face("A1", 1),
            face("A1", 3, b"again", eye_distance=120, enrolled_at=later),
        ]
        assert tx.faces.of("missing") == []


def test_pages_walk_every_face_once_in_order(store: Store) -> None:
    with store.transaction() as tx:
        for alert_id in ("B", "A", "C"):
            for number in (5, 1, 3):
                tx.faces.put(face(alert_id, number))
    seen: list[tuple[str, int]] = []
    after = None
    with store.read() as tx:
        while page := tx.faces.page(after, 2):
            seen += [(f.alert_id, f.number) for f in page]
            after = (page[-1].alert_id, page[-1].number)
    assert seen == [(a, n) for a in "ABC" for n in (1, 3, 5)]


def test_remove_all_takes_only_the_alerts_faces(store: Store) -> None:
    with store.transaction() as tx:
        tx.faces.put(face("A1", 1))
        tx.faces.put(face("A1", 2))
        tx.faces.put(face("A2", 1))
    with store.transaction() as tx:
        assert tx.faces.remove_all("A1") == 2
        assert tx.faces.remove_all("A1") == 0
    with store.read() as tx:
        assert tx.faces.of("A1") == [] and [f.number for f in tx.faces.of("A2")] == [1]
