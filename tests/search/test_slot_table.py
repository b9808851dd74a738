"""The engine's slots as arrays: the same alert behind every slot, and the same live slot
for every id, frozen, changed on top, frozen again and through a snapshot."""

from __future__ import annotations

import random

import numpy as np
import pytest
from tests.conftest import fixed_crypto

from limes.domain.ids import new_id
from limes.domain.ids import ulid_bytes as packed
from limes.domain.ids import ulid_text as unpacked
from limes.search import slot_table, snapshot
from limes.search.slot_table import Indexed, SlotTable
from limes.store.sqlite import SqliteStore

CATEGORIES = ("stolen_vehicle", "wanted_arrest", "missing_person")


@pytest.mark.parametrize("ms", [0, 1, 1_700_000_000_000, 2**48 - 1])
def test_a_ulid_packs_into_sixteen_bytes_and_back(ms: int) -> None:
    for _ in range(50):
        alert_id = new_id(ms)
        raw = packed(alert_id)
        assert raw is not None and len(raw) == 16 and unpacked(raw) == alert_id
    assert packed("0" * 26) == bytes(16) and packed("7" + "Z" * 25) == b"\xff" * 16


@pytest.mark.parametrize(
    "odd", ["8" + "0" * 25, "0" * 25, "0" * 25 + "U", "0" * 25 + "a", "alert-1"]
)
def test_what_is_not_a_ulid_does_not_pack(odd: str) -> None:
    assert packed(odd) is None


def test_ids_pack_in_their_order() -> None:
    ids = sorted(new_id(random.Random(i).randrange(2**48)) for i in range(200))
    assert sorted(ids, key=lambda i: packed(i) or b"") == ids


class Reference:
    def __init__(self) -> None:
        self.indexed: list[Indexed | None] = []
        self.slots: dict[str, int] = {}


def _same(table: SlotTable, reference: Reference, ids: list[str]) -> None:
    assert [table.indexed(s) for s in range(len(reference.indexed) + 2)] == [
        *reference.indexed,
        None,
        None,
    ]
    assert [table.get(i) for i in ids] == [reference.slots.get(i) for i in ids]
    assert len(table) == len(reference.slots)
    assert table.indexed(-1) is None


def _changed(table: SlotTable, reference: Reference, ids: list[str], rng: random.Random) -> None:
    for _ in range(150):
        alert_id = rng.choice(ids)
        forgotten = table.forget(alert_id)
        assert forgotten == reference.slots.pop(alert_id, None)
        if forgotten is not None:
            reference.indexed[forgotten] = None
        if rng.random() < 0.6:  # a new version: a new slot
            found = Indexed(alert_id, rng.randint(1, 9), rng.choice(CATEGORIES))
            slot = table.append(found)
            assert slot == len(reference.indexed)
            reference.indexed.append(found)
            reference.slots[alert_id] = slot


def test_frozen_changed_and_through_a_snapshot_the_slots_are_the_same(
    sqlite_store: SqliteStore,
) -> None:
    rng = random.Random(2)
    ids = [new_id(rng.randrange(2**40)) for _ in range(300)] + ["not-a-ulid", "8" * 26]
    table, reference = SlotTable(), Reference()
    for alert_id in ids[:250] + ids[-2:]:
        found = Indexed(alert_id, 1, rng.choice(CATEGORIES))
        reference.slots[alert_id] = table.append(found)
        reference.indexed.append(found)
    _same(table, reference, ids)
    table.freeze()
    frozen = table._layers.frozen
    assert (
        len(frozen) == 252
        and not table._layers.recent
        and frozen.odd
        == {
            250: "not-a-ulid",
            251: "8" * 26,
        }
    )
    assert frozen.nbytes() == 252 * (16 + 4 + 2 + 4)
    _same(table, reference, ids)
    _changed(table, reference, ids, rng)
    assert table._layers.dead and table._layers.recent
    _same(table, reference, ids)
    crypto = fixed_crypto(sqlite_store)
    _, state = snapshot.unseal(crypto.fields, snapshot.seal(crypto.fields, 1, table.state()))
    _same(table, reference, ids)
    assert bool(np.any(table._layers.frozen.versions < 0))  # forgotten slots keep their place
    loaded = SlotTable(state)
    _same(loaded, reference, ids)
    _changed(loaded, reference, ids, rng)
    loaded.freeze()
    _same(loaded, reference, ids)


@pytest.mark.parametrize("bisect_most", [4096, 0])
def test_a_few_slots_numbered_after_a_freeze_are_inserted_in_id_order(
    bisect_most: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slot_table, "BISECT_MOST", bisect_most)
    rng = random.Random(4)
    ids = [new_id(rng.randrange(2**40)) for _ in range(800)]
    table, reference = SlotTable(), Reference()
    for alert_id in ids[:700]:
        found = Indexed(alert_id, 1, CATEGORIES[0])
        reference.slots[alert_id] = table.append(found)
        reference.indexed.append(found)
    table.freeze()
    for alert_id in [*rng.sample(ids[:700], 10), *ids[700:720]]:  # new versions, new alerts
        forgotten = table.forget(alert_id)
        if forgotten is not None:
            reference.indexed[forgotten] = None
        found = Indexed(alert_id, 2, CATEGORIES[1])
        reference.slots[alert_id] = table.append(found)
        reference.indexed.append(found)
    assert len(table._layers.recent) * 8 < len(table._layers.frozen)  # the insert path
    table.freeze()
    frozen = table._layers.frozen
    assert sorted(frozen.by_id.tolist()) == list(range(730))
    assert list(frozen.ids[frozen.by_id]) == sorted(frozen.ids)
    _same(table, reference, ids)
