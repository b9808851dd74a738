"""``limes users …`` and ``limes token …`` through click's runner, on SQLite in a temp folder."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import jwt
import pytest
from click.testing import Result
from tests.cli.helpers import Run, ok, problem

from limes.config import from_env
from limes.domain.accounts import AccountState
from limes.identity import totp
from limes.identity.tokens import load_signing_key

PASSWORD = "correct horse battery staple"
WEAK_HASHING = {"LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1"}


def settings_env(var: Path) -> dict[str, str]:
    """The environment the runner gives, as ``from_env`` reads it."""
    return {"LIMES_ENV": "development", "LIMES_VAR": str(var)} | WEAK_HASHING


@pytest.fixture
def run(initialised: Run) -> Run:
    """The CLI (``tests/conftest.py``) after ``limes init``, hashing passwords weakly."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return initialised(*args, input=input, env=WEAK_HASHING)

    return invoke


GUARD: tuple[str, ...] = ("--username", "guard-1", "--state", "DE", "--authority", "BPOL",
                          "--role", "border_guard", "--purpose", "border_check")  # fmt: skip
CLIENT: tuple[str, ...] = ("--username", "eu-lisa-gw", "--state", "DE", "--authority", "BPOL",
                           "--role", "system_client", "--purpose", "border_check",
                           "--client")  # fmt: skip
OPERATOR: tuple[str, ...] = ("--username", "op-de", "--state", "DE", "--authority", "OPS",
                             "--role", "system_operator", "--purpose", "operations")  # fmt: skip
SECOND_OPERATOR = ("--username", "op-de-2", *OPERATOR[2:])


def approved(run: Run, proposed: Result) -> dict[str, Any]:
    """The answer of op-de-2 approving the change op-de proposed."""
    change = ok(proposed)
    assert change["status"] == "pending" and change["proposer"] == "op-de", change
    return cast(dict[str, Any], ok(run("users", "approve", change["id"], "--as", "op-de-2")))


def founders(run: Run) -> None:
    for founder in (OPERATOR, SECOND_OPERATOR):
        ok(run("users", "add", *founder, "--bootstrap", "--password-stdin", input=PASSWORD + "\n"))


@pytest.fixture
def seeded(run: Run) -> Run:
    founders(run)
    made = approved(run, run("users", "add", *GUARD, "--as", "op-de"))
    code = made["enrolment_codes"]["guard-1"]
    ok(run("users", "enrol", "guard-1", "--stdin", input=f"{code}\n{PASSWORD}\n"))
    approved(run, run("users", "add", *CLIENT, "--as", "op-de"))
    return run


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


def test_token_keygen_and_issue(seeded: Run, var: Path) -> None:
    made = seeded("token", "keygen")
    assert made.exit_code == 0 and "token signing key" in made.stdout  # init made it
    key_path = var / "keys" / "token-signing-key.pem"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert "PRIVATE" not in made.output
    assert "exists" in seeded("token", "keygen").stdout

    issued = seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "5")
    assert issued.exit_code == 0, issued.stderr
    claims = jwt.decode(
        issued.stdout.strip(),
        load_signing_key(key_path).public_key(),
        algorithms=["EdDSA"],
        audience="limes-api",
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    assert claims["exp"] - claims["iat"] == 300
    assert "sid" not in claims

    assert seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "16").exit_code == 2
    assert "is a user" in problem(seeded("token", "issue", "--client", "guard-1"), 3)["detail"]
    seeded("users", "disable", "eu-lisa-gw", "--reason", "revoked", "--as", "op-de")
    assert "disabled" in problem(seeded("token", "issue", "--client", "eu-lisa-gw"), 4)["detail"]


@pytest.mark.parametrize(("path", "mode"), [("file", 0o644), ("folder", 0o755)])
def test_token_refuses_a_key_others_may_read(seeded: Run, var: Path, path: str, mode: int) -> None:
    seeded("token", "keygen")
    key_path = var / "keys" / "token-signing-key.pem"
    (key_path if path == "file" else key_path.parent).chmod(mode)
    refused = problem(seeded("token", "issue", "--client", "eu-lisa-gw"), 12)
    assert "others may read it" in refused["detail"]
    assert "BEGIN" not in refused["detail"]


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


def test_a_minted_token_is_recorded_with_its_id_never_itself(seeded: Run, var: Path) -> None:
    from tests.cli.test_access_records import trail

    issued = seeded("token", "issue", "--client", "eu-lisa-gw", "--minutes", "5", "--json")
    token = ok(issued)["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    found = trail(var, "token:issue")
    attempt, outcome = found
    assert (attempt["outcome"], outcome["outcome"]) == ("attempted", "allowed")
    assert attempt["refs"] == {"client": "eu-lisa-gw", "minutes": 5}
    assert outcome["refs"]["token_id"] == claims["jti"]
    assert outcome["refs"]["account"] == "eu-lisa-gw"
    assert token not in str(found)


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
