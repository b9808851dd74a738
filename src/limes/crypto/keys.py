"""The key hierarchy: a key-encryption key outside the database, data keys inside it wrapped.

::

    keyring file (0600) or Vault transit     database (data_keys)
    ─────────────────────────────────────    ─────────────────────────────────────────
    KEK, 256 bits ──── wraps (AES-256-GCM) ──▶ one data key per member state and version
    index secret ── HKDF per purpose ──▶ HMAC keys of the blind indexes (never stored)

* A **data key** (DEK, AES-256) exists per issuing member state (the *scope*) and
  *version*. One version per scope is ``active`` (new writes use it); older ones are
  ``retiring`` (still readable, their rows being re-encrypted) until ``limes keys
  rotate`` retires them: the wrapped bytes are erased and the row stays as a
  tombstone, so versions are never reused.
* A DEK is stored only wrapped by the KEK: AES-256-GCM under the KEK with a fresh
  nonce, its associated data naming the scope and version, so a wrapped key moved to
  another row does not unwrap. (AES-KW, RFC 3394, would carry no associated data.)
  The row names the KEK id, so KEKs rotate by re-wrapping (``rewrap``).
* Unwrapped DEKs are kept in memory, one ``AESGCM`` object each. Which version is
  active is re-read at most every ``refresh_seconds``, so a server notices a rotation
  made by ``limes keys rotate`` in another process; rows it sealed meanwhile under
  the previous version are re-encrypted before that version is retired (see
  ``crypto/rotation.py``).
"""

from __future__ import annotations

import os
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from limes.clock import Clock, utc_now
from limes.crypto.keyring import KEY_BYTES, Keyring, KeyringError, load_keyring, save_keyring
from limes.errors import LimesError
from limes.store.port import KeyRow, KeyStatus, Store, Transaction

NONCE_BYTES = 12


class IntegrityError(LimesError):
    """Stored ciphertext or key material failed its check: the read fails closed."""

    slug = "integrity-error"
    title = "Stored data failed its integrity check"


def check_scope(scope: str) -> bytes:
    """A scope is a member state's ISO 3166 alpha-2 code (``EU`` for the central system)."""
    raw = scope.encode("ascii", "replace")
    if len(raw) != 2 or not raw.isalpha() or not raw.isupper():
        raise ValueError(f"a key scope is two capital letters, not {scope!r}")
    return raw


def dek_context(scope: str, version: int) -> bytes:
    """What a wrapped data key is bound to: its scope and version."""
    return b"limes data key/1\x00" + check_scope(scope) + struct.pack(">I", version)


# -- the key-encryption key --------------------------------------------------------------


class KeyEncryptionKey(Protocol):
    """Wraps data keys; the key itself never leaves it (a file here, or Vault)."""

    def active_id(self) -> str: ...

    def wrap(self, key: bytes, context: bytes) -> tuple[str, bytes]:
        """(KEK id, wrapped bytes) of ``key`` under the active KEK, bound to ``context``."""
        ...

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes: ...

    def begin_rotation(self) -> str:
        """Make a new KEK active (keeping the old one usable); return its id."""
        ...

    def finish_rotation(self) -> None:
        """Forget KEKs other than the active one (every data key is re-wrapped)."""
        ...


class LocalKek:
    """The KEK held in the keyring file (``path``; None for a keyring only in memory).

    On an unknown KEK id the file is read again: another process may have rotated it.
    """

    def __init__(self, keyring: Keyring, path: Path | None = None) -> None:
        if keyring.active_kek is None:
            raise KeyringError(
                "the keyring holds no key-encryption key: set LIMES_VAULT_ADDR and "
                "LIMES_VAULT_TRANSIT_KEY if Vault holds it"
            )
        self.keyring = keyring
        self.path = path
        self._aead = {k: AESGCM(v) for k, v in keyring.keks.items()}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalKek(active={self.keyring.active_kek!r}, path={self.path!r})"

    def _use(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._aead = {k: AESGCM(v) for k, v in keyring.keks.items()}

    def active_id(self) -> str:
        active = self.keyring.active_kek
        if active is None:  # a keyring without a local KEK is refused in __init__
            raise KeyringError("the keyring holds no key-encryption key")
        return active

    def wrap(self, key: bytes, context: bytes) -> tuple[str, bytes]:
        """Wrap under the active KEK as the file names it now.

        Wrapping is rare (a new data key, a re-wrap) and runs under the store's writer
        lock, so reading the file first means no process wraps under a KEK that a
        rotation in another process has already replaced (and is about to forget).
        """
        with self._lock:
            if self.path is not None:
                self._use(load_keyring(self.path))
            kek_id = self.active_id()
            aead = self._aead[kek_id]
        nonce = os.urandom(NONCE_BYTES)
        return kek_id, nonce + aead.encrypt(nonce, key, context)

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes:
        aead = self._aead.get(kek_id)
        if aead is None and self.path is not None:
            with self._lock:
                self._use(load_keyring(self.path))
            aead = self._aead.get(kek_id)
        if aead is None:
            raise KeyringError(
                f"a data key is wrapped by key-encryption key {kek_id}, which this keyring "
                "does not hold (a keyring of another installation, or from before a rotation)"
            )
        try:
            return aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], context)
        except InvalidTag:
            raise IntegrityError(
                f"a data key wrapped by {kek_id} does not unwrap: the row was altered or moved"
            ) from None

    def begin_rotation(self) -> str:
        current = load_keyring(self.path) if self.path is not None else self.keyring
        if len(current.keks) == 1:  # else an interrupted rotation is resumed
            current = current.with_new_kek()
            if self.path is not None:
                save_keyring(self.path, current)
        with self._lock:
            self._use(current)
        return self.active_id()

    def finish_rotation(self) -> None:
        done = self.keyring.only_active()
        if self.path is not None:
            save_keyring(self.path, done)
        with self._lock:
            self._use(done)


