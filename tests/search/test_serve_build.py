"""``limes serve --workers 2 --search-index shared`` on a store of more than one build
page and no snapshot (issue 15, aim 3): the real server, as a process, becomes healthy,
says that its index process built over a pool of 2 processes and how fast, answers
person and object searches from that build, and leaves no process behind when killed.

That combination once failed the server's start (the index process, daemonic, could not
start the build's pool) and only a benchmark saw it: no test started the server on a
store larger than one page of the build.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.audit.test_writer_serve import descendants, stopped
from tests.conftest import make_ctx
from tests.test_durability import Server
from tests.test_local_service import _alive

from limes.bootstrap import build
from limes.config import from_env
from limes.demo.generator import generate
from limes.domain.alerts import AlertContent
from limes.search import engine as engine_module
from limes.service.installation import initialise

pytestmark = pytest.mark.slow  # starts the server
PERSONS, OBJECTS, SEED = 30, engine_module.PAGE + 200, 3
DEADLINE_SECONDS = 60.0
START_SECONDS = 300.0
"""Five interpreter starts one after the other (the parent, the audit writer, the index
process, two workers): seconds on a quiet machine, over 100 s on one shared by builds."""
HEADERS = {
    "X-Limes-Unsafe-Principal": "officer@SIRENE/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}


def _environment(var: Path) -> dict[str, str]:
    env = {**os.environ, "LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    env.pop("LIMES_DATABASE_URL", None)  # SQLite in the var folder
    env |= {
        "LIMES_VAR": str(var),
        "LIMES_TEST_ONLY_FIXED_KEYRING": "1",  # no keyring file to make
        "LIMES_SEARCH_BUILD_PROCESSES": "2",  # a pool, whatever the machine's CPUs
    }
    return env


def _seeded(var: Path, env: dict[str, str]) -> list[AlertContent]:
    """The var folder initialised and holding the demo alerts (more than a build page),
    loaded through the bulk path here, without a snapshot; their contents."""
    settings = from_env(env)
    for _ in initialise(settings, lambda: build(settings)):
        pass
    app = build(settings)
    by_state: dict[str, list[AlertContent]] = defaultdict(list)
    for state, content in generate(PERSONS, OBJECTS, seed=SEED):
        by_state[state].append(content)
    try:
        for state, contents in by_state.items():
            for _ in app.alerts.bulk_issue(make_ctx(state), contents):
                pass
        assert app.holdings.alerts() > engine_module.PAGE
    finally:
        app.close()
    assert not (var / "search" / "index.snapshot").exists()
    return [c for contents in by_state.values() for c in contents]


class Started(Server):
    """``Server`` with its stderr kept in ``said`` (what the server tells of its start)."""

    def __init__(self, var: Path, env: dict[str, str], *serve_args: str) -> None:
        super().__init__(var, env, *serve_args)
        self.said = var.parent / "serve.stderr"

    def start(self) -> None:
        with self.said.open("wb") as said:
            self.proc = subprocess.Popen(
                self.limes(
                    "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.serve_args
                ),
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=said,
            )
        deadline = time.monotonic() + START_SECONDS
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start: {self.said.read_text()[-3000:]}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Started, list[AlertContent]]]:
    var = tmp_path / "var"
    env = _environment(var)
    contents = _seeded(var, env)
    server = Started(var, env, "--workers", "2", "--search-index", "shared")
    try:
        server.start()
        yield server, contents
    finally:
        stopped(server)


def _hits(server: Server, path: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    answer = httpx.post(f"{server.url}/v1/search/{path}", json=query, headers=HEADERS, timeout=30)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    return [*found["hits"], *found.get("possible", [])]


def test_the_shared_index_process_builds_more_than_a_page_and_answers(
    served: tuple[Started, list[AlertContent]],
) -> None:
    server, contents = served
    # the build ran over the pool (not in the index process alone) and said so
    told = [t for t in server.said.read_text().splitlines() if "index process:" in t]
    assert len(told) == 1 and "built from the store (" in told[0], told
    assert "alerts/s, 2 processes) in " in told[0], told
    people = [
        c.person
        for c in contents
        if c.person is not None and c.person.surnames and c.person.date_of_birth
    ]
    objects = [c.object for c in contents if c.object is not None and c.object.identifiers]
    assert len(people) > 3 and len(objects) > engine_module.PAGE
    for person in people[:: len(people) // 3]:
        query = {
            "surnames": [n.latin for n in person.surnames],
            "forenames": [n.latin for n in person.forenames],
            "date_of_birth": person.date_of_birth,
        }
        best = _hits(server, "persons", query)[0]["alert"]["content"]["person"]
        assert [n["latin"] for n in best["surnames"]] == query["surnames"]
        assert best["date_of_birth"] == query["date_of_birth"]
    # objects from every page of the build, the last ones too
    for thing in [*objects[:: len(objects) // 5], objects[-1]]:
        value = thing.identifiers[0].value
        hits = _hits(server, "objects", {"identifiers": [{"value": value}]})
        found = [
            i["value"]
            for hit in hits
            for i in (hit["alert"]["content"].get("object") or {}).get("identifiers", [])
        ]
        assert value in found, (value, found)


def test_kill_9_of_the_server_leaves_no_process_behind(
    served: tuple[Started, list[AlertContent]],
) -> None:
    server, _ = served
    assert server.proc is not None
    left = descendants(server.proc.pid)
    assert len(left) >= 4  # the audit writer, the index process, two workers
    server.kill()
    deadline = time.monotonic() + DEADLINE_SECONDS / 4
    while (alive := [pid for pid in left if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"processes outlived their killed server: {alive}"
