"""The search index snapshot: sealed on disk, loaded with the feed applied after its
position, refused (and nothing loaded) when altered, foreign or ahead of the store."""

from __future__ import annotations

import stat
import zlib
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import FixedClock, built, fixed_crypto, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes.crypto import Crypto
from limes.search import snapshot
from limes.search.codes import PHONETIC_CODES
from limes.search.engine import SearchEngine
from limes.search.identifiers import IdentifierQuery, check_query
from limes.search.query import PersonQuery
from limes.service.alerts import AlertService
from limes.service.index_snapshot import IndexSnapshot
from limes.store.port import Store
from limes.store.sqlite import SqliteStore

IVANOVA = PersonQuery(surnames=("Ivanova",), forenames=("Olga",), date_of_birth="1984-03-17")
PETROVA = PersonQuery(surnames=("Petrova",), forenames=("Olga",), date_of_birth="1984-03-17")


@pytest.fixture
def alerts(store: Store, clock: FixedClock) -> AlertService:
    return built(store, clock).alerts


def _persons(engine: SearchEngine, query: PersonQuery) -> list[str]:
    return [found.alert_id for found, _ in engine.persons_matching(query, 10)]


def _plates(engine: SearchEngine, value: str) -> list[str]:
    query = check_query(IdentifierQuery(None, value))
    return [found.alert_id for found, _ in engine.identifiers_matching(query)]


def _saved(store: Store, alerts: AlertService, path: Path) -> tuple[str, str]:
    ctx = make_ctx()
    person = alerts.issue(ctx, content(PERSON)).alert.id
    vehicle = alerts.issue(ctx, content(VEHICLE)).alert.id
    engine = SearchEngine(store, alerts.crypto)
    engine.build()
    report = engine.save(path)
    assert report.position == store.last_event() and report.size == path.stat().st_size
    return person, vehicle


