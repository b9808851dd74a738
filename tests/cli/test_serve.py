"""``limes serve`` without a server: the loopback rule, the first search, the expiry loop,
the serving limits, the client CA of mutual TLS and the open-file limit."""

from __future__ import annotations

import json
import os
import pickle
import shlex
import ssl
import threading
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem
from tests.pki import Authority

from limes.api.connections import ConnectionLimits, GuardedHttpToolsProtocol
from limes.audit.log import AuditLog
from limes.audit.record import Actor, Entry, Outcome
from limes.audit.relay import WriterRelay
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import RecordQuery
from limes.cli import serve as serve_module
from limes.cli import workers as workers_module
from limes.cli.serve import (
    FILES_BESIDES_CONNECTIONS,
    is_loopback,
    raise_open_file_limit,
)
from limes.config import SettingsError, from_env
from limes.domain.roles import Purpose, Role
from limes.errors import RateLimited
from limes.policy.permissions import Principal

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
    monkeypatch.setattr(workers_module, "run_server", fake)
    result = initialised("serve", "--port", "8099", "--show-first-search", env=DEV)
    assert result.exit_code == 0, result.output
    assert fake.calls[0]["host"] == "127.0.0.1" and fake.calls[0]["port"] == 8099
    assert "WARNING: UNSAFE DEVELOPMENT SERVER" in result.stderr  # DEV: unsafe-dev-headers
    curls = [line for line in result.stdout.splitlines() if line.startswith("curl")]
    assert len(curls) == 3
    search = shlex.split(curls[2])
    assert search[2] == "http://127.0.0.1:8099/v1/search/persons"
    query = json.loads(search[-1])
    assert query["surnames"] and query["date_of_birth"] == ALERT["person"]["date_of_birth"]
    args = shlex.split(curls[1])
    assert args[2] == f"http://127.0.0.1:8099/v1/alerts/{issued['id']}"
    assert "X-Limes-Unsafe-Principal: demo@SIRENE/DE;roles=sirene_operator" in args
    assert "X-Limes-Purpose: sirene" in args
    assert shlex.split(curls[0])[2] == "http://127.0.0.1:8099/v1/alerts?limit=2"
    assert not [t for t in threading.enumerate() if t.name == "limes-jobs"]


def test_first_search_on_an_empty_store_says_so(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers_module, "run_server", _FakeUvicorn())
    result = initialised("serve", "--show-first-search", env=DEV)
    assert result.exit_code == 0, result.output
    assert "limes demo" in result.stdout


