"""What the alert use cases answer (``AlertView``, ``Page``, ``ExpiryReport``) and the
change event a write appends. A stored record is read back as an alert by
``crypto/records.py``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from limes.audit.record import AlertRef
from limes.domain.alerts import (
    Alert,
    Flag,
    FlagStatus,
)
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent, EventType
from limes.policy.fields import FieldGroup
from limes.service.audited import Refs
from limes.store.port import AlertRecord


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert as answered to a reader: the record with its flags and links.

    Everything in it is shown as the policy's decision allows (``policy/disclosure``):
    content, extensions and flag reasons minimised to the view, ``withheld`` naming the
    field groups left out (``has_misused_identity`` is False when that group is
    withheld); ``links`` and ``related`` name only alerts the reader could read, and
    ``related_notice`` says when an alert on the same subject is not named.
    """

    alert: Alert
    flags: tuple[Flag, ...] = ()
    links: tuple[str, ...] = ()
    related: tuple[ExistingAlert, ...] = ()
    related_notice: str | None = None
    has_misused_identity: bool = False
    withheld: tuple[FieldGroup, ...] = ()
    action_note: str | None = None
    feed_position: int | None = None
    """Of a write: the change-feed position it wrote (a search can wait for it)."""

    def audit_ref(self) -> AlertRef:
        """The alert as a record names it: id, version and issuing state."""
        a = self.alert
        return AlertRef(a.id, a.version, a.issuing_state)

    def audit_refs(self) -> Refs:
        related = [r.id for r in self.related]
        return (self.audit_ref(),), {"related": related} if related else {}


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[AlertView, ...]
    next_cursor: str | None

    def audit_refs(self) -> Refs:
        return tuple(v.audit_ref() for v in self.items), {"next_cursor": self.next_cursor}


@dataclass(frozen=True, slots=True)
class ExpiryReport:
    expired: int
    warned: int

    def audit_refs(self) -> Refs:
        return (), {"expired": self.expired, "warned": self.warned}


def action_note(flags: Iterable[Flag], reader: str | None) -> str | None:
    """ "not to be carried out in <state>" where ``reader``'s state holds a granted flag
    (police Art. 25, border Art. 30): its officers see the alert, but do not act on it."""
    for flag in flags:
        if flag.state == reader and flag.status is FlagStatus.GRANTED:
            return f"not to be carried out in {reader}"
    return None


def event(kind: EventType, record: AlertRecord, at: datetime, **detail: str) -> ChangeEvent:
    return ChangeEvent(
        kind, record.id, record.issuing_state, record.category, record.version, at, detail
    )
