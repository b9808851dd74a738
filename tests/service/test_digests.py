"""Completeness digests: roots per partition, signed under their own context."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from limes.audit.heads import CONTEXT as HEAD_CONTEXT
from limes.audit.heads import KeySigner
from limes.audit.merkle import mth
from limes.service import digests
from limes.store.port import Leaf, Store

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def leaf(alert_id: str, state: str = "DE", version: int = 1) -> Leaf:
    return Leaf(alert_id, state, "arrest", None, version, "active")


def test_roots_are_rfc9162_roots_per_partition() -> None:
    leaves = [leaf("01A"), leaf("01B", "FR"), leaf("01C")]
    found = digests.roots(leaves)
    assert set(found) == {"DE/arrest", "FR/arrest"}
    expected = mth([digests.leaf_bytes(leaves[0]), digests.leaf_bytes(leaves[2])])
    assert found["DE/arrest"] == {"count": 2, "root": expected.hex()}
    # a version changed changes the root
    assert digests.roots([leaf("01A", version=2), leaves[2]])["DE/arrest"] != found["DE/arrest"]


def test_a_digest_verifies_with_its_key_only_and_never_reads_as_a_tree_head(
    sqlite_store: Store,
) -> None:
    key = Ed25519PrivateKey.generate()
    made = digests.make(sqlite_store, KeySigner(key), T0)
    assert made.verify(key.public_key())
    assert not made.verify(Ed25519PrivateKey.generate().public_key())
    again = digests.from_row(digests.to_row(made))
    assert again == made
    tampered = digests.Digest(made.seq + 1, made.at, made.partitions, made.signature, made.key_id)
    assert not tampered.verify(key.public_key())
    assert made.statement().startswith(digests.CONTEXT)
    with pytest.raises(ValueError, match="context"):
        KeySigner(key).sign_message(HEAD_CONTEXT + b"anything")


def test_a_malformed_digest_is_refused() -> None:
    with pytest.raises(ValueError, match="malformed"):
        digests.Digest.from_json({"seq": "x"})
