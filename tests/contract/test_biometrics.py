"""``tx.biometrics`` on each store: fingers per alert and position, replaced, paged in
order, removed with the alert's other data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.store.port import FingerRow, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)


def finger(
    alert_id: str, position: int, template: bytes = b"\x00sealed\xff", **kw: object
) -> FingerRow:
    values: dict[str, object] = {"quality": 60, "enrolled_at": T0} | kw
    return FingerRow(alert_id, position, template, values["quality"], values["enrolled_at"])  # type: ignore[arg-type]


def test_fingers_round_trip_by_position_and_replace_at_the_same_position(store: Store) -> None:
    with store.transaction() as tx:
        tx.biometrics.put(finger("A1", 7))
        tx.biometrics.put(finger("A1", 2))
        tx.biometrics.put(finger("A2", 1))
    with store.transaction() as tx:
        later = T0 + timedelta(days=1)
        tx.biometrics.put(finger("A1", 7, b"again", quality=80, enrolled_at=later))
    with store.read() as tx:
        assert tx.biometrics.of("A1") == [
            finger("A1", 2),
            finger("A1", 7, b"again", quality=80, enrolled_at=T0 + timedelta(days=1)),
        ]
        assert tx.biometrics.of("missing") == []


def test_pages_walk_every_finger_once_in_order(store: Store) -> None:
    with store.transaction() as tx:
        for alert_id in ("B", "A", "C"):
            for position in (10, 1, 3):
                tx.biometrics.put(finger(alert_id, position))
    seen: list[tuple[str, int]] = []
    after = None
    with store.read() as tx:
        while page := tx.biometrics.page(after, 2):
            seen += [(f.alert_id, f.position) for f in page]
            after = seen[-1]
    assert seen == [(a, p) for a in "ABC" for p in (1, 3, 10)]


def test_remove_all_deletes_one_alerts_fingers_only(store: Store) -> None:
    with store.transaction() as tx:
        tx.biometrics.put(finger("A1", 1))
        tx.biometrics.put(finger("A1", 2))
        tx.biometrics.put(finger("A2", 1))
    with store.transaction() as tx:
        assert tx.biometrics.remove_all("A1") == 2
        assert tx.biometrics.remove_all("A1") == 0
    with store.read() as tx:
        assert tx.biometrics.of("A1") == []
        assert [f.position for f in tx.biometrics.of("A2")] == [1]


def test_a_failed_transaction_stores_no_finger(store: Store) -> None:
    try:
        with store.transaction() as tx:
            tx.biometrics.put(finger("A1", 1))
            raise RuntimeError("the caller fails after the write")
    except RuntimeError:
        pass
    with store.read() as tx:
        assert tx.biometrics.of("A1") == []


def test_palms_take_21_to_38_latents_100_to_199_and_nothing_else_is_stored(store: Store) -> None:
    with store.transaction() as tx:
        for position in (21, 38, 100, 199):
            tx.biometrics.put(finger("U1", position))
    with store.read() as tx:
        assert [f.position for f in tx.biometrics.of("U1")] == [21, 38, 100, 199]
    for position in (0, 11, 20, 39, 99, 200):
        try:
            with store.transaction() as tx:
                tx.biometrics.put(finger("U2", position))
        except Exception:  # each store's integrity error  # noqa: S110
            pass
        with store.read() as tx:
            assert tx.biometrics.of("U2") == [], position
