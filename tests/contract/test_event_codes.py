"""The numbers of SQLite's change event types and categories (``store/event_codes.py``):
every type and category has one, and none ever moves (rows hold them)."""

from __future__ import annotations

from limes.domain.categories import CategoryCode
from limes.domain.events import EventType
from limes.store.event_codes import (
    CATEGORY_CODES,
    EVENT_CODES,
    category_code,
    category_of,
    event_code,
    event_type,
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
