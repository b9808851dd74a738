"""The proofs of encryption at rest: no plaintext in the files, the dump or the backup,
and nothing recovered from them without the keyring.

One installation is made with ``limes init`` (a real keyring file) and loaded with
``generate(200, 800, seed)`` through the service's bulk path, plus one alert through
every other path that stores personal data (misused identity, flag and decision
reasons, an extension, break-glass request and decision reasons) and a user with a TOTP
secret. Then every byte of every file in
its var folder (database, -wal, -shm, audit log), of a binary ``COPY`` of every table
of a PostgreSQL schema loaded alike, and of a ``limes backup`` file is scanned for
every demo name, document number, identifier value, biometric reference and match
key: none is found.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql as pgsql
from tests.conftest import make_ctx
from tests.crypto.helpers import Needles, demo_contents, files_under, load, needles, scan, values
from tests.factories import PERSON, content
from tests.identity.helpers import PASSWORD, operator

from limes import codec
from limes.bootstrap import Limes, build
from limes.cli.main import cli
from limes.config import Settings, from_env
from limes.crypto.keyring import KeyringError, KeyringMissing, ensure_keyring
from limes.domain.alerts import AlertContent, MisusedIdentity
from limes.domain.match_keys import content_keys
from limes.domain.roles import Purpose, Role
from limes.store.postgres import PostgresStore

VICTIM = {"surnames": [{"latin": "Wojciechowska"}], "forenames": [{"latin": "Malgorzata"}]}
MARKERS = (
    "flag-reason-marker Qzvxkwjh",
    "decision-marker Pfjwqxzk",
    "extension-marker Kvbzxqjw",
    "breakglass-marker Wxqzjvkp",
    "breakglass-decision-marker Jqzvwkxp",
)
DE, FR = make_ctx("DE"), make_ctx("FR")
OPERATOR = make_ctx("DE", Role.SYSTEM_OPERATOR, user="alice", purpose=Purpose.OPERATIONS)
DPO = make_ctx("DE", Role.DATA_PROTECTION_OFFICER, user="dpo", purpose=Purpose.DATA_PROTECTION)
READ = frozenset({"alert:read"})


def cli_run(var: Path, *args: str) -> Result:
    """``limes --var VAR ARGS`` in development (the principal is asserted), LIMES_* cleared."""
    env = {k: None for k in os.environ if k.startswith("LIMES_")} | {"LIMES_ENV": "development"}
    return CliRunner(env=env).invoke(cli, ["--var", str(var), *args])


def settings_of(var: Path) -> Settings:
    return from_env({"LIMES_VAR": str(var), "LIMES_ENV": "development"})


def initialised(var: Path) -> Settings:
    result = cli_run(var, "init")
    assert result.exit_code == 0, result.output
    return settings_of(var)


def victim() -> MisusedIdentity:
    data = {
        "consent": {"given_on": "2026-05-02", "reference": "CONSENT-7"},
        "person": {**VICTIM, "date_of_birth": "1990-02-03"},
    }
    return codec.parse(MisusedIdentity, orjson.dumps(data))


def fill(app: Limes, contents: dict[str, list[AlertContent]]) -> tuple[int, str, str]:
    """Load the demo set and use every other sealed path once.

    Returns (alerts stored, the TOTP secret made, the id of the alert with every field).
    """
    loaded = load(app.alerts, contents)
    person = app.alerts.issue(DE, content(PERSON), misused_identity=victim())
    app.relations.request_flag(FR, person.alert.id, MARKERS[0])
    app.relations.decide_flag(DE, person.alert.id, "FR", grant=True, reason=MARKERS[1])
    app.alerts.extend(DE, person.alert.id, MARKERS[2], expected_version=1)
    asked = app.breakglass.request(OPERATOR, person.alert.id, READ, 30, MARKERS[3])
    app.breakglass.decide(DPO, asked.id, True, MARKERS[4])
    enrolment = app.accounts.bootstrap_operator(operator(), PASSWORD)
    secret = enrolment.account.totp_secret
    assert secret is not None
    return loaded + 1, secret, person.alert.id


def wanted(contents: dict[str, list[AlertContent]], secret: str) -> Needles:
    everything = [c for batch in contents.values() for c in batch] + [content(PERSON)]
    extra = [
        *(n["latin"] for n in VICTIM["surnames"] + VICTIM["forenames"]),
        *MARKERS,
        secret,
    ]
    found = needles(everything, extra)
    found.add_anywhere(secret)
    return found


@pytest.fixture(scope="module")
def contents() -> dict[str, list[AlertContent]]:
    return demo_contents(200, 800, seed=4)


@dataclass(frozen=True)
class Installation:
    var: Path
    wanted: Needles
    flagged: str  # the alert with a misused identity, a flag and an extension
    while_open: dict[Path, bytes]  # the files as they were with the store open (WAL and all)


@pytest.fixture(scope="module")
def installation(
    tmp_path_factory: pytest.TempPathFactory, contents: dict[str, list[AlertContent]]
) -> Installation:
    """A var folder loaded with the demo set (closed since)."""
    var = tmp_path_factory.mktemp("at-rest") / "var"
    app = build(initialised(var))
    try:
        loaded, secret, flagged = fill(app, contents)
        assert app.store.count() == loaded
        while_open = files_under(var)
    finally:
        app.close()
    return Installation(var, wanted(contents, secret), flagged, while_open)


# -- the scanner finds plaintext where there is some --------------------------------------


def test_the_scanner_finds_every_value_in_plaintext(
    contents: dict[str, list[AlertContent]],
) -> None:
    everything = [c for batch in contents.values() for c in batch]
    plain = b"\n".join(codec.encode(c) for c in everything)
    wanted = Needles()
    for one in everything:
        for value in values(one):
            wanted.add_value(value)
    assert len(wanted) > 1500
    assert scan(plain, wanted) == set(wanted.wanted.values())
    keys = needles(everything)
    assert scan(b"|".join(k.encode() for c in everything for k in content_keys(c)), keys)


# -- the proofs ----------------------------------------------------------------------------


def test_sqlite_files_hold_no_demo_value(installation: Installation) -> None:
    opened = installation.while_open
    assert {"limes.db", "limes.db-wal", "audit.db"} <= {p.name for p in opened}
    assert len(opened[installation.var / "limes.db-wal"]) > 100_000
    closed = files_under(installation.var)  # checkpointed into the main files
    assert sum(len(b) for b in closed.values()) > 1_000_000
    for path, data in [*opened.items(), *closed.items()]:
        assert scan(data, installation.wanted) == set(), f"plaintext in {path}"


def test_the_database_and_backup_without_the_keyring_recover_nothing(
    installation: Installation, tmp_path: Path
) -> None:
    var, wanted, flagged = installation.var, installation.wanted, installation.flagged
    backup = tmp_path / "limes.backup"
    assert cli_run(var, "backup", str(backup)).exit_code == 0
    assert scan(backup.read_bytes(), wanted) == set()

    # what a thief takes: the database files and the backup, not the keyring
    stolen = tmp_path / "stolen"
    stolen.mkdir(mode=0o700)
    for name in ("limes.db", "limes.db-wal", "audit.db", "audit.db-wal"):
        if (var / name).exists():
            shutil.copy2(var / name, stolen / name)
    with pytest.raises(KeyringMissing, match="no keyring"):
        build(settings_of(stolen))
    answer = cli_run(stolen, "alert", "get", flagged, *SIRENE_DE)
    assert answer.exit_code == 13 and "no keyring" in answer.stderr
    elsewhere = tmp_path / "elsewhere"
    answer = cli_run(elsewhere, "restore", str(backup))  # restore asks for the keyring
    assert answer.exit_code == 2 and "--keyring" in answer.output
    assert not (elsewhere / "limes.db").exists()

    # a keyring of their own opens nothing either
    ensure_keyring(settings_of(stolen).keyring_file)
    app = build(settings_of(stolen))
    try:
        with pytest.raises(KeyringError, match="does not hold"):
            app.alerts.get(DE, flagged)
    finally:
        app.close()
    foreign = settings_of(tmp_path / "foreign").keyring_file
    ensure_keyring(foreign)
    public = tmp_path / "audit-public-key.pem"
    public.write_text(cli_run(var, "audit", "public-key").stdout)
    given = ("--keyring", str(foreign), "--audit-public-key", str(public))
    answer = cli_run(elsewhere, "restore", str(backup), *given)
    assert answer.exit_code == 12 and "does not hold" in answer.stderr
    assert not (elsewhere / "limes.db").exists()
    for path, data in files_under(stolen).items():
        assert scan(data, wanted) == set(), f"plaintext in {path}"


def test_the_backup_restores_with_the_keyring(installation: Installation, tmp_path: Path) -> None:
    var, flagged = installation.var, installation.flagged
    backup = tmp_path / "limes.backup"
    assert cli_run(var, "backup", str(backup)).exit_code == 0
    assert (backup.stat().st_mode & 0o777) == 0o600
    fresh = tmp_path / "fresh"  # an empty var folder, and the keys the custodians kept
    custody = tmp_path / "custody"
    shutil.copytree(var / "keys", custody)
    public = custody / "audit-public-key.pem"
    public.write_text(cli_run(var, "audit", "public-key").stdout)
    given = ("--keyring", str(custody / "keyring.json"), "--audit-public-key", str(public))
    answer = cli_run(fresh, "restore", str(backup), *given)
    assert answer.exit_code == 0, answer.output
    shown = json.loads(cli_run(fresh, "alert", "get", flagged, *SIRENE_DE).stdout)
    assert shown["flags"][0]["reason"] == MARKERS[0]
    app = build(settings_of(fresh))
    try:  # the DPO reads the break-glass reasons sealed in the database and the backup
        (grant,) = app.breakglass.grants(DPO)
        assert (grant.reason, grant.decision_reason) == (MARKERS[3], MARKERS[4])
    finally:
        app.close()
    again = cli_run(fresh, "restore", str(backup), *given)
    assert again.exit_code == 11 and "is not empty" in again.stderr


SIRENE_DE = ("--as", "jdoe@BKA/DE", "--role", "sirene_operator", "--purpose", "sirene")


@pytest.mark.postgres
def test_a_postgres_dump_holds_no_demo_value(
    postgres_url: str, tmp_path: Path, contents: dict[str, list[AlertContent]]
) -> None:
    schema = f"t_rest_{os.getpid()}_{tmp_path.name[-8:]}".lower().replace("-", "_")
    store = PostgresStore(postgres_url, schema)
    try:
        store.migrate()
        app = build(initialised(tmp_path / "var"), store=store)
        try:
            _, secret, _ = fill(app, contents)
        finally:
            app.close()
        dump = b"".join(_copy_out(postgres_url, s) for s in (schema, f"{schema}_audit"))
        assert len(dump) > 400_000  # the 1,000 alerts are there (bodies compact: issue 15)
        assert scan(dump, wanted(contents, secret)) == set()
    finally:
        store.close()
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            for name in (schema, f"{schema}_audit"):
                conn.execute(
                    pgsql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(pgsql.Identifier(name))
                )


def _copy_out(url: str, schema: str) -> bytes:
    """Every table of ``schema`` as ``COPY … TO STDOUT (FORMAT binary)``.

    Binary, not text: text COPY (and pg_dump) write bytea as hex, which would hide
    plaintext from a byte scan; binary COPY writes every value's own bytes.
    """
    out = bytearray()
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY 1",
            (schema,),
        ).fetchall()
        for (table,) in tables:
            query = pgsql.SQL("COPY {}.{} TO STDOUT (FORMAT binary)").format(
                pgsql.Identifier(schema), pgsql.Identifier(table)
            )
            with conn.cursor().copy(query) as copy:
                for block in _blocks(copy):
                    out += block
    return bytes(out)


def _blocks(copy: Any) -> Iterator[bytes]:
    while block := copy.read():
        yield bytes(block)
