"""The repository port: what the service layer needs from a store, and nothing more.

Adapters (``sqlite.py``, ``postgres.py``) implement it; one contract suite
(``tests/contract``) holds them to the same behaviour. Alert content travels as
opaque bytes: the store never interprets personal data, which lets the crypto
layer encrypt it without the store noticing.

Every state change appends a ``ChangeEvent`` in the same transaction (the outbox).
Events carry identifiers and bookkeeping only, never personal data; consumers read
the alert itself when they need its content.

A transaction is a unit of work: every aggregate is a named repository on it
(``tx.alerts``, ``tx.outbox``, ``tx.grants``, ``tx.accounts``, ``tx.data_keys`` …),
written in the same transaction, each a small Protocol of ``repositories.py``. No SQL
and no dialect leave ``store/``: callers see only these Protocols, re-exported here,
and the rows they return.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from limes.domain.events import ChangeEvent
from limes.store.alerts import AlertFilter, AlertRecord, SealedRow
from limes.store.approvals import APPLIED, EXPIRED, PENDING, REFUSED, ChangeRow, CodeRow
from limes.store.biometrics import FingerRow
from limes.store.bulk_rows import BulkRows, MakeRows
from limes.store.casework_repositories import Cases, Messages, SubjectRequests
from limes.store.copies import CopyState, DigestRow, ForwardedRecord, Leaf
from limes.store.data_keys import KeyRow, KeyStatus, WrappedKey
from limes.store.external_identities import ExternalIdentityRow
from limes.store.faces import FaceRow
from limes.store.grants import GrantRow
from limes.store.identity_links import EXTERNAL, IdentityLinkRow, LinkChange
from limes.store.login_limits import Attempts
from limes.store.reading import BlockRow, Opened
from limes.store.repositories import (
    AccountChanges,
    Accounts,
    Alerts,
    Biometrics,
    Copies,
    DataKeys,
    EnrolmentCodes,
    ExternalIdentities,
    Faces,
    FeedPositions,
    Flags,
    Grants,
    IdentityLinks,
    KeyJobs,
    Links,
    LoginAttempts,
    MisusedIdentities,
    Outbox,
    ReadBlocks,
    ReadLedger,
    SealedValues,
    SecurityEvents,
    UsageCounters,
)
from limes.store.sealed import SEALED, SealedColumn, SealedTable
from limes.store.security_events import SecurityEvent
from limes.store.sirene import AttachmentRow, CaseRow, HitRow, InboxFilter, MessageRow
from limes.store.subject_requests import ExtensionRow, HoldingRow, ReplyRow, RequestRow

# the repositories and the rows they take and return are part of the port: callers
# import them here
__all__ = [
    "APPLIED",
    "EXPIRED",
    "EXTERNAL",
    "PENDING",
    "REFUSED",
    "SEALED",
    "AccountChanges",
    "Accounts",
    "AlertFilter",
    "AlertRecord",
    "Alerts",
    "AttachmentRow",
    "Attempts",
    "Biometrics",
    "BlockRow",
    "BulkRows",
    "CaseRow",
    "Cases",
    "ChangeEvent",
    "ChangeRow",
    "CodeRow",
    "Copies",
    "CopyState",
    "DataKeys",
    "DigestRow",
    "EnrolmentCodes",
    "ExtensionRow",
    "ExternalIdentities",
    "ExternalIdentityRow",
    "FaceRow",
    "Faces",
    "FeedPositions",
    "FingerRow",
    "Flags",
    "ForwardedRecord",
    "GrantRow",
    "Grants",
    "HitRow",
    "HoldingRow",
    "IdentityLinkRow",
    "IdentityLinks",
    "InboxFilter",
    "KeyJobs",
    "KeyRow",
    "KeyStatus",
    "Leaf",
    "LinkChange",
    "Links",
    "LoginAttempts",
    "MakeRows",
    "MessageRow",
    "Messages",
    "MisusedIdentities",
    "Opened",
    "Outbox",
    "ReadBlocks",
    "ReadLedger",
    "ReplyRow",
    "RequestRow",
    "SealedColumn",
    "SealedRow",
    "SealedTable",
    "SealedValues",
    "SecurityEvent",
    "SecurityEvents",
    "Store",
    "SubjectRequests",
    "Transaction",
    "UsageCounters",
    "WrappedKey",
    "chunks",
]


class Transaction(Protocol):
    """One unit of work: everything in it commits together or not at all.

    Each aggregate is a repository (``repositories.py``) over this same transaction.
    """

    @property
    def alerts(self) -> Alerts: ...
    @property
    def flags(self) -> Flags: ...
    @property
    def links(self) -> Links: ...
    @property
    def misused_identities(self) -> MisusedIdentities: ...
    @property
    def biometrics(self) -> Biometrics: ...
    @property
    def faces(self) -> Faces: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def accounts(self) -> Accounts: ...
    @property
    def account_changes(self) -> AccountChanges: ...
    @property
    def enrolment_codes(self) -> EnrolmentCodes: ...
    @property
    def grants(self) -> Grants: ...
    @property
    def security_events(self) -> SecurityEvents: ...
    @property
    def usage_counters(self) -> UsageCounters: ...
    @property
    def read_ledger(self) -> ReadLedger: ...
    @property
    def read_blocks(self) -> ReadBlocks: ...
    @property
    def identity_links(self) -> IdentityLinks: ...
    @property
    def external_identities(self) -> ExternalIdentities: ...
    @property
    def login_attempts(self) -> LoginAttempts: ...
    @property
    def cases(self) -> Cases: ...
    @property
    def messages(self) -> Messages: ...
    @property
    def subject_requests(self) -> SubjectRequests: ...
    @property
    def feed_positions(self) -> FeedPositions: ...
    @property
    def data_keys(self) -> DataKeys: ...
    @property
    def key_jobs(self) -> KeyJobs: ...
    @property
    def sealed_values(self) -> SealedValues: ...
    @property
    def copies(self) -> Copies: ...


class Store(Protocol):
    name: str

    def migrate(self) -> builtins.list[str]:
        """Apply pending migrations; return the versions applied now."""
        ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A write transaction, serialised with every other writer."""
        ...

    def read(self) -> AbstractContextManager[Transaction]:
        """A read-only snapshot."""
        ...

    def bulk_insert(self, records: Sequence[AlertRecord], events: Sequence[ChangeEvent]) -> None:
        """Insert many new alerts and their events in one transaction (initial loads)."""
        ...

    def bulk_rows_maker(self) -> MakeRows:
        """What makes the rows of new alerts and their events as ``bulk_insert`` writes
        them: a pure function of this store's dialect, which needs no connection (the bulk
        path's worker processes call it on their pieces, issue 15)."""
        ...

    def insert_bulk_rows(self, rows: BulkRows) -> None:
        """``bulk_insert`` of rows made before by ``bulk_rows_maker()``: one transaction,
        all or nothing."""
        ...

    def events_after(self, seq: int, limit: int = 100) -> builtins.list[ChangeEvent]: ...

    def count(self) -> int: ...

    def last_event(self) -> int:
        """The sequence number of the newest change event, 0 when there is none."""
        ...

    def close(self) -> None: ...


def chunks(items: Sequence[AlertRecord], size: int) -> Iterator[Sequence[AlertRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
