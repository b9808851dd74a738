"""``limes dev``: demo console accounts printed once, a TOTP code, never in production."""

from __future__ import annotations

import re

from tests.cli.helpers import Run, ok, problem


def test_accounts_are_printed_and_new_at_each_run(initialised: Run) -> None:
    first = ok(initialised("dev", "accounts", "--format", "json"))
    assert [a["username"] for a in first] == [
        "demo-guard",
        "demo-sirene",
        "demo-sirene-fr",
        "demo-dpo",
    ]
    second = ok(initialised("dev", "accounts", "--format", "json"))
    assert first[0]["password"] != second[0]["password"]
    table = initialised("dev", "accounts", "--format", "table")
    assert table.exit_code == 0 and "demo-dpo" in table.stdout and "TOTP secret" in table.stdout
    code = initialised("dev", "totp", "demo-guard")
    assert code.exit_code == 0 and re.fullmatch(r"\d{6}\n", code.stdout)


def test_production_settings_are_refused(initialised: Run) -> None:
    body = problem(initialised("dev", "accounts", env={"LIMES_ENV": "production"}), 12)
    assert "development" in body["detail"]
    problem(initialised("dev", "totp", "demo-guard", env={"LIMES_ENV": "production"}), 12)


def test_a_production_var_folder_is_refused(initialised: Run, tmp_path: object) -> None:
    import pathlib

    var = next(pathlib.Path(str(tmp_path)).glob("**/environment"))
    var.write_text("production\n", "ascii")
    body = problem(initialised("dev", "accounts"), 12)
    assert "production installation" in body["detail"]
