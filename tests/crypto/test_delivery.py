"""Key packages: sealed to one copy's recipient key, opened there only, refused altered."""

from __future__ import annotations

import copy

import pytest
from tests.conftest import TEST_KEYRING

from limes.crypto import open_crypto
from limes.crypto.delivery import open_package, recipient_key, seal_package
from limes.crypto.keys import IntegrityError
from limes.store.port import KeyStatus, Store


def test_a_package_opens_with_its_recipient_key_only(sqlite_store: Store) -> None:
    crypto = open_crypto(sqlite_store, TEST_KEYRING)
    de = crypto.keys.current("DE")
    crypto.keys.current("FR")
    private, public = recipient_key()
    with sqlite_store.read() as tx:
        package = seal_package(tx, crypto.keys, {"DE"}, TEST_KEYRING.index_secret, public)
    assert [(k["scope"], k["version"]) for k in package["keys"]] == [("DE", 1)]  # FR not asked
    opened = open_package(package, private)
    assert opened.keys == [("DE", 1, KeyStatus.ACTIVE, de.raw)]
    assert opened.index_secret == TEST_KEYRING.index_secret

    other, _ = recipient_key()
    with pytest.raises(IntegrityError):
        open_package(package, other)
    altered = copy.deepcopy(package)
    altered["keys"][0]["version"] = 2  # moved to another version: its AD no longer matches
    with pytest.raises(IntegrityError):
        open_package(altered, private)


def test_the_recipient_must_be_an_x25519_key(sqlite_store: Store) -> None:
    crypto = open_crypto(sqlite_store, TEST_KEYRING)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    wrong = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with sqlite_store.read() as tx, pytest.raises(ValueError, match="X25519"):
        seal_package(tx, crypto.keys, {"DE"}, TEST_KEYRING.index_secret, wrong)
