"""The repositories of a transaction: one small Protocol per aggregate.

``port.Transaction`` offers each as a named property (``tx.alerts``, ``tx.outbox``,
``tx.grants`` …), all written in the same transaction; the SQL adapters implement
them once for both dialects (``alerts.py``, ``accounts.py``, ``grants.py`` …). The
casework of the SIRENE bureaux and data protection officers has its own module
(``casework_repositories.py``). None
offers a way to run a query or learn the dialect
(``tests/contract/test_sql_stays_in_the_store.py``).
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from limes.domain.accounts import Account, Session
from limes.domain.alerts import Flag
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent
from limes.store.alerts import AlertFilter, AlertRecord, SealedRow
from limes.store.approvals import ChangeRow, CodeRow
from limes.store.biometrics import FingerRow
from limes.store.copies import CopyState, DigestRow, ForwardedRecord, Leaf
from limes.store.data_keys import KeyRow, KeyStatus, WrappedKey
from limes.store.external_identities import ExternalIdentityRow
from limes.store.faces import FaceRow
from limes.store.grants import GrantRow
from limes.store.identity_links import IdentityLinkRow, LinkChange
from limes.store.login_limits import Attempts
from limes.store.reading import BlockRow, Opened
from limes.store.sealed import SealedColumn
from limes.store.security_events import SecurityEvent


class Alerts(Protocol):
    """Alerts and their match keys; content (``body``, ``extensions``) is opaque bytes."""

    def get(
        self, alert_id: str, *, for_update: bool = False, keys: bool = True
    ) -> AlertRecord | None:
        """The stored alert; ``keys=False``: without its match keys (``keys`` empty), for
        an answer only, never to be written back (``replace`` would drop its keys)."""
        ...

    def get_many(self, alert_ids: Sequence[str], *, keys: bool = True) -> dict[str, AlertRecord]:
        """The stored alerts among ``alert_ids``, by id (``get`` of each, in few reads)."""
        ...

    def insert(self, record: AlertRecord) -> None: ...

    def replace(self, record: AlertRecord, expected_version: int) -> None:
        """Overwrite the alert if its stored version is ``expected_version``.

        Raises ``VersionMismatch`` otherwise. Replaces its match keys too.
        """
        ...

    def find_by_keys(self, keys: frozenset[str]) -> builtins.list[ExistingAlert]:
        """Active alerts sharing at least one match key, each once."""
        ...

    def list(self, where: AlertFilter) -> builtins.list[AlertRecord]: ...

    def sealed(self, after: str | None, limit: int) -> builtins.list[SealedRow]:
        """At most ``limit`` active alerts after the id ``after`` (None: from the first),
        in id order, as the search build reads them (``alerts.SealedRow``)."""
        ...

    def expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        """Ids of active alerts whose review date is at or before ``moment``."""
        ...

    def unwarned_expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]: ...

    def count(self) -> int: ...


class Flags(Protocol):
    """Each member state's flag on an alert, at most one per state."""

    def of(self, alert_id: str) -> list[Flag]: ...

    def of_many(self, alert_ids: Sequence[str]) -> dict[str, list[Flag]]:
        """``of`` of each alert that has flags, by id, in few reads."""
        ...

    def put(self, alert_id: str, flag: Flag) -> None:
        """Store the flag, replacing the one of the same state."""
        ...


class Links(Protocol):
    """Links between alerts; a link has no direction."""

    def of(self, alert_id: str) -> list[str]:
        """Ids linked to this alert, in either direction."""
        ...

    def of_many(self, alert_ids: Sequence[str]) -> dict[str, list[str]]:
        """``of`` of each alert that has links, by id, in few reads."""
        ...

    def add(self, from_id: str, to_id: str, at: datetime) -> bool:
        """Link two alerts; False if they were already linked."""
        ...

    def remove(self, from_id: str, to_id: str) -> bool:
        """Unlink two alerts; False if they were not linked."""
        ...

    def remove_all(self, alert_id: str) -> None: ...


