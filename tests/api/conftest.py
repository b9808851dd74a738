"""The HTTP door on a real, migrated SQLite store in a temporary directory.

``client`` speaks to ``create_app`` built with unsafe development headers (the only
authenticator there is so far) and a clock (``api_clock``) standing at ``helpers.NOW``.
``issued`` issues one alert of DE and gives its answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.api.helpers import NOW, PERSON, TestClient, body, headers
from tests.conftest import FixedClock

from limes.api.app import create_app
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.store.sqlite import SqliteStore


@pytest.fixture
def api_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def db(sqlite_store: SqliteStore) -> SqliteStore:
    """The store the door runs on: the suite's ``sqlite_store``."""
    return sqlite_store


@pytest.fixture
def limes(db: SqliteStore, api_clock: FixedClock) -> Limes:
    settings = Settings(
        var_dir=Path("unused"),
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        max_body_bytes=64 * 1024,
        test_only_fixed_keyring=True,
    )
    return build(settings, store=db, clock=api_clock)


@pytest.fixture
def client(limes: Limes) -> TestClient:
    return TestClient(create_app(limes))


@pytest.fixture
def issued(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/alerts", content=body(PERSON), headers=headers())
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found
