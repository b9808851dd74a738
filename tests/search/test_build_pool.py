"""The build from the store over forked processes (``build_pool.py``, issue 15): the
indexes of one process, to the last array and name code, on SQLite and PostgreSQL; a
process that dies fails the build and leaves nothing built; one process forks nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import types
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.conftest import FixedClock, built, dev_settings, make_ctx
from tests.test_local_service import _alive

from limes.bootstrap import build
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.errors import Unavailable
from limes.search import build_pool, codes, identifier_arrays, name_match
from limes.search import engine as engine_module
from limes.search.engine import SearchEngine
from limes.search.identifiers import IdentifierQuery, check_query
from limes.search.query import PersonQuery
from limes.service.alerts import AlertService
from limes.store.port import Store

PERSONS, OBJECTS = 150, 1_050


def _differs(a: Any, b: Any, path: str = "") -> str | None:
    """Where two index states differ (None: nowhere): every attribute, item and array."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        same = a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
        return None if same else f"{path}: arrays differ"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys differ"
        return next((d for k in a if (d := _differs(a[k], b[k], f"{path}[{k!r}]"))), None)
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} items"
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := _differs(x, y, f"{path}[{i}]"))), None)
    names = [n for c in type(a).__mro__ for n in getattr(c, "__slots__", ())]
    names += list(getattr(a, "__dict__", {}))
    if not names or isinstance(a, str | bytes | int | float | set | frozenset):
        return None if a == b else f"{path}: {a!r} != {b!r}"
    for name in names:
        if name in ("_write", "_lock", "__weakref__"):
            continue
        found = _differs(getattr(a, name, None), getattr(b, name, None), f"{path}.{name}")
        if found:
            return found
    return None


def _state(engine: SearchEngine) -> dict[str, Any]:
    return {
        "slots": engine._slots.state(),
        "persons": engine.persons.state(),
        "identifiers": engine.identifiers.state(),
        "codes": codes.export_codes(),
    }


