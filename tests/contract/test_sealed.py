"""``tx.sealed_values`` behaves alike on every store: sealed values read in key order,
written back, and only the sealed columns touched.

The store keeps envelopes as opaque bytes: the values below are not real ones, which
is the point (``tests/crypto`` runs the real hierarchy on top).
"""

from __future__ import annotations

import pytest
from tests.contract.test_alerts import record

from limes.store.port import SEALED, Store


def test_sealed_values_are_read_in_key_order_and_written_back(store: Store) -> None:
    alerts = SEALED.index(next(t for t in SEALED if t.table == "alerts"))
    with store.transaction() as tx:
        for n in range(3):
            tx.alerts.insert(record(f"A{n}", body=b"v1" + bytes(20), extensions=None))
    with store.read() as tx:
        assert tx.sealed_values.remaining(alerts, ()) == 3
        assert tx.sealed_values.remaining(alerts, ("A0",)) == 2
        first = tx.sealed_values.batch(alerts, (), 2)
        rest = tx.sealed_values.batch(alerts, ("A1",), 2)
    assert [tuple(r) for r in first] == [
        ("A0", "DE", b"v1" + bytes(20), None),
        ("A1", "DE", b"v1" + bytes(20), None),
    ]
    assert [r[0] for r in rest] == ["A2"]
    with store.transaction() as tx:
        tx.sealed_values.write(alerts, ("A1",), {"body": b"v2" + bytes(20)})
    with store.read() as tx:
        found = tx.alerts.get("A1")
        assert found is not None and found.body == b"v2" + bytes(20)
        counted = {
            (col.column, bytes(prefix), n)
            for col, prefix, n in tx.sealed_values.prefixes(4, 2)
            if not col.text
        }
    assert counted == {("body", b"v1", 2), ("body", b"v2", 1)}


def test_only_sealed_columns_are_written(store: Store) -> None:
    with pytest.raises(ValueError, match="issuing_state"), store.transaction() as tx:
        tx.sealed_values.write(0, ("A0",), {"issuing_state": "FR"})