class MisusedIdentities(Protocol):
    """The identity of a victim of identity misuse, per alert (sealed, stored as given)."""

    def get(self, alert_id: str) -> bytes | None: ...

    def put(self, alert_id: str, body: bytes | None) -> None:
        """Store ``body``; None removes it."""
        ...


class Biometrics(Protocol):
    """The fingers enrolled on each alert, one per position (the template sealed)."""

    def put(self, finger: FingerRow) -> None:
        """Store the finger, replacing the one enrolled before at its position."""
        ...

    def of(self, alert_id: str) -> list[FingerRow]:
        """The alert's fingers by position."""
        ...

    def page(self, after: tuple[str, int] | None, limit: int) -> list[FingerRow]:
        """Every alert's fingers in (alert id, position) order, ``limit`` at a time."""
        ...

    def remove_all(self, alert_id: str) -> int:
        """Delete the alert's fingers; how many there were."""
        ...


class Faces(Protocol):
    """The faces enrolled on each alert, numbered 1-5 (image and template sealed)."""

    def put(self, face: FaceRow) -> None:
        """Store the face, replacing the one enrolled before under its number."""
        ...

    def of(self, alert_id: str) -> list[FaceRow]:
        """The alert's faces by number."""
        ...

    def page(self, after: tuple[str, int] | None, limit: int) -> list[FaceRow]:
        """Every alert's faces in (alert id, number) order, ``limit`` at a time."""
        ...

    def remove_all(self, alert_id: str) -> int:
        """Delete the alert's faces; how many there were."""
        ...


class Outbox(Protocol):
    """The change events, numbered in commit order (what the feed and search follow)."""

    def append(self, event: ChangeEvent) -> int:
        """Append to the outbox; return the event's sequence number."""
        ...

    def after(self, seq: int, limit: int) -> list[ChangeEvent]: ...

    def last(self) -> int:
        """The sequence number of the newest event, 0 when there is none."""
        ...


class Accounts(Protocol):
    """Accounts, their sessions and failed logins. ``totp_secret`` is stored as given
    (sealed by the service) and read back as stored."""

    def get(self, account_id: str, *, for_update: bool = False) -> Account | None: ...

    def by_username(self, username: str, *, for_update: bool = False) -> Account | None: ...

    def by_certificate(self, sha256: str) -> Account | None: ...

    def by_oidc(self, issuer: str, subject: str) -> Account | None: ...

    def list(self, member_state: str | None = None) -> builtins.list[Account]: ...

    def unused_since(self, moment: datetime) -> builtins.list[Account]: ...

    def insert(self, account: Account) -> None:
        """Raises ``Conflict`` naming the unique value already taken."""
        ...

    def replace(self, account: Account) -> None: ...

    def touch(self, account_id: str, at: datetime) -> None: ...

    def add_failure(self, account_id: str, at: datetime) -> None: ...

    def failures_after(self, account_id: str, moment: datetime) -> int: ...

    def clear_failures(self, account_id: str) -> None: ...

    def prune_failures(self, before: datetime) -> int: ...

    def session(self, session_id: str) -> Session | None: ...

    def sessions(self, account_id: str) -> builtins.list[Session]: ...

    def insert_session(self, session: Session) -> None: ...

    def touch_session(self, session_id: str, at: datetime) -> None: ...

    def end_session(self, session_id: str, at: datetime, reason: str) -> bool: ...

    def end_sessions(self, account_id: str, at: datetime, reason: str) -> int: ...

    def end_sessions_created_before(self, created_before: datetime, at: datetime) -> int: ...

    def end_idle_sessions(self, seen_before: datetime, at: datetime) -> int: ...


class AccountChanges(Protocol):
    """Four-eyes changes to accounts, proposed and decided."""

    def insert(self, change: ChangeRow) -> None: ...

    def decide(self, change_id: str, status: str, approver: str, at: datetime) -> None:
        """Raises ``LookupError`` unless the change is pending."""
        ...

    def get(self, change_id: str, *, for_update: bool = False) -> ChangeRow | None: ...

    def of_state(self, member_state: str, status: str | None = None) -> list[ChangeRow]: ...

    def custodians(self, username: str, creation_kind: str) -> frozenset[str]: ...


