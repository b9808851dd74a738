"""Query variant makers: how a person's names and date of birth get written differently.

Each maker takes a ``Draft`` (the names and date of birth a query will carry, still
knowing each name's original script) and a seeded ``Random``, and returns the changed
draft, or None where the kind does not apply to that person (no original script, no
second forename, no full date …). ``KINDS`` maps each kind to its maker; ``combined``
applies two of them (``COMBINATIONS``).

Transliterations are made here with ICU and our own rules, independently of
``limes.search``, so the engine is never tested against its own tables:

* BGN/PCGN through ICU's ``<Language>-Latin/BGN`` transforms where ICU has them,
  UNGEGN for Greek, ICU's plain ``Arabic-Latin`` / ``Hebrew-Latin`` / ``Armenian-Latin``,
  ``Han-Latin/Names`` for Chinese (each followed by ``Latin-ASCII`` where marked);
* German (Duden: Schewtschenko, Jewgeni) and French (Chevtchenko, Evgueni) habits
  for Cyrillic as ICU rules made from the tables below (``habit_rules``), with
  the Ukrainian and Bulgarian letters those languages add.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from random import Random
from types import MappingProxyType

import icu  # type: ignore[import-untyped]  # PyICU ships no type information

__all__ = [
    "COMBINATIONS",
    "EDITS",
    "KINDS",
    "Draft",
    "Maker",
    "Part",
    "combined",
    "date_variants",
    "expand_marks",
    "fold",
    "habit_rules",
    "is_latin",
    "standards",
    "strip_marks",
    "transliterate",
    "typo_in",
]


@dataclass(frozen=True, slots=True)
class Part:
    """One name as a query will carry it (``text``), and where it came from."""

    text: str
    original: str | None = None
    script: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """The names and date of birth of a query in the making; ``notes`` say what changed."""

    surnames: tuple[Part, ...]
    forenames: tuple[Part, ...]
    date_of_birth: str | None
    language: str = "ru"  # for Cyrillic originals: ru, uk or bg
    notes: tuple[str, ...] = ()

    def noted(self, note: str, **changes: object) -> Draft:
        return replace(self, notes=(*self.notes, note), **changes)  # type: ignore[arg-type]


Maker = Callable[[Draft, Random], Draft | None]


def fold(text: str) -> str:
    """Case-folded, accents stripped, letters only, single-spaced (for 'is it different?')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def _pick(rng: Random, items: list[str] | tuple[str, ...]) -> str:
    return items[int(rng.random() * len(items))]


def _title(text: str) -> str:
    """Capitalise each word after a space or hyphen (``str.title`` breaks on apostrophes)."""
    out, start = [], True
    for ch in text:
        out.append(ch.upper() if start else ch)
        start = ch in " -"
    return "".join(out)


# -- transliteration ---------------------------------------------------------------------

_HEADER = """
::Any-Lower;
$v = [aeiouyäöüéèï];
$nl = [^[:L:]];
$cv = [аеёиоуыэюяєії];
"""
# (the letter a rule rewrites, the rule): the rules with a context come before the letters
GERMAN_CONTEXTS = (
    ("е", "$nl { е > je;"), ("е", "$v { е > je;"), ("е", "[ьъ] { е > je;"),
    ("и", "ий } $nl > i;"), ("ы", "ый } $nl > y;"), ("к", "кс > x;"),
    ("с", "$v { с } $cv > ss;"), ("й", "й } $cv > j;"),
)  # fmt: skip
GERMAN_LETTERS: Mapping[str, str] = MappingProxyType(dict(zip(
    "абвгґдеёжзийклмнопрстуфхцчшщъыьэюяіїєў",
    ("a b w g g d e jo sch s i i k l m n o p r s t u f ch z tsch sch schtsch - y - e ju ja "
     "i ji je w").split(), strict=True,
)))  # fmt: skip
"""Duden's transcription of Russian for German texts (Schewtschenko, Jewgeni)."""
FRENCH_CONTEXTS = (
    ("и", "ий } $nl > i;"), ("ы", "ый } $nl > y;"), ("к", "кс > x;"),
    ("г", "г } [еиы] > gu;"), ("с", "$v { с } $cv > ss;"), ("й", "$v { й > ï;"),
    ("и", "ия > ia;"), ("и", "ию > iou;"),
)  # fmt: skip
FRENCH_LETTERS: Mapping[str, str] = MappingProxyType(dict(zip(
    "абвгґдеёжзийклмнопрстуфхцчшщъыьэюяіїєў",
    ("a b v g g d e io j z i i k l m n o p r s t ou f kh ts tch ch chtch - y - e iou ia "
     "i ï ie ou").split(), strict=True,
)))  # fmt: skip
"""The French habit for Russian names (Chevtchenko, Evgueni, Ioulia)."""
# Ukrainian and Bulgarian letters that differ from Russian, per habit.
LANGUAGE_LETTERS: Mapping[tuple[str, str], Mapping[str, str]] = MappingProxyType(
    {
        ("german", "uk"): {"г": "h", "и": "y"}, ("german", "bg"): {"ъ": "a", "щ": "scht"},
        ("french", "uk"): {"г": "h", "и": "y"}, ("french", "bg"): {"ъ": "a", "щ": "cht"},
    }
)  # fmt: skip
_HABITS = {"german": (GERMAN_CONTEXTS, GERMAN_LETTERS), "french": (FRENCH_CONTEXTS, FRENCH_LETTERS)}


