"""``bulk_rows`` (issue 15): the rows of a bulk load, made before its transaction, are
exactly the rows ``alert_row`` and ``event_row`` write one at a time, in both
dialects; and a batch whose rows cannot be made writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.contract.test_alerts import event, record

from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode
from limes.domain.events import ChangeEvent, EventType
from limes.domain.ids import new_id
from limes.store.alerts import alert_row
from limes.store.bulk_rows import bulk_rows
from limes.store.dialect import POSTGRES, SQLITE, Dialect
from limes.store.event_codes import CATEGORY_CODES, OBJECT_TYPE_CODES
from limes.store.match_key_bytes import stored_keys
from limes.store.outbox import event_row
from limes.store.port import AlertRecord, Store

T0 = datetime(2026, 12, 7, 6, 0, 0, 654321, tzinfo=UTC)
TOKEN = "i1.0b3XU_p8fliJ7nJayfMKaA"


def _mixed() -> tuple[list[AlertRecord], list[ChangeEvent]]:
    """Records of every category and object type, shared and distinct times, ULID and
    other ids, token and text keys, no keys, warned and extended ones; events of them,
    of an alert not among them, with and without detail, of a category without number."""
    records = []
    for n, category in enumerate(CATEGORY_CODES):
        objects = category.startswith("object")
        records.append(
            record(
                new_id(1_765_000_000_000 + n) if n % 3 else f"A{n}",
                category=category.value,
                object_type=OBJECT_TYPE_CODES[n % len(OBJECT_TYPE_CODES)].value
                if objects
                else None,
                subject="object" if objects else "person",
                issuing_state=("DE", "FR")[n % 2],
                status=(AlertStatus.ACTIVE, AlertStatus.DELETED)[n % 2],
                version=n + 1,
                created_at=T0,
                updated_at=T0 + timedelta(microseconds=n % 2),
                expires_at=T0 + timedelta(days=365 * (n % 4)),
                warned_at=T0 if n == 4 else None,
                extensions=b"[1]" if n == 3 else None,
                keys=frozenset({TOKEN, f"k:{n}"} if n % 2 else set()),
            )
        )
    events = [
        ChangeEvent(EventType.ALERT_ISSUED, r.id, r.issuing_state, r.category, 1, r.created_at)
        for r in records
    ]
    events += [
        ChangeEvent(EventType.ALERT_UPDATED, records[1].id, "DE", records[1].category, 2, T0),
        ChangeEvent(EventType.ALERT_EXPIRED, "elsewhere", "FR", "no_number", 3, T0, {"a": "b"}),
    ]
    return records, events


@pytest.mark.parametrize("d", [SQLITE, POSTGRES], ids=["sqlite", "postgres"])
def test_bulk_rows_are_the_rows_written_one_at_a_time(d: Dialect) -> None:
    records, events = _mixed()

    alerts, keys, changes = bulk_rows(d, records, events)

    assert alerts == [alert_row(d, r) for r in records]
    # in key order, not the records': the writer inserts them along alert_keys' B-tree
    assert keys == sorted((k, alert_row(d, r)[0]) for r in records for k in stored_keys(r.keys))
    assert keys != [(k, alert_row(d, r)[0]) for r in records for k in stored_keys(r.keys)]
    # an event of one of the records, with its state and category: PostgreSQL's row holds
    # neither (0030; the single append finds the alert's row in the database)
    held = {(r.id, r.issuing_state, r.category) for r in records}
    as_alert = [(e.alert_id, e.issuing_state, e.category) in held for e in events]
    assert as_alert == [True] * len(records) + [False, False]  # another state; no such alert
    assert changes == [event_row(d, e, as_alert=a) for e, a in zip(events, as_alert, strict=True)]
    if d is POSTGRES:
        assert [c[3:5] for c in changes] == [(None, None)] * len(records) + [
            ("DE", str(CATEGORY_CODES.index(CategoryCode(records[1].category)))),
            ("FR", "no_number"),
        ]


def test_bulk_rows_refuses_what_event_row_refuses() -> None:
    digits = ChangeEvent(EventType.ALERT_ISSUED, "A1", "DE", "123", 1, T0)  # reads back as 123
    with pytest.raises(ValueError, match="read back as a number"):
        event_row(POSTGRES, digits)
    with pytest.raises(ValueError, match="read back as a number"):
        bulk_rows(POSTGRES, [record("A1")], [digits])


def test_a_batch_whose_rows_cannot_be_made_writes_nothing(store: Store) -> None:
    records = [record(f"C{i:03d}") for i in range(3)]
    events = [event("C000"), event("C001"), event("C002", kind="no.such.event")]  # no number

    with pytest.raises(KeyError):
        store.bulk_insert(records, events)

    assert store.count() == 0
    assert store.events_after(0) == []
