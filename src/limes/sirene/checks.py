"""Checks the hit reports and forms share, besides ``limes.domain.validation``'s
``text_field`` and ``country_field``: lists of texts, languages, instants.

Each adds a ``FieldError`` located by its JSON pointer to a list, so that one answer
names everything wrong with a document (as ``limes.domain.validation`` does for alerts).
"""

from __future__ import annotations

from datetime import datetime

import pycountry

from limes.domain.validation import text_field
from limes.errors import FieldError

_LANGUAGES = frozenset(
    code for lang in pycountry.languages if (code := getattr(lang, "alpha_2", None))
)


def texts(values: tuple[str, ...], pointer: str, errors: list[FieldError]) -> tuple[str, ...]:
    """Each item checked as free text of alert content (``text_field``)."""
    return tuple(text_field(v, f"{pointer}/{i}", errors) for i, v in enumerate(values))


def language(value: str, pointer: str, errors: list[FieldError]) -> str:
    """An ISO 639-1 language code (two lower-case letters)."""
    if value not in _LANGUAGES:
        errors.append(FieldError(pointer, f"{value!r} is not an ISO 639-1 language code"))
    return value


def past_instant(
    value: datetime, now: datetime, pointer: str, errors: list[FieldError]
) -> datetime:
    """A moment with its UTC offset, not after ``now``."""
    if value.tzinfo is None or value.utcoffset() is None:
        errors.append(FieldError(pointer, "must carry a UTC offset (e.g. 2026-06-01T08:30:00Z)"))
        return value
    if value > now:
        errors.append(FieldError(pointer, f"{value.isoformat()} is in the future"))
    return value
