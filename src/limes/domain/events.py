"""Change events: the one list of what can happen to an alert, and the event itself.

Every state change appends a ``ChangeEvent`` to the outbox in the transaction that
makes it (``store/port.py``); the change feed, the search engine and the NATS
publisher of SIRENE events read them back. An event carries identifiers and
bookkeeping only, never personal data: consumers read the alert when they need it.

``EventType`` is a string enum so that what is stored, published and shown (outbox
rows, feed messages, NATS subjects) is the plain dotted name, byte for byte; a type
not listed here cannot be written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventType(StrEnum):
    ALERT_ISSUED = "alert.issued"
    ALERT_UPDATED = "alert.updated"
    ALERT_DELETED = "alert.deleted"
    ALERT_EXTENDED = "alert.extended"
    ALERT_EXPIRED = "alert.expired"
    ALERT_EXPIRY_WARNING = "alert.expiry_warning"
    ALERT_LINKED = "alert.linked"
    ALERT_UNLINKED = "alert.unlinked"
    ALERT_MISUSED_IDENTITY_SET = "alert.misused_identity_set"
    ALERT_MISUSED_IDENTITY_REMOVED = "alert.misused_identity_removed"
    ALERT_BIOMETRICS_ENROLLED = "alert.biometrics_enrolled"
    FLAG_REQUESTED = "flag.requested"
    FLAG_GRANTED = "flag.granted"
    FLAG_REFUSED = "flag.refused"
    FLAG_WITHDRAWN = "flag.withdrawn"
    HIT_RECORDED = "hit.recorded"
    SIRENE_MESSAGE = "sirene.message"
    SIRENE_OVERDUE = "sirene.overdue"
    SCREENING_HIT = "screening.hit"
    IDENTITY_LINK_CREATED = "identity.link_created"
    IDENTITY_LINK_RESOLVED = "identity.link_resolved"
    IDENTITY_LINK_OVERDUE = "identity.link_overdue"
    SUBJECT_REQUEST_OVERDUE = "subject.overdue"
    SUBJECT_REQUEST_EXTENDED = "subject.extended"


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    type: EventType
    alert_id: str
    issuing_state: str
    category: str
    version: int
    at: datetime
    detail: dict[str, str] = field(default_factory=dict)
    seq: int = 0
