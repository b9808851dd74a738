"""Languages of the console: gettext catalogues (Babel) and the user's locale.

The language is the one the user chose (the ``limes_lang`` cookie, set by the
language form), else the best of ``Accept-Language``, else English. Catalogues are
``locale/<lang>/LC_MESSAGES/messages.po``, compiled to ``.mo`` beside them
(``make console-messages``; ``tests/console/test_i18n.py`` checks that the shipped
``.mo`` matches its ``.po`` and that every text of the templates is translated).
Dates, times and numbers are written as the locale writes them (CLDR, via Babel);
times are shown in UTC and say so.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC
from functools import cache
from importlib import resources

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français"}
DEFAULT = "en"


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: the chosen one, else the browser's best, else English."""
    if cookie in LANGUAGES:
        return cookie
    preferred = []
    for part in (accept_language or "").split(",")[:20]:
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag:
            preferred.append(tag)
    found = negotiate_locale(preferred, list(LANGUAGES)) if preferred else None
    if found is None:
        # "de_AT" negotiates to nothing against "de": try the language part alone
        bare = [p.split("_")[0].lower() for p in preferred]
        found = next((p for p in bare if p in LANGUAGES), None)
    return found or DEFAULT


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English is the source: no catalogue)."""
    if language == DEFAULT:
        return NullTranslations()
    folder = resources.files("limes.console").joinpath("locale")
    with resources.as_file(folder) as path:
        found = Translations.load(str(path), [language], domain="messages")
    if not isinstance(found, Translations):
        raise RuntimeError(f"the console's {language} catalogue is missing")
    return found


class Formats:
    """Dates, times and numbers as ``language`` writes them."""

    def __init__(self, language: str) -> None:
        self.locale = Locale.parse(language)

    def datetime(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return "–"
        return format_datetime(moment, "medium", tzinfo=UTC, locale=self.locale) + " UTC"

    def date(self, moment: dt.datetime | None) -> str:
        return "–" if moment is None else format_date(moment, "medium", locale=self.locale)

    def number(self, value: float, digits: int = 2) -> str:
        return format_decimal(round(value, digits), locale=self.locale)
