"""Name pools: names from many Faker locales, drawn once and sampled many times.

Faker takes tens of microseconds a name; a million alerts cannot wait for it. Each
locale's surnames and forenames (by gender) are drawn once per seed into pools of
ready ``Name`` objects, non-Latin ones with their original, ISO 15924 script and the
Latin form of ``limes.domain.transliteration``. Generators then sample the pools with
their own seeded ``Random``. A name Faker offers that would not pass validation
(stray Latin in a Cyrillic name, a bracket) is left out of the pool.
"""

from __future__ import annotations

import functools
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from faker import Faker

from limes.domain.alerts import Name
from limes.domain.countries import MEMBER_STATES
from limes.domain.latin_names import is_latin_name, latin_name
from limes.domain.transliteration import HANZI_GIVEN_NAMES, HANZI_SURNAMES, TransliterationError


@dataclass(frozen=True, slots=True)
class Locale:
    """A Faker locale, its script, and the nationalities of the people it names."""

    code: str
    nationalities: Mapping[str, float]
    weight: float
    script: str | None = None  # None: Latin
    language: str | None = None  # for Cyrillic: the Doc 9303 language rows
    two_surnames: bool = False  # Spanish and Portuguese naming customs


def _loc(
    code: str,
    nationalities: dict[str, float],
    weight: float,
    script: str | None = None,
    language: str | None = None,
    *,
    two_surnames: bool = False,
) -> Locale:
    return Locale(code, MappingProxyType(nationalities), weight, script, language, two_surnames)


LOCALES: tuple[Locale, ...] = (
    # Cyrillic, Greek, Arabic, Georgian, Armenian, Hebrew, Chinese
    _loc("ru_RU", {"RU": 8, "BY": 1, "KZ": 1}, 5, "Cyrl", "ru"),
    _loc("uk_UA", {"UA": 1}, 6, "Cyrl", "uk"),
    _loc("bg_BG", {"BG": 1}, 2, "Cyrl", "bg"),
    _loc("el_GR", {"GR": 4, "CY": 1}, 2, "Grek"),
    _loc(
        "ar_AA",
        {
            "SY": 4,
            "IQ": 4,
            "MA": 3,
            "DZ": 3,
            "TN": 2,
            "EG": 2,
            "LB": 1,
            "JO": 1,
            "LY": 1,
            "SD": 1,
            "PS": 1,
        },
        9,
        "Arab",
    ),
    _loc("ar_SA", {"SA": 2, "YE": 2, "KW": 1, "OM": 1, "QA": 1}, 1, "Arab"),
    _loc("fa_IR", {"IR": 1, "AF": 2}, 4, "Arab"),
    _loc("ka_GE", {"GE": 1}, 3, "Geor"),
    _loc("hy_AM", {"AM": 1}, 2, "Armn"),
    _loc("he_IL", {"IL": 1}, 1, "Hebr"),
    _loc("zh_CN", {"CN": 1}, 2, "Hans"),
    # Latin script
    _loc("de_DE", {"DE": 1}, 4),
    _loc("de_AT", {"AT": 1}, 1),
    _loc("de_CH", {"CH": 5, "LI": 1}, 1),
    _loc("fr_FR", {"FR": 6, "LU": 1}, 4),
    _loc("nl_BE", {"BE": 1}, 1),
    _loc("nl_NL", {"NL": 1}, 2),
    _loc("pl_PL", {"PL": 1}, 3),
    _loc("tr_TR", {"TR": 1}, 5),
    _loc("es_ES", {"ES": 1}, 2, two_surnames=True),
    _loc("es_MX", {"CO": 3, "VE": 2, "PE": 1, "MX": 1, "BO": 1}, 2, two_surnames=True),
    _loc("it_IT", {"IT": 8, "MT": 1}, 3),
    _loc("ro_RO", {"RO": 4, "MD": 2}, 4),
    _loc("vi_VN", {"VN": 1}, 2),
    _loc("pt_PT", {"PT": 1}, 1, two_surnames=True),
    _loc("pt_BR", {"BR": 1}, 2, two_surnames=True),
    _loc("cs_CZ", {"CZ": 1}, 1),
    _loc("sk_SK", {"SK": 1}, 1),
    _loc("hu_HU", {"HU": 1}, 1),
    _loc("hr_HR", {"HR": 2, "BA": 2, "RS": 2, "ME": 1}, 2),
    _loc("sl_SI", {"SI": 1}, 0.5),
    _loc("sv_SE", {"SE": 1}, 0.5),
    _loc("da_DK", {"DK": 1}, 0.5),
    _loc("no_NO", {"NO": 1}, 0.5),
    _loc("fi_FI", {"FI": 1}, 0.5),
    _loc("is_IS", {"IS": 1}, 0.2),
    _loc("et_EE", {"EE": 1}, 0.3),
    _loc("lv_LV", {"LV": 1}, 0.3),
    _loc("lt_LT", {"LT": 1}, 0.5),
    _loc("en_IE", {"IE": 1}, 0.5),
    _loc("en_GB", {"GB": 1}, 1),
    _loc("az_AZ", {"AZ": 1}, 1),
    _loc("uz_UZ", {"UZ": 1}, 1),
    _loc("yo_NG", {"NG": 1}, 1),
    _loc("en_NG", {"NG": 1}, 1),
    _loc("tw_GH", {"GH": 1}, 1),
    _loc("sw", {"KE": 1, "TZ": 1}, 1),
    _loc("en_PK", {"PK": 1}, 2),
    _loc("en_IN", {"IN": 1}, 1),
    _loc("id_ID", {"ID": 1}, 0.5),
)
"""Every locale persons are named from, with the nationalities its names go with."""

