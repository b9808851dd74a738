"""The installation's search index snapshot: written after a build, loaded at the next
start, refused with one log line and rebuilt, rewritten by its periodic job."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content

from limes.search.snapshot import position_of
from limes.service.index_snapshot import IndexSnapshot
from limes.service.search import SearchService
from limes.store.port import Store


def _search(store: Store, clock: FixedClock, var: Path) -> SearchService:
    return built(store, clock, var_dir=var, search_snapshot_seconds=600).search


def test_a_build_writes_the_snapshot_the_next_start_loads(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    first = _search(store, clock, tmp_path)
    first.alerts.issue(make_ctx(), content(PERSON))
    built_report = first.start(follow=False)
    assert built_report is not None and built_report.snapshot_position is None
    assert first.snapshot is not None
    assert first.snapshot.path == tmp_path / "search" / "index.snapshot"
    assert position_of(first.snapshot.path) == store.last_event()

    second = _search(store, clock, tmp_path)
    loaded = second.start(follow=False)
    assert loaded is not None and loaded.snapshot_position == store.last_event()
    assert (loaded.alerts, loaded.persons) == (1, 1)


def test_a_refused_snapshot_is_logged_and_rebuilt(
    store: Store, clock: FixedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = _search(store, clock, tmp_path)
    first.alerts.issue(make_ctx(), content(PERSON))
    first.start(follow=False)
    assert first.snapshot is not None
    data = bytearray(first.snapshot.path.read_bytes())
    data[-3] ^= 0xFF
    first.snapshot.path.write_bytes(bytes(data))

    second = _search(store, clock, tmp_path)
    with caplog.at_level(logging.WARNING, logger="limes.search"):
        report = second.start(follow=False)
    assert report is not None and report.snapshot_position is None  # built from the store
    assert report.persons == 1
    assert any("refused, rebuilding" in r.getMessage() for r in caplog.records)
    assert report.refused is not None and "integrity check" in report.refused
    third = _search(store, clock, tmp_path)  # the rebuild wrote a good one
    again = third.start(follow=False)
    assert again is not None and again.snapshot_position == store.last_event()


def test_the_job_rewrites_the_snapshot_only_when_the_feed_moved(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    app = built(store, clock, var_dir=tmp_path, search_snapshot_seconds=120)
    job = next(j for j in app.jobs if j.name == "search snapshot")
    assert job.interval == 120
    app.search.start(follow=False)
    assert job.run() is None  # nothing changed since the build wrote it
    app.alerts.issue(make_ctx(), content(VEHICLE))
    told = job.run()
    assert told is not None and f"feed position {store.last_event()}" in told
    assert app.search.snapshot is not None
    assert position_of(app.search.snapshot.path) == store.last_event()


def test_a_process_serving_no_search_still_rewrites_it(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    """The parent of ``limes serve --workers N``: its engine is never built."""
    app = built(store, clock, var_dir=tmp_path, search_snapshot_seconds=60)
    app.alerts.issue(make_ctx(), content(PERSON))
    job = next(j for j in app.jobs if j.name == "search snapshot")
    assert job.run() is not None  # no snapshot yet: built aside, written
    assert not app.search.engine.built
    app.alerts.issue(make_ctx(), content(VEHICLE))
    assert job.run() is not None  # loaded aside, the feed applied, written
    assert app.search.snapshot is not None
    assert position_of(app.search.snapshot.path) == store.last_event()


def test_an_unwritable_place_leaves_search_working(
    store: Store, clock: FixedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    search = built(store, clock).search
    search.snapshot = IndexSnapshot(blocked / "index.snapshot")
    with caplog.at_level(logging.WARNING, logger="limes.search"):
        assert search.start(follow=False) is not None
    assert search.engine.built
    assert any("not written" in r.getMessage() for r in caplog.records)


def test_no_snapshot_is_kept_when_its_interval_is_zero(store: Store, clock: FixedClock) -> None:
    app = built(store, clock, search_snapshot_seconds=0)
    assert app.search.snapshot is None
    assert "search snapshot" not in [j.name for j in app.jobs]
