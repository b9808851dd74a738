"""Where an installation's audit log is, and where its heads are published: beside the
alert store unless named, and never without a witness in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import dev_settings

from limes.audit.sqlite import SqliteAuditStore
from limes.audit.wiring import audit_store, witness_job, witnesses
from limes.audit.witness import FileWitness, NatsWitness
from limes.config import Environment, SettingsError


def test_unnamed_it_is_the_file_beside_the_sqlite_store(tmp_path: Path) -> None:
    found = audit_store(dev_settings(var_dir=tmp_path))
    assert isinstance(found, SqliteAuditStore)
    assert found.path == str(tmp_path / "audit.db")


def test_a_named_sqlite_file_is_that_file(tmp_path: Path) -> None:
    named = tmp_path / "elsewhere.db"
    found = audit_store(dev_settings(var_dir=tmp_path, audit_database_url=f"sqlite:///{named}"))
    assert isinstance(found, SqliteAuditStore) and found.path == str(named)


def test_an_unknown_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported audit database URL scheme in mysql"):
        audit_store(dev_settings(var_dir=tmp_path, audit_database_url="mysql://x/y"))


def test_heads_go_to_every_witness_configured(tmp_path: Path) -> None:
    settings = dev_settings(
        var_dir=tmp_path,
        audit_witness_file=tmp_path / "heads.jsonl",
        audit_witness_nats="nats://127.0.0.1:4222",
    )
    file, nats = witnesses(settings)
    assert isinstance(file, FileWitness) and file.path == tmp_path / "heads.jsonl"
    assert isinstance(nats, NatsWitness) and nats.url == "nats://127.0.0.1:4222"
    assert witnesses(dev_settings(var_dir=tmp_path)) == []


def test_production_refuses_to_publish_to_no_witness(tmp_path: Path) -> None:
    production = dev_settings(var_dir=tmp_path, environment=Environment.PRODUCTION)
    with pytest.raises(SettingsError, match="no audit witness"):
        witness_job(production, log=None)  # type: ignore[arg-type]  # refused before any use
