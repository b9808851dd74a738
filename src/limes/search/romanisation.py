"""The romanisation tables of ``search/names.py``: per script, the transliterations in order
of standing, the ICU rule sets Limes adds (German and French habits), and the letters
with marks that are expanded or spelled out.

ICU transliterators are built once, on first use (``transliterator``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

import icu  # type: ignore[import-untyped]  # PyICU ships neither stubs nor py.typed

from limes.domain.latin_names import to_latin

EXPANSIONS: Mapping[str, str] = MappingProxyType(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa", "đ": "dj",
        "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "Ø": "Oe", "Å": "Aa", "Đ": "Dj",
    }
)  # fmt: skip
SPELLED_OUT: Mapping[str, str] = MappingProxyType(
    {
        "č": "ch", "ć": "ch", "ĉ": "ch", "š": "sh", "ž": "zh", "đ": "dj", "ŝ": "shch",
        "Č": "Ch", "Ć": "Ch", "Ĉ": "Ch", "Š": "Sh", "Ž": "Zh", "Đ": "Dj", "Ŝ": "Shch",
    }
)  # fmt: skip
"""Gaj / ISO 9 consonants as English-language romanisation spells their sounds."""
SPELLED_OUT_WITH: Mapping[str, str] = MappingProxyType({"c": "ts", "C": "Ts"})
"""In a name written with those letters (Gaj's alphabet, Czech, Slovak, ISO 9), c is
always the sound ts, spelled so by English-language and Russian-style romanisation and
z by German (Cvetnić: Tsvetnich, Zwetnitsch; Đurđica: Djurdjitsa, Dschurdschiza)."""
SPELLED_OUT_FRENCH: Mapping[str, str] = MappingProxyType(
    {
        "č": "tch", "ć": "tch", "ĉ": "tch", "š": "ch", "ž": "j", "đ": "dj", "ŝ": "chtch",
        "Č": "Tch", "Ć": "Tch", "Ĉ": "Tch", "Š": "Ch", "Ž": "J", "Đ": "Dj", "Ŝ": "Chtch",
    }
)  # fmt: skip
"""The same consonants as French usage transcribes them, as it transcribes Cyrillic
ч ш ж (the French habit above): Živković → Jivkovitch, Šešelj → Chechel, Đurić →
Djuritch (and Djouritch, French ou for u: ``names.respelled``). dž (Serbian џ) becomes
dj of itself: d, then ž as j. c is ts as above."""
EXPANDABLE = frozenset(EXPANSIONS) | frozenset(
    unicodedata.normalize("NFC", c) for c in ("ä", "ö", "ü", "Ä", "Ö", "Ü")
)

# --- ICU transliterators: built once, on first use -----------------------------------

# German (Duden-like) and French habits for Cyrillic, applied to lower-case text
# padded with spaces so that $b (a non-letter) marks both ends of a word. Ante
# contexts see the Latin already written, post contexts the Cyrillic still to come.
_GERMAN_CYRILLIC = r"""
$lv = [aeiouyj] ;
$cv = [аеёиоуыэюяіїє] ;
$b = [^[:L:]] ;
ый } $b > y ;
[$lv $b] { е > je ;
h { ё > o ;
ё > jo ;
$lv { с } $cv > ss ;
ж > sch ; з > s ; в > w ; й > j ; х > ch ; ц > z ; ч > tsch ; ш > sch ; щ > schtsch ;
я > ja ; ю > ju ; ъ > ; ь > ; ы > y ; э > e ; е > e ;
а > a ; б > b ; г > g ; д > d ; и > i ; к > k ; л > l ; м > m ; н > n ; о > o ;
п > p ; р > r ; с > s ; т > t ; у > u ; ф > f ;
і > i ; ї > ji ; є > je ; ґ > g ;
"""
_FRENCH_CYRILLIC = r"""
$lv = [aeiouy] ;
$cv = [аеёиоуыэюяіїє] ;
$b = [^[:L:]] ;
ий } $b > i ;
ый } $b > y ;
$lv { й > ï ;
й > i ;
дж > dj ;
$lv { с } $cv > ss ;
ж > j ; з > z ; в > v ; х > kh ; ц > ts ; ч > tch ; ш > ch ; щ > chtch ;
ё > io ; я > ia ; ю > iou ; у > ou ; ъ > ; ь > ; ы > y ; э > e ; е > e ;
а > a ; б > b ; г > g ; д > d ; и > i ; к > k ; л > l ; м > m ; н > n ; о > o ;
п > p ; р > r ; с > s ; т > t ; ф > f ;
і > i ; ї > ï ; є > ie ; ґ > g ;
"""
# German (Duden) transcription of Georgian, as German registers write Georgian names
# (Chisanischwili, Sasa for ხიზანიშვილი, ზაზა); the national table (ICAO) and BGN/PCGN
# give khizanishvili, zaza.
_GERMAN_GEORGIAN = r"""
ა > a ; ბ > b ; გ > g ; დ > d ; ე > e ; ვ > w ; ზ > s ; თ > t ; ი > i ; კ > k ;
ლ > l ; მ > m ; ნ > n ; ო > o ; პ > p ; ჟ > sch ; რ > r ; ს > s ; ტ > t ; უ > u ;
ფ > p ; ქ > k ; ღ > gh ; ყ > k ; შ > sch ; ჩ > tsch ; ც > z ; ძ > ds ; წ > z ;
ჭ > tsch ; ხ > ch ; ჯ > dsch ; ჰ > h ;
"""
# French transcription of Georgian, as French usage and registers write Georgian names
# (Jvania, Chevardnadze, Djavakhichvili, Okoudjava for ჟვანია, შევარდნაძე, ჯავახიშვილი,
# ოკუჯავა): ჟ j, შ ch, ჩ ჭ tch, ჯ dj, ხ kh, უ ou, as it transcribes Cyrillic ж ш ч.
_FRENCH_GEORGIAN = r"""
ა > a ; ბ > b ; გ > g ; დ > d ; ე > e ; ვ > v ; ზ > z ; თ > t ; ი > i ; კ > k ;
ლ > l ; მ > m ; ნ > n ; ო > o ; პ > p ; ჟ > j ; რ > r ; ს > s ; ტ > t ; უ > ou ;
ფ > p ; ქ > k ; ღ > gh ; ყ > q ; შ > ch ; ჩ > tch ; ც > ts ; ძ > dz ; წ > ts ;
ჭ > tch ; ხ > kh ; ჯ > dj ; ჰ > h ;
"""
_RULE_SETS: Mapping[str, str] = MappingProxyType(
    {
        "Limes-Cyrillic-German": _GERMAN_CYRILLIC,
        "Limes-Cyrillic-French": _FRENCH_CYRILLIC,
        "Limes-Georgian-German": _GERMAN_GEORGIAN,
        "Limes-Georgian-French": _FRENCH_GEORGIAN,
    }
)

# Western Armenian (the diaspora's, and Armenian names in French, Lebanese, Syrian and
# US records) voices the stops the other way round from Eastern Armenian: Դոմինիկ is
# Dominik in the East, Tominig in the West. Swapping these letter pairs before the
# Eastern tables (ICAO 9303, BGN/PCGN) gives the Western reading (ALA-LC's Armenian
# table lists both values of each pair).
_WESTERN_ARMENIAN = str.maketrans("բպգկդտճջծձԲՊԳԿԴՏՃՋԾՁ", "պբկգտդջճձծՊԲԿԳՏԴՋՃՁԾ")


def _egyptian(convert: Callable[[str], str]) -> Callable[[str], str]:
    """Egyptian usage writes ج as g (Gamal, Naggar, Hegazi), as Egyptian documents do."""

    def read(text: str) -> str:
        return convert(text).replace("j", "g").replace("J", "G") if "ج" in text else ""

    return read


def _western_armenian(convert: Callable[[str], str]) -> Callable[[str], str]:
    def read(text: str) -> str:
        return convert(text.translate(_WESTERN_ARMENIAN))

    return read


@cache
def transliterator(transform_id: str) -> icu.Transliterator:
    """One ICU transliterator per id, built once: building costs far more than using."""
    rules = _RULE_SETS.get(transform_id)
    if rules is not None:
        return icu.Transliterator.createFromRules(transform_id, rules, icu.UTransDirection.FORWARD)
    return icu.Transliterator.createInstance(transform_id)


def _icu(transform_id: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        return str(transliterator(transform_id).transliterate(text))

    return convert


def _padded_lower(transform_id: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        return str(transliterator(transform_id).transliterate(f" {text.lower()} "))

    return convert


def _icao(script: str, language: str | None = None) -> Callable[[str], str]:
    def convert(text: str) -> str:
        return to_latin(text, script, language)

    return convert


ANY_LATIN = _icu("Any-Latin; Latin-ASCII")

# Per script, the transliterations in order of standing: the ICAO/national table first.
STANDARDS: Mapping[str, tuple[Callable[[str], str], ...]] = MappingProxyType(
    {
        "Cyrl": (
            _icao("Cyrl", "ru"),
            _icu("Russian-Latin/BGN"),
            _padded_lower("Limes-Cyrillic-German"),
            _padded_lower("Limes-Cyrillic-French"),
            _icao("Cyrl", "uk"),
            _icu("Ukrainian-Latin/BGN"),
            # ICU's Cyrillic-Latin is ISO 9:1995 (marks kept, so that its š č ž and the
            # Serbian ć đ are both folded and spelled out); Serbian BGN/PCGN for џ (dž)
            _icu("Cyrillic-Latin"),
            _icu("Serbian-Latin/BGN"),
        ),
        "Grek": (_icao("Grek"), _icu("Greek-Latin/BGN"), _icu("Greek-Latin/UNGEGN"), ANY_LATIN),
        "Geor": (
            _icao("Geor"),
            _icu("Georgian-Latin/BGN"),
            _padded_lower("Limes-Georgian-German"),
            _padded_lower("Limes-Georgian-French"),
            ANY_LATIN,
        ),
        "Armn": (
            _icao("Armn"),
            _icu("Armenian-Latin/BGN"),
            _western_armenian(_icu("Armenian-Latin/BGN")),
            ANY_LATIN,
        ),
        "Arab": (_icao("Arab"), _icu("Arabic-Latin/BGN"), ANY_LATIN, _egyptian(_icao("Arab"))),
        "Hebr": (_icao("Hebr"), _icu("Hebrew-Latin/BGN"), ANY_LATIN),
    }
)
HAN_SCRIPTS = frozenset({"Hani", "Hans", "Hant"})