class EnrolmentCodes(Protocol):
    def put(self, code: CodeRow) -> None: ...

    def of(self, account_id: str) -> CodeRow | None:
        """The account's code, locked for the rest of the transaction."""
        ...

    def drop(self, account_id: str) -> None: ...


class Grants(Protocol):
    """Break-glass grants; reasons are sealed text, stored as given."""

    def put(self, grant: GrantRow) -> None: ...

    def get(self, grant_id: str) -> GrantRow | None: ...

    def matching(
        self,
        *,
        requester: str | None = None,
        status: str | None = None,
        member_state: str | None = None,
    ) -> list[GrantRow]: ...

    def unsealed_reasons(self) -> list[tuple[str, str, str, str]]: ...

    def set_reason(self, grant_id: str, column: str, value: str) -> None: ...


class SecurityEvents(Protocol):
    def record(self, event: SecurityEvent) -> int:
        """Append; return the event's sequence number."""
        ...

    def after(
        self, after: int = 0, limit: int = 100, member_state: str | None = None
    ) -> list[SecurityEvent]: ...


class UsageCounters(Protocol):
    def add_reads(self, counts: dict[tuple[str, str], int]) -> None: ...

    def daily_reads(self, principal: str, since_day: str) -> dict[str, int]: ...


class ReadLedger(Protocol):
    """Which alerts each scope opened in the last day, and when first; and its counts."""

    def already_opened(
        self, scopes: Collection[str], ids: Sequence[str], since: datetime
    ) -> dict[str, int]: ...

    def opened(
        self, scopes: Collection[str], hour_ago: datetime, day_ago: datetime
    ) -> dict[str, Opened]: ...

    def remember(
        self, scopes: Collection[str], ids: Sequence[str], now: datetime, since: datetime
    ) -> None: ...

    def keep(self, counts: Mapping[str, Opened], hour_ago: datetime, day_ago: datetime) -> None: ...

    def forget(self, scope: str) -> int: ...

    def prune(self, before: datetime) -> int: ...


class IdentityLinks(Protocol):
    """Multiple-identity links between person alerts, with their history (2019/817)."""

    def put(self, link: IdentityLinkRow, by: str) -> None: ...

    def get(self, link_id: str, *, for_update: bool = False) -> IdentityLinkRow | None: ...

    def between(self, one: str, other: str) -> IdentityLinkRow | None: ...

    def of_alert(self, alert_id: str) -> list[IdentityLinkRow]: ...

    def resolve(self, link_id: str, colour: str, at: datetime, by: str) -> None: ...

    def history(self, link_id: str) -> list[LinkChange]: ...

    def overdue(self, now: datetime, limit: int) -> list[IdentityLinkRow]: ...

    def set_escalation(self, link_id: str, level: int) -> None: ...

    def erase(self, alert_id: str) -> int: ...


class ExternalIdentities(Protocol):
    """The identities the external systems submitted, sealed, for the link job (2019/817)."""

    def put(self, row: ExternalIdentityRow) -> None: ...

    def get(self, identity_id: str) -> ExternalIdentityRow | None: ...

    def pending(self, limit: int) -> list[ExternalIdentityRow]: ...

    def compared(self, identity_id: str, at: datetime) -> None: ...

    def live(self, now: datetime, after: str, limit: int) -> list[ExternalIdentityRow]: ...

    def expired(self, now: datetime, limit: int) -> list[str]: ...

    def erase(self, identity_ids: Sequence[str]) -> int: ...


class ReadBlocks(Protocol):
    def in_force(self, scopes: Collection[str]) -> list[BlockRow]: ...

    def put(self, block: BlockRow) -> None: ...

    def get(self, block_id: str) -> BlockRow | None: ...

    def lift(self, block_id: str, by: str, at: datetime, reason: str) -> bool: ...

    def of_state(self, member_state: str, *, in_force_only: bool, limit: int) -> list[BlockRow]: ...