def habit_rules(habit: str, language: str) -> str:
    """ICU rules for a national habit ('german', 'french') and a Cyrillic language."""
    contexts, letters = _HABITS[habit]
    overrides = LANGUAGE_LETTERS.get((habit, language), {})
    table = {**letters, **overrides}
    lines = [rule for letter, rule in contexts if letter not in overrides]
    lines += [f"{c} > {'' if out == '-' else out};" for c, out in table.items()]
    return _HEADER + "\n".join(lines) + "\n"


# ICU system transforms per script (the first that gives a different spelling is used).
ICU_STANDARDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Grek": ("Greek-Latin/BGN", "Greek-Latin/UNGEGN"),
        "Arab": ("Arabic-Latin/BGN", "Arabic-Latin; Latin-ASCII"),
        "Hebr": ("Hebrew-Latin/BGN", "Hebrew-Latin; Latin-ASCII"),
        "Geor": ("Georgian-Latin/BGN", "Georgian-Latin; Latin-ASCII"),
        "Armn": ("Armenian-Latin/BGN", "Armenian-Latin; Latin-ASCII"),
        "Hans": ("Han-Latin/Names; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    }
)
_BGN_CYRILLIC: Mapping[str, str] = MappingProxyType(
    {"ru": "Russian-Latin/BGN", "uk": "Ukrainian-Latin/BGN", "bg": "Bulgarian-Latin/BGN"}
)
# apostrophes and half rings (ayin, hamza, soft signs) that documents leave out
_MODIFIER_APOSTROPHES = str.maketrans("", "", "\u2019\u02bc\u02b9\u02ba\u02bf\u02be'")


@cache
def _transliterator(standard: str, language: str) -> icu.Transliterator:
    if standard in _HABITS:
        return icu.Transliterator.createFromRules(
            f"bench-{standard}-{language}",
            habit_rules(standard, language),
            icu.UTransDirection.FORWARD,
        )
    return icu.Transliterator.createInstance(standard)


def standards(script: str, language: str) -> tuple[str, ...]:
    """The other standards a name in ``script`` can be transliterated by, in order."""
    if script == "Cyrl":
        return (_BGN_CYRILLIC.get(language, "Russian-Latin/BGN"), "german", "french")
    return ICU_STANDARDS.get(script, ("Any-Latin; Latin-ASCII",))


def transliterate(text: str, standard: str, language: str = "ru") -> str:
    """``text`` in Latin letters by ``standard`` (an ICU transform ID, 'german' or 'french')."""
    # padded so that the word-start and word-end contexts of the rules see a boundary
    latin = _transliterator(standard, language).transliterate(f" {text} ")
    return _title(" ".join(latin.translate(_MODIFIER_APOSTROPHES).split()))


def other_standard(draft: Draft, rng: Random) -> Draft | None:
    """Every name with an original script, by one other standard whose result differs."""
    parts = (*draft.surnames, *draft.forenames)
    scripts = {p.script for p in parts if p.original and p.script}
    if len(scripts) != 1:
        return None
    candidates = list(standards(scripts.pop(), draft.language))
    rng.shuffle(candidates)
    for standard in candidates:

        def convert(part: Part, standard: str = standard) -> Part:
            if part.original is None:
                return part
            return Part(transliterate(part.original, standard, draft.language))

        surnames = tuple(map(convert, draft.surnames))
        forenames = tuple(map(convert, draft.forenames))
        if not all(is_latin(p.text) for p in (*surnames, *forenames)):
            continue  # ICU's BGN tables leave unvocalised Arabic and Hebrew half done
        if _folded(surnames, forenames) != _folded(draft.surnames, draft.forenames):
            return draft.noted(f"other_standard:{standard}", surnames=surnames,
                               forenames=forenames)  # fmt: skip
    return None


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is a Latin one."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())


