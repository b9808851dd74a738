"""The bulk path over forked workers (issue 15, aim 5): the same alerts as the serial
path, every check kept, and a refused alert refused as the serial path refuses it."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock
from tests.crypto.helpers import demo_contents, loader

from limes.bootstrap import Limes
from limes.crypto.bodies import is_compact
from limes.domain.match_keys import content_keys
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import validate_content
from limes.errors import InvalidInput
from limes.service import bulk_records
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
