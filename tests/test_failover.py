"""The backup site's promise: no acknowledged alert is lost when the central site dies.

A real primary and its synchronous standby (tests/pg_pair.py); Limes serves from the
primary as a real process while client threads issue alerts through its API. The
primary's PostgreSQL is killed with SIGKILL (the postmaster and every backend at once)
mid-stream, ``limes central promote`` promotes the standby, and every alert that got a
201 must be on the promoted server. It prints the counts and the time to promote
(``pytest -s tests/test_failover.py``). The old primary, started again, is fenced by
its peer and refuses writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import orjson
import pytest
from tests.pg_pair import central_pair
from tests.test_durability import HEADERS, Server, vehicle

from limes.errors import Fenced
from limes.store.alert_ids import id_in, id_out
from limes.store.postgres import PostgresStore

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ALERTS_BEFORE_KILL = int(os.environ.get("LIMES_FAILOVER_ALERTS", "150"))  # more to measure


def _limes(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "limes", *args], env=env, capture_output=True, timeout=120
    )


def test_no_acknowledged_alert_is_lost_when_the_primary_is_killed(tmp_path: Path) -> None:
    with central_pair() as (primary, standby):
        env = {
            **os.environ,
            "LIMES_ENV": "development",
            "LIMES_AUTH": "unsafe-dev-headers",
            "LIMES_DATABASE_URL": primary.url,
            "LIMES_CENTRAL_PEERS": standby.url,
            "LIMES_RATE_PER_SECOND": "10000",  # load, not the per-client rate limit
            "LIMES_RATE_BURST": "10000",
        }
        server = Server(tmp_path / "var", env)
        init = subprocess.run(server.limes("init"), env=env, capture_output=True)
        assert init.returncode == 0, init.stderr
        server.start()

        acknowledged: list[str] = []
        refused: Counter[str] = Counter()  # answers other than 201, before and at the kill
        lock = threading.Lock()
        killing = threading.Event()  # set as the kill begins: requests go on meanwhile
        stop = threading.Event()  # set once the primary is dead

        def client(offset: int) -> None:
            n = offset
            with httpx.Client(base_url=server.url, headers=HEADERS, timeout=10) as http:
                while not stop.is_set():
                    n += 4
                    try:
                        answer = http.post("/v1/alerts", json=vehicle(n))
                    except httpx.TransportError:
                        answer = None  # never acknowledged
                    with lock:
                        if answer is not None and answer.status_code == 201:
                            acknowledged.append(answer.json()["id"])
                        else:
                            when = "at or after the kill" if killing.is_set() else "before it"
                            status = "no answer" if answer is None else answer.status_code
                            refused[f"{status} {when}"] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60 + ALERTS_BEFORE_KILL / 5
        while len(acknowledged) < ALERTS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.05)
        killing.set()
        primary.kill_9()  # the central site dies under load, requests in flight
        killed = time.monotonic()
        stop.set()
        promoted = _limes(
            "--var", str(server.var), "central", "promote", "--standby", standby.url,
            "--old-primary", primary.url, "--alone", env=env,
        )  # fmt: skip
        promote_wall = time.monotonic() - killed
        for t in threads:
            t.join()
        server.kill()
        assert promoted.returncode == 0, promoted.stderr
        report = orjson.loads(promoted.stdout)
        assert report["old_primary"] == "unreachable" and report["term"] == 1
        assert report["audit"]["written"] is True  # in the log on the promoted server
        assert len(acknowledged) >= ALERTS_BEFORE_KILL, "too few alerts were issued before the kill"

        with standby.connect() as conn:
            found = {  # ids as the store holds them (store/alert_ids.py)
                id_out(row[0])
                for row in conn.execute(
                    "SELECT id FROM limes.alerts WHERE id = ANY(%s)",
                    ([id_in(i) for i in acknowledged],),
                ).fetchall()
            }
        missing = sorted(set(acknowledged) - found)
        print(
            f"\nkill -9 of the primary: {len(acknowledged)} alerts acknowledged, "
            f"{len(found)} found on the promoted standby, {len(missing)} missing "
            f"(not acknowledged, need not be there: {dict(refused)}); "
            f"promote {report['seconds']} s (limes central promote, "
            f"{promote_wall:.2f} s from the kill to its end)"
        )
        assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged alerts lost"

        # the promoted server takes writes through Limes
        env_b = env | {"LIMES_DATABASE_URL": standby.url, "LIMES_CENTRAL_PEERS": primary.url}
        backup = Server(tmp_path / "var", env_b)
        backup.start()
        try:
            with httpx.Client(base_url=backup.url, headers=HEADERS, timeout=10) as http:
                assert http.post("/v1/alerts", json=vehicle(10**7)).status_code == 201
        finally:
            backup.kill()

        # the old primary comes back believing itself the primary: its peer fences it
        primary.start()
        returned = PostgresStore(primary.url, central_peers=[standby.url])
        try:
            with pytest.raises(Fenced), returned.transaction():
                pass
        finally:
            returned.close()
