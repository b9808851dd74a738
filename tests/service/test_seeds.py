"""Copy seeds (``service/seeds.py``): a new copy starts from the centre's signed backup,
verified before anything is stored, then follows the feed from the seed's position."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from tests.conftest import FixedClock, built
from tests.service.copy_helpers import Site, centre_site, installation, person, vehicle

from limes.errors import InvalidInput, NotFound
from limes.service.replication import CopyFilter
from limes.service.seeds import read_verified
from limes.store.alerts import AlertFilter
from limes.store.sqlite import SqliteStore


@pytest.fixture
def centre(tmp_path: Path, clock: FixedClock) -> Site:
    return centre_site(SqliteStore(tmp_path / "centre.db"), clock)


def held(store: SqliteStore) -> set[str]:
    with store.read() as tx:
        return {r.id for r in tx.alerts.list(AlertFilter(limit=1000))}


def test_a_copy_starts_from_a_verified_seed_and_follows_the_feed_from_there(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    before = [person(centre.limes, reference=f"BKA-{i}") for i in range(3)]
    before.append(vehicle(centre.limes, "FR", "FR-V"))
    seed_file = tmp_path / "centre.seed"
    made = centre.limes.replication.export_seed(seed_file, CopyFilter())
    assert made["position"] == 4 and made["items"] == 4
    assert os.stat(seed_file).st_mode & 0o777 == 0o600
    assert b"Ivanova" not in seed_file.read_bytes()  # ciphertext only
    after = person(centre.limes, reference="BKA-after")

    store = SqliteStore(tmp_path / "copy.db")
    copy = installation(store, clock)
    seed = read_verified(seed_file, centre.public_pem)
    assert copy.copies.begin_from_seed("https://centre.test", CopyFilter(), seed).applied == 4
    assert copy.copies.position() == 4
    centre.calls.clear()
    copy.copies.catch_up(centre.feed())
    assert centre.calls[0].startswith("/v1/feed?after=4")  # from the seed's position on
    assert held(store) == {*before, after}
    assert copy.copies.verify(centre.feed(), centre.public_pem).complete


def test_a_partial_copy_from_a_full_seed_holds_only_its_filter(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    person(centre.limes, "DE", "BKA-1")
    fr = vehicle(centre.limes, "FR", "FR-V")
    centre.limes.replication.export_seed(tmp_path / "s", CopyFilter())
    store = SqliteStore(tmp_path / "copy.db")
    copy = installation(store, clock)
    seed = read_verified(tmp_path / "s", centre.public_pem)
    copy.copies.begin_from_seed("https://c.test", CopyFilter.of(states=["FR"]), seed)
    assert held(store) == {fr}
    # a seed of FR only cannot start a copy of every state
    centre.limes.replication.export_seed(tmp_path / "fr", CopyFilter.of(states=["FR"]))
    other = installation(SqliteStore(tmp_path / "other.db"), clock)
    with pytest.raises(InvalidInput, match="less than this copy's filter"):
        other.copies.begin_from_seed(
            "https://c.test", CopyFilter(), read_verified(tmp_path / "fr", centre.public_pem)
        )
    assert not other.copies.is_copy()


@pytest.mark.parametrize("damage", ["byte", "cut", "swap", "other key", "not a seed"])
def test_a_changed_or_foreign_seed_is_refused_before_anything_is_stored(
    centre: Site, tmp_path: Path, clock: FixedClock, damage: str
) -> None:
    for i in range(3):
        person(centre.limes, reference=f"BKA-{i}")
    seed_file = tmp_path / "seed"
    centre.limes.replication.export_seed(seed_file, CopyFilter())
    lines = seed_file.read_bytes().splitlines(keepends=True)
    key = centre.public_pem
    if damage == "byte":
        lines[2] = lines[2].replace(b'"version":1', b'"version":2')
    elif damage == "cut":
        lines = [*lines[:2], lines[-1]]
    elif damage == "swap":
        lines[1], lines[2] = lines[2], lines[1]
    elif damage == "other key":
        key = centre_site(SqliteStore(tmp_path / "other.db"), clock).public_pem
    else:
        lines = [orjson.dumps({"format": "something else"}) + b"\n"]
    seed_file.write_bytes(b"".join(lines))
    with pytest.raises(InvalidInput):
        read_verified(seed_file, key)


def test_no_signing_key_no_seed(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteStore(tmp_path / "c.db")
    store.migrate()
    limes = built(store, clock)  # its audit log signs nothing
    with pytest.raises(NotFound, match="no audit signing key"):
        limes.replication.export_seed(tmp_path / "seed", CopyFilter())
    assert not (tmp_path / "seed").exists()
