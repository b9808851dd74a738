"""The repositories of the security machinery behave alike on every store: break-glass
grants, security events, four-eyes changes and enrolment codes, read bounds and login
limits (``tests/service`` holds the rules built on them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.contract.test_account_store import account

from limes.store.port import (
    APPLIED,
    PENDING,
    BlockRow,
    ChangeRow,
    CodeRow,
    GrantRow,
    SecurityEvent,
    Store,
)

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


def test_changes_are_decided_once_and_name_their_custodians(store: Store) -> None:
    create = ChangeRow("C1", "DE", "create", ("guard-1",), {"roles": ["x"]}, "op1", T0, T0 + MINUTE)
    roles = ChangeRow("C2", "DE", "roles", ("guard-1",), {}, "op3", T0 + MINUTE, T0 + 2 * MINUTE)
    with store.transaction() as tx:
        tx.accounts.insert(account())
        tx.account_changes.insert(create)
        tx.account_changes.insert(roles)
        tx.account_changes.insert(ChangeRow("C3", "FR", "create", ("x",), {}, "op9", T0, T0))
        tx.account_changes.decide("C1", APPLIED, "op2", T0 + MINUTE)
        with pytest.raises(LookupError):
            tx.account_changes.decide("C1", APPLIED, "op2", T0 + MINUTE)
        tx.enrolment_codes.put(CodeRow("A1", "ab" * 32, "C1", T0, T0 + MINUTE))
        tx.enrolment_codes.put(CodeRow("A1", "cd" * 32, "C1", T0, T0 + 2 * MINUTE))
    with store.read() as tx:
        decided = tx.account_changes.get("C1")
        assert decided is not None and (decided.status, decided.approver) == (APPLIED, "op2")
        assert decided.payload == {"roles": ["x"]} and decided.accounts == ("guard-1",)
        assert tx.account_changes.get("nope") is None
        assert [c.id for c in tx.account_changes.of_state("DE")] == ["C1", "C2"]
        assert [c.id for c in tx.account_changes.of_state("DE", PENDING)] == ["C2"]
        assert tx.account_changes.custodians("guard-1", "create") == {"op1", "op2"}
    with store.transaction() as tx:
        tx.account_changes.decide("C2", APPLIED, "op4", T0 + 2 * MINUTE)
        assert tx.account_changes.custodians("guard-1", "create") == {"op1", "op2", "op3", "op4"}
        assert tx.enrolment_codes.of("A1") == CodeRow("A1", "cd" * 32, "C1", T0, T0 + 2 * MINUTE)
        tx.enrolment_codes.drop("A1")
        assert tx.enrolment_codes.of("A1") is None


def test_read_blocks_and_the_read_ledger(store: Store) -> None:
    block = BlockRow("B1", "p1", "DE", "p1@BPOL/DE", "day", 101, T0)
    with store.transaction() as tx:
        tx.read_blocks.put(block)
        tx.read_blocks.put(BlockRow("B2", "p2", "FR", "p2@X/FR", "hour", 11, T0))
        tx.read_ledger.remember({"p1", "DE"}, ["A1", "A2"], T0, T0 - 60 * MINUTE)
        tx.read_ledger.remember({"p1"}, ["A2", "A3"], T0 + 30 * MINUTE, T0 - 60 * MINUTE)
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 2})
        tx.usage_counters.add_reads({("p1", "2026-06-01"): 3, ("p1", "2026-06-02"): 1})
    with store.read() as tx:
        assert tx.read_blocks.in_force(["p1", "p3"]) == [block]
        assert tx.read_blocks.get("B1") == block
        assert tx.read_blocks.of_state("DE", in_force_only=True, limit=10) == [block]
        opened = tx.read_ledger.opened({"p1", "DE"}, T0 + 10 * MINUTE, T0 - MINUTE)
        assert {s: (o.hour, o.day) for s, o in opened.items()} == {"p1": (1, 3), "DE": (0, 2)}
        known = tx.read_ledger.already_opened({"p1", "DE"}, ["A3", "A9"], T0 - MINUTE)
        assert known == {"p1": 1, "DE": 0}
        assert tx.usage_counters.daily_reads("p1", "2026-06-02") == {"2026-06-02": 1}
        assert tx.usage_counters.daily_reads("p1", "2026-06-01")["2026-06-01"] == 5
    with store.transaction() as tx:
        assert tx.read_blocks.lift("B1", "dpo", T0 + MINUTE, "checked")
        assert not tx.read_blocks.lift("B1", "dpo", T0 + MINUTE, "again")
        assert tx.read_ledger.forget("DE") == 2
        assert tx.read_ledger.prune(T0) == 2  # p1's A1 and A2; A3 came later
    with store.read() as tx:
        assert tx.read_blocks.in_force(["p1"]) == []
        lifted = tx.read_blocks.get("B1")
        assert lifted is not None and (lifted.lifted_by, lifted.lift_reason) == ("dpo", "checked")
        assert tx.read_blocks.of_state("DE", in_force_only=False, limit=10) == [lifted]


def test_login_attempts_count_per_scope_and_subject(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.login_attempts.read("address", "10.0.0.1") is None
        tx.login_attempts.put("address", "10.0.0.1", 1, T0)
        tx.login_attempts.put("address", "10.0.0.1", 2, T0 + MINUTE)
        tx.login_attempts.put("username", "guard-1", 1, T0 + 2 * MINUTE)
    with store.transaction() as tx:
        seen = tx.login_attempts.read("address", "10.0.0.1")
        assert seen is not None and (seen.attempts, seen.last_at) == (2, T0 + MINUTE)
        tx.login_attempts.forget("username", "guard-1")
        assert tx.login_attempts.read("username", "guard-1") is None
        assert tx.login_attempts.prune(T0 + MINUTE) == 1
        assert tx.login_attempts.read("address", "10.0.0.1") is None
