"""Latin forms, tokens and blocking codes of one written name, so that spellings meet.

The index and the scorer compare names only through this module. A name field
(one ``Name.latin`` or ``Name.original``) becomes a few **forms**: lower-case ASCII
words ``a``-``z`` joined by single spaces, most standard first.

How a form is made:

* NFKC first (fullwidth letters, ligatures, compatibility forms), then the script
  decides the transliterations (``script`` if given, else the most frequent
  non-Latin script of the letters):

  - Cyrillic: ICAO 9303 (Russian rows; Ukrainian rows too), BGN/PCGN Russian and
    Ukrainian (ICU), German habit (Иванов → iwanow, Шевченко → schewtschenko,
    Юрий → jurij), French habit (Шевченко → chevtchenko, Юрий → iouri), ISO 9:1995
    (ICU ``Cyrillic-Latin``: Ševčenko, folded sevcenko and spelled out shevchenko)
    and BGN/PCGN Serbian (Лазић → Lazić, Џаја → Džaja).
  - Greek: ELOT 743 (ICAO), BGN/PCGN (Γεώργιος → yeoryios), UNGEGN, Any-Latin.
  - Georgian: the national passport table, BGN/PCGN, the German (Duden) habit
    (ხიზანიშვილი → chisanischwili), the French habit (ჟვანია → jvania, შევარდნაძე →
    chevardnadze), Any-Latin.
  - Armenian: the national passport table, BGN/PCGN (Eastern), BGN/PCGN read with
    the Western Armenian consonants (Դոմինիկ → dominik and tominig), Any-Latin.
  - Arabic, Hebrew: Limes' consonant skeletons (``محمد`` → mhmd), BGN/PCGN,
    Any-Latin; for Arabic also the Egyptian reading of ج as g (``جمال`` → gmal).
    All are skeletons: the scripts leave short vowels unwritten, so these forms
    meet Latin spellings through ``phonetic`` (``scoring``: the same consonants
    against a name of such a script) and the given-name list (which carries the
    skeletons of common names), not letter for letter.
  - Chinese: the pinyin of ``limes.domain.transliteration`` for a known whole name,
    else ICU ``Han-Latin/Names`` with tone marks removed. A run of two characters
    gives the given name both joined and split (xiaoming, xiao ming); a run of
    three or more is read as surname + given name (wang xiaoming, wang xiao ming).
  - Anything else, and stray letters of another script inside a Latin name:
    ``Any-Latin``.

* Latin letters with marks give two forms when the two readings differ:
  **expanded** first (ICAO 9303's preferred machine-readable spelling: ä ae, ö oe,
  ü ue, ø oe, å aa, đ dj), then **folded** (ICU ``Latin-ASCII`` and marks stripped:
  ä a, ø o, ł l, ß ss, æ ae, œ oe, þ th, ð d, ı i, ş s, ç c), then, for the háček and
  acute consonants of Gaj's Latin alphabet (Serbian, Croatian, Bosnian), Czech,
  Slovak, Slovene and of ISO 9:1995 / the scholarly transliteration of Cyrillic,
  **spelled out** as English-language romanisation writes the sounds (č ć ĉ ch, š sh,
  ž zh, đ dj, ŝ shch: the letters BGN/PCGN and ICAO 9303 give ч ш ж щ and Serbian ђ),
  so Lazić meets Lazich, and through ``phonetic`` Lazitch and Lasitsch; Đurić meets
  Djurich, Dzhurich and Dschuritsch; Ševčenko meets Shevchenko. In such a name c is
  the sound ts and is spelled out so too (Cvetnić → tsvetnich, meeting Zwetnitsch).
  Last, a name with ß is folded with ß as one letter, s (Heß → hess, hes): ß is one
  key, and a slip of it (Hße) is one transposition of hes, two edits of hess.
  A Latin name without such letters has exactly one form.
* Separators: apostrophes (' ’ ʼ ‘ ` ´ ʻ) vanish inside a word, so O'Brien is
  ``obrien`` only and D’Angelo ``dangelo``; any other punctuation or space
  (hyphens, dots, slashes) separates words, so Mary-Jane is ``mary jane``; digits
  and any remaining symbol are dropped.

How the scorer should make spellings of compound names meet (the contract the
functions below are written for):

1. Compare **tokens** (``tokens(form)``: words without particles), each token
   widened by ``token_variants.py`` (a variant may hold several words: replace the
   token by them).
2. Compare the **compact** key ``"".join(tokens)`` as well: spacing and hyphens then
   never matter (Abdel-Rahman, Abdel Rahman and Abdelrahman all give ``abdelrahman``;
   Wang Xiao-Ming and Wang Xiaoming give ``wangxiaoming``). ``token_variants``
   supplies the canonical ``abd rahman`` for the spellings that differ in letters
   too (Abd al-Rahman, Abdul Rahman, Abdurrahman).
3. Block candidates by ``phonetic`` of each token and by the compact key's n-grams;
   use ``given_name_group`` (``search/given_names.py``) to treat cognates (Joseph,
   José, Youssef) as equal.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import icu  # type: ignore[import-untyped]  # PyICU ships neither stubs nor py.typed
import jellyfish

from limes.domain.alerts import Name
from limes.domain.latin_names import to_latin
from limes.domain.transliteration import TransliterationError
from limes.search.romanisation import (
    ANY_LATIN,
    EXPANDABLE,
    EXPANSIONS,
    HAN_SCRIPTS,
    SPELLED_OUT,
    SPELLED_OUT_FRENCH,
    SPELLED_OUT_WITH,
    STANDARDS,
    transliterator,
)

__all__ = [
    "MAX_FORMS",
    "PARTICLES",
    "is_abjad",
    "latin_forms",
    "name_forms",
    "phonetic",
    "respelled",
    "tokens",
]

MAX_FORMS = 8
"""At most this many forms per name field: each costs index memory and lookups."""

PARTICLES: frozenset[str] = frozenset(
    {
        # Dutch, German, Scandinavian
        "van", "der", "den", "de", "ter", "ten", "von", "vom", "zu", "zum", "zur", "af",
        # Romance
        "la", "le", "les", "lo", "du", "des", "da", "das", "dos", "do", "di", "del",
        "della", "delle", "dei", "degli", "y", "e",
        # Arabic article (also assimilated before sun letters: ar-Rashid, ash-Shami,
        # ad-Din, az-Zahra, as-Sayed, ud-Din) and kinship words
        "al", "el", "ul", "ar", "ash", "ad", "az", "as", "ud", "ur",
        "bin", "ibn", "ben", "bint", "abu", "abou", "ould",
    }
)  # fmt: skip
"""Words that link or qualify a name but do not identify it, dropped by ``tokens``.

