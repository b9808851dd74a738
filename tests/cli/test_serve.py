"""``limes serve`` without a server: the loopback rule, the first search, the expiry loop."""

from __future__ import annotations

import json
import shlex
import threading
import time
from typing import Any

import pytest
import uvicorn
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem

from limes.cli.serve import ExpiryLoop, is_loopback
from limes.service.alerts import ExpiryReport

DEV = {"LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - the address the tests expect to be refused


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("localhost", True),
        (ALL_INTERFACES, False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_unsafe_dev_headers_only_on_loopback(initialised: Run) -> None:
    body = problem(initialised("serve", "--host", ALL_INTERFACES, env=DEV), 12)
    assert "not a loopback address" in body["detail"]


class _FakeUvicorn:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, app: Any, **options: Any) -> None:
        self.calls.append({"app": app, **options})


def test_serve_runs_the_app_and_prints_a_first_search(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = ok(initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))
    fake = _FakeUvicorn()
    monkeypatch.setattr(uvicorn, "run", fake)
    result = initialised("serve", "--port", "8099", "--show-first-search", env=DEV)
    assert result.exit_code == 0, result.output
    assert fake.calls[0]["host"] == "127.0.0.1" and fake.calls[0]["port"] == 8099
    curls = [line for line in result.stdout.splitlines() if line.startswith("curl")]
    assert len(curls) == 3
    search = shlex.split(curls[2])
    assert search[2] == "http://127.0.0.1:8099/v1/search/persons"
    query = json.loads(search[-1])
    assert query["surnames"] and query["date_of_birth"] == ALERT["person"]["date_of_birth"]
    args = shlex.split(curls[1])
    assert args[2] == f"http://127.0.0.1:8099/v1/alerts/{issued['alert']['id']}"
    assert "X-Limes-Unsafe-Principal: demo@SIRENE/DE;roles=sirene_operator" in args
    assert "X-Limes-Purpose: sirene" in args
    assert shlex.split(curls[0])[2] == "http://127.0.0.1:8099/v1/alerts?limit=2"
    assert not [t for t in threading.enumerate() if t.name == "limes-expiry"]


def test_first_search_on_an_empty_store_says_so(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uvicorn, "run", _FakeUvicorn())
    result = initialised("serve", "--show-first-search", env=DEV)
    assert result.exit_code == 0, result.output
    assert "limes demo" in result.stdout


class _Alerts:
    """A stand-in for the service: counts runs, fails the first one."""

    def __init__(self) -> None:
        self.runs = 0

    def expire_due(self, ctx: object) -> ExpiryReport:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("database unavailable")
        return ExpiryReport(expired=1, warned=0)


def test_expiry_loop_survives_a_failed_run_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    alerts = _Alerts()
    loop = ExpiryLoop(alerts, interval=0.01)  # type: ignore[arg-type]
    loop.start()
    deadline = time.monotonic() + 5
    while alerts.runs < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    loop.stop()
    assert alerts.runs >= 3
    assert not loop._thread.is_alive()
    err = capsys.readouterr().err
    assert "run failed" in err and "1 alerts expired" in err