def _folded(surnames: tuple[Part, ...], forenames: tuple[Part, ...]) -> str:
    return "|".join(fold(p.text) for p in (*surnames, *forenames))


def original_script(draft: Draft, _: Random) -> Draft | None:
    """The names in their original script only."""
    if not any(p.original for p in (*draft.surnames, *draft.forenames)):
        return None

    def convert(part: Part) -> Part:
        return Part(part.original) if part.original else part

    return draft.noted(
        "original_script",
        surnames=tuple(map(convert, draft.surnames)),
        forenames=tuple(map(convert, draft.forenames)),
    )


def exact(draft: Draft, _: Random) -> Draft | None:
    """The names and date of birth as stored (Latin form)."""
    return draft.noted("exact")


# -- diacritics --------------------------------------------------------------------------

EXPANSIONS: Mapping[str, str] = MappingProxyType(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "oe", "å": "aa", "æ": "ae", "œ": "oe",
     "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "Ø": "Oe", "Å": "Aa", "Æ": "Ae", "Œ": "Oe"}
)  # fmt: skip
"""German and Scandinavian spellings of letters with marks, as officers type them."""
_STROKES = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ø": "o", "Ø": "O", "ß": "ss",
     "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe"}
)  # fmt: skip
ACCENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"a": ("á", "à", "ä"), "e": ("é", "è", "ë"), "i": ("í", "ï"), "o": ("ó", "ö", "ô"),
     "u": ("ú", "ü"), "c": ("ç", "č"), "n": ("ñ",), "s": ("š", "ş"), "z": ("ž",)}
)  # fmt: skip
"""Accents an officer may add to a plain letter by mistake or by habit."""


def strip_marks(text: str) -> str:
    """Diacritics removed: Müller → Muller, Łukasz → Lukasz."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKES))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def expand_marks(text: str) -> str:
    """Umlauts and ligatures spelt out, the rest stripped: Müller → Mueller."""
    return strip_marks("".join(EXPANSIONS.get(c, c) for c in text))


def diacritics(draft: Draft, rng: Random) -> Draft | None:
    """Folded or expanded marks where the names have some; else one accent added."""
    parts = (*draft.surnames, *draft.forenames)
    marked = [p for p in parts if p.text != strip_marks(p.text)]
    if marked:
        expandable = any(c in EXPANSIONS for p in marked for c in p.text)
        change = expand_marks if expandable and rng.random() < 0.5 else strip_marks

        def convert(part: Part) -> Part:
            return Part(change(part.text))

        return draft.noted(
            f"diacritics:{change.__name__}",
            surnames=tuple(map(convert, draft.surnames)),
            forenames=tuple(map(convert, draft.forenames)),
        )
    return _one_part(draft, rng, _add_accent, "diacritics:add_accent")


def _add_accent(text: str, rng: Random) -> str | None:
    spots = [i for i, c in enumerate(text) if c.lower() in ACCENTS]
    if not spots:
        return None
    i = spots[int(rng.random() * len(spots))]
    accented = _pick(rng, ACCENTS[text[i].lower()])
    return text[:i] + (accented.upper() if text[i].isupper() else accented) + text[i + 1 :]


def _one_part(
    draft: Draft, rng: Random, change: Callable[[str, Random], str | None], note: str
) -> Draft | None:
    """``change`` applied to one name part, preferring parts of four letters or more."""
    slots = [("s", i) for i in range(len(draft.surnames))]
    slots += [("f", i) for i in range(len(draft.forenames))]
    long_enough = [
        s for s in slots
        if len((draft.surnames if s[0] == "s" else draft.forenames)[s[1]].text) >= 4
    ]  # fmt: skip
    slots = long_enough or slots
    rng.shuffle(slots)
    for which, i in slots:
        names = draft.surnames if which == "s" else draft.forenames
        changed = change(names[i].text, rng)
        if changed is None or changed == names[i].text:
            continue
        new = (*names[:i], Part(changed), *names[i + 1 :])
        if which == "s":
            return draft.noted(note, surnames=new)
        return draft.noted(note, forenames=new)
    return None


# -- typing errors -----------------------------------------------------------------------

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYBOARD: Mapping[str, str] = MappingProxyType(
    {
        c: "".join(
            _ROWS[r2][c2]
            for r2 in (r - 1, r, r + 1)
            if 0 <= r2 < len(_ROWS)
            for c2 in (c1 - 1, c1, c1 + 1) if 0 <= c2 < len(_ROWS[r2]) and (r2, c2) != (r, c1)
        )
        for r, row in enumerate(_ROWS)
        for c1, c in enumerate(row)
    }
)  # fmt: skip
"""QWERTY neighbours of each letter (the keys around it)."""
EDITS = ("substitution", "deletion", "insertion", "transposition")


def typo_in(text: str, edit: str, rng: Random) -> str | None:
    """``text`` with one edit of the kind named, or None if that edit cannot change it."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return None
    i = letters[int(rng.random() * len(letters))]
    char = text[i]
    neighbours = KEYBOARD.get(strip_marks(char).lower(), "")
    if edit == "substitution" and neighbours:
        new = _pick(rng, tuple(neighbours))
        return text[:i] + (new.upper() if char.isupper() else new) + text[i + 1 :]
    if edit == "deletion" and len(letters) > 1:
        rest = text[i + 1 :]
        return text[:i] + (rest[:1].upper() + rest[1:] if i == 0 else rest)
    if edit == "insertion" and neighbours:
        return text[: i + 1] + _pick(rng, tuple(neighbours)) + text[i + 1 :]
    if edit == "transposition":
        pairs = [j for j in letters if j + 1 < len(text) and text[j + 1].isalpha()
                 and text[j].lower() != text[j + 1].lower()]  # fmt: skip
        if not pairs:
            return None
        j = pairs[int(rng.random() * len(pairs))]
        a, b = text[j], text[j + 1]
        if j == 0:  # keep the capital at the front: "Mlüler", not "mLüller"
            a, b = a.lower(), b.upper()
        return text[:j] + b + a + text[j + 2 :]
    return None


