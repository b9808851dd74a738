"""Bounded reading at the doors: the reported extraction over HTTP is refused, the count
is shared by the HTTP door, the CLI and a second server process, and a DPO lifts it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.helpers import DE_BORDER, PROBLEM, TestClient
from tests.cli.helpers import problem

from limes.api.app import create_app
from limes.audit.record import parse
from limes.bootstrap import Limes, build
from limes.cli.main import cli
from limes.config import AuthMode, Environment, Settings
from limes.crypto.records import to_alert
from limes.demo.generator import DemoGenerator
from limes.service.demo import load
from limes.service.reading import BLOCKED, LIFTED
from limes.store.port import AlertFilter
from limes.store.sqlite import SqliteStore

PER_HOUR = 20
GUARD = {"X-Limes-Unsafe-Principal": DE_BORDER, "X-Limes-Purpose": "border_check"}
DPO = {
    "X-Limes-Unsafe-Principal": "dpo@BfDI/DE;roles=data_protection_officer",
    "X-Limes-Purpose": "data_protection",
}
CLI_GUARD = ("--as", "guard-1@BPOL/DE", "--role", "border_guard", "--purpose", "border_check")
CLI_DPO = (
    "--as", "dpo@BfDI/DE", "--role", "data_protection_officer", "--purpose", "data_protection"
)  # fmt: skip


def settings(var: Path) -> Settings:
    return Settings(
        var_dir=var,
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        test_only_fixed_keyring=True,
        reads_per_hour=PER_HOUR,
        reads_per_day=3 * PER_HOUR,
    )


@pytest.fixture
def var(tmp_path: Path) -> Iterator[Path]:
    """A var folder whose store holds 60 demo alerts."""
    store = SqliteStore(tmp_path / "limes.db")
    store.migrate()
    app = build(settings(tmp_path), store=store)
    for _ in load(app.alerts, DemoGenerator(seed=5).alerts(persons=30, objects=30), batch=100):
        pass
    app.close()
    yield tmp_path


def server(var: Path) -> tuple[Limes, TestClient]:
    """One server process on the var folder (each call: a process of its own)."""
    app = build(settings(var))
    return app, TestClient(create_app(app))


def ids(app: Limes) -> list[str]:
    with app.store.read() as tx:
        return [r.id for r in tx.alerts.list(AlertFilter(limit=500))]


def events(app: Limes) -> list[str]:
    with app.store.read() as tx:
        return [e.kind for e in tx.security_events.after(limit=100)]


def cli_runner(var: Path) -> CliRunner:
    return CliRunner(
        env={
            "LIMES_ENV": "development",
            "LIMES_TEST_ONLY_FIXED_KEYRING": "1",
            "LIMES_READS_PER_HOUR": str(PER_HOUR),
            "LIMES_READS_PER_DAY": str(3 * PER_HOUR),
            "LIMES_DATABASE_URL": None,  # type: ignore[dict-item]
            "LIMES_AUDIT_DATABASE_URL": None,  # type: ignore[dict-item]
        }
    )


def test_the_reported_listing_is_refused_and_an_honest_list_raises_nothing(var: Path) -> None:
    app, client = server(var)
    whole = client.get("/v1/alerts?limit=500", headers=GUARD)
    assert whole.status_code == 400 and whole.headers["content-type"] == PROBLEM
    assert whole.json()["errors"] == [{"pointer": "/query/limit", "detail": "must be at most 50"}]
    unnamed = client.get("/v1/alerts", headers=GUARD)
    assert unnamed.status_code == 403
    honest = client.get("/v1/alerts?issuing_state=DE&limit=50", headers=GUARD)
    assert honest.status_code == 200
    assert events(app) == []


def test_the_bound_is_shared_by_http_a_second_process_and_the_cli(var: Path) -> None:
    first, http = server(var)
    second, other = server(var)
    every = ids(first)
    read = 0
    for alert_id in every[:8]:
        assert http.get(f"/v1/alerts/{alert_id}", headers=GUARD).status_code == 200
        read += 1
    for alert_id in every[8:16]:
        assert other.get(f"/v1/alerts/{alert_id}", headers=GUARD).status_code == 200
        read += 1
    runner = cli_runner(var)
    for alert_id in every[16:PER_HOUR]:
        done = runner.invoke(cli, ["--var", str(var), "alert", "get", alert_id, *CLI_GUARD])
        assert done.exit_code == 0, done.output
        read += 1
    assert read == PER_HOUR
    # the next new alert, at any door, is refused, and so is everything after it
    refused = http.get(f"/v1/alerts/{every[PER_HOUR]}", headers=GUARD)
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:limes:problem:reads-blocked"
    assert other.get(f"/v1/alerts/{every[0]}", headers=GUARD).status_code == 403
    cli_refused = runner.invoke(cli, ["--var", str(var), "alert", "get", every[1], *CLI_GUARD])
    assert problem(cli_refused, 5)["type"] == "urn:limes:problem:reads-blocked"
    assert events(first) == [BLOCKED]

    # the DPO of the state sees the block and lifts it (at the CLI); reads start again
    (block,) = other.get("/v1/read-blocks", headers=DPO).json()["items"]
    assert block["principal"] == "guard-1@BPOL/DE"
    lift = ["--var", str(var), "reads", "lift", block["id"], "--reason", "checked", *CLI_DPO]
    lifted = runner.invoke(cli, lift)
    assert lifted.exit_code == 0, lifted.output
    assert http.get(f"/v1/alerts/{every[0]}", headers=GUARD).status_code == 200
    assert events(second) == [BLOCKED, LIFTED]


def test_a_dpo_lifts_a_block_over_http(var: Path) -> None:
    app, client = server(var)
    for alert_id in ids(app)[: PER_HOUR + 1]:
        client.get(f"/v1/alerts/{alert_id}", headers=GUARD)
    (block,) = client.get("/v1/read-blocks", headers=DPO).json()["items"]
    foreign = {**DPO, "X-Limes-Unsafe-Principal": "dpo@CNIL/FR;roles=data_protection_officer"}
    lift = f"/v1/read-blocks/{block['id']}/lift"
    body = {"Content-Type": "application/json"}
    reason = b'{"reason": "x"}'
    assert client.post(lift, content=reason, headers={**foreign, **body}).status_code == 404
    assert client.post(lift, content=reason, headers={**GUARD, **body}).status_code == 403
    done = client.post(lift, content=b'{"reason": "exercise"}', headers={**DPO, **body})
    assert done.status_code == 200, done.text
    assert done.json()["lifted_by"] == "dpo@BfDI/DE"
    assert client.get(f"/v1/alerts/{ids(app)[0]}", headers=GUARD).status_code == 200
    assert events(app) == [BLOCKED, LIFTED]
    every = client.get("/v1/read-blocks?status=all", headers=DPO).json()["items"]
    assert [b["id"] for b in every] == [block["id"]]


def test_a_read_refused_by_the_bound_is_on_record_once(var: Path) -> None:
    """The 403 a block answers is an access like any other: recorded (by the use case,
    so the door adds nothing), with who asked and why it was refused."""
    app, client = server(var)
    every = ids(app)
    for alert_id in every[:PER_HOUR]:
        assert client.get(f"/v1/alerts/{alert_id}", headers=GUARD).status_code == 200
    refused = client.get(f"/v1/alerts/{every[PER_HOUR]}", headers=GUARD)
    assert refused.json()["type"] == "urn:limes:problem:reads-blocked"
    with app.audit.store.read() as tx:
        found = [parse(row[5]) for row in tx.all_records()]
    (record,) = [r for r in found if r["outcome"] == "refused"]
    assert (record["action"], record["user"]) == ("alert:read", "guard-1")
    assert record["reason"].startswith("reads-blocked: ")
    assert [r["action"] for r in found if r["action"].startswith("door:")] == []


def test_a_search_at_the_cli_counts_its_hits_and_is_refused_once_blocked(var: Path) -> None:
    """``limes search`` is a door like the others: its hits are alerts opened."""
    app, client = server(var)
    with app.store.read() as tx:
        person = next(r for r in tx.alerts.list(AlertFilter(limit=500)) if r.subject == "person")
        named = to_alert(person, app.alerts.crypto, tx).content.person
    assert named is not None
    surname = named.surnames[0].latin
    runner = cli_runner(var)
    search = ["--var", str(var), "search", "persons", "--surname", surname, *CLI_GUARD]
    found = runner.invoke(cli, search)
    assert found.exit_code == 0, found.output
    hits = {h["view"]["alert"]["id"] for h in json.loads(found.stdout)["hits"]}
    assert person.id in hits
    # the hits were counted: the bound is reached with that many fewer reads
    others = [a for a in ids(app) if a not in hits]
    for alert_id in others[: PER_HOUR - len(hits)]:
        assert client.get(f"/v1/alerts/{alert_id}", headers=GUARD).status_code == 200
    refused = client.get(f"/v1/alerts/{others[PER_HOUR - len(hits)]}", headers=GUARD)
    assert refused.json()["type"] == "urn:limes:problem:reads-blocked"
    blocked = runner.invoke(cli, search)
    assert blocked.exit_code == 5
    last = json.loads(blocked.output.splitlines()[-1])  # after the index's progress lines
    assert last["type"] == "urn:limes:problem:reads-blocked"
