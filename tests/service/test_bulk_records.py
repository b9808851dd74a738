"""The bulk path over forked workers (issue 15, aim 5): the same alerts and the same
change events as the serial path, every check kept, a refused alert refused as the
serial path refuses it, and a worker that dies failing its batch with nothing written."""

from __future__ import annotations

import gc
import os
from typing import Any

import pytest
from tests.conftest import FixedClock
from tests.crypto.helpers import demo_contents, loader

from limes.bootstrap import Limes
from limes.crypto.bodies import is_compact
from limes.domain.match_keys import content_keys
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import validate_content
from limes.errors import InvalidInput, Unavailable
from limes.service import bulk_records
from limes.store.event_codes import category_code
from limes.store.port import AlertFilter, AlertRecord, Store


def _stored(store: Store) -> list[AlertRecord]:
    """Every stored alert, with its blind-index tokens."""
    with store.read() as tx:
        ids = [r.id for r in tx.alerts.list(AlertFilter(status=None, limit=500))]
        return list(tx.alerts.get_many(ids).values())


def test_workers_make_the_alerts_the_serial_path_makes(
    app: Limes, store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_records, "PIECE", 7)  # several pieces per batch, on small data
    (state, contents), *_ = sorted(demo_contents(20, 80, seed=6).items(), key=lambda i: -len(i[1]))
    counts = list(app.alerts.bulk_issue(loader(state), contents, batch=25, workers=2))
    assert counts[-1] == len(contents) and len(counts) == -(-len(contents) // 25)
    stored = _stored(store)
    assert len({r.id for r in stored}) == len(contents)
    opened = [app.alerts.get(loader(state), r.id).alert.content for r in stored]
    valid = [validate_content(c, clock().date()) for c in contents]
    assert sorted(map(repr, opened)) == sorted(map(repr, valid))  # each, as validated
    for record in stored:  # sealed in the workers, compact, bound to its own id
        plain = app.crypto.fields.open(state, record.id, SealedField.BODY, record.body or b"")
        assert is_compact(plain) and record.keys
        content = app.alerts.get(loader(state), record.id).alert.content
        assert record.keys == app.crypto.index.tokens(content_keys(content))
    assert store.last_event() == len(contents)  # one change event each


def test_a_refused_alert_in_a_worker_is_refused_as_in_the_serial_path(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_records, "PIECE", 5)
    (state, contents), *_ = sorted(demo_contents(5, 200, seed=8).items(), key=lambda i: -len(i[1]))
    bad = list(contents)
    first = bad[13]
    bad[13] = type(first)(**{**{f: getattr(first, f) for f in first.__slots__}, "reason": " "})
    with pytest.raises(InvalidInput) as serial:
        list(app.alerts.bulk_issue(loader(state), bad, batch=100))
    with pytest.raises(InvalidInput) as pooled:
        list(app.alerts.bulk_issue(loader(state), bad, batch=100, workers=2))
    assert pooled.value.errors == serial.value.errors and pooled.value.errors
    assert str(pooled.value) == str(serial.value)
    assert _stored(store) == []  # no partial write


@pytest.mark.parametrize("workers", [1, 2])
def test_a_refused_alert_in_a_later_batch_leaves_the_batches_before_it_written(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The workers make the next batch while one is written: the batch before a refused
    one is still written whole, and nothing of the refused one or after it."""
    monkeypatch.setattr(bulk_records, "PIECE", 5)
    (state, contents), *_ = sorted(demo_contents(5, 800, seed=8).items(), key=lambda i: -len(i[1]))
    bad = list(contents)
    assert len(bad) > 75
    first = bad[60]
    bad[60] = type(first)(**{**{f: getattr(first, f) for f in first.__slots__}, "reason": " "})
    counts: list[int] = []
    with pytest.raises(InvalidInput, match="problem"):
        for count in app.alerts.bulk_issue(loader(state), bad, batch=25, workers=workers):
            counts.append(count)
    assert counts == [25, 50] and len(_stored(store)) == 50
    assert store.last_event() == 50 and bulk_records._MAKER is None  # the workers ended


def _made_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the pieces this process makes (the workers, forked before, do not count)."""
    sizes: list[int] = []
    make_rows = bulk_records.RecordMaker.make_rows

    def counted(self: bulk_records.RecordMaker, contents: Any, now: Any, rows: Any) -> Any:
        sizes.append(len(contents))
        return make_rows(self, contents, now, rows)

    monkeypatch.setattr(bulk_records.RecordMaker, "make_rows", counted)
    return sizes


def test_the_pieces_no_worker_has_begun_are_made_here_in_order(
    app: Limes, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_records, "PIECE", 2)  # far more pieces than workers take at once
    (state, contents), *_ = sorted(demo_contents(20, 400, seed=6).items(), key=lambda i: -len(i[1]))
    maker, rows = app.alerts.record_maker(state), app.store.bulk_rows_maker()
    making = bulk_records.Making(maker, contents, clock(), 2, rows)  # the workers fork here
    sizes = _made_here(monkeypatch)

    made = making.result()

    assert sizes and sum(sizes) < len(contents)  # some pieces here, the others in workers
    in_order = [category_code(c.category.value) for c in contents]
    assert [row[1] for row in made.rows.alerts] == in_order
    assert len(set(made.ids)) == len(contents) == len(made.rows.events)
    assert bulk_records._MAKER is None  # the workers ended


def test_a_refused_piece_made_here_is_raised_after_the_pieces_before_it(
    app: Limes, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two refused alerts, one early (a worker's piece) and one in the last piece (made
    here): the error is the early one's, as the serial path raises it."""
    monkeypatch.setattr(bulk_records, "PIECE", 2)
    (state, contents), *_ = sorted(demo_contents(20, 400, seed=6).items(), key=lambda i: -len(i[1]))
    bad = list(contents)
    for at, reason in ((3, " early"), (len(bad) - 1, " late")):
        one = bad[at]
        bad[at] = type(one)(**{**{f: getattr(one, f) for f in one.__slots__}, "reason": reason})
    maker, rows = app.alerts.record_maker(state), app.store.bulk_rows_maker()
    with pytest.raises(InvalidInput) as serial:
        maker.make_all(bad, clock())
    making = bulk_records.Making(maker, bad, clock(), 2, rows)
    sizes = _made_here(monkeypatch)

    with pytest.raises(InvalidInput) as pooled:
        making.result()

    last = len(bad) - (len(bad) - 1) // 2 * 2
    assert sizes == [last, 2]  # the last piece made here (refused: no more), the early one again
    assert pooled.value.errors == serial.value.errors
    assert bulk_records._MAKER is None


def test_a_batch_of_few_pieces_is_made_here_without_forking(
    app: Limes, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking costs more than it saves on a small batch (``FORKED_FROM``)."""
    monkeypatch.setattr(bulk_records, "PIECE", 10)
    (state, contents), *_ = sorted(demo_contents(20, 400, seed=6).items(), key=lambda i: -len(i[1]))
    maker, rows = app.alerts.record_maker(state), app.store.bulk_rows_maker()
    few = contents[: 10 * (bulk_records.FORKED_FROM - 1)]
    enough = contents[: 10 * bulk_records.FORKED_FROM]

    small = bulk_records.Making(maker, few, clock(), 2, rows)
    assert small._workers is None and bulk_records._MAKER is None
    assert len(small.result().ids) == len(few)
    large = bulk_records.Making(maker, enough, clock(), 2, rows)
    assert large._workers is not None
    assert len(large.result().ids) == len(enough) and bulk_records._MAKER is None


def test_the_workers_write_the_feed_and_the_alerts_the_serial_path_writes(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same contents loaded serially, then over workers: event for event in the
    change feed the same (type, state, category, version, time), and each event's alert
    opened to the same content."""
    monkeypatch.setattr(bulk_records, "PIECE", 7)
    (state, contents), *_ = sorted(demo_contents(20, 80, seed=9).items(), key=lambda i: -len(i[1]))
    list(app.alerts.bulk_issue(loader(state), contents, batch=30))
    list(app.alerts.bulk_issue(loader(state), contents, batch=30, workers=2))
    events = store.events_after(0, limit=2 * len(contents) + 1)
    assert len(events) == 2 * len(contents)
    serial, pooled = events[: len(contents)], events[len(contents) :]

    def seen(event: Any) -> tuple[Any, ...]:
        opened = app.alerts.get(loader(state), event.alert_id).alert.content
        kept = (event.type, event.issuing_state, event.category, event.version, event.at)
        return (*kept, event.detail, repr(opened))

    assert [seen(e) for e in pooled] == [seen(e) for e in serial]
    assert {e.alert_id for e in pooled}.isdisjoint(e.alert_id for e in serial)


def _dies_on_a_piece(start: int, end: int, now: Any) -> Any:
    """A worker's task that kills its process, as the kernel's OOM killer would."""
    os._exit(9)


@pytest.mark.parametrize("in_memory", [True, False], ids=["forked-once", "forked-per-batch"])
def test_a_worker_that_dies_fails_its_batch_and_nothing_is_written(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    monkeypatch.setattr(bulk_records, "PIECE", 5)
    # forked after this: the workers run the patched task, this process makes none
    monkeypatch.setattr(bulk_records, "_piece", _dies_on_a_piece)
    monkeypatch.setattr(bulk_records.Making, "_make_untaken", lambda self: {})
    (state, contents), *_ = sorted(demo_contents(5, 200, seed=8).items(), key=lambda i: -len(i[1]))
    load = contents if in_memory else iter(contents)
    with pytest.raises(Unavailable, match="nothing of that batch is written"):
        list(app.alerts.bulk_issue(loader(state), load, batch=100, workers=2))
    assert _stored(store) == [] and store.last_event() == 0
    assert bulk_records._MAKER is None  # the pool ended


def test_a_load_in_memory_forks_its_workers_once_an_iterator_per_batch(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fork costs the pages written after it (copy on write): a sequence, in memory
    already, is made by workers forked once; an iterator's batches each by their own."""
    monkeypatch.setattr(bulk_records, "PIECE", 2)  # a batch of 8 is 4 pieces: forked for
    forks: list[int] = []

    class Counted(bulk_records.Workers):
        def __init__(self, *args: Any) -> None:
            forks.append(len(args[1]))
            super().__init__(*args)

    monkeypatch.setattr(bulk_records, "Workers", Counted)
    (state, contents), *_ = sorted(demo_contents(5, 300, seed=8).items(), key=lambda i: -len(i[1]))
    batches = -(-len(contents) // 8)
    assert batches >= 4
    assert list(app.alerts.bulk_issue(loader(state), contents, batch=8, workers=2))[-1] == len(
        contents
    )
    assert forks == [len(contents)]
    forks.clear()
    list(app.alerts.bulk_issue(loader(state), iter(contents), batch=8, workers=2))
    assert len(forks) == len(contents) // 8 and set(forks) == {8}  # the last batch is short
    assert store.last_event() == 2 * len(contents) and bulk_records._MAKER is None


@pytest.mark.parametrize("workers", [1, 2])
def test_the_writer_makes_and_writes_a_batch_with_the_cyclic_collector_off(
    app: Limes, store: Store, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """As in the workers: a batch's rows are tuples freed by their counts, and a
    collection over them finds nothing (``collector_paused``); it is on again between
    batches, after the load, and after a refused batch."""
    monkeypatch.setattr(bulk_records, "PIECE", 5)
    (state, contents), *_ = sorted(demo_contents(5, 400, seed=8).items(), key=lambda i: -len(i[1]))
    collecting: list[bool] = []
    insert = store.insert_bulk_rows

    def noted(rows: Any) -> None:
        collecting.append(gc.isenabled())
        insert(rows)

    monkeypatch.setattr(store, "insert_bulk_rows", noted)
    for _ in app.alerts.bulk_issue(loader(state), contents, batch=25, workers=workers):
        assert gc.isenabled()
    assert collecting and not any(collecting) and gc.isenabled()
    bad, first = list(contents), contents[30]
    bad[30] = type(first)(**{**{f: getattr(first, f) for f in first.__slots__}, "reason": " "})
    with pytest.raises(InvalidInput):
        list(app.alerts.bulk_issue(loader(state), bad, batch=25, workers=workers))
    assert gc.isenabled()
