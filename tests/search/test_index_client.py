"""A worker's ``RemoteEngine``: an index process that does not answer is given up in
time; one started again is found on the next search."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content

from limes.search import index_client
from limes.search.engine import SearchEngine
from limes.search.index_client import IndexUnavailable, RemoteEngine
from limes.search.index_server import IndexServer
from limes.search.query import PersonQuery
from limes.store.port import Store


def test_an_index_process_that_does_not_answer_is_given_up_in_time(
    sqlite_store: Store, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_client, "ANSWER_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "stuck.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stuck:
        stuck.bind(str(path))
        stuck.listen(1)  # accepts, never answers
        remote = RemoteEngine(sqlite_store, built(sqlite_store, clock).crypto, path)
        with pytest.raises(IndexUnavailable, match="did not answer"):
            remote.persons_matching(PersonQuery(surnames=("Ivanova",)), 10)


def test_a_worker_finds_a_restarted_index_process_on_its_next_search(
    sqlite_store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    """Its pooled connections went to the process that died: the search asks once more
    on a new connection rather than failing."""
    alerts = built(sqlite_store, clock).alerts
    alerts.issue(make_ctx(), content(PERSON))
    engine = SearchEngine(sqlite_store, alerts.crypto)
    engine.build()
    path = tmp_path / "index.sock"
    remote = RemoteEngine(sqlite_store, alerts.crypto, path)
    query = PersonQuery(surnames=("Ivanova",))
    for _ in range(2):  # the first server, then the one started after it
        server = IndexServer(engine, path, None)
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        assert remote.persons_matching(query, 10)
        server.close()
        thread.join()
    remote.stop()
