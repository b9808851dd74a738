"""bench/search/aims.py: issue 13's aims judged from wrk's figures, and the CPU a
process session spent, read from /proc."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from bench.search.aims import (
    AIMS,
    Aim,
    cpu_per_request,
    report,
    session_cpu_by_role,
    session_cpu_seconds,
)


def figures(per_second: float, p99_ms: float, non_2xx: int = 0, socket: int = 0) -> dict[str, Any]:
    return {
        "requests_per_s": per_second,
        "p99_ms": p99_ms,
        "non_2xx_3xx": non_2xx,
        "socket_errors": {"timeouts": socket},
        "server_cpu_us": 1234.0,
    }


@pytest.mark.parametrize(
    ("measured", "verdict"),
    [
        (figures(1000, 25), "met"),
        (figures(999, 5), "NOT met"),
        (figures(5000, 25.1), "NOT met"),
        (figures(5000, 5, non_2xx=1), "NOT met"),
        (figures(5000, 5, socket=1), "NOT met"),
        (None, "not measured"),
    ],
)
def test_an_aim_is_met_only_fast_quick_and_without_errors(
    measured: dict[str, Any] | None, verdict: str
) -> None:
    assert Aim("POST /v1/search/persons", 1000, 25).judged(measured) == verdict


def test_an_aim_without_a_latency_bound_judges_the_rate_only() -> None:
    assert Aim("GET /v1/health", 8000, None).judged(figures(8000, 900)) == "met"


def test_the_session_cpu_grows_as_this_process_works() -> None:
    session = os.getsid(0)
    before = session_cpu_seconds(session)
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert session_cpu_seconds(session) - before >= 0.1
    assert session_cpu_seconds(-1) == 0  # no process is in that session


@pytest.mark.parametrize(
    ("folder", "role"),
    [("limes-audit-writer-x1", "audit writer"), ("limes-search-index-x2", "search index")],
)
def test_a_process_listening_on_a_local_service_socket_is_that_service(
    tmp_path: Path, folder: str, role: str
) -> None:
    """The server's CPU is split by process: the audit writer and the search index
    process are told by the socket they listen on (``local_service``'s folder)."""
    session = os.getsid(0)
    assert role not in session_cpu_by_role(session)
    (tmp_path / folder).mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(tmp_path / folder / "socket"))
        assert role not in session_cpu_by_role(session)  # bound, not listening: no service
        listener.listen()
        split = session_cpu_by_role(session)
    assert split[role] > 0  # this process's CPU, counted as that service's
    assert sum(split.values()) == pytest.approx(session_cpu_seconds(session), abs=0.05)


def test_cpu_per_request_is_microseconds() -> None:
    assert cpu_per_request(0.5, 1000) == 500
    assert cpu_per_request(0.5, 0) == 0


def test_the_table_names_every_aim_and_the_worker_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    report({"POST /v1/search/persons": figures(1200, 20), "two_vs_one_worker": 1.2})
    out = capsys.readouterr().out
    for aim in AIMS:
        assert aim.endpoint in out
    assert "1,200/s" in out and "met" in out
    assert "1.20x" in out and "NOT met" in out and "not measured" in out
