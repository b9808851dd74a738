"""Fixtures of the identity tests: the account service with a fixed clock.

``service`` runs on SQLite; ``each_store`` runs the test once per store adapter, for
the cases whose outcome depends on the store (time windows, bulk updates, rollback).
The store contract of the account tables (``test_account_store.py``) runs on both.
"""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, fixed_crypto, memory_audit
from tests.identity.helpers import WEAK

from limes.policy.policy import Policy
from limes.service.accounts import AccountService
from limes.store.port import Store
from limes.store.sqlite import SqliteStore


@pytest.fixture
def service(sqlite_store: SqliteStore, clock: FixedClock) -> AccountService:
    secrets, audit = fixed_crypto(sqlite_store).fields, memory_audit(clock)
    return AccountService(
        sqlite_store, Policy(clock=clock), WEAK, clock, secrets=secrets, audit=audit
    )


@pytest.fixture
def each_store(store: Store, clock: FixedClock) -> AccountService:
    """The account service on each store adapter in turn (the ``store`` fixture)."""
    secrets, audit = fixed_crypto(store).fields, memory_audit(clock)
    return AccountService(store, Policy(clock=clock), WEAK, clock, secrets=secrets, audit=audit)
