"""``limes central status|promote``: JSON out, refusals as problem lines with their exit
status. Promotion of a real standby: tests/contract/test_central.py, tests/test_failover.py."""

from __future__ import annotations

import orjson
import pytest
from tests.cli.helpers import Run


@pytest.mark.postgres
def test_status_prints_each_server(run: Run, postgres_url: str) -> None:
    result = run("central", "status", postgres_url)
    assert result.exit_code == 0, result.output
    [server] = orjson.loads(result.stdout)["servers"]
    assert server["role"] == "primary" and server["fenced"] is False


@pytest.mark.postgres
def test_promoting_a_primary_is_a_conflict(run: Run, postgres_url: str) -> None:
    result = run("central", "promote", "--standby", postgres_url)
    assert result.exit_code == 8
    problem = orjson.loads(result.stderr)
    assert problem["type"] == "urn:limes:problem:conflict"
    assert "not a standby" in problem["detail"]


def test_a_url_that_is_not_postgresql_is_invalid_input(run: Run) -> None:
    result = run("central", "status", "sqlite:///x.db")
    assert result.exit_code == 3, result.output
