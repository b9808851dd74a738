"""``limes keys …``: the key custodian's status of the keys and the rotation, refused
to anyone else. Rotation itself is tested in tests/crypto/test_rotation.py."""

from __future__ import annotations

from tests.cli.helpers import SIRENE_DE, Run, ok, problem

CUSTODIAN = ("--as", "kc@OPS/DE", "--role", "key_custodian", "--purpose", "operations")


def test_the_custodian_sees_the_keys_and_others_are_refused(initialised: Run) -> None:
    assert initialised("demo", "--persons", "2", "--objects", "3", "--seed", "1").exit_code == 0
    status = ok(initialised("keys", "status", *CUSTODIAN))
    assert status["key_encryption_key"].startswith("kek-")
    assert {k["status"] for k in status["data_keys"]} == {"active"}
    assert status["reencryption"] is None and status["values_under_unknown_keys"] == []
    assert problem(initialised("keys", "status", *SIRENE_DE), 5)
    assert problem(initialised("keys", "rotate", "--kek", *SIRENE_DE), 5, after="new key-")
