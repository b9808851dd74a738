"""Issue 11: connections that never finish a request do not take the server down.

A real ``limes serve`` is flooded with 1,000 idle and 1,000 slow-header connections
from 40 loopback addresses (50 each, the cap this server is given) plus one more from
an address already at its cap, and five that make one request and then send the next
head slowly on the kept-alive connection. While they are held, an authenticated client's requests
(each on a new connection) must answer 200 within a second; the connection over the cap
must be refused at once; and every flood connection must be closed by the server once
its request head is ``HEAD_SECONDS`` overdue.

Before the fix uvicorn counted open connections against ``limit_concurrency=512``: the
honest requests were answered 503, and nothing closed the flood.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.security.attack_setup import free_port, wait
from tests.security.flood import (
    HONEST_SECONDS,
    ensure_open_files,
    flooding,
    honest_requests,
    sources,
)

pytestmark = pytest.mark.slow

HEAD_SECONDS = 4.0
PER_CLIENT = 50
ADDRESSES = sources(40)
IDLE_EACH = SLOW_EACH = PER_CLIENT // 2  # 1,000 idle + 1,000 slow in all
SLACK = 2.0  # seconds a close may come late on a busy two-core machine


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    env = {
        **os.environ,
        "LIMES_ENV": "development",
        "LIMES_AUTH": "unsafe-dev-headers",
        "LIMES_REQUEST_HEAD_SECONDS": str(HEAD_SECONDS),
        "LIMES_MAX_CONNECTIONS_PER_CLIENT": str(PER_CLIENT),
    }
    env.pop("LIMES_DATABASE_URL", None)
    limes = [sys.executable, "-m", "limes", "--var", str(tmp_path / "var")]
    subprocess.run([*limes, "init"], env=env, check=True, capture_output=True)
    chosen = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*limes, "serve", "--port", str(chosen)], env=env, stdout=log, stderr=log
    )
    try:
        wait(f"http://127.0.0.1:{chosen}", 30)
        yield chosen
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def test_a_held_flood_neither_blocks_requests_nor_outlives_its_deadline(port: int) -> None:
    ensure_open_files(len(ADDRESSES) * PER_CLIENT + 1024)
    with flooding("127.0.0.1", port) as flood:
        held = flood.open(ADDRESSES, IDLE_EACH, SLOW_EACH)
        over_cap = flood.open(ADDRESSES[:1], 1, 0)
        kept = flood.open(["127.0.0.2"], 0, 0, kept_each=5)
        answers = honest_requests("127.0.0.1", port, count=15, interval=0.1)
        open_meanwhile = flood.count_open(held)
        deadline = time.monotonic() + HEAD_SECONDS + SLACK + 1
        while flood.count_open([*held, *kept]) and time.monotonic() < deadline:
            time.sleep(0.2)
        lifetimes = flood.lifetimes([*held, *kept])
        refused_after = flood.lifetimes(over_cap)[0]

    assert [status for status, _ in answers] == [200] * len(answers)
    slowest = max(seconds for _, seconds in answers)
    assert slowest < HONEST_SECONDS, f"an honest request took {slowest:.2f} s"
    assert open_meanwhile == len(held) == 2000
    assert refused_after is not None and refused_after < 1.0
    everything = [*held, *kept]
    still_open = [
        (h.kind, h.source) for h, t in zip(everything, lifetimes, strict=True) if t is None
    ]
    assert not still_open, f"{len(still_open)} flood connections still open: {still_open[:3]}"
    closed = [seconds for seconds in lifetimes if seconds is not None]
    assert HEAD_SECONDS - 0.5 < min(closed) and max(closed) < HEAD_SECONDS + SLACK
