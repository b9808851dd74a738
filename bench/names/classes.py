"""Query makers for the spelling classes of issue 14, each its own kind.

Like ``variants``, these are written from the standards and customs themselves, with
tables of their own, never with ``limes.search``'s:

* ``arabic_vowels`` / ``persian_vowels`` — a name stored in Arabic script (which
  leaves short vowels unwritten) typed in Latin letters *with* vowels, in the English
  (ALA-LC / BGN without marks: Tariq, Sharif), French/Maghreb (Tarek, Chérif, Djamel,
  the article assimilated: Ennajjar, Essaid) or Egyptian manner (ج as g: Naggar,
  Gamal); the short vowels are the generator's guess, as a clerk's are. Persian letters
  (پ چ ژ گ) follow the UN/BGN Persian values.
* ``serbocroatian`` — Gaj's Latin letters (č ć š ž đ dž) spelled out the English
  (ch sh zh dj), French (tch ch j dj) or German way (tsch sch dsch; c z, z s, v w).
* ``cyrillic_iso9`` — Cyrillic in ISO 9:1995 (marks kept or dropped) or the
  scholarly system (x for х, č š ž, ja ju), Ukrainian г as h or as g.
* ``caucasus`` — Armenian read the Western way (Դոմինիկ → Tominig) and Georgian in
  the German (Duden), French or ISO 9984 manner.
* ``leap_day`` / ``date_slip`` — a date of birth a typing slip away (29 February
  against 28 February or 1 March; day or month off, digits transposed, the year
  2–10 off or its century mistyped).
* ``short_typo`` — one typing error in a name of two or three letters;
  ``typo_swapped`` — a typing error and the surnames and forenames swapped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from random import Random
from types import MappingProxyType

import icu  # type: ignore[import-untyped]  # PyICU ships no type information

from bench.names.variants import Draft, Maker, Part, strip_marks, swapped, typo, typo_in

__all__ = ["CLASSES", "DATE_SLIP_KINDS"]

# -- Arabic and Persian script with vowels ----------------------------------------------

_ARABIC_CONSONANTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # letter: english, french, egyptian
        "english": {
            "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
            "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
            "ة": "a", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k",
        },
        "french": {
            "ب": "b", "ت": "t", "ث": "t", "ج": "dj", "ح": "h", "خ": "kh", "د": "d", "ذ": "d",
            "ر": "r", "ز": "z", "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "غ": "gh", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
            "ة": "a", "پ": "p", "چ": "tch", "ژ": "j", "گ": "g", "ک": "k",
        },
        "egyptian": {
            "ب": "b", "ت": "t", "ث": "s", "ج": "g", "ح": "h", "خ": "kh", "د": "d", "ذ": "z",
            "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "غ": "gh", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
            "ة": "a", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k",
        },
    }
)  # fmt: skip
_SHORT_VOWELS = {"english": "aaiu", "french": "eeai", "egyptian": "aaeo"}
_LONG = {"english": ("a", "u", "i"), "french": ("a", "ou", "i"), "egyptian": ("a", "o", "i")}
_GLIDES = {"english": ("w", "y"), "french": ("ou", "y"), "egyptian": ("w", "y")}
_SILENT = frozenset("ءعئؤ")  # hamza and ayin: left out by the customs here
_ALIFS = frozenset("اأإآى")
_SUN = frozenset("تثدذرزسشصضطظلن")
_PERSIAN = frozenset("پچژگکی")


def _arabic_word(word: str, manner: str, rng: Random) -> str:
    letters = _ARABIC_CONSONANTS[manner]
    long_a, long_u, long_i = _LONG[manner]
    glide_w, glide_y = _GLIDES[manner]
    article = ""
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
        sun = word[0] in _SUN
        first = letters.get(word[0], "")
        if manner == "french" and sun and first:
            article = "e" + first[0]  # assimilated and glued: Ennajjar, Essaid
        else:
            article = {"english": "al-", "french": "el-", "egyptian": "el "}[manner]
    out: list[str] = []
    previous_consonant = False
    for i, char in enumerate(word):
        after = word[i + 1] if i + 1 < len(word) else ""
        if char in _SILENT:
            continue
        if char in _ALIFS:
            out.append(long_a)
            previous_consonant = False
        elif char in "وي" or char == "ی":
            vowel = previous_consonant and (not after or after not in _ALIFS)
            out.append((long_u if char == "و" else long_i) if vowel else
                       (glide_w if char == "و" else glide_y))  # fmt: skip
            previous_consonant = not vowel
        elif char == "ّ":  # shadda: the consonant doubled
            if out:
                out.append(out[-1][-1])
        elif char in letters:
            if previous_consonant and out:
                out.append(_SHORT_VOWELS[manner][int(rng.random() * 4)])  # unwritten vowel
            out.append(letters[char])
            previous_consonant = True
        # harakat and anything else: not written
    text = "".join(out)
    return (article + text).title() if text else ""


def _arabic(persian: bool) -> Maker:
    def make(draft: Draft, rng: Random) -> Draft | None:
        parts = (*draft.surnames, *draft.forenames)
        originals = [p.original for p in parts if p.original and p.script == "Arab"]
        if not originals or any(p.original is None for p in parts):
            return None
        if any(set(o) & _PERSIAN for o in originals) != persian:
            return None
        manner = ("english", "french", "egyptian")[int(rng.random() * 3)]

        def convert(part: Part) -> Part:
            words = [_arabic_word(w, manner, rng) for w in (part.original or "").split()]
            return Part(" ".join(w for w in words if w))

        made = draft.noted(
            f"arabic:{manner}",
            surnames=tuple(map(convert, draft.surnames)),
            forenames=tuple(map(convert, draft.forenames)),
        )
        return made if all(p.text for p in (*made.surnames, *made.forenames)) else None

    return make


# -- Gaj's Latin letters in other languages' manners -------------------------------------

_GAJ: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "english": {"dž": "dzh", "č": "ch", "ć": "ch", "š": "sh", "ž": "zh", "đ": "dj"},
        "french": {"dž": "dj", "č": "tch", "ć": "tch", "š": "ch", "ž": "j", "đ": "dj"},
        "german": {"dž": "dsch", "č": "tsch", "ć": "tsch", "š": "sch", "ž": "sch", "đ": "dsch",
                   "c": "z", "z": "s", "v": "w"},
    }
)  # fmt: skip


def _gaj(text: str, manner: str) -> str:
    table = _GAJ[manner]
    out, i, lower = [], 0, text.lower()
    while i < len(text):
        two = lower[i : i + 2]
        key = two if two in table else lower[i]
        if key in table:
            new = table[key]
            out.append(new.capitalize() if text[i].isupper() else new)
            i += len(key)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def serbocroatian(draft: Draft, rng: Random) -> Draft | None:
    parts = (*draft.surnames, *draft.forenames)
    if not any(c in "čćšžđ" for p in parts for c in p.text.lower()):
        return None
    manner = ("english", "french", "german")[int(rng.random() * 3)]

    def convert(part: Part) -> Part:
        return Part(_gaj(part.text, manner))

    return draft.noted(
        f"serbocroatian:{manner}",
        surnames=tuple(map(convert, draft.surnames)),
        forenames=tuple(map(convert, draft.forenames)),
    )


# -- Cyrillic in ISO 9 and the scholarly system ------------------------------------------

_SCHOLARLY: Mapping[str, str] = MappingProxyType(dict(zip(
    "абвгґдеёжзийклмнопрстуфхцчшщъыьэюяіїє",
    ("a b v g g d e ë ž z i j k l m n o p r s t u f x c č š šč - y - è ju ja i ji je").split(),
    strict=True,
)))  # fmt: skip
"""The scholarly (linguistic) transliteration of Russian, Ukrainian letters added."""


def _scholarly(text: str, language: str, rng: Random) -> str:
    table = dict(_SCHOLARLY)
    if language == "uk":  # Ukrainian г is h; many write it g, as in Russian
        table.update({"г": "h" if rng.random() < 0.5 else "g", "и": "y"})
    if language == "bg":
        table.update({"щ": "št", "ъ": "ă"})
    out = []
    for char in text:
        new = table.get(char.lower())
        if new is None:
            out.append(char)
        else:
            new = "" if new == "-" else new
            out.append(new.capitalize() if char.isupper() else new)
    return "".join(out)


_ISO9 = icu.Transliterator.createInstance("Cyrillic-Latin")


def cyrillic_iso9(draft: Draft, rng: Random) -> Draft | None:
    parts = (*draft.surnames, *draft.forenames)
    if not parts or any(p.script != "Cyrl" or not p.original for p in parts):
        return None
    system = ("iso9", "iso9_unmarked", "scholarly")[int(rng.random() * 3)]

    def convert(part: Part) -> Part:
        original = part.original or ""
        if system == "scholarly":
            return Part(_scholarly(original, draft.language, rng))
        written = str(_ISO9.transliterate(original)).replace("ʺ", "").replace("ʹ", "")
        return Part(strip_marks(written) if system == "iso9_unmarked" else written)

    return draft.noted(
        f"cyrillic:{system}",
        surnames=tuple(map(convert, draft.surnames)),
        forenames=tuple(map(convert, draft.forenames)),
    )


# -- Armenian (Western) and Georgian (German, French, ISO 9984) --------------------------

_WESTERN_ARMENIAN: Mapping[str, str] = MappingProxyType({**dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    ("a p k t e z e e t zh i l kh dz g h ts gh j m y n sh o ch b ch r s v d r ts v p k o f"
     ).split(),
    strict=True,
)), "և": "ev"})  # fmt: skip
"""Western Armenian values (the voiced and voiceless stops the other way round)."""
_GEORGIAN: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "german": dict(zip(
            "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
            "a b g d e w s t i k l m n o p sch r s t u p k gh k sch tsch z ds z tsch ch dsch h"
            .split(), strict=True)),
        "french": dict(zip(
            "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
            "a b g d e v z t i k l m n o p j r s t ou p k gh q ch tch ts dz ts tch kh dj h"
            .split(), strict=True)),
    }
)  # fmt: skip
_ISO9984 = icu.Transliterator.createInstance("Georgian-Latin")


def _letters(text: str, table: Mapping[str, str]) -> str:
    out = []
    for i, char in enumerate(text.lower()):
        if char == "ո" and text.lower()[i + 1 : i + 2] == "ւ":
            out.append("ou")  # ու: u, written ou in French and Western usage
            continue
        if char == "ւ" and i and text.lower()[i - 1] == "ո":
            continue
        out.append(table.get(char, char))
    return "".join(out).title()


def caucasus(draft: Draft, rng: Random) -> Draft | None:
    parts = (*draft.surnames, *draft.forenames)
    scripts = {p.script for p in parts}
    if not parts or any(not p.original for p in parts) or len(scripts) != 1:
        return None
    script = scripts.pop()
    convert: Callable[[str], str]
    if script == "Armn":
        system = "western_armenian"

        def convert(text: str) -> str:
            return _letters(text, _WESTERN_ARMENIAN)
    elif script == "Geor":
        system = ("german", "french", "iso9984")[int(rng.random() * 3)]

        def convert(text: str) -> str:
            if system == "iso9984":
                return str(_ISO9984.transliterate(text)).title()
            return _letters(text, _GEORGIAN[system])
    else:
        return None

    def part(p: Part) -> Part:
        return Part(unicodedata.normalize("NFC", convert(p.original or "")))

    return draft.noted(
        f"caucasus:{system}",
        surnames=tuple(map(part, draft.surnames)),
        forenames=tuple(map(part, draft.forenames)),
    )


# -- dates a typing slip away ---------------------------------------------------------------


def _is_date(year: int, month: int, day: int) -> bool:
    from datetime import date

    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2025


def leap_day(draft: Draft, rng: Random) -> Draft | None:
    born = draft.date_of_birth
    if born is None or len(born) != 10:
        return None
    year, month, day = map(int, born.split("-"))
    if (month, day) == (2, 29):
        other = _pick_of(rng, ("02-28", "03-01"))
    elif (month, day) in ((2, 28), (3, 1)) and _is_date(year, 2, 29):
        other = "02-29"
    else:
        return None
    return draft.noted(f"leap_day:{month:02d}-{day:02d}>{other}",
                       date_of_birth=f"{year:04d}-{other}")  # fmt: skip


def _pick_of(rng: Random, items: tuple[str, ...]) -> str:
    return items[int(rng.random() * len(items))]


def _slips(value: str) -> list[tuple[str, str]]:
    year, month, day = map(int, value.split("-"))
    out: list[tuple[str, str]] = []
    for delta in (-1, 1):
        if _is_date(year, month, day + delta):
            out.append(("day_off", f"{year:04d}-{month:02d}-{day + delta:02d}"))
        if _is_date(year, month + delta, day):
            out.append(("month_off", f"{year:04d}-{month + delta:02d}-{day:02d}"))
    digits = f"{year:04d}{month:02d}{day:02d}"
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            t = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            y, m, d = int(t[:4]), int(t[4:6]), int(t[6:])
            if _is_date(y, m, d):
                out.append(("digits_transposed", f"{y:04d}-{m:02d}-{d:02d}"))
    for off in (2, 3, 5, 7, 10, -2, -4, -6, -10):
        if _is_date(year + off, month, day):
            out.append((f"year{off:+d}", f"{year + off:04d}-{month:02d}-{day:02d}"))
    for century in (-100, 100):
        if _is_date(year + century, month, day):
            out.append(("century", f"{year + century:04d}-{month:02d}-{day:02d}"))
    return out


def date_slip(draft: Draft, rng: Random) -> Draft | None:
    born = draft.date_of_birth
    if born is None or len(born) != 10:
        return None
    options = _slips(born)
    if not options:
        return None
    note, value = options[int(rng.random() * len(options))]
    return draft.noted(f"date_slip:{note}", date_of_birth=value)


# -- short names, typo with swapped order ---------------------------------------------------


def short_typo(draft: Draft, rng: Random) -> Draft | None:
    """One typing error in a surname of two or three letters."""
    for i, part in enumerate(draft.surnames):
        if 2 <= len(part.text) <= 3 and part.text.isalpha():
            for edit in ("substitution", "transposition", "insertion"):
                changed = typo_in(part.text, edit, rng)
                if changed and changed.lower() != part.text.lower():
                    new = (*draft.surnames[:i], Part(changed), *draft.surnames[i + 1 :])
                    return draft.noted(f"short_typo:{edit}", surnames=new)
    return None


def typo_swapped(draft: Draft, rng: Random) -> Draft | None:
    made = typo(draft, rng)
    return swapped(made, rng) if made is not None else None


CLASSES: Mapping[str, Maker] = MappingProxyType(
    {
        "arabic_vowels": _arabic(persian=False),
        "persian_vowels": _arabic(persian=True),
        "serbocroatian": serbocroatian,
        "cyrillic_iso9": cyrillic_iso9,
        "caucasus": caucasus,
        "leap_day": leap_day,
        "date_slip": date_slip,
        "short_typo": short_typo,
        "typo_swapped": typo_swapped,
    }
)
"""The kinds of issue 14, each its own row in the table."""

DATE_SLIP_KINDS = frozenset({"leap_day", "date_slip"})
"""The kinds whose every query holds a date of birth a typing slip away from the
target's (``leap_day``, ``date_slip``): issue 14's tier rule places such a candidate
among the possible matches when its score falls below a hit, so the bench judges them
by the ``slip`` rule of ``metrics`` (first among the hits, or first among the possible
matches with no hit above it). Every other kind is judged by the hits alone."""
