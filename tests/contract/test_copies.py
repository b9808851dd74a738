"""``tx.copies`` behaves alike on every store: a copy's bookkeeping, the leaves of a
digest, and the centre's signed digests; and ``tx.data_keys.put_delivered``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.contract.test_alerts import event, record

from limes.service.replication import CopyFilter, items_after
from limes.store.port import (
    CopyState,
    DigestRow,
    ForwardedRecord,
    KeyStatus,
    Leaf,
    Store,
    WrappedKey,
)

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)


def test_a_copy_state_begins_once_and_moves_only_forward(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.copies.state() is None
        tx.copies.begin("https://centre.test", '{"states": ["FR"]}', T0)
        tx.copies.advance(7, T0 + timedelta(seconds=1))
        tx.copies.advance(5, None)  # never back
        tx.copies.checked(T0 + timedelta(seconds=2))
    with store.read() as tx:
        assert tx.copies.state() == CopyState(
            "https://centre.test",
            '{"states": ["FR"]}',
            7,
            T0 + timedelta(seconds=1),
            T0 + timedelta(seconds=2),
            T0,
        )
    with pytest.raises(Exception):  # noqa: B017 - each driver's integrity error
        with store.transaction() as tx:
            tx.copies.begin("https://other.test", "{}", T0)
    listed = '{"centres": ["https://a.test", "https://b.test"], "current": "https://b.test"}'
    with store.transaction() as tx:
        tx.copies.set_centre(listed)  # the centre that answered, remembered
    with store.read() as tx:
        state = tx.copies.state()
        assert state is not None and (state.centre, state.position) == (listed, 7)


def test_held_rows_and_leaves(store: Store) -> None:
    with store.transaction() as tx:
        tx.alerts.insert(record("01B", issuing_state="FR"))
        tx.alerts.insert(record("01A"))
        assert tx.copies.held_seq("01A") is None
        tx.copies.hold("01A", 3)
        tx.copies.hold("01A", 9)
    with store.read() as tx:
        assert tx.copies.held_seq("01A") == 9
        leaves = tx.copies.leaves(None, 10)
        assert [(leaf.alert_id, leaf.issuing_state, leaf.held_seq) for leaf in leaves] == [
            ("01A", "DE", 9),
            ("01B", "FR", None),
        ]
        assert isinstance(leaves[0], Leaf)
        assert [leaf.alert_id for leaf in tx.copies.leaves("01A", 10)] == ["01B"]


def test_digests_keep_the_latest(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.copies.latest_digest() is None
        tx.copies.put_digest(DigestRow(4, T0, '{"seq": 4}', "c2ln"))
        tx.copies.put_digest(DigestRow(9, T0, '{"seq": 9}', "c2ln"))
    with store.read() as tx:
        assert tx.copies.latest_digest() == DigestRow(9, T0, '{"seq": 9}', "c2ln")


def test_delivered_data_keys_are_inserted_replaced_and_retired(store: Store) -> None:
    with store.transaction() as tx:
        tx.data_keys.put_delivered("DE", 2, KeyStatus.ACTIVE, "kek-c", b"\x01w", T0)
        tx.data_keys.put_delivered("DE", 2, KeyStatus.RETIRING, "kek-c", b"\x02w", T0)
        tx.data_keys.put_delivered("DE", 1, KeyStatus.RETIRED, None, None, T0)
    with store.read() as tx:
        assert tx.data_keys.wrapped("DE", 2) == WrappedKey(
            "DE", 2, KeyStatus.RETIRING, "kek-c", b"\x02w"
        )
        assert tx.data_keys.wrapped("DE", 1) == WrappedKey("DE", 1, KeyStatus.RETIRED, None, None)


def test_a_client_binding_is_one_filter_replaced_in_place(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.copies.binding("copy-de") is None
        tx.copies.bind("copy-de", '{"states": ["DE"]}', T0, "ops")
        tx.copies.bind("copy-fr", '{"states": ["FR"]}', T0, "ops")
        tx.copies.bind("copy-de", '{"states": ["AT"]}', T0 + timedelta(hours=1), "ops")
    with store.read() as tx:
        assert tx.copies.binding("copy-de") == '{"states": ["AT"]}'
        assert tx.copies.binding("copy-fr") == '{"states": ["FR"]}'
        assert tx.copies.binding("COPY-DE") is None  # names compare exactly


def test_forwarded_audit_records_are_kept_per_client_in_order(store: Store) -> None:
    def row(client: str, seq: int, first: int = 0) -> ForwardedRecord:
        return ForwardedRecord(client, seq, f'{{"seq":{seq}}}', first, "ab", "c2ln", "k", T0)

    with store.transaction() as tx:
        assert tx.copies.forwarded_next("copy-fr") == 0
        for seq in (0, 1, 2):
            tx.copies.put_forwarded(row("copy-fr", seq))
        tx.copies.put_forwarded(row("copy-de", 0))
        tx.copies.bind("copy-fr", "{}", T0, "ops", "PEM")
        tx.copies.forwarded_to(3)
        tx.copies.forwarded_to(2)  # never back
    with store.read() as tx:
        assert tx.copies.forwarded_next("copy-fr") == 3
        assert tx.copies.forwarded_record("copy-fr", 1) == '{"seq":1}'
        assert tx.copies.forwarded_record("copy-fr", 5) is None
        assert [r.seq for r in tx.copies.forwarded("copy-fr", 0, 10)] == [1, 2]
        assert tx.copies.forwarded("copy-de", -1, 10) == [row("copy-de", 0)]
        assert tx.copies.audit_key("copy-fr") == "PEM"
        assert tx.copies.audit_key("copy-de") is None
        assert tx.copies.forwarded_upto() == 3


def test_a_number_a_rolled_back_write_left_unused_is_sent_as_skipped(store: Store) -> None:
    """PostgreSQL's sequence leaves a rolled-back write's number unused (SQLite reuses it);
    either way the feed shows an unbroken sequence, the events exactly those committed."""
    with store.transaction() as tx:
        tx.alerts.insert(record("01A"))
        tx.outbox.append(event("01A"))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.outbox.append(event("01A", "alert.updated"))
        raise RuntimeError("the use case failed: rolled back")
    with store.transaction() as tx:
        tx.outbox.append(event("01A", "alert.deleted"))
    items = items_after(store, 0, 10, CopyFilter())
    assert [i.seq for i in items] == list(range(1, items[-1].seq + 1))
    assert [i.event.type for i in items if i.event is not None] == ["alert.issued", "alert.deleted"]
    assert len(items) == (3 if store.name == "postgres" else 2)
    assert items_after(store, 1, 10, CopyFilter())[0].seq == 2  # a gap right after the position
