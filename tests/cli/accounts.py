"""Accounts for the ``limes users`` and ``limes token`` tests: two founding operators,
a border guard and a system client, with passwords hashed weakly to keep the tests fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from click.testing import Result
from tests.cli.helpers import Run, ok

PASSWORD = "correct horse battery staple"
WEAK_HASHING = {"LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING": "1"}


def settings_env(var: Path) -> dict[str, str]:
    """The environment the runner gives, as ``from_env`` reads it."""
    return {"LIMES_ENV": "development", "LIMES_VAR": str(var)} | WEAK_HASHING


def hashing_weakly(initialised: Run) -> Run:
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


def seed(run: Run) -> Run:
    """``run`` after the founders added op-de, op-de-2, guard-1 (enrolled) and eu-lisa-gw."""
    founders(run)
    made = approved(run, run("users", "add", *GUARD, "--as", "op-de"))
    code = made["enrolment_codes"]["guard-1"]
    ok(run("users", "enrol", "guard-1", "--stdin", input=f"{code}\n{PASSWORD}\n"))
    approved(run, run("users", "add", *CLIENT, "--as", "op-de"))
    return run
