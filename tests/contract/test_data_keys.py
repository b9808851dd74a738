"""``tx.data_keys`` and ``tx.key_jobs`` behave alike on every store.

The store keeps wrapped keys as opaque bytes: the values below are not real ones, which
is the point (``tests/crypto`` runs the real hierarchy on top).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.store.port import KeyRow, KeyStatus, Store, WrappedKey

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)


def test_data_keys_live_retire_and_are_never_reused(store: Store) -> None:
    with store.transaction() as tx:
        keys = tx.data_keys
        assert (keys.active_version("DE"), keys.latest_version("DE")) == (None, 0)
        keys.insert_active("DE", 1, "kek-1", b"\x01wrapped", T0)
        keys.insert_active("FR", 1, "kek-1", b"\x02wrapped", T0)
        assert keys.active_scopes() == ["DE", "FR"]
        keys.mark_retiring("DE", LATER)
        keys.insert_active("DE", 2, "kek-2", b"\x03wrapped", LATER)
        assert (keys.active_version("DE"), keys.latest_version("DE")) == (2, 2)
        assert keys.wrapped_by_other("kek-2") == [
            ("DE", 1, "kek-1", b"\x01wrapped"),
            ("FR", 1, "kek-1", b"\x02wrapped"),
        ]
        keys.rewrapped("FR", 1, "kek-2", b"\x04wrapped")
        assert keys.wrapped("FR", 1) == WrappedKey(
            "FR", 1, KeyStatus.ACTIVE, "kek-2", b"\x04wrapped"
        )
        assert keys.retire("DE", 1, LATER)
        assert not keys.retire("DE", 1, LATER)  # retired already
        assert not keys.retire("FR", 1, LATER)  # active, not retiring
    with store.read() as tx:
        assert tx.data_keys.wrapped("DE", 1) == WrappedKey("DE", 1, KeyStatus.RETIRED, None, None)
        assert tx.data_keys.wrapped("DE", 3) is None
        assert tx.data_keys.latest_version("DE") == 2
        assert tx.data_keys.all() == [
            KeyRow("DE", 1, KeyStatus.RETIRED, None, T0, LATER),
            KeyRow("DE", 2, KeyStatus.ACTIVE, "kek-2", LATER, LATER),
            KeyRow("FR", 1, KeyStatus.ACTIVE, "kek-2", T0, T0),
        ]


def test_a_key_job_keeps_its_position_until_dropped(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.key_jobs.position("reencrypt") is None
        tx.key_jobs.save("reencrypt", "0", T0)
        tx.key_jobs.save("reencrypt", "2\x1fA7", LATER)
    with store.read() as tx:
        assert tx.key_jobs.position("reencrypt") == "2\x1fA7"
    with store.transaction() as tx:
        tx.key_jobs.drop("reencrypt")
        assert tx.key_jobs.position("reencrypt") is None
