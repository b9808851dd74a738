"""The checks hit reports and forms share: each problem added under its JSON pointer, so
one answer names everything wrong with a document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from limes.errors import FieldError
from limes.sirene.checks import language, past_instant, texts

NOW = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


def test_texts_are_checked_each_under_its_own_pointer() -> None:
    errors: list[FieldError] = []
    assert texts(("fine", "also fine"), "/remarks", errors) == ("fine", "also fine")
    assert errors == []
    texts(("fine", "bad\u200bword"), "/remarks", errors)  # an invisible character
    assert [e.pointer for e in errors] == ["/remarks/1"]


def test_a_language_is_an_iso_639_1_code() -> None:
    errors: list[FieldError] = []
    assert language("de", "/language", errors) == "de"
    assert errors == []
    for wrong in ("deu", "DE", "xx"):
        language(wrong, "/language", errors)
    assert [e.pointer for e in errors] == ["/language"] * 3
    assert "'deu' is not an ISO 639-1 language code" in errors[0].detail


def test_an_instant_carries_its_offset_and_is_not_in_the_future() -> None:
    errors: list[FieldError] = []
    paris = timezone(timedelta(hours=2))
    assert past_instant(NOW - timedelta(hours=1), NOW, "/at", errors) == NOW - timedelta(hours=1)
    past_instant(datetime(2026, 6, 1, 10, 29, tzinfo=paris), NOW, "/at", errors)  # 08:29 UTC
    assert errors == []
    past_instant(datetime(2026, 6, 1, 8, 0), NOW, "/naive", errors)  # no offset
    past_instant(NOW + timedelta(seconds=1), NOW, "/later", errors)
    assert [e.pointer for e in errors] == ["/naive", "/later"]
    assert "UTC offset" in errors[0].detail and "in the future" in errors[1].detail
