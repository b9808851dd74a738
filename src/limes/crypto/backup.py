"""Encrypted backups: an online SQLite snapshot, sealed in authenticated chunks.

File format 1::

    "LIMESBAK" 0x01                      magic and format (9 bytes)
    uint32 big-endian                    length of the header
    header, UTF-8 JSON                   {"format": 1, "created_at", "kek_id",
                                          "wrapped_key", "nonce_prefix", "chunk_bytes"}
    chunks, each: uint32 length, then AES-256-GCM ciphertext and tag

The backup key is a fresh 256-bit key made for this file and wrapped by the
key-encryption key (``KeyEncryptionKey.wrap``, bound to the nonce prefix and the
time), so a backup opens only where that KEK is: the keyring file of its time, or
the same Vault key. Chunk ``i`` is sealed with the nonce ``prefix(7) || i (uint32)
|| final (1 byte)`` and, as associated data, the SHA-256 of magic, length and header:
an edited header, chunks reordered, dropped, repeated or cut off at the end (no
final chunk), and anything appended after the final chunk are all detected.

The plaintext inside is a sequence of members, each ``uint16 name length, name,
uint64 size, bytes``: ``limes.db``, the main database (which holds alert data only as
ciphertext, so the backup is encrypted twice over), and ``audit.db``, the audit log,
when it is a SQLite file; or, for a PostgreSQL store, ``postgres.dump``, the
``pg_dump`` of its schemas (the audit log's among them).

``restore`` reads and checks the whole file into temporary files next to the
targets (mode 0600) before anything is put in place, runs SQLite's integrity check
and unwraps every data key with the keyring at hand, and only then moves the
database into place; it refuses to overwrite an existing database.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from limes.crypto.keyring import FILE_MODE, KEY_BYTES
from limes.crypto.keys import IntegrityError, KeyEncryptionKey, dek_context
from limes.store.sqlite import examine

MAGIC = b"LIMESBAK\x01"
FORMAT = 1
CHUNK_BYTES = 1 << 20
PREFIX_BYTES = 7
TAG_BYTES = 16
MAX_HEADER = 64 * 1024
MAIN = "limes.db"
AUDIT = "audit.db"
DUMP = "postgres.dump"  # a PostgreSQL store: pg_dump of its schemas (store/pg_dump.py)
_U32 = struct.Struct(">I")
_MEMBER = struct.Struct(">H")
_SIZE = struct.Struct(">Q")


class BackupError(IntegrityError):
    """The backup is not intact, not a backup, or cannot be restored here."""

    slug = "backup-refused"
    title = "The backup was refused"


def _context(prefix: bytes, created_at: str) -> bytes:
    return b"limes backup/1\x00" + prefix + created_at.encode("ascii")


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + _U32.pack(index) + (b"\x01" if final else b"\x00")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    created_at: str
    kek_id: str
    members: tuple[tuple[str, int], ...]


class _SealedWriter:
    def __init__(self, out: BinaryIO, key: bytes, prefix: bytes, ad: bytes, chunk: int) -> None:
        self._out, self._aead, self._prefix, self._ad = out, AESGCM(key), prefix, ad
        self._chunk, self._buffer, self._index = chunk, bytearray(), 0

    def _emit(self, data: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, final), data, self._ad)
        self._out.write(_U32.pack(len(sealed)) + sealed)
        self._index += 1

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > self._chunk:  # keep at least one byte for the final chunk
            self._emit(bytes(self._buffer[: self._chunk]), False)
            del self._buffer[: self._chunk]

    def close(self) -> None:
        self._emit(bytes(self._buffer), True)
        self._buffer.clear()


def snapshot(database: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API), mode 0600."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    os.close(fd)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()


def write_backup(
    out: BinaryIO,
    members: list[tuple[str, Path]],
    kek: KeyEncryptionKey,
    *,
    chunk_bytes: int = CHUNK_BYTES,
) -> BackupInfo:
    """Seal ``members`` (name, file) into ``out``."""
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    prefix = os.urandom(PREFIX_BYTES)
    key = os.urandom(KEY_BYTES)
    kek_id, wrapped = kek.wrap(key, _context(prefix, created_at))
    header = orjson.dumps(
        {
            "format": FORMAT,
            "created_at": created_at,
            "kek_id": kek_id,
            "wrapped_key": base64.b64encode(wrapped).decode(),
            "nonce_prefix": base64.b64encode(prefix).decode(),
            "chunk_bytes": chunk_bytes,
        }
    )
    lead = MAGIC + _U32.pack(len(header)) + header
    out.write(lead)
    writer = _SealedWriter(out, key, prefix, hashlib.sha256(lead).digest(), chunk_bytes)
    sizes = []
    for name, path in members:
        raw = name.encode("utf-8")
        size = path.stat().st_size
        writer.write(_MEMBER.pack(len(raw)) + raw + _SIZE.pack(size))
        with path.open("rb") as source:
            while block := source.read(chunk_bytes):
                writer.write(block)
        sizes.append((name, size))
    writer.close()
    return BackupInfo(created_at, kek_id, tuple(sizes))


# -- reading -------------------------------------------------------------------------------


def _exactly(source: BinaryIO, n: int, what: str) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise BackupError(f"the backup ends inside {what}: it was cut off")
    return data


def _chunks(source: BinaryIO, kek: KeyEncryptionKey) -> tuple[dict[str, object], Iterator[bytes]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("this is not a Limes backup of format 1")
    (length,) = _U32.unpack(_exactly(source, 4, "the header"))
    if length > MAX_HEADER:
        raise BackupError("the backup's header is implausibly large")
    header_bytes = _exactly(source, length, "the header")
    try:
        header = orjson.loads(header_bytes)
        created_at = str(header["created_at"])
        kek_id = str(header["kek_id"])
        wrapped = base64.b64decode(header["wrapped_key"], validate=True)
        prefix = base64.b64decode(header["nonce_prefix"], validate=True)
        chunk_bytes = int(header["chunk_bytes"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise BackupError("the backup's header is malformed") from None
    if header.get("format") != FORMAT or len(prefix) != PREFIX_BYTES or chunk_bytes < 1:
        raise BackupError("the backup's header is malformed")
    try:
        key = kek.unwrap(kek_id, wrapped, _context(prefix, created_at))
    except BackupError:
        raise
    except IntegrityError:
        raise BackupError("the backup's key does not unwrap: its header was altered") from None
    aead = AESGCM(key)
    ad = hashlib.sha256(MAGIC + _U32.pack(length) + header_bytes).digest()

    def chunks() -> Iterator[bytes]:
        index = 0
        while True:
            size_bytes = source.read(4)
            if len(size_bytes) < 4:
                raise BackupError("the backup ends before its final chunk: it was cut off")
            (size,) = _U32.unpack(size_bytes)
            if not TAG_BYTES <= size <= chunk_bytes + TAG_BYTES:
                raise BackupError(f"chunk {index} has an impossible length")
            sealed = _exactly(source, size, f"chunk {index}")
            for final in (False, True):
                try:
                    plain = aead.decrypt(_nonce(prefix, index, final), sealed, ad)
                except InvalidTag:
                    continue
                yield plain
                if final:
                    if source.read(1):
                        raise BackupError("data follows the backup's final chunk")
                    return
                break
            else:
                raise BackupError(
                    f"chunk {index} fails its integrity check: the backup was altered, "
                    "reordered, or sealed under another key"
                )
            index += 1

    return {"created_at": created_at, "kek_id": kek_id}, chunks()


class _Stream:
    """Reads exact byte counts across the decrypted chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer, self._done = chunks, bytearray(), False

    def _fill(self, n: int) -> None:
        while len(self._buffer) < n and not self._done:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True

    def read(self, n: int) -> bytes:
        self._fill(n)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def at_end(self) -> bool:
        self._fill(1)
        return self._done and not self._buffer


