"""The romanisation tables themselves: each script's transliterations give Latin, the ICU
ones are built once, and the marked letters are expanded or spelled out in both cases."""

from __future__ import annotations

import pytest

from limes.search.romanisation import (
    ANY_LATIN,
    EXPANDABLE,
    EXPANSIONS,
    SPELLED_OUT,
    STANDARDS,
    transliterator,
)

SAMPLES = {
    "Cyrl": "Иванов",
    "Grek": "Παπαδόπουλος",
    "Geor": "ბერიძე",
    "Armn": "Պետրոսյան",
    "Arab": "جمال",  # with ج, which Egyptian usage writes g
    "Hebr": "כהן",
}


@pytest.mark.parametrize("script", sorted(STANDARDS))
def test_every_standard_of_a_script_writes_latin_letters(script: str) -> None:
    for convert in STANDARDS[script]:
        latin = convert(SAMPLES[script])
        # mostly Latin: BGN's Arabic leaves alef as it is (jmاl)
        latin_letters = [c for c in latin if c.isascii() and c.isalpha()]
        assert len(latin_letters) >= len(SAMPLES[script]) - 1, (script, latin)


def test_a_transliterator_is_built_once() -> None:
    assert transliterator("Limes-Cyrillic-German") is transliterator("Limes-Cyrillic-German")
    assert ANY_LATIN("Иван") == "Ivan"


def test_marked_letters_come_in_both_cases() -> None:
    for table in (EXPANSIONS, SPELLED_OUT):
        lower = {k: v for k, v in table.items() if k.islower()}
        assert {k.upper(): v.capitalize() for k, v in lower.items()} == {
            k: v for k, v in table.items() if k.isupper()
        }
    assert set(EXPANSIONS) <= EXPANDABLE
