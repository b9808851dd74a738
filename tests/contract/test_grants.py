"""``tx.grants`` behaves alike on every store: break-glass grants round trip and are
found by who asked and for what (``tests/service`` holds the rules built on them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from limes.store.port import GrantRow, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def grant(grant_id: str, requester: str = "u1@BPOL/DE", **changes: object) -> GrantRow:
    base = {
        "id": grant_id,
        "requester": requester,
        "member_state": "DE",
        "alert_id": "A1",
        "permissions": ("alert:read",),
        "reason": "sealed-reason",
        "minutes": 30,
        "status": "requested",
        "requested_at": T0,
    }
    return GrantRow(**{**base, **changes})  # type: ignore[arg-type]


def test_grants_round_trip_and_filter(store: Store) -> None:
    approved = grant(
        "G2",
        "u2@BPOL/DE",
        status="approved",
        approver="dpo@BPOL/DE",
        decided_at=T0 + MINUTE,
        valid_until=T0 + 31 * MINUTE,
        decision_reason="sealed-decision",
        requested_at=T0 + MINUTE,
    )
    with store.transaction() as tx:
        tx.grants.put(grant("G1"))
        tx.grants.put(approved)
        tx.grants.put(
            grant("G3", member_state="FR", reason="unsealed:why", requested_at=T0 + 2 * MINUTE)
        )
    with store.read() as tx:
        assert tx.grants.get("G2") == approved
        assert tx.grants.get("nope") is None
        assert [g.id for g in tx.grants.matching()] == ["G1", "G2", "G3"]
        assert tx.grants.matching(status="approved") == [approved]
        assert [g.id for g in tx.grants.matching(member_state="DE")] == ["G1", "G2"]
        assert tx.grants.matching(requester="u1@BPOL/DE", status="approved") == []
        assert tx.grants.unsealed_reasons() == [("G3", "FR", "reason", "why")]
    with store.transaction() as tx:
        tx.grants.set_reason("G3", "reason", "sealed-now")
        with pytest.raises(ValueError, match="status"):
            tx.grants.set_reason("G3", "status", "x")
    with store.read() as tx:
        assert tx.grants.unsealed_reasons() == []
