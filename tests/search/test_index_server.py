"""The index process's server and a worker's ``RemoteEngine``, in one process (fast): the
same answers as the engine in process, its refusals passed on, and every request
bounded in size and time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content

from limes.errors import InvalidInput
from limes.search.engine import IndexBehind, SearchEngine
from limes.search.identifiers import IdentifierQuery, check_query
from limes.search.index_client import IndexUnavailable, RemoteEngine
from limes.search.index_server import IndexServer
from limes.search.index_wire import MAX_LIMIT
from limes.search.query import PersonQuery
from limes.store.port import Store


@pytest.fixture
def served(
    sqlite_store: Store, clock: FixedClock, tmp_path: Path
) -> Iterator[tuple[SearchEngine, RemoteEngine]]:
    alerts = built(sqlite_store, clock).alerts
    alerts.issue(make_ctx(), content(PERSON))
    alerts.issue(make_ctx(), content(VEHICLE))
    engine = SearchEngine(sqlite_store, alerts.crypto)
    engine.build()
    path = tmp_path / "index.sock"
    server = IndexServer(engine, path, tmp_path / "index.snapshot")
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    remote = RemoteEngine(sqlite_store, alerts.crypto, path)
    yield engine, remote
    remote.stop()
    server.close()
    thread.join()


def test_the_remote_engine_answers_as_the_engine_in_process(
    served: tuple[SearchEngine, RemoteEngine],
) -> None:
    engine, remote = served
    query = PersonQuery(surnames=("Ivanova",), date_of_birth="1984-03-17")
    assert remote.persons_matching(query, 10) == engine.persons_matching(query, 10)
    assert remote.persons_matching(query, 10)  # found, features and all
    checked = check_query(IdentifierQuery(None, "1M8GDM9AXKP042788"))
    assert remote.identifiers_matching(checked) == engine.identifiers_matching(checked)
    assert remote.position == engine.position  # the position the answers named
    assert remote.wait_for(engine.position) == engine.position


def test_the_hits_tied_beyond_the_limit_cross_when_asked(
    served: tuple[SearchEngine, RemoteEngine], sqlite_store: Store, clock: FixedClock
) -> None:
    engine, remote = served
    built(sqlite_store, clock).alerts.issue(make_ctx("FR"), content(PERSON))  # the same person
    engine.catch_up()
    query = PersonQuery(surnames=("Ivanova",), forenames=("Olga",), date_of_birth="1984-03-17")
    tied = remote.persons_matching(query, 1, tied=True)
    assert tied == engine.persons_matching(query, 1, tied=True)
    assert [hit.beyond_limit for _, hit in tied] == [False, True]
    assert [hit.beyond_limit for _, hit in remote.persons_matching(query, 1)] == [False]


def test_the_engines_refusals_cross_as_such(
    served: tuple[SearchEngine, RemoteEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, remote = served
    with pytest.raises(InvalidInput) as refused:
        remote.wait_for(engine.position + 5)  # no write made it
    assert refused.value.errors[0].pointer == "/wait_for"
    with pytest.raises(InvalidInput, match=f"between 1 and {MAX_LIMIT}"):
        remote.persons_matching(PersonQuery(surnames=("Ivanova",)), MAX_LIMIT + 1)

    def behind(position: int, timeout: float) -> int:
        raise IndexBehind("not yet")

    monkeypatch.setattr(engine, "wait_for", behind)
    with pytest.raises(IndexBehind, match="not yet"):
        remote.wait_for(1)


def test_a_failure_in_the_index_process_is_unavailable_without_its_detail(
    served: tuple[SearchEngine, RemoteEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, remote = served

    def broken(query: PersonQuery, limit: int) -> list[object]:
        raise RuntimeError("while scoring Ivanova")

    monkeypatch.setattr(engine, "persons_matching", broken)
    with pytest.raises(IndexUnavailable) as refused:
        remote.persons_matching(PersonQuery(surnames=("Ivanova",)), 10)
    assert "Ivanova" not in str(refused.value)
    assert remote.hello() == engine.position  # the connection serves on


def test_the_snapshot_is_written_only_where_the_index_process_keeps_it(
    served: tuple[SearchEngine, RemoteEngine], tmp_path: Path
) -> None:
    engine, remote = served
    with pytest.raises(InvalidInput, match="its own snapshot"):
        remote.save(tmp_path / "elsewhere")
    report = remote.save(tmp_path / "index.snapshot")
    assert report.position == engine.position and report.size > 0
    assert remote.catch_up() == 0