# -- data keys -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataKey:
    scope: str
    version: int
    aead: AESGCM = field(repr=False)
    raw: bytes = field(repr=False, default=b"")  # for a key package to a copy only


class DataKeys:
    """The data keys of a store, unwrapped on first use and kept in memory."""

    def __init__(
        self,
        store: Store,
        kek: KeyEncryptionKey,
        *,
        refresh_seconds: float = 10.0,
        clock: Clock = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.kek = kek
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._monotonic = monotonic
        self._keys: dict[tuple[str, int], DataKey] = {}
        self._active: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    # -- reading and writing the table -----------------------------------------------------

    @contextmanager
    def _tx(self, tx: Transaction | None, *, write: bool) -> Iterator[Transaction]:
        if tx is not None:
            yield tx
        else:
            with self.store.transaction() if write else self.store.read() as own:
                yield own

    def _insert(self, tx: Transaction, scope: str, now: datetime) -> int:
        version = tx.data_keys.latest_version(scope) + 1
        key = os.urandom(KEY_BYTES)
        kek_id, wrapped = self.kek.wrap(key, dek_context(scope, version))
        tx.data_keys.insert_active(scope, version, kek_id, wrapped, now)
        with self._lock:
            self._keys[(scope, version)] = DataKey(scope, version, AESGCM(key), key)
        return version

    def rows(self, tx: Transaction) -> list[KeyRow]:
        return tx.data_keys.all()

    # -- for sealing and opening -----------------------------------------------------------

    def current(self, scope: str, tx: Transaction | None = None) -> DataKey:
        """The active data key of ``scope``, made on first use.

        Pass the open transaction when there is one (a key made here is then part of
        it); without one, the lookup reads a snapshot and a missing key is made in a
        transaction of its own.
        """
        now = self._monotonic()
        known = self._active.get(scope)
        if known is not None and now - known[1] < self.refresh_seconds:
            return self.version(scope, known[0], tx)
        with self._tx(tx, write=False) as t:
            version = t.data_keys.active_version(scope)
        if version is None:
            check_scope(scope)
            with self._tx(tx, write=True) as t:
                version = t.data_keys.active_version(scope)  # another writer may have made it
                if version is None:
                    version = self._insert(t, scope, self.clock())
        with self._lock:
            self._active[scope] = (version, now)
        return self.version(scope, version, tx)

    def version(self, scope: str, version: int, tx: Transaction | None = None) -> DataKey:
        """The data key ``(scope, version)``; refused if it does not exist or is retired."""
        found = self._keys.get((scope, version))
        if found is not None:
            return found
        with self._tx(tx, write=False) as t:
            stored = t.data_keys.wrapped(scope, version)
        if stored is None:
            raise IntegrityError(f"there is no data key {scope} version {version}")
        kek_id, wrapped = stored.kek_id, stored.wrapped
        if stored.status is KeyStatus.RETIRED or kek_id is None or wrapped is None:
            raise IntegrityError(
                f"data key {scope} version {version} is retired; what it sealed is unreadable"
            )
        key = self.kek.unwrap(kek_id, wrapped, dek_context(scope, version))
        data_key = DataKey(scope, version, AESGCM(key), key)
        with self._lock:
            self._keys[(scope, version)] = data_key
        return data_key

    # -- rotation --------------------------------------------------------------------------

    def add_versions(self, tx: Transaction) -> list[tuple[str, int]]:
        """A new active version for every scope; the previous ones become ``retiring``."""
        now = self.clock()
        made = []
        for scope in tx.data_keys.active_scopes():
            tx.data_keys.mark_retiring(scope, now)
            made.append((scope, self._insert(tx, scope, now)))
        self.forget_active()
        return made

    def rewrap(self, tx: Transaction) -> int:
        """Re-wrap every live data key not wrapped by the active KEK; return how many."""
        active = self.kek.active_id()
        count = 0
        for scope, version, kek_id, wrapped in tx.data_keys.wrapped_by_other(active):
            context = dek_context(scope, version)
            key = self.kek.unwrap(kek_id, wrapped, context)
            new_id, new_wrapped = self.kek.wrap(key, context)
            tx.data_keys.rewrapped(scope, version, new_id, new_wrapped)
            count += 1
        return count

    def retire(self, tx: Transaction, scope: str, version: int) -> None:
        """Erase a retiring data key: what it sealed can never be read again."""
        if not tx.data_keys.retire(scope, version, self.clock()):
            raise IntegrityError(f"data key {scope} version {version} is not retiring")
        with self._lock:
            self._keys.pop((scope, version), None)

    def deliver(
        self, tx: Transaction, scope: str, version: int, status: KeyStatus, key: bytes | None
    ) -> None:
        """Store a data key the centre's custodians delivered (``crypto/delivery.py``),
        wrapped under this installation's own KEK; a retired one is erased here too."""
        now = self.clock()
        if status is KeyStatus.RETIRED or key is None:
            tx.data_keys.put_delivered(scope, version, KeyStatus.RETIRED, None, None, now)
        else:
            kek_id, wrapped = self.kek.wrap(key, dek_context(scope, version))
            tx.data_keys.put_delivered(scope, version, status, kek_id, wrapped, now)
        with self._lock:
            self._keys.pop((scope, version), None)
            self._active.clear()

    def forget_active(self) -> None:
        """Re-read which versions are active on next use (after a rotation here)."""
        with self._lock:
            self._active.clear()