def test_serve_limits_requests_in_progress_not_connections(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's limit_concurrency (which counts idle sockets) is off; the connection rules
    are the guarded protocol's, from the settings, and survive the pickling of --workers."""
    fake = _FakeUvicorn()
    monkeypatch.setattr(workers_module, "run_server", fake)
    env = {**DEV, "LIMES_REQUEST_HEAD_SECONDS": "3", "LIMES_MAX_CONNECTIONS_PER_CLIENT": "7",
           "LIMES_MAX_CONNECTIONS": "900", "LIMES_KEEP_ALIVE_SECONDS": "2"}  # fmt: skip
    assert initialised("serve", env=env).exit_code == 0
    call = fake.calls[0]
    assert call["limit_concurrency"] is None and call["timeout_keep_alive"] == 2
    protocol = pickle.loads(pickle.dumps(call["http"]))  # noqa: S301 - our own object
    assert protocol.func is GuardedHttpToolsProtocol  # httptools: less CPU than h11 (issue 13)
    limits = ConnectionLimits(3.0, per_client=7, total=900)
    assert protocol.keywords == {"limits": limits, "server_cert": None}  # plain HTTP


def test_serve_writes_no_access_log_unless_asked(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's access log (a formatted line on stdout for every request, about a fifth
    of a health check's CPU, issue 13) is off unless --access-log asks for it; the audit
    log records every read, search and write either way."""
    fake = _FakeUvicorn()
    monkeypatch.setattr(workers_module, "run_server", fake)
    assert initialised("serve", env=DEV).exit_code == 0
    assert initialised("serve", "--access-log", env=DEV).exit_code == 0
    assert [call["access_log"] for call in fake.calls] == [False, True]


def test_serve_runs_on_uvloop_and_waits_for_workers_on_a_busy_machine(
    initialised: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvloop's event loop (issue 13), a parent that does not kill a worker still
    loading its indexes after uvicorn's 5 seconds, and a stopping worker that does not
    wait for ever for a request in progress (uvicorn's default)."""
    fake = _FakeUvicorn()
    monkeypatch.setattr(workers_module, "run_server", fake)
    assert initialised("serve", env=DEV).exit_code == 0
    call = fake.calls[0]
    assert call["loop"] == "uvloop"
    assert call["timeout_worker_healthcheck"] == serve_module.WORKER_HEALTHCHECK_SECONDS >= 30
    assert call["timeout_graceful_shutdown"] == serve_module.GRACEFUL_SHUTDOWN_SECONDS <= 30
    config = uvicorn.Config("limes.console.app:from_environment", loop=call["loop"])
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_a_client_ca_makes_serve_require_client_certificates(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LIMES_TLS_CLIENT_CA: uvicorn's context requires a certificate of that CA, and the
    protocol knows the certificate it serves, for the TLS extension."""
    fake = _FakeUvicorn()
    monkeypatch.setattr(workers_module, "run_server", fake)
    pki = Authority(tmp_path / "pki")
    server = pki.issue("localhost", server=True)
    tls = ("--tls-cert", str(server.cert), "--tls-key", str(server.key))
    env = {**DEV, "LIMES_TLS_CLIENT_CA": str(pki.ca.cert)}
    assert initialised("serve", *tls, env=env).exit_code == 0
    call = fake.calls[0]
    assert call["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert call["ssl_ca_certs"] == str(pki.ca.cert)
    assert call["http"].keywords["server_cert"] == server.cert.read_text()

    without_tls = problem(initialised("serve", env=env), 12)
    assert "needs --tls-cert and --tls-key" in without_tls["detail"]
    empty = tmp_path / "empty-ca.pem"
    empty.write_text("")
    unusable = {**DEV, "LIMES_TLS_CLIENT_CA": str(empty)}
    assert "cannot be loaded" in problem(initialised("serve", *tls, env=unusable), 12)["detail"]
    assert len(fake.calls) == 1  # neither refused one started a server


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LIMES_REQUEST_HEAD_SECONDS", "0"),
        ("LIMES_REQUEST_BODY_SECONDS", "nan"),
        ("LIMES_KEEP_ALIVE_SECONDS", "301"),
        ("LIMES_MAX_CONNECTIONS", "0"),
        ("LIMES_MAX_REQUESTS_IN_PROGRESS", "-1"),
        ("LIMES_MAX_CONNECTIONS_PER_CLIENT", "5000"),  # more than LIMES_MAX_CONNECTIONS
    ],
)
def test_serving_limits_are_refused_outside_their_range(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        from_env({variable: value})


class _Limits:
    """RLIMIT_NOFILE as the serve module sees it."""

    def __init__(self, soft: int, hard: int, refuse: bool = False) -> None:
        self.soft, self.hard, self.refuse = soft, hard, refuse

    def getrlimit(self, which: int) -> tuple[int, int]:
        return self.soft, self.hard

    def setrlimit(self, which: int, limits: tuple[int, int]) -> None:
        if self.refuse:
            raise PermissionError(1, "Operation not permitted")  # a sandbox's EPERM
        self.soft, self.hard = limits


@pytest.mark.parametrize(
    ("soft", "hard", "refuse", "after"),
    [
        (100_000, 100_000, False, 100_000),  # room enough: left alone
        (1024, 524_288, False, 1000 + FILES_BESIDES_CONNECTIONS),  # raised to what is needed
        (1024, 1100, False, None),  # the hard limit is too low
        (1024, 524_288, True, None),  # the sandbox forbids raising it
    ],
)
def test_the_open_file_limit_is_raised_for_the_connections_or_serving_refused(
    monkeypatch: pytest.MonkeyPatch, soft: int, hard: int, refuse: bool, after: int | None
) -> None:
    limits = _Limits(soft, hard, refuse)
    monkeypatch.setattr(serve_module.resource, "getrlimit", limits.getrlimit)
    monkeypatch.setattr(serve_module.resource, "setrlimit", limits.setrlimit)
    if after is None:
        with pytest.raises(SettingsError, match="LIMES_MAX_CONNECTIONS=1000 needs 1256"):
            raise_open_file_limit(1000)
        assert limits.soft == soft
    else:
        assert raise_open_file_limit(1000) == after == limits.soft


def test_serve_with_workers_runs_one_audit_writer_for_them(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, var: Path
) -> None:
    """The workers find the writer in the environment; it appends for them until serve ends."""
    monkeypatch.setenv("LIMES_AUDIT_WRITER_SOCKET", "")  # serve sets these for its workers:
    monkeypatch.setenv("LIMES_VAR", str(var))  # put back afterwards
    seen: dict[str, Any] = {}

    def workers(app: Any, **options: Any) -> None:
        socket_path = from_env().audit_writer_socket
        assert socket_path is not None
        record = Entry("search:persons", Outcome.ALLOWED, Actor("worker-1"))
        relay = WriterRelay(socket_path)
        seen["seqs"] = relay.append([record])  # WriterAbsent if none listens
        relay.close()
        seen["socket"] = socket_path

    monkeypatch.setattr(workers_module, "run_server", workers)
    assert initialised("serve", "--workers", "2", env=DEV).exit_code == 0
    assert not seen["socket"].parent.exists()  # the writer stopped, its folder removed
    log = AuditLog(SqliteAuditStore(var / "audit.db"))
    size = log.size()
    with log.store.read() as tx:
        assert tx.query(RecordQuery(user="worker-1", below=size))[0].seq == seen["seqs"][0]
    log.close()


def test_serve_with_workers_gives_them_one_rate_limit_table(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, var: Path
) -> None:
    """Each worker builds its application from the environment; they share one bucket a
    principal (``service/rate_buckets.py``), and the table goes when serve ends."""
    monkeypatch.setenv("LIMES_AUDIT_WRITER_SOCKET", "")  # serve sets these for its workers:
    monkeypatch.setenv("LIMES_VAR", str(var))  # put back afterwards
    seen: dict[str, Any] = {}

    def workers(app: Any, **options: Any) -> None:
        from limes.bootstrap import build

        two = [build(from_env()) for _ in range(2)]
        who = Principal("jdoe", "DE", "BKA", frozenset({Role.SIRENE_OPERATOR}))
        for n in range(3):
            two[n % 2].enter(who, Purpose.SIRENE)
        with pytest.raises(RateLimited):
            two[1].enter(who, Purpose.SIRENE)
        for limes in two:
            limes.close()
        seen["table"] = from_env().rate_buckets_file

    monkeypatch.setattr(workers_module, "run_server", workers)
    result = initialised("serve", "--workers", "2", env={**DEV, "LIMES_RATE_BURST": "3"})
    assert result.exit_code == 0, result.output
    assert not seen["table"].parent.exists()
    assert "LIMES_RATE_BUCKETS" not in os.environ  # nor its name


def test_serve_with_workers_gives_them_one_search_index_process(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, var: Path
) -> None:
    """A worker finds what another issued a moment before: both ask the one index process,
    which holds the only copy of the indexes; it stops when serve ends."""
    from tests.conftest import make_ctx
    from tests.factories import PERSON, content

    from limes.bootstrap import build
    from limes.search.index_client import RemoteEngine
    from limes.search.query import PersonQuery

    monkeypatch.setenv("LIMES_AUDIT_WRITER_SOCKET", "")  # serve sets these for its workers:
    monkeypatch.setenv("LIMES_VAR", str(var))  # put back afterwards
    seen: dict[str, Any] = {}

    def workers(app: Any, **options: Any) -> None:
        a, b = (build(from_env()) for _ in range(2))
        assert isinstance(b.search.engine, RemoteEngine)
        issued = a.alerts.issue(make_ctx(), content(PERSON))
        answer = b.search.persons(
            make_ctx(), PersonQuery(surnames=("Ivanova",)), wait_for=a.store.last_event()
        )
        seen["found"] = [h.view.alert.id for h in answer.hits] == [issued.alert.id]
        seen["socket"] = from_env().search_index_socket
        for limes in (a, b):
            limes.close()

    monkeypatch.setattr(workers_module, "run_server", workers)
    result = initialised("serve", "--workers", "2", env=DEV)
    assert result.exit_code == 0, result.output
    assert seen["found"]
    assert not seen["socket"].parent.exists()  # the index process stopped, its folder gone
    assert "LIMES_SEARCH_INDEX_SOCKET" not in os.environ


def test_serve_with_workers_and_an_index_per_worker_starts_no_index_process(
    initialised: Run, monkeypatch: pytest.MonkeyPatch, var: Path
) -> None:
    """--search-index per-worker: each worker loads the snapshot serve made once and
    searches in-process, on its own core; no index process, no socket."""
    from tests.conftest import make_ctx
    from tests.factories import PERSON, content

    from limes.bootstrap import build
    from limes.search.engine import SearchEngine
    from limes.search.index_client import RemoteEngine
    from limes.search.query import PersonQuery

    monkeypatch.setenv("LIMES_AUDIT_WRITER_SOCKET", "")  # serve sets it for its workers:
    monkeypatch.setenv("LIMES_VAR", str(var))  # put back afterwards
    seen: dict[str, Any] = {}

    def workers(app: Any, **options: Any) -> None:
        seen["socket"] = os.environ.get("LIMES_SEARCH_INDEX_SOCKET")
        seen["audit"] = Path(os.environ["LIMES_AUDIT_WRITER_SOCKET"])
        a, b = (build(from_env()) for _ in range(2))
        b.search.start()
        seen["engine"] = b.search.engine
        issued = a.alerts.issue(make_ctx(), content(PERSON))
        answer = b.search.persons(
            make_ctx(), PersonQuery(surnames=("Ivanova",)), wait_for=a.store.last_event()
        )
        seen["found"] = [h.view.alert.id for h in answer.hits] == [issued.alert.id]
        for limes in (a, b):
            limes.close()

    monkeypatch.setattr(workers_module, "run_server", workers)
    result = initialised("serve", "--workers", "2", "--search-index", "per-worker", env=DEV)
    assert result.exit_code == 0, result.output
    assert seen["socket"] is None
    assert isinstance(seen["engine"], SearchEngine)
    assert not isinstance(seen["engine"], RemoteEngine)
    assert seen["found"]
    assert "index process" not in result.output
    assert not seen["audit"].parent.exists()  # the audit writer stopped with serve
    assert "LIMES_RATE_BUCKETS" not in os.environ  # and the shared rate table went
