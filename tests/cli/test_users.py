"""``limes users …`` through click's runner, on SQLite in a temp folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.cli.accounts import (
    CLIENT,
    GUARD,
    OPERATOR,
    PASSWORD,
    approved,
    hashing_weakly,
    seed,
    settings_env,
)
from tests.cli.helpers import Run, ok, problem

from limes.config import from_env
from limes.domain.accounts import AccountState
from limes.identity import totp


@pytest.fixture
def run(initialised: Run) -> Run:
    return hashing_weakly(initialised)


@pytest.fixture
def seeded(run: Run) -> Run:
    return seed(run)


def test_add_prints_the_totp_uri_once_and_no_secret_afterwards(run: Run) -> None:
    made = ok(run("users", "add", *OPERATOR, "--bootstrap", input=f"{PASSWORD}\n{PASSWORD}\n"))
    assert made["totp_provisioning_uri"].startswith("otpauth://totp/Limes:op-de?secret=")
    assert made["roles"] == ["system_operator"]
    shown = run("users", "show", "op-de", "--as", "op-de")
    assert "secret" not in shown.stdout
    assert "argon2" not in shown.stdout
    assert ok(shown)["state"] == "active"


def test_a_third_bootstrap_and_a_non_operator_are_refused(seeded: Run) -> None:
    again = seeded(
        "users", "add", *OPERATOR[:1], "op-de-3", *OPERATOR[2:], "--bootstrap",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert "has its system operators" in problem(again, 5)["detail"]
    by_guard = seeded("users", "add", *CLIENT[:1], "gw-2", *CLIENT[2:], "--as", "guard-1")
    assert "does not hold that purpose" in problem(by_guard, 5)["detail"]
    assert seeded("users", "add", *CLIENT).exit_code == 2  # neither --as nor --bootstrap


def test_account_rules_are_reported_as_invalid_input(seeded: Run) -> None:
    mixed = seeded(
        "users", "add", "--username", "op-2", "--state", "DE", "--authority", "OPS",
        "--role", "system_operator", "--role", "sirene_operator", "--purpose", "operations",
        "--as", "op-de",
    )  # fmt: skip
    assert problem(mixed, 3)["errors"][0]["pointer"] == "/roles"
    made = approved(seeded, seeded("users", "add", *GUARD[:1], "g2", *GUARD[2:], "--as", "op-de"))
    code = made["enrolment_codes"]["g2"]
    short = seeded("users", "enrol", "g2", "--stdin", input=f"{code}\nshort\n")
    assert problem(short, 3)["errors"] == [
        {"pointer": "/password", "detail": "must be 12 to 1024 characters"}
    ]
    with_password = seeded("users", "add", *GUARD[:1], "g3", *GUARD[2:], "--as", "op-de",
                           "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    assert with_password.exit_code == 2  # the holder chooses the password, not the operator


def test_import_clearances_all_or_nothing(seeded: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "username,level,vetting_reference,valid_until\n"
        "guard-1,SECRET,R-1,2027-03-31\n"
        "ghost,SECRET,R-2,2027-03-31\n"
        "op-de,TOP SECRET,R-3,2027-03-31\n",
        encoding="utf-8",
    )
    refused = problem(seeded("users", "import-clearances", str(bad), "--as", "op-de"), 3)
    assert [e["pointer"] for e in refused["errors"]] == ["/line/3/username", "/line/4/level"]
    assert ok(seeded("users", "show", "guard-1", "--as", "op-de"))["clearance"] is None

    good = tmp_path / "good.csv"
    good.write_text(
        "username,level,vetting_reference,valid_until\nguard-1,SECRET,R-1,2027-03-31\n",
        encoding="utf-8",
    )
    assert approved(seeded, seeded("users", "import-clearances", str(good), "--as", "op-de"))[
        "change"
    ]["accounts"] == ["guard-1"]
    shown = ok(seeded("users", "show", "guard-1", "--as", "op-de"))
    assert shown["clearance"] == {
        "level": "SECRET",
        "vetting_reference": "R-1",
        "last_day": "2027-03-31",
    }


def test_report(seeded: Run) -> None:
    found = ok(seeded("users", "report", "--json", "--as", "op-de"))
    assert found["member_state"] == "DE"
    assert [e["username"] for e in found["without_clearance"]] == [
        "eu-lisa-gw", "guard-1", "op-de", "op-de-2"
    ]  # fmt: skip
    assert [e["username"] for e in found["administrators"]] == ["op-de", "op-de-2"]
    assert found["expiring"] == found["expired"] == []
    text = seeded("users", "report", "--as", "op-de").stdout
    assert "Administrative roles (2):" in text
    assert "No clearance (4):" in text


def test_release_set_roles_disable_enable_sweep(seeded: Run, var: Path) -> None:
    from limes.bootstrap import build

    app = build(from_env(settings_env(var)))
    try:  # failed logins no longer lock: lock it as they once did
        with app.accounts.accounts.write() as tx:
            account = tx.by_username("guard-1", for_update=True)
            assert account is not None
            tx.replace(replace(account, state=AccountState.LOCKED, state_reason="locked"))
    finally:
        app.close()
    assert ok(seeded("users", "show", "guard-1", "--as", "op-de"))["state"] == "locked"
    released = approved(seeded, seeded("users", "release", "guard-1", "--as", "op-de"))
    assert released["accounts"][0]["state"] == "active"
    assert problem(seeded("users", "release", "guard-1", "--as", "op-de"), 8)

    changed = approved(
        seeded,
        seeded("users", "set-roles", "guard-1", "--role", "visa_officer", "--purpose", "visa",
               "--as", "op-de"),
    )["accounts"][0]  # fmt: skip
    assert (changed["roles"], changed["purposes"]) == (["visa_officer"], ["visa"])
    disabled = ok(seeded("users", "disable", "guard-1", "--reason", "left", "--as", "op-de"))
    assert disabled["state"] == "disabled"
    enabled = approved(seeded, seeded("users", "enable", "guard-1", "--as", "op-de"))
    assert enabled["accounts"][0]["state"] == "active"
    assert ok(seeded("users", "changes", "--as", "op-de")) == []
    assert [c["kind"] for c in ok(seeded("users", "changes", "--all", "--as", "op-de"))] == [
        "create", "create", "release", "roles", "enable"
    ]  # fmt: skip
    table = seeded("users", "changes", "--all", "--format", "table", "--as", "op-de")
    assert table.exit_code == 0, table.output
    assert "proposer" in table.stdout and table.stdout.count("create") == 2
    assert ok(seeded("users", "sweep")) == {
        "disabled": [],
        "sessions_ended": 0,
        "failures_pruned": 0,
    }


def test_link_oidc_and_certificates(seeded: Run) -> None:
    linked = approved(
        seeded,
        seeded("users", "link-oidc", "guard-1", "--issuer", "https://idp.example.de",
               "--subject", "s-1", "--as", "op-de"),
    )["accounts"][0]  # fmt: skip
    assert linked["oidc"] == {"issuer": "https://idp.example.de", "subject": "s-1"}
    pinned = approved(
        seeded,
        seeded("users", "set-certificate", "eu-lisa-gw", "--fingerprint", "AB:" * 31 + "CD",
               "--as", "op-de"),
    )["accounts"][0]  # fmt: skip
    assert pinned["certificate_sha256"] == "ab" * 31 + "cd"
    assert problem(
        seeded("users", "set-certificate", "eu-lisa-gw", "--fingerprint", "xyz", "--as", "op-de"),
        3,
    )


def test_codes_in_the_uri_work_for_login(run: Run, var: Path) -> None:
    made = ok(run("users", "add", *OPERATOR, "--bootstrap", "--password-stdin",
                  input=PASSWORD + "\n"))  # fmt: skip
    secret = made["totp_provisioning_uri"].split("secret=")[1].split("&")[0]
    from limes.bootstrap import build

    app = build(from_env(settings_env(var)))
    try:
        service = app.accounts
        done = service.login("op-de", PASSWORD, totp.code_at(secret, service.clock()))
        assert done.account.username == "op-de"
    finally:
        app.close()


def test_in_development_the_record_says_no_proof_was_asked(seeded: Run, var: Path) -> None:
    import json
    import sqlite3

    with sqlite3.connect(var / "audit.db") as db:
        rows = db.execute("SELECT data FROM audit_records WHERE action LIKE 'account:%'")
        records = [json.loads(data) for (data,) in rows]
    acted = [r for r in records if r["user"] in ("op-de", "op-de-2")]
    assert {r["action"] for r in acted} >= {"account:add", "account:approve"}
    assert {r["refs"].get("proof") for r in acted if r["outcome"] != "refused"} == {"development"}
