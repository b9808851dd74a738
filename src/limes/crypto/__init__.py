"""Encryption at rest: the key hierarchy, field sealing and blind indexes, wired together.

``open_crypto(store, keyring, kek)`` gives the ``Crypto`` the services use:
``fields`` seals and opens personal data (``fields.py``), ``index`` turns match keys
into blind-index tokens (``blind_index.py``), ``keys`` holds the data keys of the
store (``keys.py``), wrapped by ``kek`` (the keyring file's, or Vault's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from limes.clock import Clock, utc_now
from limes.crypto.blind_index import MATCH_KEYS, BlindIndex
from limes.crypto.fields import FieldCipher
from limes.crypto.keyring import Keyring
from limes.crypto.keys import DataKeys, KeyEncryptionKey, LocalKek
from limes.store.port import Store


@dataclass(frozen=True, slots=True)
class Crypto:
    keyring: Keyring = field(repr=False)
    kek: KeyEncryptionKey
    keys: DataKeys
    fields: FieldCipher
    index: BlindIndex = field(repr=False)


def open_crypto(
    store: Store,
    keyring: Keyring,
    kek: KeyEncryptionKey | None = None,
    *,
    refresh_seconds: float = 10.0,
    clock: Clock = utc_now,
) -> Crypto:
    """The crypto of ``store``: the KEK defaults to the keyring's own (in memory only).

    ``clock`` dates key changes (creation, retirement and its grace period).
    """
    kek = kek or LocalKek(keyring)
    keys = DataKeys(store, kek, refresh_seconds=refresh_seconds, clock=clock)
    return Crypto(keyring, kek, keys, FieldCipher(keys), BlindIndex(keyring.index_key(MATCH_KEYS)))
