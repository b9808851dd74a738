"""The Latin form of a name as ``Name.latin`` accepts it: title case and valid for every
known example of the transliteration tables, refused where no table gives one.
"""

from __future__ import annotations

import pytest
from tests.domain.test_transliteration import CASES

from limes.domain.latin_names import is_latin_name, latin_name
from limes.domain.transliteration import TransliterationError


@pytest.mark.parametrize(("original", "script", "language", "expected"), CASES)
def test_latin_field_is_title_case_and_valid(
    original: str, script: str, language: str | None, expected: str
) -> None:
    latin = latin_name(original, script, language)
    assert latin.upper() == expected
    assert latin[0].isupper() and latin == latin.title()
    assert is_latin_name(latin)


@pytest.mark.parametrize(
    ("original", "script", "language"),
    [
        ("Ivan", "Cyrl", "ru"),  # Latin letters have no Cyrillic row
        ("Иван", "Cyrl", "xx"),  # no such language rows
        ("Иван", "Latn", None),  # no table for the script
        ("李明", "Hans", None),  # not a whole name the table knows
        ("ء", "Arab", None),  # only silent letters: no Latin name
    ],
)
def test_refused(original: str, script: str, language: str | None) -> None:
    with pytest.raises(TransliterationError):
        latin_name(original, script, language)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("Müller", True),
        ("O'Brien", True),
        ("Jean-Luc", True),
        ("de la Cruz", True),
        ("Grațian", True),
        ("Иван", False),
        ("Smith2", False),
        ("-Smith", False),
        ("Ja’far", False),  # typographic apostrophe: normalised before, not accepted here
    ],
)
def test_is_latin_name(text: str, valid: bool) -> None:
    assert is_latin_name(text) is valid
