"""The repository port: what the service layer needs from a store, and nothing more.

Adapters (``sqlite.py``, ``postgres.py``) implement it; one contract suite
(``tests/contract``) holds them to the same behaviour. Alert content travels as
opaque bytes: the store never interprets personal data, which lets the crypto
layer encrypt it without the store noticing.

Every state change appends a ``ChangeEvent`` in the same transaction (the outbox).
Events carry identifiers and bookkeeping only, never personal data; consumers read
the alert itself when they need its content.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from limes.domain.alerts import AlertStatus, Flag
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent

if TYPE_CHECKING:
    from limes.store.sql import Dialect


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: str
    category: str
    object_type: str | None
    subject: str
    issuing_state: str
    status: AlertStatus
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    body: bytes | None
    keys: frozenset[str] = frozenset()
    extensions: bytes | None = None
    warned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """List filters; ``after`` is the cursor (the last id of the previous page)."""

    category: str | None = None
    object_type: str | None = None
    issuing_state: str | None = None
    status: AlertStatus | None = AlertStatus.ACTIVE
    after: str | None = None
    limit: int = 50


class Transaction(Protocol):
    """One unit of work: everything in it commits together or not at all."""

    def get(self, alert_id: str, *, for_update: bool = False) -> AlertRecord | None: ...

    def insert(self, record: AlertRecord) -> None: ...

    def replace(self, record: AlertRecord, expected_version: int) -> None:
        """Overwrite the alert if its stored version is ``expected_version``.

        Raises ``VersionMismatch`` otherwise. Replaces its match keys too.
        """
        ...

    def find_by_keys(self, keys: frozenset[str]) -> list[ExistingAlert]:
        """Active alerts sharing at least one match key, each once."""
        ...

    def list(self, where: AlertFilter) -> list[AlertRecord]: ...

    def expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]:
        """Ids of active alerts whose review date is at or before ``moment``."""
        ...

    def unwarned_expiring_before(self, moment: datetime, limit: int) -> builtins.list[str]: ...

    def flags(self, alert_id: str) -> builtins.list[Flag]: ...

    def put_flag(self, alert_id: str, flag: Flag) -> None: ...

    def links(self, alert_id: str) -> builtins.list[str]:
        """Ids linked to this alert, in either direction."""
        ...

    def add_link(self, from_id: str, to_id: str, at: datetime) -> bool:
        """Link two alerts; False if they were already linked."""
        ...

    def remove_link(self, from_id: str, to_id: str) -> bool: ...

    def remove_all_links(self, alert_id: str) -> None: ...

    def misused_identity(self, alert_id: str) -> bytes | None: ...

    def put_misused_identity(self, alert_id: str, body: bytes | None) -> None: ...

    def append(self, event: ChangeEvent) -> int:
        """Append to the outbox; return the event's sequence number."""
        ...

    # Modules that keep their own tables (accounts, security) write them in the same
    # transaction through these, with queries written once using ``?`` placeholders.

    @property
    def dialect(self) -> Dialect: ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> builtins.list[Any]: ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> int: ...


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

    def events_after(self, seq: int, limit: int = 100) -> builtins.list[ChangeEvent]: ...

    def count(self) -> int: ...

    def last_event(self) -> int:
        """The sequence number of the newest change event, 0 when there is none."""
        ...

    def close(self) -> None: ...


def chunks(items: Sequence[AlertRecord], size: int) -> Iterator[Sequence[AlertRecord]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
