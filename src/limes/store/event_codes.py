"""The numbers SQLite's change events give their type and category (migration 0027:
one byte each instead of up to 30 characters of text).

Frozen: a number is written into every row; append a new type or category at the end,
never move or remove one (the enums' own order is free to change, these tuples are not).
"""

from __future__ import annotations

from limes.domain.categories import CategoryCode
from limes.domain.events import EventType

EVENT_CODES: tuple[EventType, ...] = (
    EventType.ALERT_ISSUED,
    EventType.ALERT_UPDATED,
    EventType.ALERT_DELETED,
    EventType.ALERT_EXTENDED,
    EventType.ALERT_EXPIRED,
    EventType.ALERT_EXPIRY_WARNING,
    EventType.ALERT_LINKED,
    EventType.ALERT_UNLINKED,
    EventType.ALERT_MISUSED_IDENTITY_SET,
    EventType.ALERT_MISUSED_IDENTITY_REMOVED,
    EventType.ALERT_BIOMETRICS_ENROLLED,
    EventType.FLAG_REQUESTED,
    EventType.FLAG_GRANTED,
    EventType.FLAG_REFUSED,
    EventType.FLAG_WITHDRAWN,
    EventType.HIT_RECORDED,
    EventType.SIRENE_MESSAGE,
    EventType.SIRENE_OVERDUE,
    EventType.SCREENING_HIT,
    EventType.IDENTITY_LINK_CREATED,
    EventType.IDENTITY_LINK_RESOLVED,
    EventType.IDENTITY_LINK_OVERDUE,
    EventType.SUBJECT_REQUEST_OVERDUE,
    EventType.SUBJECT_REQUEST_EXTENDED,
)
_EVENT_CODE = {str(name): code for code, name in enumerate(EVENT_CODES)}

CATEGORY_CODES: tuple[CategoryCode, ...] = (
    CategoryCode.ARREST,
    CategoryCode.MISSING_PROTECTION,
    CategoryCode.MISSING_WHEREABOUTS,
    CategoryCode.CHILD_ABDUCTION_RISK,
    CategoryCode.CHILD_TRAVEL_PREVENTION,
    CategoryCode.VULNERABLE_ADULT_TRAVEL_PREVENTION,
    CategoryCode.JUDICIAL_PROCEDURE,
    CategoryCode.PERSON_CHECK,
    CategoryCode.UNKNOWN_WANTED,
    CategoryCode.REFUSAL_OF_ENTRY,
    CategoryCode.TRAVEL_BAN,
    CategoryCode.RETURN_DECISION,
    CategoryCode.OBJECT_SEIZURE,
    CategoryCode.OBJECT_CHECK,
)
"""Any other category text (none today) is stored as it is."""
_CATEGORY_CODE = {str(name): code for code, name in enumerate(CATEGORY_CODES)}


def event_code(type_: str) -> int:
    """The number of an event type in SQLite's rows (``KeyError`` if it has none)."""
    return _EVENT_CODE[type_]


def event_type(code: int) -> str:
    """The event type stored as ``code``, as its plain name."""
    return EVENT_CODES[code].value


def category_code(category: str) -> int | str:
    """A change event's category in SQLite's rows: its number, or the text if it has none."""
    return _CATEGORY_CODE.get(category, category)


def category_of(code: int) -> str:
    """The category stored as ``code``, as its plain name."""
    return CATEGORY_CODES[code].value
