"""``limes central status|promote``: JSON out, refusals as problem lines with their exit
status; the promotion in the audit log on the promoted server, verified. Promotion of a
real standby: tests/contract/test_central.py, tests/test_failover.py."""

from __future__ import annotations

from pathlib import Path

import orjson
import psycopg
import pytest
from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok
from tests.pg_pair import central_pair


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


@pytest.mark.postgres
def test_a_promotion_is_an_audit_record_on_the_promoted_server_that_verifies(
    run: Run, tmp_path: Path
) -> None:
    with central_pair() as (primary, standby):
        at_a, at_b = {"LIMES_DATABASE_URL": primary.url}, {"LIMES_DATABASE_URL": standby.url}
        assert run("init", env=at_a).exit_code == 0
        ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=orjson.dumps(ALERT), env=at_a))
        promoted = ok(
            run(
                "central", "promote", "--standby", standby.url, "--old-primary", primary.url,
                "--alone", "--operator", "dba-anna", env=at_a,
            )
        )  # fmt: skip
        audit = promoted["audit"]
        assert audit["written"] is True and audit["tree_size"] == audit["seq"] + 1
        with psycopg.connect(standby.url) as conn:
            found = conn.execute(
                "SELECT data FROM limes_audit.audit_records WHERE seq = %s", (audit["seq"],)
            ).fetchone()
        assert found is not None
        record = orjson.loads(found[0])
        assert (record["action"], record["outcome"], record["user"]) == (
            "central.promote",
            "allowed",
            "dba-anna",
        )
        assert record["refs"]["term"] == 1 and record["refs"]["site"] == "limes_b"
        assert record["refs"]["old_site"] == "limes_a"
        assert record["refs"]["old_primary"] == "fenced" and record["refs"]["alone"] is True
        assert record["refs"]["standby"].startswith("postgresql://")
        pem = tmp_path / "audit.pub"
        pem.write_text(run("audit", "public-key", env=at_b).stdout)
        checked = run("audit", "verify", "--public-key", str(pem), env=at_b)
        assert checked.exit_code == 0, checked.output
        assert f"{audit['tree_size']} records" in checked.stdout


@pytest.mark.postgres
def test_an_operator_name_with_spaces_is_refused_before_anything_is_done(
    run: Run, postgres_url: str
) -> None:
    result = run("central", "promote", "--standby", postgres_url, "--operator", "a b")
    assert result.exit_code == 3, result.output
