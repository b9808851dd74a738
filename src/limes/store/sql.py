"""The SQL both adapters share: one transaction class over either dialect.

``SqlTransaction`` is the unit of work of ``port.Transaction``: every repository
(``tx.alerts``, ``tx.outbox``, ``tx.grants``, ``tx.accounts`` …) is made on first use
over the same cursor, so everything commits together. Connection handling, locking
and migrations stay in each adapter.
"""

from __future__ import annotations

import builtins
import threading
from contextlib import AbstractContextManager
from functools import cached_property
from typing import Any

from limes.domain.events import ChangeEvent
from limes.store.accounts import SqlAccounts
from limes.store.alerts import SqlAlerts, SqlFlags, SqlLinks, SqlMisusedIdentities
from limes.store.approvals import SqlAccountChanges, SqlEnrolmentCodes
from limes.store.biometrics import SqlBiometrics
from limes.store.copies import SqlCopies
from limes.store.data_keys import SqlDataKeys, SqlKeyJobs
from limes.store.dialect import Cursor, Dialect
from limes.store.external_identities import SqlExternalIdentities
from limes.store.faces import SqlFaces
from limes.store.grants import SqlGrants
from limes.store.identity_links import SqlIdentityLinks
from limes.store.login_limits import SqlLoginAttempts
from limes.store.outbox import SqlOutbox
from limes.store.reading import SqlReadBlocks, SqlReadLedger
from limes.store.sealed import SqlSealedValues
from limes.store.security_events import SqlSecurityEvents
from limes.store.sirene import SqlCases, SqlFeedPositions, SqlMessages
from limes.store.subject_requests import SqlSubjectRequests
from limes.store.usage_counters import SqlUsageCounters

# the audit log's own store builds on the same dialects (``audit/store.py``)


class SqlTransaction:
    """``port.Transaction`` over a DB-API cursor, for either dialect.

    It runs no SQL itself: each repository is a ``Tables`` over the same cursor.
    """

    def __init__(self, cursor: Cursor, dialect: Dialect) -> None:
        self._cur = cursor
        self._d = dialect

    # -- the repositories, each made on first use over this transaction's cursor -------

    @cached_property
    def alerts(self) -> SqlAlerts:
        return SqlAlerts(self._cur, self._d)

    @cached_property
    def flags(self) -> SqlFlags:
        return SqlFlags(self._cur, self._d)

    @cached_property
    def links(self) -> SqlLinks:
        return SqlLinks(self._cur, self._d)

    @cached_property
    def misused_identities(self) -> SqlMisusedIdentities:
        return SqlMisusedIdentities(self._cur, self._d)

    @cached_property
    def biometrics(self) -> SqlBiometrics:
        return SqlBiometrics(self._cur, self._d)

    @cached_property
    def faces(self) -> SqlFaces:
        return SqlFaces(self._cur, self._d)

    @cached_property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self._cur, self._d)

    @cached_property
    def accounts(self) -> SqlAccounts:
        return SqlAccounts(self._cur, self._d)

    @cached_property
    def account_changes(self) -> SqlAccountChanges:
        return SqlAccountChanges(self._cur, self._d)

    @cached_property
    def enrolment_codes(self) -> SqlEnrolmentCodes:
        return SqlEnrolmentCodes(self._cur, self._d)

    @cached_property
    def grants(self) -> SqlGrants:
        return SqlGrants(self._cur, self._d)

    @cached_property
    def security_events(self) -> SqlSecurityEvents:
        return SqlSecurityEvents(self._cur, self._d)

    @cached_property
    def usage_counters(self) -> SqlUsageCounters:
        return SqlUsageCounters(self._cur, self._d)

    @cached_property
    def read_ledger(self) -> SqlReadLedger:
        return SqlReadLedger(self._cur, self._d)

    @cached_property
    def read_blocks(self) -> SqlReadBlocks:
        return SqlReadBlocks(self._cur, self._d)

    @cached_property
    def identity_links(self) -> SqlIdentityLinks:
        return SqlIdentityLinks(self._cur, self._d)

    @cached_property
    def external_identities(self) -> SqlExternalIdentities:
        return SqlExternalIdentities(self._cur, self._d)

    @cached_property
    def login_attempts(self) -> SqlLoginAttempts:
        return SqlLoginAttempts(self._cur, self._d)

    @cached_property
    def cases(self) -> SqlCases:
        return SqlCases(self._cur, self._d)

    @cached_property
    def messages(self) -> SqlMessages:
        return SqlMessages(self._cur, self._d)

    @cached_property
    def feed_positions(self) -> SqlFeedPositions:
        return SqlFeedPositions(self._cur, self._d)

    @cached_property
    def subject_requests(self) -> SqlSubjectRequests:
        return SqlSubjectRequests(self._cur, self._d)

    @cached_property
    def data_keys(self) -> SqlDataKeys:
        return SqlDataKeys(self._cur, self._d)

    @cached_property
    def key_jobs(self) -> SqlKeyJobs:
        return SqlKeyJobs(self._cur, self._d)

    @cached_property
    def sealed_values(self) -> SqlSealedValues:
        return SqlSealedValues(self._cur, self._d)

    @cached_property
    def copies(self) -> SqlCopies:
        return SqlCopies(self._cur, self._d)


class ThreadConnections:
    """What both adapters do alike around their per-thread connections.

    Each adapter sets ``_local``, ``_all`` and ``_lock`` and provides ``read``; the
    reads and ``close`` below are then the same for both.
    """

    _local: threading.local
    _all: builtins.list[Any]
    _lock: threading.Lock

    def read(self) -> AbstractContextManager[SqlTransaction]:
        raise NotImplementedError

    def events_after(self, seq: int, limit: int = 100) -> builtins.list[ChangeEvent]:
        with self.read() as tx:
            return tx.outbox.after(seq, limit)

    def count(self) -> int:
        with self.read() as tx:
            return tx.alerts.count()

    def last_event(self) -> int:
        with self.read() as tx:
            return tx.outbox.last()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
