"""The numbers the store gives event types, categories, object types, subjects and alert
states: both stores' change events name their type and category by number (SQLite's by
migration 0027, PostgreSQL's by 0029, its category as the number's digits), and both
stores' alert rows their category, object type, subject and status (0028): one byte
each (SQLite; a smallint in PostgreSQL) instead of up to 34 characters of text.

Frozen: a number is written into every row; append a new type or category at the end,
never move or remove one (the enums' own order is free to change, these tuples are not).
"""

from __future__ import annotations

from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode, ObjectType, SubjectKind
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
    """The number of an event type in the store's rows (``KeyError`` if it has none)."""
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


def category_text(category: str) -> str:
    """A change event's category in PostgreSQL's rows (migration 0029): its number's
    digits, or its name if it has none (``ValueError`` for a name of digits alone, which
    would read back as a number)."""
    code = _CATEGORY_CODE.get(category)
    if code is not None:
        return str(code)
    if _digits(category):
        raise ValueError(f"a category named {category!r} would read back as a number")
    return category


def category_of_text(value: str) -> str:
    """The category ``category_text`` stored as ``value``."""
    return category_of(int(value)) if _digits(value) else value


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


OBJECT_TYPE_CODES: tuple[ObjectType, ...] = (
    ObjectType.MOTOR_VEHICLE,
    ObjectType.TRAILER,
    ObjectType.CARAVAN,
    ObjectType.BOAT,
    ObjectType.BOAT_ENGINE,
    ObjectType.CONTAINER,
    ObjectType.AIRCRAFT,
    ObjectType.AIRCRAFT_ENGINE,
    ObjectType.FIREARM,
    ObjectType.BLANK_DOCUMENT,
    ObjectType.ISSUED_DOCUMENT,
    ObjectType.REGISTRATION_CERTIFICATE,
    ObjectType.NUMBER_PLATE,
    ObjectType.BANKNOTE,
    ObjectType.MEANS_OF_PAYMENT,
    ObjectType.IT_EQUIPMENT,
    ObjectType.VEHICLE_COMPONENT,
    ObjectType.INDUSTRIAL_EQUIPMENT,
    ObjectType.HIGH_VALUE_OBJECT,
)
"""Frozen like the rest: append, never reorder. Any other
object type (none today) is stored as it is in SQLite, and refused by PostgreSQL."""
_OBJECT_TYPE_CODE = {str(name): code for code, name in enumerate(OBJECT_TYPE_CODES)}
SUBJECT_CODES: tuple[SubjectKind, ...] = (SubjectKind.PERSON, SubjectKind.OBJECT)
_SUBJECT_CODE = {str(name): code for code, name in enumerate(SUBJECT_CODES)}
STATUS_CODES: tuple[AlertStatus, ...] = (
    AlertStatus.ACTIVE,
    AlertStatus.EXPIRED,
    AlertStatus.DELETED,
)
"""ACTIVE is 0: SQLite stores 0 and 1 in no bytes at all, and the partial expiry index
and the queries it serves say ``status = 0`` (``ACTIVE_CODE``)."""
_STATUS_CODE = {str(name): code for code, name in enumerate(STATUS_CODES)}
ACTIVE_CODE = 0


def stored_category(code: int | str) -> str:
    """The category of an alert's or event's column: by number, or text kept as it was."""
    return category_of(code) if isinstance(code, int) else code


def object_type_code(object_type: str | None) -> int | str | None:
    """An alert's object type in its row: its number, or the text if it has none."""
    return None if object_type is None else _OBJECT_TYPE_CODE.get(object_type, object_type)


def object_type_of(code: int | str | None) -> str | None:
    """The object type ``object_type_code`` stored as ``code``."""
    return OBJECT_TYPE_CODES[code].value if isinstance(code, int) else code


def subject_code(subject: str) -> int:
    """An alert's subject in its row (``KeyError`` if it is neither person nor object)."""
    return _SUBJECT_CODE[subject]


def subject_of(code: int) -> str:
    return SUBJECT_CODES[code].value


def status_code(status: str) -> int:
    """An alert's status in its row (``KeyError`` for an unknown one)."""
    return _STATUS_CODE[status]


def status_of(code: int) -> AlertStatus:
    return STATUS_CODES[code]