class LoginAttempts(Protocol):
    def read(self, scope: str, subject: str) -> Attempts | None: ...

    def put(self, scope: str, subject: str, attempts: int, at: datetime) -> None: ...

    def forget(self, scope: str, subject: str) -> None: ...

    def prune(self, before: datetime) -> int: ...


class FeedPositions(Protocol):
    def get(self, name: str) -> int:
        """How far the follower ``name`` has come in the change feed (0: from the start)."""
        ...

    def save(self, name: str, seq: int, at: datetime) -> None: ...


class DataKeys(Protocol):
    """Wrapped data keys per scope and version; wrapping is ``crypto/keys.py``'s job."""

    def active_version(self, scope: str) -> int | None: ...

    def latest_version(self, scope: str) -> int: ...

    def insert_active(
        self, scope: str, version: int, kek_id: str, wrapped: bytes, at: datetime
    ) -> None: ...

    def all(self) -> list[KeyRow]: ...

    def wrapped(self, scope: str, version: int) -> WrappedKey | None: ...

    def active_scopes(self) -> list[str]: ...

    def mark_retiring(self, scope: str, at: datetime) -> None: ...

    def wrapped_by_other(self, kek_id: str) -> list[tuple[str, int, str, bytes]]: ...

    def rewrapped(self, scope: str, version: int, kek_id: str, wrapped: bytes) -> None: ...

    def retire(self, scope: str, version: int, at: datetime) -> bool: ...

    def put_delivered(
        self,
        scope: str,
        version: int,
        status: KeyStatus,
        kek_id: str | None,
        wrapped: bytes | None,
        at: datetime,
    ) -> None: ...


class KeyJobs(Protocol):
    def position(self, name: str) -> str | None: ...

    def save(self, name: str, position: str, at: datetime) -> None: ...

    def drop(self, name: str) -> None: ...


class SealedValues(Protocol):
    """The envelopes of every column of ``sealed.SEALED``, for re-encryption."""

    def prefixes(self, text_chars: int, binary_bytes: int) -> list[tuple[SealedColumn, Any, int]]:
        """(column, key-id prefix, values) of every sealed value, counted in the store."""
        ...

    def remaining(self, index: int, last: Sequence[str]) -> int: ...

    def batch(self, index: int, last: Sequence[str], size: int) -> list[Sequence[Any]]: ...

    def write(self, index: int, keys: Sequence[Any], values: Mapping[str, object]) -> None: ...


class Copies(Protocol):
    """A national copy's bookkeeping, and the centre's signed digests (``copies.py``)."""

    def state(self) -> CopyState | None: ...

    def begin(self, centre: str, filter_json: str, at: datetime) -> None: ...

    def set_centre(self, centre: str) -> None: ...

    def advance(self, position: int, centre_at: datetime | None) -> None: ...

    def checked(self, at: datetime) -> None: ...

    def held_seq(self, alert_id: str) -> int | None: ...

    def hold(self, alert_id: str, seq: int) -> None: ...

    def leaves(self, after: str | None, limit: int) -> builtins.list[Leaf]: ...

    def put_digest(self, digest: DigestRow) -> None: ...

    def latest_digest(self) -> DigestRow | None: ...

    def binding(self, client: str) -> str | None: ...

    def bind(
        self, client: str, filter_json: str, at: datetime, by: str, audit_key: str | None = None
    ) -> None: ...

    def audit_key(self, client: str) -> str | None: ...

    def forwarded_record(self, client: str, seq: int) -> str | None: ...

    def forwarded_next(self, client: str) -> int: ...

    def put_forwarded(self, row: ForwardedRecord) -> None: ...

    def forwarded(self, client: str, after: int, limit: int) -> builtins.list[ForwardedRecord]: ...

    def forwarded_upto(self) -> int: ...

    def forwarded_to(self, upto: int) -> None: ...
