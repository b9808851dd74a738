"""Change events: each type a plain dotted name, and the event itself a frozen record of
identifiers and bookkeeping (``test_names_said_once.py`` checks that no other module
spells a type)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from limes.domain.events import ChangeEvent, EventType

DOTTED = re.compile(r"[a-z]+\.[a-z_]+")


@pytest.mark.parametrize("kind", list(EventType))
def test_every_type_is_a_dotted_name_of_its_family(kind: EventType) -> None:
    assert DOTTED.fullmatch(kind.value)
    assert kind.name.lower().startswith(kind.value.split(".")[0])


def test_a_type_not_listed_cannot_be_named() -> None:
    with pytest.raises(ValueError, match="is not a valid EventType"):
        EventType("alert.renamed")


def test_an_event_carries_no_detail_and_no_position_until_given() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    event = ChangeEvent(EventType.ALERT_ISSUED, "A1", "DE", "arrest", 1, at)
    assert (event.detail, event.seq) == ({}, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.seq = 7  # type: ignore[misc]  # what the test checks is refused
