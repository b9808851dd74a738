"""The CLI through click's runner, on a private var folder with SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.cli.helpers import Run

from limes.cli.main import cli

_SETTINGS = (
    "LIMES_VAR", "LIMES_DATABASE_URL", "LIMES_ENV", "LIMES_AUTH", "LIMES_REVIEW_PERIODS",
    "LIMES_EXPIRY_WARNING_MONTHS", "LIMES_MAX_BODY_BYTES", "LIMES_AS", "LIMES_ROLE",
    "LIMES_PURPOSE", "LIMES_TOKEN_ISSUER", "LIMES_TOKEN_AUDIENCE", "LIMES_OIDC_PROVIDERS",
    "LIMES_TEST_ONLY_WEAK_PASSWORD_HASHING", "LIMES_RATE_PER_SECOND", "LIMES_RATE_BURST",
    "LIMES_DAILY_READ_QUOTA", "LIMES_KEYRING", "LIMES_TEST_ONLY_FIXED_KEYRING", "LIMES_VAULT_ADDR",
    "LIMES_VAULT_TRANSIT_KEY", "LIMES_VAULT_TRANSIT_MOUNT", "LIMES_VAULT_TOKEN",
    "LIMES_AUDIT_DATABASE_URL", "LIMES_AUDIT_RETENTION_YEARS", "LIMES_SESSION_MAX_HOURS",
    "LIMES_AUDIT_SIGNING_KEY", "LIMES_AUDIT_VAULT_KEY", "LIMES_AUDIT_WITNESS_FILE",
    "LIMES_AUDIT_WITNESS_NATS", "LIMES_AUDIT_WITNESS_SUBJECT",
    "LIMES_READS_PER_HOUR", "LIMES_READS_PER_DAY", "LIMES_AUTHORITY_READS_PER_HOUR",
    "LIMES_AUTHORITY_READS_PER_DAY",
)  # fmt: skip


@pytest.fixture
def var(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def run(var: Path) -> Run:
    """Invoke ``limes --var <tmp> ARGS…``; ``input`` feeds stdin."""
    # development: the alert commands take the asserted --as principal as given;
    # test_cli_in_production_needs_an_account covers the production rule
    runner = CliRunner(env={**dict.fromkeys(_SETTINGS), "LIMES_ENV": "development"})

    def invoke(
        *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return runner.invoke(cli, ["--var", str(var), *args], input=input, env=env)

    return invoke


@pytest.fixture
def initialised(run: Run) -> Run:
    result = run("init")
    assert result.exit_code == 0, result.output
    return run
