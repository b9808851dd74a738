"""``tx.login_attempts`` behaves alike on every store: attempts counted per scope and
subject, forgotten and pruned (``tests/service`` holds the login limits built on them).
"""

from __future__ import annotations

from tests.contract.test_grants import MINUTE, T0

from limes.store.port import Store


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
