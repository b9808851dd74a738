"""The numbers of SQLite's change event types and categories (``store/event_codes.py``):
every type and category has one, and none ever moves (rows hold them)."""

from __future__ import annotations

import pytest

from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode, ObjectType, SubjectKind
from limes.domain.events import EventType
from limes.store.event_codes import (
    ACTIVE_CODE,
    CATEGORY_CODES,
    EVENT_CODES,
    OBJECT_TYPE_CODES,
    STATUS_CODES,
    SUBJECT_CODES,
    category_code,
    category_of,
    category_of_text,
    category_text,
    event_code,
    event_type,
    object_type_code,
    object_type_of,
    status_code,
    status_of,
    stored_category,
    subject_code,
    subject_of,
)


def test_every_event_type_and_category_has_a_number_that_never_moves() -> None:
    assert set(EVENT_CODES) == set(EventType) and len(EVENT_CODES) == len(set(EVENT_CODES))
    assert EVENT_CODES[:3] == ("alert.issued", "alert.updated", "alert.deleted")
    assert set(CATEGORY_CODES) == set(CategoryCode)
    assert len(CATEGORY_CODES) == len(set(CATEGORY_CODES)) and CATEGORY_CODES[0] == "arrest"


def test_a_number_reads_back_as_the_plain_name_it_was_given_for() -> None:
    for kind in EventType:
        assert type(event_type(event_code(kind.value))) is str
        assert event_type(event_code(kind.value)) == kind.value
    for category in CategoryCode:
        assert category_of(category_code(category.value)) == category.value  # type: ignore[arg-type]
    assert category_code("not-a-category") == "not-a-category"


def test_every_object_type_subject_and_status_has_a_number_that_never_moves() -> None:
    assert set(OBJECT_TYPE_CODES) == set(ObjectType)
    assert len(OBJECT_TYPE_CODES) == len(set(OBJECT_TYPE_CODES))
    assert OBJECT_TYPE_CODES[:2] == ("motor_vehicle", "trailer")
    assert SUBJECT_CODES == ("person", "object") and set(STATUS_CODES) == set(AlertStatus)
    assert STATUS_CODES[ACTIVE_CODE] == "active" == STATUS_CODES[0]  # the expiry index's 0


def test_an_alerts_numbers_read_back_as_its_names() -> None:
    for object_type in ObjectType:
        assert object_type_of(object_type_code(object_type.value)) == object_type.value
    assert object_type_code(None) is None and object_type_of(None) is None
    assert object_type_code("not-a-type") == "not-a-type" == object_type_of("not-a-type")
    assert stored_category(category_code("arrest")) == "arrest"
    assert stored_category("not-a-category") == "not-a-category"
    for subject in SubjectKind:
        assert subject_of(subject_code(subject.value)) == subject.value
    for status in AlertStatus:
        assert status_of(status_code(status.value)) is status
    with pytest.raises(KeyError):
        status_code("lost")


def test_postgres_event_categories_read_back_as_their_names() -> None:
    """PostgreSQL's change events (0029): a number's digits, or a name with none."""
    for category in CategoryCode:
        assert category_text(category.value) == str(category_code(category.value))
        assert category_of_text(category_text(category.value)) == category.value
    assert category_text("not-a-category") == "not-a-category"
    assert category_of_text("not-a-category") == "not-a-category"
    with pytest.raises(ValueError, match="as a number"):
        category_text("12")  # would read back as object_seizure
    assert category_of_text(category_text("١٢")) == "١٢"  # not ASCII digits: a name
