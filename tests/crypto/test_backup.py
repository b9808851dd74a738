"""Encrypted backups: a round trip, and every alteration refused before anything is replaced."""

from __future__ import annotations

import io
import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import TEST_KEYRING, fixed_crypto
from tests.store_peek import peek

from limes.crypto.backup import (
    MAGIC,
    MAIN,
    BackupError,
    check_database,
    restore,
    snapshot,
    write_backup,
)
from limes.crypto.keyring import Keyring, KeyringError
from limes.crypto.keys import LocalKek
from limes.store.sqlite import SqliteStore

KEK = LocalKek(TEST_KEYRING)
U32 = struct.Struct(">I")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A migrated store with data keys of two states, snapshotted (as ``limes backup`` does)."""
    store = SqliteStore(tmp_path / "live.db")
    store.migrate()
    crypto = fixed_crypto(store)
    for state in ("DE", "FR"):
        crypto.fields.seal(state, "A1", "body", b"x")
    with store.transaction() as tx:
        peek(tx).run("CREATE TABLE filler (n INTEGER, pad BLOB)")
        for n in range(200):
            peek(tx).run("INSERT INTO filler VALUES (?, randomblob(200))", (n,))
    copy = tmp_path / "snapshot.db"
    snapshot(Path(store.path), copy)
    store.close()
    return copy


def sealed(database: Path, chunk: int = 4096) -> bytes:
    out = io.BytesIO()
    write_backup(out, [(MAIN, database)], KEK, chunk_bytes=chunk)
    return out.getvalue()


def split(data: bytes) -> tuple[bytes, list[bytes]]:
    """(magic, length and header; the framed chunks) of a backup."""
    (length,) = U32.unpack_from(data, len(MAGIC))
    at = len(MAGIC) + 4 + length
    lead, chunks = data[:at], []
    while at < len(data):
        (size,) = U32.unpack_from(data, at)
        chunks.append(data[at : at + 4 + size])
        at += 4 + size
    return lead, chunks


def test_a_backup_restores_byte_for_byte(database: Path, tmp_path: Path) -> None:
    data = sealed(database)
    _, chunks = split(data)
    assert len(chunks) > 5 and b"data_keys" not in data and b"CREATE TABLE" not in data
    target = tmp_path / "restored" / "limes.db"
    info = restore(io.BytesIO(data), {MAIN: target}, KEK)
    assert target.read_bytes() == database.read_bytes()
    assert info.members == ((MAIN, database.stat().st_size),)
    assert (target.stat().st_mode & 0o777) == 0o600
    assert check_database(target, KEK) == 2  # both data keys unwrap
    with pytest.raises(BackupError, match="exists"):
        restore(io.BytesIO(data), {MAIN: target}, KEK)


def _swap(chunks: list[bytes]) -> list[bytes]:
    return [chunks[1], chunks[0], *chunks[2:]]


ALTERATIONS: dict[str, Callable[[bytes, list[bytes]], bytes]] = {
    "truncated before the final chunk": lambda lead, c: lead + b"".join(c[:-1]),
    "truncated inside a chunk": lambda lead, c: lead + b"".join(c)[:-10],
    "truncated inside the header": lambda lead, c: lead[:20],
    "chunks reordered": lambda lead, c: lead + b"".join(_swap(c)),
    "a chunk dropped": lambda lead, c: lead + b"".join(c[:2] + c[3:]),
    "a chunk repeated": lambda lead, c: lead + b"".join(c[:2] + c[1:]),
    "data appended": lambda lead, c: lead + b"".join(c) + b"\x00",
    "a flipped bit": lambda lead, c: lead + b"".join(c[:2]) + _flip(c[2]) + b"".join(c[3:]),
    "the header edited": lambda lead, c: (
        lead.replace(b'"chunk_bytes":4096', b'"chunk_bytes":4097') + b"".join(c)
    ),
    "the time edited": lambda lead, c: (
        lead.replace(b'"created_at":"2', b'"created_at":"3') + b"".join(c)
    ),
    "no backup at all": lambda lead, c: b"SQLite format 3\x00" + b"".join(c),
}


def _flip(chunk: bytes) -> bytes:
    return chunk[:100] + bytes([chunk[100] ^ 0x04]) + chunk[101:]


@pytest.mark.parametrize("alteration", sorted(ALTERATIONS))
def test_an_altered_backup_is_refused_and_nothing_is_replaced(
    database: Path, tmp_path: Path, alteration: str
) -> None:
    lead, chunks = split(sealed(database))
    altered = ALTERATIONS[alteration](lead, chunks)
    target = tmp_path / "restored" / "limes.db"
    with pytest.raises((BackupError, KeyringError)):
        restore(io.BytesIO(altered), {MAIN: target}, KEK)
    assert not target.exists()
    assert not target.parent.exists() or not list(target.parent.iterdir())  # no temporary left


def test_a_backup_opens_only_with_its_keyring(database: Path, tmp_path: Path) -> None:
    data = sealed(database)
    target = tmp_path / "limes.db"
    with pytest.raises(KeyringError, match="does not hold"):
        restore(io.BytesIO(data), {MAIN: target}, LocalKek(Keyring.generate()))
    assert not target.exists()


def test_the_snapshot_of_a_live_store_is_consistent(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "live.db")
    store.migrate()
    fixed_crypto(store).fields.seal("DE", "A1", "body", b"x")
    copy = tmp_path / "copy.db"
    with store.transaction() as tx:  # a writer holds the lock meanwhile
        peek(tx).run("INSERT INTO key_jobs VALUES ('x', 'y', 'z', 'w')")
        snapshot(Path(store.path), copy)
    store.close()
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT count(*) FROM key_jobs").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM data_keys").fetchone() == (1,)
    finally:
        conn.close()
