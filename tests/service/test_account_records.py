"""The service seals a user's TOTP secret before the store sees it, and opens it on reads."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import fixed_crypto
from tests.contract.test_accounts import account, client

from limes.crypto.keys import IntegrityError
from limes.service.account_records import AccountStore
from limes.store.port import Store


def test_the_store_holds_the_secret_sealed_and_the_service_reads_it_in_the_clear(
    store: Store,
) -> None:
    accounts = AccountStore(store, fixed_crypto(store).fields)
    user, gateway = account(), client()
    with accounts.write() as tx:
        tx.insert(user)
        tx.insert(gateway)
    with store.read() as raw:
        stored = raw.accounts.get("A1")
        assert stored is not None and stored.totp_secret not in (None, user.totp_secret)
        assert raw.accounts.get("C1") == gateway  # nothing to seal
    with accounts.read() as tx:
        assert tx.get("A1") == user
        assert tx.by_username("guard-1") == user
        assert tx.list() == [gateway, user]
    with accounts.write() as tx:
        tx.replace(replace(user, totp_secret="KRSXG5DTMVRXEZLU"))
    with accounts.read() as tx:
        found = tx.get("A1")
    assert found is not None and found.totp_secret == "KRSXG5DTMVRXEZLU"


def test_a_secret_sealed_for_another_account_fails_to_load(store: Store) -> None:
    accounts = AccountStore(store, fixed_crypto(store).fields)
    with accounts.write() as tx:
        tx.insert(account())
        tx.insert(account("A2", "guard-2"))
    with store.transaction() as raw:
        first = raw.accounts.get("A1")
        second = raw.accounts.get("A2")
        assert first is not None and second is not None
        raw.accounts.replace(replace(second, totp_secret=first.totp_secret))
    with pytest.raises(IntegrityError), accounts.read() as tx:
        tx.get("A2")