Mac/Mc and O' are part of the name, not particles. ``ben`` and ``le``/``van`` are also
given names or surnames (Ben; Vietnamese Lê, Văn): ``tokens`` keeps a field made only
of particles, so a surname field "Le" stays ``le``.
"""

_APOSTROPHES = frozenset("'’ʼ‘`´ʻʹ′")

# --- forms -----------------------------------------------------------------------------


def _words(latin: str) -> str:
    """Lower-case a-z words single-spaced; apostrophes vanish, other non-letters separate."""
    out = []
    for char in latin.lower():
        if "a" <= char <= "z":
            out.append(char)
        elif char in _APOSTROPHES or char.isdigit():
            continue
        elif char.isspace() or unicodedata.category(char)[0] in "PZC":
            out.append(" ")
    return " ".join("".join(out).split())


def _fold(text: str) -> str:
    """ASCII letters of any Latin text: ICU Latin-ASCII, then any mark left stripped."""
    if text.isascii():
        return _words(text)
    ascii_text = ANY_LATIN(text)
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", ascii_text) if not unicodedata.combining(c)
    )
    return _words(stripped)


def _expand(text: str) -> str:
    """German and Scandinavian spelling of letters with marks (ü ue, ø oe, å aa), then fold."""
    composed = unicodedata.normalize("NFC", text)
    return _fold("".join(EXPANSIONS.get(c, c) for c in composed))


def _spelled_out(text: str, table: Mapping[str, str] = SPELLED_OUT) -> str:
    """The háček and acute consonants spelled out (``SPELLED_OUT``, or another ``table``
    of their spellings), then folded; ``""`` when the text holds none of them."""
    composed = unicodedata.normalize("NFC", text)
    if not any(c in SPELLED_OUT for c in composed):
        return ""
    return _expand("".join(table.get(c, SPELLED_OUT_WITH.get(c, c)) for c in composed))


def _eszett_as_one_letter(text: str) -> str:
    """The text folded with ß (ẞ) as one letter, s; ``""`` when it holds none. Folded to
    ss, the one key's slips become two edits: Hße, Heß swapped, is hsse against hess,
    but hse against hes, one transposition as typed."""
    if "ß" not in text and "ẞ" not in text:
        return ""
    return _fold(text.replace("ß", "s").replace("ẞ", "S"))


_ABJADS = frozenset({"Arab", "Hebr", "Syrc", "Thaa"})
"""Scripts that leave short vowels unwritten (ISO 15924 codes)."""


def is_abjad(text: str, script: str | None = None) -> bool:
    """True when ``text`` (or, if it has no letters of another script, the ``script``
    hint) is written in a script that leaves short vowels unwritten."""
    detected = _script_of(unicodedata.normalize("NFKC", text)) if text else "Latn"
    return detected in _ABJADS or (detected == "Latn" and script in _ABJADS and bool(text))


def _script_of(text: str) -> str:
    """ISO 15924 code of the most frequent script among the letters; Latn if none other."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha() and not char.isascii():
            code = icu.Script.getScript(char).getShortName()
            if code not in ("Latn", "Zyyy", "Zinh"):
                counts[code] += 1
    return counts.most_common(1)[0][0] if counts else "Latn"