POOL_DRAWS = 200  # Faker calls per pool; duplicates are dropped
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u02bb": "'", "`": "'"})


@dataclass(frozen=True, slots=True)
class NamePool:
    """A locale's names as ready ``Name`` objects (never empty)."""

    locale: Locale
    surnames_male: tuple[Name, ...]
    surnames_female: tuple[Name, ...]
    forenames_male: tuple[Name, ...]
    forenames_female: tuple[Name, ...]

    def third_country_nationalities(self) -> Mapping[str, float]:
        return {c: w for c, w in self.locale.nationalities.items() if c not in MEMBER_STATES}


def _name(text: str, locale: Locale) -> Name | None:
    """The ``Name`` for one of Faker's names, or None if it would not validate."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text:
        return None
    if locale.script is None:
        latin = text.translate(_APOSTROPHES)
        return Name(latin) if is_latin_name(latin) else None
    try:
        return Name(latin_name(text, locale.script, locale.language), text, locale.script)
    except TransliterationError:
        return None


def _draw(fake: Faker, method: str, locale: Locale) -> tuple[Name, ...]:
    names = dict.fromkeys(getattr(fake, method)() for _ in range(POOL_DRAWS))
    return tuple(n for n in map(lambda t: _name(t, locale), names) if n is not None)


def _chinese(fake: Faker, method: str, table: Mapping[str, str]) -> tuple[Name, ...]:
    """Faker's romanized Chinese names, each with its characters from the table."""
    by_pinyin = {latin: hanzi for hanzi, latin in table.items()}
    drawn = dict.fromkeys(getattr(fake, method)() for _ in range(POOL_DRAWS))
    return tuple(Name(latin, by_pinyin[latin], "Hans") for latin in drawn if latin in by_pinyin)


def _pool(locale: Locale, seed: int) -> NamePool:
    fake = Faker(locale.code)
    fake.seed_instance(seed * 1_000_003 + zlib.crc32(locale.code.encode()))
    if locale.script == "Hans":
        surnames = _chinese(fake, "last_romanized_name", HANZI_SURNAMES)
        given = _chinese(fake, "first_romanized_name", HANZI_GIVEN_NAMES)
        return NamePool(locale, surnames, surnames, given, given)
    return NamePool(
        locale,
        surnames_male=_draw(fake, "last_name_male", locale),
        surnames_female=_draw(fake, "last_name_female", locale),
        forenames_male=_draw(fake, "first_name_male", locale),
        forenames_female=_draw(fake, "first_name_female", locale),
    )


@functools.lru_cache(maxsize=4)
def name_pools(seed: int) -> tuple[NamePool, ...]:
    """The pools of every locale in ``LOCALES`` for a seed (kept for the next run)."""
    pools = tuple(_pool(locale, seed) for locale in LOCALES)
    for pool in pools:
        if not all((pool.surnames_male, pool.surnames_female, pool.forenames_male,
                    pool.forenames_female)):  # fmt: skip
            raise RuntimeError(f"Faker locale {pool.locale.code} gave no usable names")
    return pools
