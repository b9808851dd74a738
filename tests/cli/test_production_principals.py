"""Outside development, ``--as`` must name a stored account that holds what it asserts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from tests.cli.helpers import ALERT, ok, problem

from limes.cli.main import cli

PASSWORD = "correct horse battery staple"
AS_JDOE = ("--as", "jdoe@BKA/DE", "--role", "sirene_operator", "--purpose", "sirene")


def test_alert_commands_act_as_the_stored_account(tmp_path: Path) -> None:
    var = tmp_path / "var"
    cleared = dict.fromkeys(("LIMES_DATABASE_URL", "LIMES_AS", "LIMES_ROLE", "LIMES_PURPOSE"))
    runner = CliRunner(env={**cleared, "LIMES_ENV": "production", "LIMES_AUTH": None})

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(cli, ["--var", str(var), *args], input=stdin)

    assert run("init").exit_code == 0
    ok(run("users", "add", "--username", "op-de", "--state", "DE", "--authority", "OPS",
           "--role", "system_operator", "--purpose", "operations", "--bootstrap",
           "--password-stdin", stdin=PASSWORD + "\n"))  # fmt: skip
    alert = json.dumps(ALERT)
    # no such account: refused before anything is read or written
    problem(run("alert", "issue", "--file", "-", *AS_JDOE, stdin=alert), 4)

    ok(run("users", "add", "--username", "jdoe", "--state", "DE", "--authority", "BKA",
           "--role", "sirene_operator", "--purpose", "sirene", "--as", "op-de",
           "--password-stdin", stdin=PASSWORD + "\n"))  # fmt: skip
    # the account exists but holds no clearance: no alert content
    problem(run("alert", "issue", "--file", "-", *AS_JDOE, stdin=alert), 5)
    # asserting another authority, or a role it does not hold, is refused
    wrong = ("--as", "jdoe@BPOL/DE", *AS_JDOE[2:])
    problem(run("alert", "issue", "--file", "-", *wrong, stdin=alert), 4)
    more = (*AS_JDOE[:2], "--role", "police_officer", *AS_JDOE[2:])
    problem(run("alert", "issue", "--file", "-", *more, stdin=alert), 5)

    clearances = tmp_path / "clearances.csv"
    clearances.write_text(
        "username,level,vetting_reference,valid_until\njdoe,SECRET,V-7,2099-12-31\n",
        encoding="utf-8",
    )
    ok(run("users", "import-clearances", str(clearances), "--as", "op-de"))
    issued = ok(run("alert", "issue", "--file", "-", *AS_JDOE, stdin=alert))
    assert issued["alert"]["issuing_state"] == "DE", issued
