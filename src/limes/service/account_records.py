"""Accounts as the services use them: the TOTP secret sealed on its way into the store.

The store keeps an account as it is given (``tx.accounts``); this is the one place
that seals a user's TOTP secret (``crypto/fields.py``) under the data key of the
account's member state, bound to the account id, and opens it when the account is
read back. An account whose sealed secret was altered fails to load.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from limes.clock import Clock
from limes.crypto.fields import FieldCipher
from limes.domain.accounts import Account, Session
from limes.domain.sealed_fields import SealedField
from limes.identity.passwords import Passwords
from limes.policy.policy import Policy
from limes.service.recorder import Recorder
from limes.store.port import Store, Transaction


class AccountTransaction:
    """``tx.accounts`` of one store transaction, with TOTP secrets in the clear."""

    def __init__(self, tx: Transaction, secrets: FieldCipher) -> None:
        self._tx = tx
        self._rows = tx.accounts
        self._secrets = secrets

    def _sealed(self, a: Account) -> Account:
        if a.totp_secret is None:
            return a
        sealed = self._secrets.seal_text(
            a.member_state, a.id, SealedField.TOTP_SECRET, a.totp_secret, self._tx
        )
        return replace(a, totp_secret=sealed)

    def _opened(self, a: Account | None) -> Account | None:
        if a is None or a.totp_secret is None:
            return a
        plain = self._secrets.open_text(
            a.member_state, a.id, SealedField.TOTP_SECRET, a.totp_secret, self._tx
        )
        return replace(a, totp_secret=plain)

    def _all_opened(self, found: builtins.list[Account]) -> builtins.list[Account]:
        return [a for a in map(self._opened, found) if a is not None]

    # -- accounts ----------------------------------------------------------------------

    def get(self, account_id: str, *, for_update: bool = False) -> Account | None:
        return self._opened(self._rows.get(account_id, for_update=for_update))

    def by_username(self, username: str, *, for_update: bool = False) -> Account | None:
        return self._opened(self._rows.by_username(username, for_update=for_update))

    def by_certificate(self, sha256: str) -> Account | None:
        return self._opened(self._rows.by_certificate(sha256))

    def by_oidc(self, issuer: str, subject: str) -> Account | None:
        return self._opened(self._rows.by_oidc(issuer, subject))

    def list(self, member_state: str | None = None) -> builtins.list[Account]:
        return self._all_opened(self._rows.list(member_state))

    def unused_since(self, moment: datetime) -> builtins.list[Account]:
        return self._all_opened(self._rows.unused_since(moment))

    def insert(self, account: Account) -> None:
        self._rows.insert(self._sealed(account))

    def replace(self, account: Account) -> None:
        self._rows.replace(self._sealed(account))

    def touch(self, account_id: str, at: datetime) -> None:
        self._rows.touch(account_id, at)

    # -- failed logins and sessions hold no secret: as stored ------------------------------

    def add_failure(self, account_id: str, at: datetime) -> None:
        self._rows.add_failure(account_id, at)

    def failures_after(self, account_id: str, moment: datetime) -> int:
        return self._rows.failures_after(account_id, moment)

    def clear_failures(self, account_id: str) -> None:
        self._rows.clear_failures(account_id)

    def prune_failures(self, before: datetime) -> int:
        return self._rows.prune_failures(before)

    def session(self, session_id: str) -> Session | None:
        return self._rows.session(session_id)

    def sessions(self, account_id: str) -> builtins.list[Session]:
        return self._rows.sessions(account_id)

    def insert_session(self, session: Session) -> None:
        self._rows.insert_session(session)

    def touch_session(self, session_id: str, at: datetime) -> None:
        self._rows.touch_session(session_id, at)

    def end_session(self, session_id: str, at: datetime, reason: str) -> bool:
        return self._rows.end_session(session_id, at, reason)

    def end_sessions(self, account_id: str, at: datetime, reason: str) -> int:
        return self._rows.end_sessions(account_id, at, reason)

    def end_sessions_created_before(self, created_before: datetime, at: datetime) -> int:
        return self._rows.end_sessions_created_before(created_before, at)

    def end_idle_sessions(self, seen_before: datetime, at: datetime) -> int:
        return self._rows.end_idle_sessions(seen_before, at)


class AccountStore:
    """Accounts on a ``Store``: ``write()`` and ``read()`` open that store's transactions.

    ``secrets`` seals the TOTP secrets (see ``AccountTransaction``).
    """

    def __init__(self, store: Store, secrets: FieldCipher) -> None:
        self.store = store
        self.secrets = secrets

    @contextmanager
    def _open(self, write: bool) -> Iterator[AccountTransaction]:
        with self.store.transaction() if write else self.store.read() as tx:
            yield AccountTransaction(tx, self.secrets)

    def write(self) -> AbstractContextManager[AccountTransaction]:
        """A write transaction, serialised with every other writer of the store."""
        return self._open(True)

    def read(self) -> AbstractContextManager[AccountTransaction]:
        """A read-only snapshot."""
        return self._open(False)


class AccountParts(Protocol):
    """What the four-eyes (``approvals.py``) and enrolment (``enrolment.py``) use cases
    take from the ``AccountService`` they serve: named here, so that neither imports it."""

    @property
    def accounts(self) -> AccountStore: ...

    @property
    def policy(self) -> Policy: ...

    @property
    def passwords(self) -> Passwords: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def audit(self) -> Recorder: ...
