"""Every use case writes its record, and no action happens that could not be recorded.

The application is wired by ``bootstrap.build`` (real policy table, real store, the
test keyring) with the audit log in a file beside the store, so these records are
the ones every door (API, CLI, jobs) produces.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.api.helpers import MISUSED, TestClient
from tests.audit.conftest import PUBLIC_KEY, SIGNER
from tests.conftest import FixedClock, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc
from tests.identity.helpers import PASSWORD, agree, code, seed

from limes import codec
from limes.api.app import create_app
from limes.audit.log import AuditLog, AuditUnavailable
from limes.audit.record import parse
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import AuditTx, RecordQuery
from limes.audit.verify import verify
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.domain.alerts import MisusedIdentity
from limes.domain.roles import Purpose, Role
from limes.errors import Forbidden, InvalidInput, VersionMismatch
from limes.service.sessions import LoginRefused
from limes.store.port import AlertFilter
from limes.store.sqlite import SqliteStore

DE = make_ctx("DE")
FR = make_ctx("FR", user="agent-fr")
DPO = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, user="dpo-de", purpose=Purpose.DATA_PROTECTION)
OPERATOR = make_ctx("DE", Role.SYSTEM_OPERATOR, user="op-de", purpose=Purpose.OPERATIONS)


def settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        test_only_fixed_keyring=True,
        test_only_weak_password_hashing=True,
    )


class FailingStore:
    """An audit store whose writes fail after ``allowed`` of them (a full disk, say)."""

    name = "sqlite"

    def __init__(self, inner: SqliteAuditStore, allowed: int = 0) -> None:
        self.inner = inner
        self.allowed = allowed

    def migrate(self) -> list[str]:
        return self.inner.migrate()

    @contextmanager
    def _failing(self) -> Iterator[AuditTx]:
        raise sqlite3.OperationalError("disk I/O error")
        yield  # pragma: no cover

    def write(self, *, retention: bool = False) -> AbstractContextManager[AuditTx]:
        if self.allowed <= 0:
            return self._failing()
        self.allowed -= 1
        return self.inner.write(retention=retention)

    def read(self) -> AbstractContextManager[AuditTx]:
        return self.inner.read()

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def app(tmp_path: Path, sqlite_store: SqliteStore, clock: FixedClock) -> Iterator[Limes]:
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    limes = build(settings(tmp_path), store=sqlite_store, clock=clock, audit=log)
    yield limes
    log.close()


def trail(app: Limes, since: int = 0) -> list[dict[str, Any]]:
    with app.audit.store.read() as tx:
        return [parse(row[5]) for row in tx.all_records() if row[0] >= since]


def brief(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["action"], r["outcome"]) for r in records]


def test_writes_are_recorded_ahead_and_their_outcome_after(app: Limes) -> None:
    view = app.alerts.issue(DE, content(PERSON))
    attempt, outcome = trail(app)
    assert brief([attempt, outcome]) == [("alert:issue", "attempted"), ("alert:issue", "allowed")]
    assert (attempt["user"], attempt["authority"], attempt["member_state"]) == (
        "officer-1",
        "SIRENE DE",
        "DE",
    )
    assert attempt["purpose"] == "sirene" and attempt["roles"] == ["sirene_operator"]
    assert outcome["attempt"] == attempt["seq"]
    assert outcome["alerts"] == [{"id": view.alert.id, "version": 1, "state": "DE"}]
    assert outcome["categories"] == ["arrest"] and outcome["rules"]
    assert "allows alert:issue" in outcome["reason"]
    assert "Ivanova" not in str(trail(app))  # references, never content

    app.alerts.update(DE, view.alert.id, content(PERSON), 1)
    attempt, outcome = trail(app, 2)
    assert attempt["alerts"] == [{"id": view.alert.id, "version": 1, "state": None}]
    assert attempt["refs"] == {"expected_version": 1}
    assert outcome["alerts"] == [{"id": view.alert.id, "version": 2, "state": "DE"}]

    with pytest.raises(VersionMismatch):
        app.alerts.update(DE, view.alert.id, content(PERSON), 1)
    attempt, outcome = trail(app, 4)
    assert brief([outcome]) == [("alert:update", "refused")]
    assert outcome["reason"].startswith("version-mismatch: alert")
    assert outcome["attempt"] == attempt["seq"]


def test_reads_lists_and_refusals_are_recorded(app: Limes) -> None:
    view = app.alerts.issue(DE, content(PERSON))
    app.alerts.get(FR, view.alert.id)
    page = app.alerts.list(FR, AlertFilter(category="arrest", limit=10))
    with pytest.raises(Forbidden):
        app.alerts.get(OPERATOR, view.alert.id)
    with pytest.raises(InvalidInput):
        app.alerts.issue(DE, content(doc(PERSON, action="seize")))
    read, listed, refused, attempt, invalid = trail(app, 2)
    assert brief([read, listed, refused]) == [
        ("alert:read", "allowed"),
        ("alert:list", "allowed"),
        ("alert:read", "refused"),
    ]
    assert (read["user"], read["member_state"]) == ("agent-fr", "FR")
    assert read["alerts"] == [{"id": view.alert.id, "version": 1, "state": "DE"}]
    assert read["attempt"] is None
    assert listed["query"] == {"category": "arrest", "limit": 10, "status": "active"}
    assert [a["id"] for a in listed["alerts"]] == [i.alert.id for i in page.items]
    assert refused["reason"].startswith("forbidden: ")
    assert refused["alerts"] == [{"id": view.alert.id, "version": None, "state": None}]
    assert brief([attempt, invalid]) == [("alert:issue", "attempted"), ("alert:issue", "refused")]
    assert invalid["reason"].startswith("invalid-input: ") and " at /" in invalid["reason"]


def test_every_alert_use_case_writes_its_record(app: Limes) -> None:
    person = app.alerts.issue(DE, content(PERSON)).alert
    vehicle = app.alerts.issue(DE, content(VEHICLE)).alert
    start = app.audit.size()
    app.relations.request_flag(FR, person.id, "not on our territory")
    app.relations.decide_flag(DE, person.id, "FR", True, "agreed")
    app.relations.withdraw_flag(FR, person.id, "FR")
    app.relations.link(DE, person.id, vehicle.id)
    app.relations.link(DE, person.id, vehicle.id, unlink=True)
    data = codec.parse(MisusedIdentity, orjson.dumps(MISUSED))
    app.alerts.set_misused_identity(DE, person.id, data, 1)
    app.alerts.get_misused_identity(DE, person.id)
    app.alerts.extend(DE, person.id, "still wanted", 2)
    app.alerts.delete(DE, vehicle.id, 1)
    app.alerts.expire_due(OPERATOR)
    outcomes = [r for r in trail(app, start) if r["outcome"] != "attempted"]
    assert brief(outcomes) == [
        ("flag:request", "allowed"),
        ("flag:decide", "allowed"),
        ("flag:withdraw", "allowed"),
        ("alert:link", "allowed"),
        ("alert:link", "allowed"),
        ("misused-identity:write", "allowed"),
        ("misused-identity:read", "allowed"),
        ("alert:extend", "allowed"),
        ("alert:delete", "allowed"),
        ("expiry:run", "allowed"),
    ]
    flag, decided, _, linked, unlinked, misused, _, extended, deleted, expiry = outcomes
    assert flag["user"] == "agent-fr" and decided["refs"] == {
        "flag_state": "FR",
        "flag_granted": True,
    }
    assert [a["id"] for a in linked["alerts"]] == [person.id]
    assert {a["id"] for a in trail(app, start)[6]["alerts"]} == {person.id, vehicle.id}
    assert unlinked["refs"] == {"unlink": True}
    assert misused["refs"] == {"expected_version": 1, "misused_identity": True}
    assert extended["alerts"] == [{"id": person.id, "version": 3, "state": "DE"}]
    assert deleted["alerts"] == [{"id": vehicle.id, "version": 1, "state": None}]
    assert expiry["refs"] == {"expired": 0, "warned": 0}
    assert "not on our territory" not in str(outcomes) and "still wanted" not in str(outcomes)


def test_bulk_loads_and_refusals_outside_a_use_case_are_recorded(app: Limes) -> None:
    loaded = list(app.alerts.bulk_issue(DE, [content(PERSON), content(VEHICLE)]))
    assert loaded == [2]
    attempt, outcome = trail(app)
    assert brief([attempt, outcome]) == [("alert:issue", "attempted"), ("alert:issue", "allowed")]
    assert len(attempt["alerts"]) == 2 and {a["version"] for a in attempt["alerts"]} == {1}
    with pytest.raises(Forbidden):
        list(app.alerts.bulk_issue(OPERATOR, [content(PERSON)]))
    (refused,) = trail(app, 2)
    assert brief([refused]) == [("alert:issue", "refused")] and refused["user"] == "op-de"


def test_a_bulk_batch_names_each_alert_once_and_stays_verifiable(app: Limes) -> None:
    """The outcome of a bulk batch refers to its attempt and counts the alerts, instead
    of naming each again: one ``audit_alerts`` row an alert (issue 15); the log still
    verifies, and a lookup by alert id finds who wrote it and how that ended."""
    list(app.alerts.bulk_issue(DE, [content(PERSON), content(VEHICLE), content(PERSON)]))
    attempt, outcome = trail(app)
    assert brief([attempt, outcome]) == [("alert:issue", "attempted"), ("alert:issue", "allowed")]
    assert outcome["attempt"] == attempt["seq"] and outcome["alerts"] == []
    assert outcome["refs"] == {"alerts": 3} and len(attempt["alerts"]) == 3
    with app.audit.store.read() as tx:
        rows = list(tx.all_alert_rows())
    assert sorted(seq for seq, _, _ in rows) == [attempt["seq"]] * 3
    assert verify(app.audit.store, [PUBLIC_KEY]).ok
    written = attempt["alerts"][1]["id"]
    answer = app.audit.query(RecordQuery(alert_id=written))
    assert answer is not None
    found = [p.record.document for p in answer.items]
    assert [(r["seq"], r["user"], r["outcome"]) for r in found] == [
        (attempt["seq"], "officer-1", "attempted"),
        (outcome["seq"], "officer-1", "allowed"),  # by the outcome index (store.py)
    ]


def test_break_glass_requests_and_decisions_are_recorded(app: Limes) -> None:
    alert = app.alerts.issue(DE, content(PERSON)).alert
    asked = app.breakglass.request(OPERATOR, alert.id, frozenset({"alert:read"}), 30, "broken")
    app.breakglass.decide(DPO, asked.id, True, "checked")
    app.breakglass.grants(DPO)
    outcomes = [r for r in trail(app, 2) if r["outcome"] != "attempted"]
    assert brief(outcomes) == [
        ("breakglass:request", "allowed"),
        ("breakglass:approve", "allowed"),
        ("breakglass:list", "allowed"),
    ]
    request, decision, listed = outcomes
    assert request["refs"]["grant"] == asked.id and request["alerts"][0]["id"] == alert.id
    assert request["refs"]["permissions"] == ["alert:read"] and request["refs"]["minutes"] == 30
    assert decision["refs"] == {"grant": asked.id, "approve": True, "grant_status": "approved"}
    assert listed["refs"] == {"grants": [asked.id]}
    # the grant lets the operator read that alert: the record says by which grant
    operator = replace(OPERATOR.principal, purposes=frozenset({Purpose.OPERATIONS}))
    app.alerts.get(replace(OPERATOR, principal=operator), alert.id)
    (read,) = trail(app, app.audit.size() - 1)
    assert read["rules"] == [f"break-glass grant {asked.id}"]


def test_logins_and_role_changes_are_recorded(app: Limes, clock: FixedClock) -> None:
    accounts = app.accounts
    _, user = seed(accounts)
    accounts.login("guard-1", PASSWORD, code(user, clock.now))
    with pytest.raises(LoginRefused):
        accounts.login("guard-1", "wrong password 123", code(user, clock.now))
    agree(accounts, accounts.set_roles(
        accounts.acting("op-de"), "guard-1", frozenset({Role.POLICE_OFFICER}),
        frozenset({Purpose.POLICE_CHECK}),
    ))  # fmt: skip
    outcomes = [r for r in trail(app) if r["outcome"] != "attempted"]
    assert brief(outcomes) == [
        ("account:bootstrap-operator", "allowed"),
        ("account:bootstrap-operator", "allowed"),
        ("account:add", "allowed"),
        ("account:approve", "allowed"),
        ("account:enrol", "allowed"),
        ("auth:login", "allowed"),
        ("auth:login", "refused"),
        ("account:set-roles", "allowed"),
        ("account:approve", "allowed"),
    ]
    _, _, added, approved, enrolled, login, failed, roles, applied = outcomes
    assert added["refs"]["account"] == "guard-1" and added["user"] == "op-de"
    assert approved["user"] == "op-de-2" and approved["refs"]["change"] == added["refs"]["change"]
    assert approved["refs"]["enrolment_codes_issued"] == ["guard-1"]
    assert enrolled["user"] == "guard-1" and enrolled["refs"]["account"] == "guard-1"
    assert applied["refs"]["change_kind"] == "roles" and applied["refs"]["accounts"] == ["guard-1"]
    assert (login["user"], login["authority"], login["member_state"]) == ("guard-1", "BPOL", "DE")
    assert login["refs"]["session"]
    assert failed["user"] == "guard-1" and failed["reason"] == "unauthenticated: wrong password"
    assert roles["refs"]["roles"] == ["police_officer"] and roles["refs"]["account"] == "guard-1"
    assert PASSWORD not in str(trail(app))


def test_a_read_of_security_events_names_them_even_when_there_are_none(app: Limes) -> None:
    assert app.breakglass.security_events(DPO, limit=5) == []
    (read,) = trail(app)
    assert read["action"] == "security-events:read" and read["query"] == {"limit": 5}
    assert read["refs"] == {"security_events": []}


def test_reading_the_audit_log_is_recorded(app: Limes) -> None:
    alert = app.alerts.issue(DE, content(PERSON)).alert
    answer = app.audit_reader.records(DPO, alert_id=alert.id)
    # the attempt to issue it names no alert yet; its outcome does, and the outcome
    # index (audit/store.py) pairs the attempt with it
    assert [(p.record.seq, p.record.document["outcome"]) for p in answer.items] == [
        (0, "attempted"),
        (1, "allowed"),
    ]
    (read,) = trail(app, 2)
    assert brief([read]) == [("audit:read", "allowed")]
    assert read["query"] == {"alert_id": alert.id} and read["alerts"] == []
    assert read["refs"] == {"records": [0, 1], "tree_size": 2}
    assert verify(app.audit.store, [PUBLIC_KEY]).ok


# -- fail closed ---------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path, sqlite_store: SqliteStore, clock: FixedClock) -> Iterator[Limes]:
    log = AuditLog(FailingStore(SqliteAuditStore(tmp_path / "audit.db")), clock=clock)
    limes = build(settings(tmp_path), store=sqlite_store, clock=clock, audit=log)
    yield limes
    log.close()


def test_no_write_happens_that_cannot_be_recorded(broken: Limes) -> None:
    with pytest.raises(AuditUnavailable) as refused:
        broken.alerts.issue(DE, content(PERSON))
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    assert broken.store.count() == 0
    assert broken.store.events_after(0) == []
    with pytest.raises(AuditUnavailable):
        list(broken.alerts.bulk_issue(DE, [content(PERSON)]))
    assert broken.store.count() == 0
    with pytest.raises(AuditUnavailable):  # not Forbidden: the refusal itself is unrecorded
        broken.alerts.issue(OPERATOR, content(PERSON))


def test_no_data_leaves_that_cannot_be_recorded(
    tmp_path: Path, sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    failing = FailingStore(SqliteAuditStore(tmp_path / "audit.db"), allowed=2)
    log = AuditLog(failing, clock=clock)
    limes = build(settings(tmp_path), store=sqlite_store, clock=clock, audit=log)
    alert = limes.alerts.issue(DE, content(PERSON)).alert  # two appends: attempt, outcome
    with pytest.raises(AuditUnavailable):
        limes.alerts.get(DE, alert.id)
    with pytest.raises(AuditUnavailable):
        limes.alerts.list(DE, AlertFilter())
    log.close()


def test_an_unrecorded_outcome_is_logged_after_the_change(
    tmp_path: Path, sqlite_store: SqliteStore, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    failing = FailingStore(SqliteAuditStore(tmp_path / "audit.db"), allowed=1)
    log = AuditLog(failing, clock=clock)
    limes = build(settings(tmp_path), store=sqlite_store, clock=clock, audit=log)
    with caplog.at_level(logging.ERROR, logger="limes.audit"):
        view = limes.alerts.issue(DE, content(PERSON))  # committed after its attempt record
    assert limes.store.count() == 1 and view.alert.version == 1
    assert "outcome of alert:issue (attempt 0) not recorded" in caplog.text
    log.close()


def test_the_api_answers_a_problem_without_internals(broken: Limes) -> None:
    client = TestClient(create_app(broken), raise_server_exceptions=False)
    headers = {
        "X-Limes-Unsafe-Principal": "sirene-1@SIRENE-DE/DE;roles=sirene_operator",
        "X-Limes-Purpose": "sirene",
        "Content-Type": "application/json",
    }
    answer = client.post("/v1/alerts", content=orjson.dumps(PERSON), headers=headers)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:limes:problem:internal-error"
    assert problem["detail"] == "the server could not answer this request"
    for internal in ("sqlite", "disk", "audit", "Traceback"):
        assert internal not in answer.text
    assert broken.store.count() == 0
