"""The Latin form of a name: the table of ``transliteration.py`` for its script
(``to_latin``), and that form as ``Name.latin`` accepts it (``latin_name``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType

from limes.domain.transliteration import (
    TransliterationError,
    arabic_skeleton,
    armenian,
    elot743,
    georgian,
    hebrew_skeleton,
    icao_cyrillic,
    pinyin,
)

_BY_SCRIPT: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "Grek": elot743,
        "Geor": georgian,
        "Armn": armenian,
        "Arab": arabic_skeleton,
        "Hebr": hebrew_skeleton,
        "Hans": pinyin,
        "Hant": pinyin,
        "Hani": pinyin,
    }
)


def to_latin(text: str, script: str, language: str | None = None) -> str:
    """Upper-case Latin form of ``text`` written in ``script`` (ISO 15924).

    Cyrillic takes the ``language`` (ISO 639-1, default Russian) for Doc 9303's
    language-specific rows; the other scripts ignore it.
    """
    if script == "Cyrl":
        return icao_cyrillic(text, language or "ru")
    try:
        convert = _BY_SCRIPT[script]
    except KeyError:
        raise TransliterationError(f"no transliteration table for script {script!r}") from None
    return convert(text)


_LATIN_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")


def is_latin_name(text: str) -> bool:
    """True if ``text`` is acceptable as ``Name.latin``.

    The rule of ``limes.domain.validation``: letters of the Latin script in words
    joined by single spaces, hyphens, apostrophes or dots.
    """
    return bool(_LATIN_NAME.match(text)) and all(
        not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text
    )


def latin_name(text: str, script: str, language: str | None = None) -> str:
    """The Latin form of a name for ``Name.latin``: ``to_latin`` in title case.

    "Щукин" (Cyrl) → "Shchukin"; "الشحوح" (Arab) → "Al-Shhuh". Raises
    ``TransliterationError`` if the result would not be a valid Latin name (a name
    made only of letters the table leaves silent).
    """
    latin = to_latin(text, script, language).title()
    if not is_latin_name(latin):
        raise TransliterationError(f"{text!r} gives {latin!r}, which is not a Latin name")
    return latin