def restore(source: BinaryIO, targets: dict[str, Path], kek: KeyEncryptionKey) -> BackupInfo:
    """Verify the whole backup, then put each member at ``targets[name]`` (which must not exist).

    Nothing is put in place unless every chunk is intact, every member is a sound
    SQLite database, the main one is there, and the keyring unwraps every data key in it.
    """
    for path in targets.values():
        if path.exists() or Path(f"{path}-wal").exists():
            raise BackupError(f"{path} exists; restore only into an empty var folder or database")
    if MAIN not in targets and DUMP not in targets:
        raise BackupError("restore needs a place for the main database")
    meta, chunks = _chunks(source, kek)
    stream = _Stream(chunks)
    staged: list[tuple[str, Path, Path, int]] = []
    try:
        while not stream.at_end():
            (length,) = _MEMBER.unpack(_need(stream, _MEMBER.size))
            name = _need(stream, length).decode("utf-8", "replace")
            (size,) = _SIZE.unpack(_need(stream, _SIZE.size))
            if name not in targets or any(s[0] == name for s in staged):
                raise BackupError(f"the backup holds an unexpected member {name!r}")
            final = targets[name]
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary = final.parent / f".{final.name}.restoring"
            temporary.unlink(missing_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
            staged.append((name, temporary, final, size))
            with os.fdopen(fd, "wb") as out:
                left = size
                while left:
                    block = _need(stream, min(left, CHUNK_BYTES))
                    out.write(block)
                    left -= len(block)
                out.flush()
                os.fsync(out.fileno())
        if not {MAIN, DUMP} & {s[0] for s in staged}:
            raise BackupError("the backup holds no main database")
        for name, temporary, _, _ in staged:
            if name != DUMP:  # pg_restore checks a dump as it loads it
                check_database(temporary, kek if name == MAIN else None)
        for _, temporary, final, _ in staged:
            os.replace(temporary, final)
    finally:
        for _, temporary, _, _ in staged:
            with suppress(FileNotFoundError):
                temporary.unlink()
    return BackupInfo(
        str(meta["created_at"]), str(meta["kek_id"]), tuple((s[0], s[3]) for s in staged)
    )


def _need(stream: _Stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise BackupError("the backup's content ends early")
    return data


def check_database(path: Path, kek: KeyEncryptionKey | None) -> int:
    """SQLite's integrity check, then (with ``kek``) unwrap every live data key; how many."""
    try:
        verdict, keys = examine(path, data_keys=kek is not None)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the restored database is not usable: {exc}") from None
    if verdict != "ok":
        raise BackupError(f"the restored database fails SQLite's integrity check: {verdict}")
    if kek is None:
        return 0
    for scope, version, kek_id, wrapped in keys:
        kek.unwrap(kek_id, wrapped, dek_context(scope, version))
    return len(keys)
