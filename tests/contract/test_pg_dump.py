"""``store/pg_dump.py`` and ``limes backup``/``restore`` of a PostgreSQL store: pg_dump
of the store's and the audit log's schemas, sealed, then pg_restore into another
database and the audit log verified against the original public key, against the
real server (each test in databases of its own, dropped after)."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql as pgsql
from tests.cli.helpers import ALERT, SIRENE_DE

from limes.cli.main import cli
from limes.store import pg_dump

pytestmark = pytest.mark.postgres


def _database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


@pytest.fixture
def databases(postgres_url: str) -> Iterator[tuple[str, str]]:
    """Two new, empty databases: the installation's and the new machine's."""
    names = [f"t_dump_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in names:
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
    try:
        yield _database_url(postgres_url, names[0]), _database_url(postgres_url, names[1])
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            for name in names:
                conn.execute(
                    pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        pgsql.Identifier(name)
                    )
                )


def _run(var: Path, url: str, *args: str, stdin: str | None = None) -> Result:
    env = {k: None for k in os.environ if k.startswith("LIMES_")} | {"LIMES_ENV": "development"}
    return CliRunner(env=env).invoke(
        cli, ["--var", str(var), "--database-url", url, *args], input=stdin
    )


def test_dump_present_load_and_drop(databases: tuple[str, str], tmp_path: Path) -> None:
    source, target = databases
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA s1; CREATE TABLE s1.t (v text); INSERT INTO s1.t VALUES ('x')")
    dumped = tmp_path / "s1.dump"
    pg_dump.dump(source, ["s1"], dumped)
    assert pg_dump.present(target, ["s1"]) == []
    pg_dump.load(target, dumped)
    assert pg_dump.present(target, ["s1", "s2"]) == ["s1"]
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT v FROM s1.t").fetchall() == [("x",)]
    with pytest.raises(pg_dump.DumpError, match="pg_restore failed"):
        pg_dump.load(target, dumped)  # the schema exists: stops at the first error
    pg_dump.drop(target, ["s1"])
    assert pg_dump.present(target, ["s1"]) == []
    with pytest.raises(pg_dump.DumpError, match="pg_dump failed"):
        pg_dump.dump(source + "_none", ["s1"], tmp_path / "none.dump")


def test_a_postgres_backup_restores_into_another_database_and_its_log_verifies(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, target = databases
    var = tmp_path / "var"
    assert _run(var, source, "init").exit_code == 0
    issued = _run(var, source, "alert", "issue", "--file", "-", *SIRENE_DE, stdin=json.dumps(ALERT))
    assert issued.exit_code == 0, issued.output
    alert_id = json.loads(issued.stdout)["id"]
    backup = tmp_path / "limes.backup"
    made = _run(var, source, "backup", str(backup))
    assert made.exit_code == 0, made.output
    assert "postgres.dump" in made.stdout and "done in" in made.stderr
    assert (backup.stat().st_mode & 0o777) == 0o600

    custody = tmp_path / "custody"
    custody.mkdir(mode=0o700)
    shutil.copy2(var / "keys" / "keyring.json", custody / "keyring.json")
    public = custody / "audit-public-key.pem"
    public.write_text(_run(var, source, "audit", "public-key").stdout)
    given = ("--keyring", str(custody / "keyring.json"), "--audit-public-key", str(public))

    new = tmp_path / "new" / "var"
    restored = _run(new, target, "restore", str(backup), *given)
    assert restored.exit_code == 0, restored.output
    assert "verified against key" in restored.stdout
    again = _run(tmp_path / "other", target, "restore", str(backup), *given)
    assert again.exit_code == 11 and "holds the schema" in again.stderr

    key = Path(f"{new}.audit-key") / "audit-signing-key.pem"
    key.parent.mkdir(mode=0o700)
    shutil.copy2(Path(f"{var}.audit-key") / "audit-signing-key.pem", key)
    assert _run(new, target, "init").exit_code == 0
    verified = _run(new, target, "audit", "verify", "--public-key", str(public))
    assert verified.exit_code == 0, verified.output
    got = _run(new, target, "alert", "get", alert_id, *SIRENE_DE)
    assert json.loads(got.stdout)["content"]["reason"] == ALERT["reason"]


def test_a_postgres_restore_whose_log_fails_is_dropped_again(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, target = databases
    var, other = tmp_path / "var", tmp_path / "other"
    assert _run(var, source, "init").exit_code == 0
    backup = tmp_path / "limes.backup"
    assert _run(var, source, "backup", str(backup)).exit_code == 0
    assert _run(other, "sqlite:///" + str(other / "limes.db"), "init").exit_code == 0
    wrong = tmp_path / "wrong.pem"  # another installation's public key
    wrong.write_text(
        _run(other, "sqlite:///" + str(other / "limes.db"), "audit", "public-key").stdout
    )
    custody = tmp_path / "custody"
    custody.mkdir(mode=0o700)
    shutil.copy2(var / "keys" / "keyring.json", custody / "keyring.json")
    answer = _run(
        tmp_path / "new", target, "restore", str(backup),
        "--keyring", str(custody / "keyring.json"), "--audit-public-key", str(wrong),
    )  # fmt: skip
    assert answer.exit_code == 20, answer.output
    assert pg_dump.present(target, ["limes", "limes_audit"]) == []
