"""One index process for every worker (``search/index_server.py``): two workers share it,
read their own writes through it, get a 503 problem while it is down after kill -9,
and find it again once its supervisor restarted it."""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import dev_settings, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes.api.app import create_app
from limes.bootstrap import Limes, build, run_search_index
from limes.config import Settings
from limes.search.identifiers import IdentifierQuery
from limes.search.index_client import IndexUnavailable, RemoteEngine
from limes.search.index_server import IndexProcess
from limes.search.query import PersonQuery
from limes.search.snapshot import position_of

pytestmark = pytest.mark.slow  # spawns the index process
DEADLINE_SECONDS = 60.0
HEADERS = {
    "X-Limes-Unsafe-Principal": "officer@SIRENE/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}


def _settings(var: Path, socket: Path | None = None) -> Settings:
    return dev_settings(var_dir=var, search_snapshot_seconds=600, search_index_socket=socket)


@pytest.fixture
def installation(tmp_path: Path) -> Path:
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    first = build(_settings(var))
    first.store.migrate()
    first.alerts.issue(make_ctx(), content(PERSON))
    first.close()
    return var


@pytest.fixture
def index(installation: Path) -> Iterator[IndexProcess]:
    process = IndexProcess(run_search_index, _settings(installation))
    process.start()
    yield process
    process.stop()


def _worker(var: Path, index: IndexProcess) -> Limes:
    return build(_settings(var, index.socket_path))


def _surnames(worker: Limes, surname: str, wait_for: int | None = None) -> list[str]:
    answer = worker.search.persons(make_ctx(), PersonQuery(surnames=(surname,)), wait_for=wait_for)
    return [h.view.alert.content.person.surnames[0].latin for h in answer.hits]  # type: ignore[union-attr]


def test_two_workers_share_one_index_and_read_their_own_writes(
    installation: Path, index: IndexProcess
) -> None:
    a, b = _worker(installation, index), _worker(installation, index)
    assert isinstance(b.search.engine, RemoteEngine)
    assert len(b.search.engine.persons) == 0  # the worker holds no index of its own
    person = {"surnames": [{"latin": "Quintero"}], "date_of_birth": "1970-01-02"}
    issued = a.alerts.issue(make_ctx(), content(doc(PERSON, person=person)))
    position = a.store.last_event()
    answer = b.search.persons(make_ctx(), PersonQuery(surnames=("Quintero",)), wait_for=position)
    assert [h.view.alert.id for h in answer.hits] == [issued.alert.id]
    assert answer.index_position >= position
    vehicle = a.alerts.issue(make_ctx(), content(VEHICLE))
    vin = IdentifierQuery(None, "1M8GDM9AXKP042788")
    found = b.search.objects(make_ctx(), [vin], wait_for=a.store.last_event())
    assert [h.view.alert.id for h in found.hits] == [vehicle.alert.id]
    for worker in (a, b):
        worker.close()


def test_kill_9_of_the_index_process_is_a_503_then_it_is_restarted(
    installation: Path, index: IndexProcess
) -> None:
    worker = _worker(installation, index)
    http = TestClient(create_app(worker))
    search = {"surnames": ["Ivanova"]}
    assert http.post("/v1/search/persons", json=search, headers=HEADERS).status_code == 200
    pid = index.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + DEADLINE_SECONDS
    while index.pid == pid and index.restarts == 0:
        refused = http.post("/v1/search/persons", json=search, headers=HEADERS)
        if refused.status_code == 503:
            break
        assert time.monotonic() < deadline
    assert refused.status_code == 503
    problem = refused.json()
    assert problem["type"].endswith("search-index-unavailable"), problem
    while index.restarts == 0 or index.pid == pid:
        assert time.monotonic() < deadline, "the index process was not started again"
        time.sleep(0.05)
    answer = http.post("/v1/search/persons", json=search, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["hits"]
    worker.close()


def test_the_socket_is_the_owners_only(index: IndexProcess) -> None:
    assert stat.S_IMODE(index.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(index.socket_path.stat().st_mode) == 0o600


def test_a_tampered_snapshot_is_refused_and_the_index_process_rebuilds(
    installation: Path,
) -> None:
    warm = IndexProcess(run_search_index, _settings(installation))
    warm.start()  # builds from the store and writes the snapshot
    warm.stop()
    snapshot = installation / "search" / "index.snapshot"
    data = bytearray(snapshot.read_bytes())
    data[-3] ^= 0xFF
    snapshot.write_bytes(bytes(data))
    process = IndexProcess(run_search_index, _settings(installation))
    process.start()
    try:
        worker = _worker(installation, process)
        assert _surnames(worker, "Ivanova") == ["Ivanova"]
        assert position_of(snapshot) == worker.store.last_event()  # rewritten, and sound
        worker.close()
    finally:
        process.stop()


def test_a_worker_without_its_index_process_answers_unavailable(installation: Path) -> None:
    worker = build(_settings(installation, installation / "nowhere.sock"))
    with pytest.raises(IndexUnavailable):
        worker.search.persons(make_ctx(), PersonQuery(surnames=("Ivanova",)))
    worker.close()