def _han_forms(text: str) -> list[str]:
    """Pinyin of a Chinese name: the known table first, then ICU per character."""
    forms: list[str] = []
    try:
        forms.append(_words(to_latin(text.replace(" ", ""), "Hani")))
    except TransliterationError:
        pass
    joined: list[str] = []
    split: list[str] = []
    for run in text.split():
        syllables = _fold(transliterator("Han-Latin/Names").transliterate(run)).split()
        split.extend(syllables)
        if len(syllables) == 2 and len(run) == 2:
            joined.append("".join(syllables))
        elif len(syllables) >= 3 and len(run) == len(syllables):
            joined.extend([syllables[0], "".join(syllables[1:])])
        else:
            joined.extend(syllables)
    forms.extend((" ".join(joined), " ".join(split)))
    return forms


def _script_forms(text: str, script: str) -> list[str]:
    if script in HAN_SCRIPTS:
        return _han_forms(text)
    standards = STANDARDS.get(script)
    if standards is None:
        expanded = _expand(text) if any(c in EXPANDABLE for c in text) else ""
        return [
            expanded,
            _fold(text),
            _spelled_out(text),
            _spelled_out(text, SPELLED_OUT_FRENCH),
            _eszett_as_one_letter(text),
        ]
    forms, spelled = [], []
    for convert in standards:
        try:
            written = convert(text)
        except TransliterationError:
            continue  # a letter outside this table: the ICU standards still answer
        forms.append(_fold(written))
        spelled.append(_spelled_out(written))  # ISO 9's š, č, ž and Serbian ć, đ read aloud
        if any(c in EXPANDABLE for c in written):
            spelled.append(_expand(written))  # Serbian đ as dj
    return forms + spelled


def first_unique(forms: Iterable[str], limit: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in forms if f))[:limit]


@lru_cache(maxsize=65536)
def latin_forms(text: str, script: str | None = None) -> tuple[str, ...]:
    """Every normalised Latin spelling of one name field, most standard first.

    At most ``MAX_FORMS``, deduplicated; each form is lower-case a-z words joined by
    single spaces (the rules are in the module docstring). ``script`` (ISO 15924) is
    a hint; the script read from the letters (the most frequent non-Latin one) wins
    where they disagree. Never raises: text with no letters gives ``()``.
    """
    normal = unicodedata.normalize("NFKC", text)
    if normal.isascii():
        return first_unique([_words(normal)], MAX_FORMS)
    detected = _script_of(normal)
    # The letters win over a hint that contradicts them: a wrong hint must not lose
    # the name. The hint still picks among the Han codes, which read alike here.
    chosen = script if script in HAN_SCRIPTS and detected in HAN_SCRIPTS else detected
    return first_unique(_script_forms(normal, chosen), MAX_FORMS)