def typo(draft: Draft, rng: Random) -> Draft | None:
    """One edit (keyboard-neighbour substitution, deletion, insertion, transposition)."""
    edits = list(EDITS)
    rng.shuffle(edits)
    for edit in edits:

        def change(text: str, rng: Random, edit: str = edit) -> str | None:
            return typo_in(text, edit, rng)

        made = _one_part(draft, rng, change, f"typo:{edit}")
        if made is not None:
            return made
    return None


# -- order, missing parts, spacing --------------------------------------------------------


def swapped(draft: Draft, _: Random) -> Draft | None:
    """Surnames given as forenames and forenames as surnames."""
    if not draft.forenames or not draft.surnames:
        return None
    return draft.noted("swapped", surnames=draft.forenames, forenames=draft.surnames)


def missing_part(draft: Draft, rng: Random) -> Draft | None:
    """A second surname or a middle name dropped, or a compound forename cut to its first word."""
    options: list[tuple[str, Draft]] = []
    if len(draft.surnames) > 1:
        options.append(("second_surname", replace(draft, surnames=draft.surnames[:1])))
    if len(draft.forenames) > 1:
        options.append(("middle_name", replace(draft, forenames=draft.forenames[:1])))
    if draft.forenames:
        words = draft.forenames[0].text.replace("-", " ").split()
        # a particle (Al, Abu, el) is no forename alone: it stays with the word it leads
        # (Abu Bakr of Abu Bakr Karim; Al-Na, النا, is one name and is not cut)
        lead = next((i for i, w in enumerate(words) if w.lower() not in PARTICLES), len(words))
        if lead + 1 < len(words):
            first = (Part(" ".join(words[: lead + 1])),)
            options.append(("first_forename_only", replace(draft, forenames=first)))
    if not options:
        return None
    note, made = options[int(rng.random() * len(options))]
    return made.noted(f"missing_part:{note}")


PARTICLES = frozenset(
    {"al", "el", "ul", "ad", "ar", "as", "at", "az", "ash", "abu", "bin", "ibn", "ben", "bint",
     "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le",
     "ter", "ten", "zu", "mac", "mc", "o"}
)  # fmt: skip
"""Particles that are glued to a name, written apart, or dropped."""


def _particle_variants(text: str) -> list[tuple[str, str]]:
    words = text.replace("-", " ").split()
    if len(words) < 2 or words[0].lower() not in PARTICLES:
        return []
    rest = " ".join(words[1:])
    glued = words[0] + rest.replace(" ", "").lower()
    return [("particle_glued", glued), ("particle_dropped", rest)]


def _separator_variants(text: str) -> list[tuple[str, str]]:
    out = []
    if "-" in text:
        out += [("hyphen_to_space", text.replace("-", " ")),
                ("hyphen_run_together", _join_words(text.split("-")))]  # fmt: skip
    if " " in text:
        out += [("space_to_hyphen", text.replace(" ", "-")),
                ("space_run_together", _join_words(text.split(" ")))]  # fmt: skip
    return out


