"""Argon2id password hashes: parameters, verification, rehash, length rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from limes.config import Environment, Settings, SettingsError, from_env
from limes.errors import InvalidInput
from limes.identity.passwords import PRODUCTION, TEST_ONLY_WEAK, Passwords, for_settings

WEAK = Passwords(TEST_ONLY_WEAK)


def test_production_parameters_are_rfc_9106_second_recommended_option() -> None:
    assert PRODUCTION == RFC_9106_LOW_MEMORY
    assert PRODUCTION.type is Type.ID
    assert (PRODUCTION.time_cost, PRODUCTION.memory_cost, PRODUCTION.parallelism) == (3, 65536, 4)
    assert (PRODUCTION.salt_len, PRODUCTION.hash_len) == (16, 32)


def test_a_hash_verifies_its_password_only() -> None:
    stored = WEAK.hash("correct horse battery staple")

    assert stored.startswith("$argon2id$v=19$")
    assert WEAK.verify(stored, "correct horse battery staple")
    assert not WEAK.verify(stored, "correct horse battery stapler")
    assert not WEAK.verify(stored, "")
    assert not WEAK.verify("not a hash", "correct horse battery staple")


def test_each_hash_has_its_own_salt() -> None:
    assert WEAK.hash("correct horse battery staple") != WEAK.hash("correct horse battery staple")


def test_unicode_is_compared_after_nfc_normalisation() -> None:
    stored = WEAK.hash("Pa\u00dfwort-\u00e9t\u00e9-2026")  # composed é
    assert WEAK.verify(stored, "Pa\u00dfwort-e\u0301te\u0301-2026")  # decomposed é


def test_no_stored_hash_costs_a_verification_and_fails() -> None:
    assert not WEAK.verify(None, "correct horse battery staple")


@pytest.mark.parametrize("password", ["short", "x" * 11, "y" * 1025])
def test_passwords_outside_12_to_1024_characters_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        WEAK.hash(password)
    assert password not in str(refused.value.errors)
    assert refused.value.errors[0].pointer == "/password"


def test_a_hash_with_other_parameters_needs_a_rehash() -> None:
    weak_hash = WEAK.hash("correct horse battery staple")
    production = Passwords(PRODUCTION)

    assert production.needs_rehash(weak_hash)
    assert not WEAK.needs_rehash(weak_hash)
    assert production.verify(weak_hash, "correct horse battery staple")  # still verifies


def test_weak_hashing_is_refused_outside_development() -> None:
    with pytest.raises(SettingsError, match="LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING"):
        from_env({"LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1"})
    with pytest.raises(SettingsError):
        for_settings(Settings(var_dir=Path("x"), test_only_weak_password_hashing=True))

    dev = from_env({"LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1", "LIMES_ENV": "development"})
    assert dev.environment is Environment.DEVELOPMENT
    assert for_settings(dev).parameters == TEST_ONLY_WEAK
    assert for_settings(Settings()).parameters == PRODUCTION


def test_the_weak_switch_reads_only_clear_values() -> None:
    with pytest.raises(SettingsError, match="must be 1, true, 0 or false"):
        from_env({"LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "yes", "LIMES_ENV": "development"})