def name_forms(name: Name) -> tuple[str, ...]:
    """Forms of ``name.latin``, then of ``name.original`` read as ``name.script``.

    Deduplicated, standard first, at most ``2 * MAX_FORMS``.
    """
    forms = list(latin_forms(name.latin))
    if name.original:
        forms.extend(latin_forms(name.original, name.script))
    return first_unique(forms, 2 * MAX_FORMS)


# --- tokens and their variants ------------------------------------------------------------


def tokens(form: str) -> tuple[str, ...]:
    """The words of a form without ``PARTICLES``, in order; all of them if all are particles.

    "van der berg" → (berg,); "al hassan" → (hassan,); "le" → (le,). A particle glued
    to the name ("alhassan") is split by ``token_variants.py``, not here.
    """
    words = tuple(form.split())
    kept = tuple(w for w in words if w not in PARTICLES)
    return kept or words


# --- phonetic code -----------------------------------------------------------------------

# Spellings of one sound across transliteration habits, rewritten before Metaphone,
# in this order (tsch before sch before ch; dsch and dzh before sch and zh).
_SOUND_REWRITES: tuple[tuple[str, str], ...] = (
    ("dsch", "j"), ("dzh", "j"), ("dj", "j"), ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"),
    ("zh", "sh"), ("kh", "ch"), ("ts", "z"), ("tz", "z"), ("w", "v"), ("x", "ks"),
    ("ck", "k"), ("dt", "t"), ("ou", "u"),
)  # fmt: skip
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=262144)
def respelled(token: str) -> str:
    """``token`` with the spellings of one sound across transliteration habits written
    one way (the first step of ``phonetic``, described there): schuschitsch and
    zhuzhich both give shushich, glasnowitsch and glasnovich glasnovich. The scorer
    compares these by edit similarity too, where the letter-for-letter comparison
    of two habits' spellings is far apart."""
    spelled = token
    for old, new in _SOUND_REWRITES:
        if old in spelled:
            spelled = spelled.replace(old, new)
    if len(spelled) > 2:
        if spelled[0] in "yj" and spelled[1] == "e":
            spelled = spelled[1:]
        elif spelled[0] in "ijy" and spelled[1] in _VOWELS:
            spelled = "y" + spelled[1:]
        if (spelled[-1] in "jy" and spelled[-2] in _VOWELS) or spelled[-2:] in ("ii", "ij"):
            spelled = spelled[:-1]
    return spelled


@lru_cache(maxsize=262144)
def phonetic(token: str) -> str:
    """A blocking code equal for common spellings of one sound; ``""`` for no letters.

    The token (a-z) is first rewritten for transliteration habits (``respelled``):
    dsch/dzh/dj → j, tsch/tch → ch, sch/zh → sh, kh → ch, ts/tz → z, w → v, x → ks, ou → u
    (French usage's u: Nounou, Djouritch, Mousous); a word-initial
    ye/je → e (Yevgeni, Jewgeni, Evgeni), a word-initial i/j/y before a vowel → y
    (Iouri, Jurij, Yuri), a final j/y after a vowel and a final i/j after i dropped.
    Then Metaphone (jellyfish), then every Y after the first letter dropped, an
    initial vowel written A, runs of one letter collapsed. So aleksandr, alexander
    and oleksandr give ALKSNTR; mohammed, muhammad and mhmd MHMT; schmidt and shmidt
    XMT; tchaikovsky and tschaikowski XKFSK; jusuf, yusuf and youssef YSF.
    """
    code = jellyfish.metaphone(respelled(token))
    if not code:
        return ""
    out = ["A" if code[0] in "AEIOU" else code[0]]
    for letter in code[1:]:
        if letter != "Y" and letter != out[-1]:
            out.append(letter)
    return "".join(out)