@pytest.fixture
def fresh_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name codes numbered from 1 again, as in a new process, and one identifier secret,
    so that two builds compare array for array."""
    for kind, attr in (("phonetic", "PHONETIC"), ("group", "GROUP"), ("consonants", "CONSONANT")):
        numbering = codes.Codes()
        monkeypatch.setitem(codes.NUMBERINGS, kind, numbering)
        monkeypatch.setattr(name_match, f"{attr}_CODES", numbering)
    secret = types.SimpleNamespace(urandom=lambda n: bytes(range(n)))
    monkeypatch.setattr(identifier_arrays, "os", secret)


def _renumbered(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, attr in (("phonetic", "PHONETIC"), ("group", "GROUP"), ("consonants", "CONSONANT")):
        numbering = codes.Codes()
        monkeypatch.setitem(codes.NUMBERINGS, kind, numbering)
        monkeypatch.setattr(name_match, f"{attr}_CODES", numbering)


@pytest.fixture
def alerts(store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> AlertService:
    """Demo alerts (persons with aliases, several names and documents; objects of every
    category), some deleted, in pages of 100 so that a build has a dozen."""
    monkeypatch.setattr(engine_module, "PAGE", 100)
    service = built(store, clock).alerts
    by_state: dict[str, list[AlertContent]] = defaultdict(list)
    for state, content in generate(PERSONS, OBJECTS, seed=5):
        by_state[state].append(content)
    for state, contents in by_state.items():
        for _ in service.bulk_issue(make_ctx(state), contents):
            pass
    with store.read() as tx:
        some = tx.alerts.sealed(None, 1_000)[::37]
    for alert_id, _, state, version, _, _ in some:  # deleted: no longer active
        service.delete(make_ctx(state), alert_id, version)
    return service


QUERIES = [
    PersonQuery(
        surnames=tuple(n.latin for n in c.person.surnames),
        forenames=tuple(n.latin for n in c.person.forenames),
        date_of_birth=c.person.date_of_birth,
    )
    for _, c in list(generate(PERSONS, 0, seed=5))[::25]
    if c.person is not None
]


def _answers(engine: SearchEngine, values: Sequence[str]) -> list[object]:
    people = [
        [(i.alert_id, h.score) for i, h in engine.persons_matching(q, 20, tied=True)]
        for q in QUERIES
    ]
    objects = [
        [(i.alert_id, m.exact) for i, m in engine.identifiers_matching(check_query(q))]
        for q in (IdentifierQuery(None, v) for v in values)
    ]
    return [people, objects]


def test_a_build_over_processes_makes_the_indexes_of_one_process(
    store: Store, alerts: AlertService, fresh_codes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    real = build_pool.OpeningPool.opened

    def counted(pool: build_pool.OpeningPool, future: Any) -> Any:
        found = real(pool, future)
        opened.append(found is not None)
        return found

    monkeypatch.setattr(build_pool.OpeningPool, "opened", counted)
    pooled = SearchEngine(store, alerts.crypto, processes=2)
    pooled_report = pooled.build()
    assert len(opened) > 5 and all(opened)  # every page opened by a worker
    pooled_codes = codes.export_codes()  # numbered by two workers, renumbered here
    values = [
        value
        for _, c in generate(PERSONS, OBJECTS, seed=5)
        for value in (
            [i.value for i in c.object.identifiers] if c.object else [],
            [d.number for d in c.person.documents] if c.person else [],
        )[0][:1]
    ][::20]
    _renumbered(monkeypatch)  # one process numbering its own codes from 1
    alone = SearchEngine(store, alerts.crypto, processes=1)
    report = alone.build()
    assert (pooled_report.alerts, pooled_report.persons, pooled_report.identifiers) == (
        report.alerts,
        report.persons,
        report.identifiers,
    )
    assert report.alerts == PERSONS + OBJECTS - len(range(0, 1_000, 37))
    assert codes.export_codes() == pooled_codes
    assert _differs(_state(pooled), _state(alone)) is None
    answers = _answers(pooled, values)
    found = [sum(1 for a in kind if a) / len(kind) for kind in answers]
    assert min(found) >= 0.5  # most find what they were drawn from (some were deleted)
    assert answers == _answers(alone, values)

    # changes after the build come through the feed, to both alike
    ctx = make_ctx("DE")
    with store.read() as tx:
        rows = tx.alerts.sealed(None, 300)
    for alert_id, _, state, version, _, _ in rows[::50]:
        alerts.delete(make_ctx(state), alert_id, version)
    new = list(generate(5, 5, seed=11))
    for _ in alerts.bulk_issue(ctx, [c for s, c in new if s == "DE"] or [new[0][1]]):
        pass
    assert pooled.catch_up() == alone.catch_up() > 0
    assert _differs(_state(pooled), _state(alone)) is None
    assert _answers(pooled, values) == _answers(alone, values)


_REAL_OPEN_PAGE = build_pool._open_page


def _dying(rows: Sequence[build_pool.Row]) -> build_pool.Page:
    """A worker's page that kills it on the store's third page (sent by name)."""
    if os.environ.get("LIMES_TEST_DIE_AT") == rows[0][0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_OPEN_PAGE(rows)


def test_a_worker_killed_fails_the_build_and_nothing_is_served(
    store: Store, alerts: AlertService, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.read() as tx:
        third = tx.alerts.sealed(None, 300)[200][0]
    monkeypatch.setenv("LIMES_TEST_DIE_AT", third)
    monkeypatch.setattr(build_pool, "_open_page", _dying)
    engine = SearchEngine(store, alerts.crypto, processes=2)
    with pytest.raises(Unavailable, match="nothing of it is used"):
        engine.build()
    assert not engine.built
    assert (len(engine._slots), len(engine.persons), len(engine.identifiers)) == (0, 0, 0)
    assert engine.persons_matching(QUERIES[0], 10) == []
    monkeypatch.setattr(build_pool, "_open_page", _REAL_OPEN_PAGE)
    assert SearchEngine(store, alerts.crypto, processes=2).build().alerts > 0  # a pool again


def test_one_process_forks_nothing(
    store: Store, alerts: AlertService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object) -> None:
        raise AssertionError("a pool was started for one process")

    monkeypatch.setattr(build_pool.OpeningPool, "__init__", refused)
    report = SearchEngine(store, alerts.crypto, processes=1).build()
    assert report.alerts == PERSONS + OBJECTS - len(range(0, 1_000, 37))


def test_the_store_pages_what_a_build_reads(store: Store, alerts: AlertService) -> None:
    with store.read() as tx:
        first = tx.alerts.sealed(None, 400)
        rest = tx.alerts.sealed(first[-1][0], 5_000)
        listed = [r.id for r in tx.alerts.list(engine_module.AlertFilter(limit=5_000))]
        record = tx.alerts.get(first[0][0])
    assert [row[0] for row in first + rest] == listed  # the active ones, in id order
    assert record is not None
    assert first[0] == (
        record.id,
        record.category,
        record.issuing_state,
        record.version,
        record.body,
        record.extensions,
    )


def test_a_daemonic_process_builds_alone(
    store: Store, alerts: AlertService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``limes serve --workers N``'s index process is daemonic, and multiprocessing
    forbids such a process children: its build runs in it, and does not fail."""

    def refused(*_: object) -> None:
        raise AssertionError("a pool was started in a daemonic process")

    monkeypatch.setattr(build_pool.OpeningPool, "__init__", refused)
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    report = SearchEngine(store, alerts.crypto, processes=2).build()
    assert report.alerts == PERSONS + OBJECTS - len(range(0, 1_000, 37))


def _pool_held(var: Path, pids: Any) -> None:
    """A process that starts a build's pool (its workers forked at the first page) and
    works on, as the index process does while it builds."""
    app = build(dev_settings(var_dir=var))
    app.store.migrate()
    pool = build_pool.OpeningPool(app.store, app.crypto, 2)
    pool.submit([]).result()
    pids.send(sorted(pool._pool._processes) if pool._pool else [])
    time.sleep(60)


def test_the_pools_workers_end_with_the_process_that_forked_them(tmp_path: Path) -> None:
    """The index process killed while it builds (kill -9, or ended with its killed
    parent) leaves none of its pool's workers behind, holding keys and memory."""
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    building = context.Process(target=_pool_held, args=(var, send))
    building.start()
    try:
        assert receive.poll(60), "the pool did not start"
        workers = receive.recv()
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        os.kill(building.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
    finally:
        building.kill()
        building.join(10)
        for pid in workers if "workers" in locals() else []:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
