"""``tx.external_identities`` on each store: sealed bodies kept as given, the ones not yet
compared, the live ones page by page, the expired ones erased with their links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.store.port import ExternalIdentityRow, IdentityLinkRow, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)


def row(identity_id: str, days: int = 30) -> ExternalIdentityRow:
    return ExternalIdentityRow(
        identity_id, "etias", "etias-screening", b"\x00sealed\xff", T0, T0 + timedelta(days=days)
    )


def test_identities_round_trip_and_wait_to_be_compared(store: Store) -> None:
    with store.transaction() as tx:
        tx.external_identities.put(row("X1"))
        tx.external_identities.put(row("X2"))
    with store.transaction() as tx:
        assert tx.external_identities.get("X1") == row("X1")
        assert tx.external_identities.get("nothing") is None
        assert [r.id for r in tx.external_identities.pending(10)] == ["X1", "X2"]
        tx.external_identities.compared("X1", T0)
    with store.read() as tx:
        assert [r.id for r in tx.external_identities.pending(10)] == ["X2"]
        found = tx.external_identities.get("X1")
        assert found is not None and found.compared_at == T0


def test_live_pages_and_expired_ones_go_with_their_links(store: Store) -> None:
    link = IdentityLinkRow(
        "L1",
        "A",
        "X1",
        "arrest",
        "etias",
        "DE",
        "EU",
        "yellow",
        0.9,
        T0,
        T0,
        None,
        None,
        "external",
    )
    with store.transaction() as tx:
        for name, days in (("X1", 1), ("X2", 30), ("X3", 30)):
            tx.external_identities.put(row(name, days))
        tx.identity_links.put(link, "system")
    later = T0 + timedelta(days=2)
    with store.transaction() as tx:
        assert [r.id for r in tx.external_identities.live(later, "", 1)] == ["X2"]
        assert [r.id for r in tx.external_identities.live(later, "X2", 5)] == ["X3"]
        assert tx.external_identities.expired(later, 10) == ["X1"]
        assert tx.external_identities.erase(["X1"]) == 1
    with store.read() as tx:
        assert tx.external_identities.get("X1") is None
        assert tx.identity_links.get("L1") is None
        assert tx.identity_links.history("L1") == []
