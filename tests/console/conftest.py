"""The console through Starlette's test client, on the installation of ``helpers.world``.

``site`` is the application (API and console) over that world at the fixed clock;
``login(site, clock, username)`` logs a user in through the login form and returns
the client holding its cookies.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import FixedClock
from tests.console.helpers import World, code, csrf_of, world
from tests.identity.helpers import PASSWORD

from limes.console.app import create_app


@pytest.fixture
def installed(tmp_path: Path, clock: FixedClock) -> Iterator[World]:
    found = world(tmp_path, clock)
    yield found
    found.limes.close()


@pytest.fixture
def site(installed: World) -> TestClient:
    return TestClient(create_app(installed.limes), follow_redirects=False)


def login(site: TestClient, installed: World, clock: FixedClock, username: str) -> TestClient:
    page = site.get("/console/login")
    form = {
        "csrf": csrf_of(page.text),
        "username": username,
        "password": PASSWORD,
        "totp": code(installed, username, clock.now),
        "next": "",
    }
    answer = site.post("/console/login", data=form)
    assert answer.status_code == 303, answer.text
    return site
