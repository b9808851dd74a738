"""The HTTP door on a real, migrated SQLite store in a temporary directory.

``client`` speaks to ``create_app`` built with unsafe development headers (the only
authenticator there is so far) and a clock (``api_clock``) standing at ``helpers.NOW``.
``issued`` issues one alert of DE and gives its answer. ``limes`` is the application
``bootstrap.build`` wires over that store and clock, with ``limes_settings``
(development, the fixed test keyring); a module overrides ``limes_settings`` for others.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from tests.api.helpers import NOW, PERSON, Hops, TestClient, body, headers, named
from tests.conftest import FixedClock, dev_settings

from limes.api import threads
from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.config import Settings
from limes.store.sqlite import SqliteStore


@pytest.fixture
def api_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def db(sqlite_store: SqliteStore) -> SqliteStore:
    """The store the door runs on: the suite's ``sqlite_store``."""
    return sqlite_store


@pytest.fixture
def limes_settings(tmp_path: Path) -> Settings:
    """The settings ``limes`` is built with; a test module overrides this for others."""
    return dev_settings(var_dir=tmp_path / "var", max_body_bytes=64 * 1024)


@pytest.fixture
def limes(db: SqliteStore, api_clock: FixedClock, limes_settings: Settings) -> Iterator[Limes]:
    app = build(limes_settings, store=db, clock=api_clock)
    yield app
    app.close()


@pytest.fixture
def client(limes: Limes) -> TestClient:
    return TestClient(create_app(limes))


@pytest.fixture
def issued(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.fixture
def hops_by_pool(monkeypatch: pytest.MonkeyPatch) -> Hops:
    handed = Hops()
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        handed.all.append(named(func))
        handed.starlettes.append(named(func))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    pool = threads.request_pool()
    submit = pool.submit

    def submitted(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        in_context = isinstance(getattr(fn, "__self__", None), contextvars.Context)
        name = named(args[0] if in_context else fn)  # Context.run(call, …)
        handed.all.append(name)
        handed.pooled.append(name)
        return submit(fn, *args, **kwargs)

    monkeypatch.setattr(pool, "submit", submitted)
    return handed


@pytest.fixture
def hops(hops_by_pool: Hops) -> list[str]:
    """The name of every callable handed to a thread, whichever the pool."""
    return hops_by_pool.all