def test_a_snapshot_round_trip_answers_as_the_built_indexes(
    store: Store, alerts: AlertService, tmp_path: Path
) -> None:
    path = tmp_path / "search" / "index.snapshot"
    person, vehicle = _saved(store, alerts, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    loaded = SearchEngine(store, alerts.crypto)
    report = loaded.load(path)
    assert (report.alerts, report.persons, report.snapshot_position) == (
        2,
        1,
        store.last_event(),
    )
    assert loaded.built and loaded.position == store.last_event()
    assert _persons(loaded, IVANOVA) == [person]
    assert _plates(loaded, "AB-123-CD") == [vehicle]
    assert _plates(loaded, "L898902C3") == [person]


def test_the_file_holds_no_plaintext_of_what_it_indexes(
    store: Store, alerts: AlertService, tmp_path: Path
) -> None:
    """The operator with the var folder reads neither names nor numbers in it."""
    path = tmp_path / "index.snapshot"
    _saved(store, alerts, path)
    data = path.read_bytes()
    for plain in (b"ivanova", b"IVANOVA", b"Ivanova", b"olga", b"L898902C3", b"AB123CD", b"1984"):
        assert plain not in data
    with pytest.raises(zlib.error):  # the payload is sealed, not merely compressed
        zlib.decompress(data[snapshot.HEAD.size + snapshot.LENGTH.size :])


def test_the_feed_after_the_snapshot_is_applied_on_load(
    store: Store, alerts: AlertService, tmp_path: Path
) -> None:
    path = tmp_path / "index.snapshot"
    person, vehicle = _saved(store, alerts, path)
    ctx = make_ctx()
    renamed = doc(PERSON, person={**PERSON["person"], "surnames": [{"latin": "Petrova"}]})
    with store.read() as tx:
        record = tx.alerts.get(person)
    assert record is not None
    alerts.update(ctx, person, content(renamed), record.version)
    with store.read() as tx:
        gone = tx.alerts.get(vehicle)
    assert gone is not None
    alerts.delete(ctx, vehicle, gone.version)

    loaded = SearchEngine(store, alerts.crypto)
    report = loaded.load(path)
    assert report.snapshot_position is not None and report.snapshot_position < store.last_event()
    assert loaded.position == store.last_event()
    assert _persons(loaded, IVANOVA) == []
    assert _persons(loaded, PETROVA) == [person]
    assert _plates(loaded, "AB-123-CD") == []


def test_the_words_one_edit_away_load_frozen_and_grow_with_the_feed(
    store: Store, alerts: AlertService, tmp_path: Path
) -> None:
    """The snapshot holds the words by their deletions frozen (``NearWords``, format 3);
    a word the feed brings after it is found one edit away as well as those it holds."""
    path = tmp_path / "index.snapshot"
    person, _ = _saved(store, alerts, path)
    renamed = doc(PERSON, person={**PERSON["person"], "surnames": [{"latin": "Petrova"}]})
    with store.read() as tx:
        record = tx.alerts.get(person)
    assert record is not None
    alerts.update(make_ctx(), person, content(renamed), record.version)

    loaded = SearchEngine(store, alerts.crypto)
    loaded.load(path)
    near = loaded.persons._near
    assert near.nbytes() > 0 and near._layers[2].keys() >= {"petrova", "petrva"}
    assert near.near("ivanovo") == {"w:ivanova"}  # frozen, in the snapshot
    assert near.near("petrovo") == {"w:petrova"}  # added by the feed after it
    typed = PersonQuery(surnames=("Petrowa",), forenames=("Olga",), date_of_birth="1984-03-17")
    assert _persons(loaded, typed) == [person]


def test_how_common_a_name_is_loads_with_the_snapshot_and_follows_the_feed(
    store: Store, alerts: AlertService, tmp_path: Path
) -> None:
    """The people filed under each name key (``PersonIndex.bearers``, ``tiers.py``) are in
    the snapshot, and the feed after it moves them: Ivanova renamed Petrova."""
    path = tmp_path / "index.snapshot"
    person, _ = _saved(store, alerts, path)
    loaded = SearchEngine(store, alerts.crypto)
    loaded.load(path)
    assert (loaded.persons.bearers("w:ivanova"), loaded.persons.bearers("w:petrova")) == (1, 0)
    renamed = doc(PERSON, person={**PERSON["person"], "surnames": [{"latin": "Petrova"}]})
    with store.read() as tx:
        record = tx.alerts.get(person)
    assert record is not None
    alerts.update(make_ctx(), person, content(renamed), record.version)
    loaded.catch_up()
    assert (loaded.persons.bearers("w:ivanova"), loaded.persons.bearers("w:petrova")) == (0, 1)
    assert loaded.persons.bearers("w:olga") == 1
    with store.read() as tx:
        record = tx.alerts.get(person)
    assert record is not None
    alerts.delete(make_ctx(), person, record.version)
    loaded.catch_up()
    assert (loaded.persons.bearers("w:petrova"), loaded.persons.bearers("w:olga")) == (0, 0)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:-1] + bytes([b[-1] ^ 1]), id="a flipped bit"),
        pytest.param(lambda b: b[:-40], id="truncated"),
        pytest.param(lambda b: b + b"\0", id="bytes appended"),
        pytest.param(lambda b: b[:8] + (10**6).to_bytes(8, "big") + b[16:], id="position edited"),
        pytest.param(lambda b: b"NOTLIMES" + b[8:], id="another format"),
        pytest.param(lambda b: b[:5], id="shorter than its header"),
    ],
)
def test_an_altered_snapshot_is_refused_and_nothing_is_loaded(
    store: Store, alerts: AlertService, tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "index.snapshot"
    _saved(store, alerts, path)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    engine = SearchEngine(store, alerts.crypto)
    with pytest.raises(snapshot.SnapshotRefused):
        engine.load(path)
    assert not engine.built and engine.position == 0


def test_a_snapshot_of_another_installation_is_refused(
    sqlite_store: SqliteStore, clock: FixedClock, tmp_path: Path
) -> None:
    """Same keyring, another store: its data key differs, so its parts do not open."""
    path = tmp_path / "index.snapshot"
    _saved(sqlite_store, built(sqlite_store, clock).alerts, path)
    other = SqliteStore(tmp_path / "other.db")
    other.migrate()
    others = built(other, clock).alerts
    for alert in (PERSON, VEHICLE):  # a feed as far, so that only the key can refuse it
        others.issue(make_ctx(), content(alert))
    assert other.last_event() == sqlite_store.last_event()
    with pytest.raises(snapshot.SnapshotRefused, match="another installation"):
        SearchEngine(other, fixed_crypto(other)).load(path)


def test_a_snapshot_ahead_of_the_store_is_refused(
    sqlite_store: SqliteStore, clock: FixedClock, tmp_path: Path
) -> None:
    """A store restored from an older backup: the snapshot reflects writes it lacks."""
    crypto: Crypto = fixed_crypto(sqlite_store)
    engine = SearchEngine(sqlite_store, crypto)
    engine.build()
    data = snapshot.seal(crypto.fields, 99, {"anything": 1})
    snapshot.write(tmp_path / "index.snapshot", data)
    with pytest.raises(snapshot.SnapshotRefused, match="past the store"):
        SearchEngine(sqlite_store, crypto).load(tmp_path / "index.snapshot")
    assert snapshot.position_of(tmp_path / "index.snapshot") == 99


def test_an_authentic_payload_naming_a_function_is_refused(
    sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    """Defence in depth: even sealed with the right key, no function is unpickled."""
    crypto = fixed_crypto(sqlite_store)
    data = snapshot.seal(crypto.fields, 0, {"f": print})
    with pytest.raises(snapshot.SnapshotRefused, match=r"may not name builtins\.print"):
        snapshot.unseal(crypto.fields, data)


def test_a_snapshot_made_by_other_search_code_is_refused(
    sqlite_store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that reads names otherwise, the old indexes would answer wrongly."""
    crypto = fixed_crypto(sqlite_store)
    with monkeypatch.context() as other_release:
        other_release.setattr(snapshot, "RECORD", "search-index-snapshot/1/0123456789abcdef")
        data = snapshot.seal(crypto.fields, 0, {"words": ["w"]})
    with pytest.raises(snapshot.SnapshotRefused, match="other search code"):
        snapshot.unseal(crypto.fields, data)


def test_a_snapshot_of_the_earlier_format_is_refused_and_rebuilt(
    store: Store, alerts: AlertService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Format 9 held the person index's people as Python objects; format 10 holds them as
    frozen arrays (``person_table``): a file of format 9 is refused by its magic, before
    anything is opened or unpickled, and rebuilt."""
    assert snapshot.FORMAT == 10 and snapshot.MAGIC == b"LIMESI10"
    path = tmp_path / "index.snapshot"
    with monkeypatch.context() as earlier:
        earlier.setattr(snapshot, "MAGIC", b"LIMESIX9")
        earlier.setattr(snapshot, "RECORD", snapshot.RECORD.replace("/10/", "/9/"))
        person, _ = _saved(store, alerts, path)
    assert path.read_bytes()[:8] == b"LIMESIX9"
    engine = SearchEngine(store, alerts.crypto)
    with pytest.raises(
        snapshot.SnapshotRefused, match="not a Limes search index snapshot of format 10"
    ):
        engine.load(path)
    with pytest.raises(snapshot.SnapshotRefused, match="format 10"):
        snapshot.position_of(path)
    files = IndexSnapshot(path)
    assert files.load(engine) is None and files.refused is not None and not engine.built
    engine.build()
    assert files.save(engine) is not None
    fresh = SearchEngine(store, alerts.crypto)
    assert fresh.load(path) is not None and fresh.built
    assert _persons(fresh, IVANOVA) == [person]
    assert fresh.persons.bearers("w:ivanova") == 1
    columns = fresh.persons._columns
    assert len(columns.slots) == len(fresh.persons) == 1 and bool(columns.fresh.all())
    assert "ivanova" in columns.words


def test_the_code_fingerprint_follows_every_file_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "names.py").write_text("A = 1\n")
    (tmp_path / "given_names.tsv").write_text("x\ty\n")
    before = snapshot.code_fingerprint(tmp_path)
    (tmp_path / "given_names.tsv").write_text("x\tz\n")
    assert snapshot.code_fingerprint(tmp_path) != before


def test_a_missing_snapshot_is_said_as_missing(tmp_path: Path) -> None:
    with pytest.raises(snapshot.SnapshotMissing):
        snapshot.read(tmp_path / "none")
    with pytest.raises(snapshot.SnapshotMissing):
        snapshot.position_of(tmp_path / "none")


@pytest.mark.parametrize("compression", [0, 1])
def test_a_large_payload_is_sealed_in_parts_and_decompressed_as_it_is_unpickled(
    sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, compression: int
) -> None:
    """Part by part and a few bytes at a time, never whole in memory beside the arrays."""
    crypto = fixed_crypto(sqlite_store)
    monkeypatch.setattr(snapshot, "PART_BYTES", 64)
    monkeypatch.setattr(snapshot, "COMPRESSION", compression)
    monkeypatch.setattr(snapshot, "INFLATE_BYTES", 7)
    state = {"words": [f"w{i}" for i in range(100)], "slots": np.arange(900, dtype=np.int32)}
    data = snapshot.seal(crypto.fields, 0, state)
    assert int.from_bytes(data[16:20], "big") > 3

    def whole(data: bytes) -> bytes:
        raise AssertionError("the payload was decompressed whole")

    monkeypatch.setattr(snapshot.zlib, "decompress", whole)
    position, loaded = snapshot.unseal(crypto.fields, data)
    assert (position, loaded["words"]) == (0, state["words"])
    assert np.array_equal(loaded["slots"], state["slots"])


def test_codes_of_another_process_are_adopted(
    store: Store, alerts: AlertService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot written where phonetic codes had other ids still finds its people."""
    path = tmp_path / "index.snapshot"
    person, _ = _saved(store, alerts, path)
    fresh = type(PHONETIC_CODES)()
    fresh.add("a code this process saw first")  # every id of the snapshot now differs
    monkeypatch.setattr(PHONETIC_CODES, "_ids", fresh._ids)
    loaded = SearchEngine(store, alerts.crypto)
    loaded.load(path)
    assert _persons(loaded, IVANOVA) == [person]


def test_a_payload_whose_compression_ends_early_is_refused(
    sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    crypto = fixed_crypto(sqlite_store)
    whole = zlib.compress
    with monkeypatch.context() as cut:
        cut.setattr(snapshot.zlib, "compress", lambda data, level: whole(data, level)[:-6])
        data = snapshot.seal(crypto.fields, 0, {"words": ["w"] * 50})
    with pytest.raises(snapshot.SnapshotRefused, match="cannot be read"):
        snapshot.unseal(crypto.fields, data)
