"""``limes serve --workers 2`` over HTTP: one principal's burst in all, not one per worker.

Each request comes on a connection of its own, so that both workers take some; both
map the one table (``/proc/<pid>/maps``), and the principal is answered ``burst``
times in all, then 429, until a worker is killed and the other answers on with the
same bucket.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest
from tests.audit.test_writer_serve import children
from tests.test_durability import Server

pytestmark = pytest.mark.slow
BURST = 12
HEADERS = {
    "X-Limes-Unsafe-Principal": "jdoe@BKA/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}


def mapping_the_table(pid: int) -> list[int]:
    """The children of ``limes serve`` that have its rate-limit table mapped."""
    found = []
    for child in children(pid):
        try:
            maps = Path(f"/proc/{child}/maps").read_text()
        except OSError:
            continue
        if "/limes-rate-" in maps:
            found.append(child)
    return found


def statuses(url: str, count: int) -> list[int]:
    answers = []
    for _ in range(count):
        with httpx.Client(base_url=url, timeout=10, headers=HEADERS) as http:
            answers.append(http.get("/v1/alerts", params={"limit": 1}).status_code)
    return answers


def test_two_workers_answer_one_burst_of_a_principal(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LIMES_ENV": "development",
        "LIMES_AUTH": "unsafe-dev-headers",
        "LIMES_RATE_BURST": str(BURST),
        "LIMES_RATE_PER_SECOND": "0.001",  # no token comes back during the test
    }
    env.pop("LIMES_DATABASE_URL", None)
    server = Server(tmp_path / "var", env, "--workers", "2")
    subprocess.run(server.limes("init"), env=env, check=True, capture_output=True)
    server.start()
    assert server.proc is not None
    try:
        answers = statuses(server.url, 3 * BURST)
        assert answers.count(200) == BURST, answers
        assert set(answers[BURST:]) == {429}
        workers = mapping_the_table(server.proc.pid)
        assert len(workers) == 2
        environ = Path(f"/proc/{workers[1]}/environ").read_bytes().split(b"\0")
        table = Path(
            next(v for v in environ if v.startswith(b"LIMES_RATE_BUCKETS="))
            .decode()
            .split("=", 1)[1]
        )
        os.kill(workers[0], signal.SIGKILL)
        assert set(statuses(server.url, 5)) == {429}  # the other one, same bucket
    finally:
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(60)
    assert not table.parent.exists()  # serve removed it