def _join_words(words: list[str]) -> str:
    return words[0] + "".join(w.lower() for w in words[1:])


def _with_names(draft: Draft, which: str, names: tuple[Part, ...]) -> Draft:
    if which == "surnames":
        return replace(draft, surnames=names)
    return replace(draft, forenames=names)


def spacing(draft: Draft, rng: Random) -> Draft | None:
    """Hyphen, space or nothing between the words of a name; particles glued or dropped."""
    options: list[tuple[str, Draft]] = []
    for which in ("surnames", "forenames"):
        names: tuple[Part, ...] = getattr(draft, which)
        for i, part in enumerate(names):
            for note, text in _particle_variants(part.text) + _separator_variants(part.text):
                new = (*names[:i], Part(text), *names[i + 1 :])
                options.append((note, _with_names(draft, which, new)))
        if len(names) > 1:
            texts = [p.text for p in names]
            for note, joined in (("joined_hyphen", "-".join(texts)),
                                 ("joined_run_together", _join_words(texts))):  # fmt: skip
                options.append((f"{which}_{note}", _with_names(draft, which, (Part(joined),))))
    if not options:
        return None
    note, made = options[int(rng.random() * len(options))]
    return made.noted(f"spacing:{note}")


# -- dates -------------------------------------------------------------------------------


def _valid(year: int, month: int, day: int) -> bool:
    from datetime import date

    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def date_variants(value: str) -> list[tuple[str, str]]:
    """The data-entry variants of an ISO date of birth (full, year-month or year)."""
    parts = value.split("-")
    year = int(parts[0])
    out: list[tuple[str, str]] = []
    if len(parts) == 3:
        month, day = int(parts[1]), int(parts[2])
        if day != month and day <= 12 and _valid(year, day, month):
            out.append(("day_month_swapped", f"{year:04d}-{day:02d}-{month:02d}"))
        for delta in (-1, 1):
            d = day if _valid(year + delta, month, day) else 28
            out.append((f"year{delta:+d}", f"{year + delta:04d}-{month:02d}-{d:02d}"))
        out += [("year_only", f"{year:04d}"), ("unknown_day_00", f"{year:04d}-{month:02d}-00"),
                ("unknown_day_month_00", f"{year:04d}-00-00")]  # fmt: skip
    elif len(parts) == 2:
        month = int(parts[1])
        out += [
            ("year-1", f"{year - 1:04d}-{month:02d}"),
            ("year+1", f"{year + 1:04d}-{month:02d}"),
            ("year_only", f"{year:04d}"),
            ("unknown_day_00", f"{year:04d}-{month:02d}-00"),
        ]
    else:
        out += [("year-1", f"{year - 1:04d}"), ("year+1", f"{year + 1:04d}"),
                ("unknown_day_month_00", f"{year:04d}-00-00")]  # fmt: skip
    return out


def date(draft: Draft, rng: Random) -> Draft | None:
    """Day and month swapped, year ±1, only the year, or 00 for unknown parts."""
    if draft.date_of_birth is None:
        return None
    options = date_variants(draft.date_of_birth)
    note, value = options[int(rng.random() * len(options))]
    return draft.noted(f"date:{note}", date_of_birth=value)


# -- the table ---------------------------------------------------------------------------

COMBINATIONS: tuple[tuple[str, str], ...] = (
    ("other_standard", "date"), ("typo", "date"), ("diacritics", "swapped"),
    ("missing_part", "typo"), ("spacing", "date"), ("swapped", "date"),
    ("original_script", "date"), ("diacritics", "missing_part"), ("typo", "swapped"),
    ("other_standard", "missing_part"),
)  # fmt: skip
"""The pairs ``combined`` draws from: the mistakes that come together at a desk."""


def combined(draft: Draft, rng: Random) -> Draft | None:
    """Two kinds at once (one pair of ``COMBINATIONS``, tried in a random order)."""
    pairs = list(COMBINATIONS)
    rng.shuffle(pairs)
    for first, second in pairs:
        made = KINDS[first](draft, rng)
        if made is not None:
            made = KINDS[second](made, rng)
        if made is not None:
            return replace(made, notes=(*made.notes, f"combined:{first}+{second}"))
    return None


KINDS: Mapping[str, Maker] = MappingProxyType(
    {
        "exact": exact,
        "other_standard": other_standard,
        "original_script": original_script,
        "diacritics": diacritics,
        "typo": typo,
        "swapped": swapped,
        "missing_part": missing_part,
        "spacing": spacing,
        "date": date,
    }
)
"""Each kind of single variant and its maker; ``combined`` and ``absent`` are made apart."""
