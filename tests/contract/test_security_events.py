"""``tx.security_events`` behaves alike on every store: events numbered in order, read
per member state.
"""

from __future__ import annotations

from tests.contract.test_grants import MINUTE, T0

from limes.store.port import SecurityEvent, Store


def test_security_events_are_numbered_and_read_per_state(store: Store) -> None:
    with store.transaction() as tx:
        first = tx.security_events.record(SecurityEvent("a", "DE", "p1", T0, {"n": 1}))
        second = tx.security_events.record(SecurityEvent("b", "FR", "p2", T0, {}))
        third = tx.security_events.record(SecurityEvent("c", "DE", "p1", T0 + MINUTE, {}))
    assert first < second < third
    with store.read() as tx:
        assert tx.security_events.after() == [
            SecurityEvent("a", "DE", "p1", T0, {"n": 1}, first),
            SecurityEvent("b", "FR", "p2", T0, {}, second),
            SecurityEvent("c", "DE", "p1", T0 + MINUTE, {}, third),
        ]
        assert [e.kind for e in tx.security_events.after(first, member_state="DE")] == ["c"]
        assert [e.kind for e in tx.security_events.after(limit=1)] == ["a"]
