"""What the alert use cases answer (``AlertView``, ``Page``, ``ExpiryReport``), the stored
record read back as an alert (``to_alert``), and the change event a write appends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from limes import codec
from limes.crypto import Crypto
from limes.crypto.sealed_fields import SealedField
from limes.domain.alerts import (
    Alert,
    AlertContent,
    Extension,
    Flag,
    FlagStatus,
)
from limes.domain.categories import CATEGORIES, CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent, EventType
from limes.policy.fields import FieldGroup
from limes.store.port import AlertRecord, Transaction


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


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[AlertView, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ExpiryReport:
    expired: int
    warned: int


def to_alert(record: AlertRecord, crypto: Crypto, tx: Transaction | None = None) -> Alert:
    """The alert of a stored record, its sealed fields opened (``IntegrityError`` if altered)."""

    def opened(field: str, sealed: bytes) -> bytes:
        return crypto.fields.open(record.issuing_state, record.id, field, sealed, tx)

    content = (
        codec.decode(AlertContent, opened(SealedField.BODY, record.body))
        if record.body is not None
        else None
    )
    extensions = (
        codec.decode(tuple[Extension, ...], opened(SealedField.EXTENSIONS, record.extensions))
        if record.extensions
        else ()
    )
    return Alert(
        id=record.id,
        issuing_state=record.issuing_state,
        category=CategoryCode(record.category),
        subject=CATEGORIES[CategoryCode(record.category)].subject,
        status=record.status,
        version=record.version,
        created_at=record.created_at,
        updated_at=record.updated_at,
        expires_at=record.expires_at,
        content=content,
        extensions=extensions,
        warned_at=record.warned_at,
    )


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
