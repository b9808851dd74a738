"""Outside development, ``--as`` must name a stored account that holds what it asserts
and proves itself: its password and TOTP (prompted), or a token in ``LIMES_TOKEN``.
The audit record of every command says which proof it was; a malformed ``--as`` is a
usage error."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tests.cli.helpers import ALERT, Run, ok, problem

from limes.bootstrap import build
from limes.cli.main import cli
from limes.config import from_env
from limes.identity import totp
from limes.identity.tokens import TokenIssuer, load_signing_key

PASSWORD = "correct horse battery staple"
AS_JDOE = ("--as", "jdoe@BKA/DE", "--role", "sirene_operator", "--purpose", "sirene")
CLEARED = dict.fromkeys(
    ("LIMES_DATABASE_URL", "LIMES_AS", "LIMES_ROLE", "LIMES_PURPOSE", "LIMES_TOKEN", "LIMES_AUTH")
)
JDOE = ("--username", "jdoe", "--state", "DE", "--authority", "BKA",
        "--role", "sirene_operator", "--purpose", "sirene")  # fmt: skip


class Production:
    """A production store in a temp folder, and the TOTP secrets its holders loaded."""

    def __init__(self, var: Path) -> None:
        self.var = var
        self.runner = CliRunner(env={**CLEARED, "LIMES_ENV": "production"})
        self.secrets: dict[str, str] = {}
        # TOTP steps are used once each: every holder's n-th login uses step s0 + n
        self.first_step = datetime.now(UTC)
        self.logins: dict[str, int] = {}

    def run(self, *args: str, stdin: str | None = None, token: str | None = None) -> Result:
        env = {"LIMES_TOKEN": token} if token else None
        return self.runner.invoke(cli, ["--var", str(self.var), *args], input=stdin, env=env)

    def code(self, username: str) -> str:
        n = self.logins.get(username, 0)
        self.logins[username] = n + 1
        moment = self.first_step + timedelta(seconds=30 * n)
        return totp.code_at(self.secrets[username], moment)

    def proof(self, username: str) -> str:
        """What a holder types at the two prompts."""
        return f"{PASSWORD}\n{self.code(username)}\n"

    def keep(self, username: str, made: dict[str, Any]) -> None:
        self.secrets[username] = made["totp_provisioning_uri"].split("secret=")[1].split("&")[0]

    def token(self, username: str) -> str:
        """A bearer token of a fresh session, as POST /v1/auth/login would give."""
        settings = from_env({"LIMES_ENV": "production", "LIMES_VAR": str(self.var)})
        app = build(settings)
        try:
            accounts = app.accounts
            login = accounts.login(username, PASSWORD, self.code(username))
            issuer = TokenIssuer(
                load_signing_key(settings.token_key_path),
                settings.token_issuer,
                settings.token_audience,
            )
            now = accounts.clock()
            return issuer.issue(login.account.id, now, session_id=login.session.id).token
        finally:
            app.close()

    def records(self, action: str) -> list[dict[str, Any]]:
        with sqlite3.connect(self.var / "audit.db") as db:
            rows = db.execute(
                "SELECT data FROM audit_records WHERE action = ? ORDER BY seq", (action,)
            )
            return [json.loads(data) for (data,) in rows]


@pytest.fixture
def prod(tmp_path: Path) -> Production:
    p = Production(tmp_path / "var")
    assert p.run("init").exit_code == 0
    for name in ("op-de", "op-de-2"):
        made = ok(p.run("users", "add", "--username", name, "--state", "DE", "--authority", "OPS",
                        "--role", "system_operator", "--purpose", "operations", "--bootstrap",
                        "--password-stdin", stdin=PASSWORD + "\n"))  # fmt: skip
        p.keep(name, made)
    return p


def test_users_commands_need_the_operators_password_and_totp(prod: Production) -> None:
    # no proof at all: the prompt finds nothing to read, and nothing is proposed
    unproven = prod.run("users", "add", *JDOE, "--as", "op-de")
    assert "LIMES_TOKEN" in problem(unproven, 4, after="Password of op-de")["detail"]
    # a wrong password, or a code that is not the account's: refused as a failed login
    wrong = prod.run("users", "add", *JDOE, "--as", "op-de", stdin="not my password!\n123456\n")
    assert "not accepted" in problem(wrong, 4, after="Password of op-de")["detail"]
    # an account that does not exist proves nothing either
    ghost = prod.run("users", "changes", "--as", "ghost", stdin=f"{PASSWORD}\n123456\n")
    problem(ghost, 4, after="Password of ghost")
    assert ok(prod.run("users", "changes", "--all", "--as", "op-de-2",
                       stdin=prod.proof("op-de-2"))) == []  # fmt: skip

    proposed = ok(prod.run("users", "add", *JDOE, "--as", "op-de", stdin=prod.proof("op-de")))
    assert "enrolment_codes" not in proposed and "totp" not in json.dumps(proposed)
    records = prod.records("account:add")
    assert [(r["outcome"], r["user"], r["refs"].get("proof")) for r in records] == [
        ("attempted", "op-de", "password+totp"),
        ("allowed", "op-de", "password+totp"),
    ]  # the refused logins proved no one: nothing was attempted in their name
    assert records[-1]["session"] is not None
    # the session a proven command opened ends with it, and that record says the proof too
    logouts = {(r["user"], r["refs"].get("proof")) for r in prod.records("auth:logout")}
    assert logouts == {("op-de-2", "password+totp"), ("op-de", "password+totp")}
    logins = [(r["outcome"], r["user"]) for r in prod.records("auth:login")]
    assert [login for login in logins if login[0] != "attempted"] == [
        ("refused", "op-de"),
        ("refused", "ghost"),
        ("allowed", "op-de-2"),
        ("allowed", "op-de"),
    ]


def test_alert_commands_act_as_the_stored_account_with_a_token(prod: Production) -> None:
    alert = json.dumps(ALERT)
    # no such account: refused before anything is read or written
    problem(prod.run("alert", "issue", "--file", "-", *AS_JDOE, stdin=f"{PASSWORD}\n000000\n"
                     + alert), 4, after="Password of jdoe")  # fmt: skip

    change = ok(prod.run("users", "add", *JDOE, "--as", "op-de", stdin=prod.proof("op-de")))
    approved = ok(prod.run("users", "approve", change["id"], "--as", "op-de-2",
                           stdin=prod.proof("op-de-2")))  # fmt: skip
    code = approved["enrolment_codes"]["jdoe"]
    prod.keep(
        "jdoe", ok(prod.run("users", "enrol", "jdoe", "--stdin", stdin=f"{code}\n{PASSWORD}\n"))
    )
    token = prod.token("jdoe")

    # the account exists but holds no clearance: no alert content
    problem(prod.run("alert", "issue", "--file", "-", *AS_JDOE, stdin=alert, token=token), 5)
    # asserting another authority, or a role it does not hold, is refused
    wrong = ("--as", "jdoe@BPOL/DE", *AS_JDOE[2:])
    problem(prod.run("alert", "issue", "--file", "-", *wrong, stdin=alert, token=token), 4)
    more = (*AS_JDOE[:2], "--role", "police_officer", *AS_JDOE[2:])
    problem(prod.run("alert", "issue", "--file", "-", *more, stdin=alert, token=token), 5)
    # jdoe's token does not make its bearer op-de
    refused = prod.run("users", "changes", "--as", "op-de", token=token)
    assert "token of jdoe, not of op-de" in problem(refused, 4)["detail"]

    clearances = prod.var.parent / "clearances.csv"
    clearances.write_text(
        "username,level,vetting_reference,valid_until\njdoe,SECRET,V-7,2099-12-31\n",
        encoding="utf-8",
    )
    change = ok(prod.run("users", "import-clearances", str(clearances), "--as", "op-de",
                         stdin=prod.proof("op-de")))  # fmt: skip
    ok(prod.run("users", "approve", change["id"], "--as", "op-de-2", stdin=prod.proof("op-de-2")))
    issued = ok(prod.run("alert", "issue", "--file", "-", *AS_JDOE, stdin=alert, token=token))
    assert issued["issuing_state"] == "DE", issued

    done = [r for r in prod.records("alert:issue") if r["outcome"] == "allowed"]
    assert [(r["user"], r["refs"]["proof"]) for r in done] == [("jdoe", "token")]
    approvals = [r for r in prod.records("account:approve") if r["outcome"] == "allowed"]
    assert [(r["user"], r["refs"]["proof"]) for r in approvals] == [
        ("op-de-2", "password+totp"),
        ("op-de-2", "password+totp"),
    ]
    assert approvals[0]["refs"]["enrolment_codes_issued"] == ["jdoe"]
    assert code not in (prod.var / "audit.db").read_bytes().decode("utf-8", "replace")


def test_a_malformed_principal_is_a_usage_error(initialised: Run) -> None:
    for who in ("jdoe", "jdoe@BKA/XX", "jdoe@BKA/US", "jdoe@BKA/de"):
        result = initialised(
            "alert", "list", "--as", who, "--role", "sirene_operator", "--purpose", "sirene"
        )
        assert result.exit_code == 2, (who, result.output)
        assert "--as" in result.stderr


def test_an_unknown_operator_is_told_how_to_make_one(initialised: Run) -> None:
    body = problem(initialised("users", "show", "jdoe", "--as", "op"), 4)
    assert body["detail"].startswith("account op is not known here: ")
    assert "limes users add --bootstrap" in body["detail"]
    assert "LIMES_ENV=development" in body["detail"]
