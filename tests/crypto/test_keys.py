"""The key-encryption key as the keyring holds it: a data key wrapped is bound to its
scope and version, and opens under no other; scopes are member state codes."""

from __future__ import annotations

import pytest

from limes.crypto.keyring import Keyring, KeyringError
from limes.crypto.keys import IntegrityError, LocalKek, check_scope, dek_context

DATA_KEY = bytes(range(32))


def test_a_wrapped_data_key_unwraps_only_for_its_scope_and_version() -> None:
    kek = LocalKek(Keyring.generate())
    kek_id, wrapped = kek.wrap(DATA_KEY, dek_context("DE", 1))
    assert kek_id == kek.active_id()
    assert DATA_KEY not in wrapped
    assert kek.unwrap(kek_id, wrapped, dek_context("DE", 1)) == DATA_KEY
    for moved in (dek_context("FR", 1), dek_context("DE", 2)):
        with pytest.raises(IntegrityError, match="altered or moved"):
            kek.unwrap(kek_id, wrapped, moved)


def test_a_key_of_another_keyring_is_named_not_guessed() -> None:
    kek_id, wrapped = LocalKek(Keyring.generate()).wrap(DATA_KEY, dek_context("DE", 1))
    other = LocalKek(Keyring.generate())
    with pytest.raises(KeyringError, match="does not hold"):
        other.unwrap(kek_id, wrapped, dek_context("DE", 1))


def test_a_rotation_keeps_the_old_kek_until_it_finishes() -> None:
    kek = LocalKek(Keyring.generate())
    old_id, wrapped = kek.wrap(DATA_KEY, dek_context("DE", 1))
    new_id = kek.begin_rotation()
    assert new_id != old_id and kek.active_id() == new_id
    assert kek.unwrap(old_id, wrapped, dek_context("DE", 1)) == DATA_KEY
    kek.finish_rotation()
    with pytest.raises(KeyringError):
        kek.unwrap(old_id, wrapped, dek_context("DE", 1))


@pytest.mark.parametrize("scope", ["de", "DEU", "", "D1", "DÉ"])
def test_a_scope_is_two_capital_letters(scope: str) -> None:
    with pytest.raises(ValueError, match="two capital letters"):
        check_scope(scope)
    assert check_scope("EU") == b"EU"
