"""Latin forms of names written in other scripts, one documented table per script.

A ``Name`` keeps the original spelling with its ISO 15924 script code, and a Latin
form that every officer can read and every index can match. This module makes the
Latin form. Each function is pure, returns upper case A-Z with the spaces and
hyphens of the original (the form of a machine readable zone, without its '<'
fillers), and raises ``TransliterationError`` for a character its table lacks;
``latin_names.py`` picks the table for a script and renders the result in title case
for ``Name.latin``.

Tables, and how far each is a standard:

* Cyrillic — ICAO Doc 9303 part 3, section 6 ("Transliteration of Cyrillic
  characters"), including its language-specific rows for Belarusian, Bulgarian,
  Macedonian, Serbian and Ukrainian. The standard, as written.
* Greek — ELOT 743 (ISO 843, type 2 transcription), the system Greece applies to
  names in its passports and identity cards, with its digraph rules (``ου``,
  ``αυ``/``ευ``/``ηυ``, ``μπ``, ``γγ``/``γκ``/``γξ``/``γχ``).
* Georgian — the national system of 2002, without the apostrophes that mark
  ejectives (documents and the machine readable zone omit them).
* Armenian — the letter table of the Armenian passport practice (close to
  BGN/PCGN 1981): word-initial ``ե`` is YE and ``ո`` is VO, ``ու`` is U, ``և`` EV.
* Arabic and Persian, Hebrew — *consonant-skeleton tables, for demo data only.*
  These scripts leave short vowels unwritten, so a faithful romanisation needs a
  dictionary; these tables write each letter (long vowels and the matres lectionis
  as vowels) and so give readable but not official forms, e.g. ``محمد`` → MHMD.
  The Arabic article ``ال`` at the start of a word becomes ``AL-``.
* Chinese — no per-character romanisation: ``pinyin`` knows the surnames and given
  names in ``HANZI_SURNAMES`` and ``HANZI_GIVEN_NAMES`` (the romanized names Faker's
  ``zh_CN`` provider offers, each with its usual characters), and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType

__all__ = [
    "HANZI_GIVEN_NAMES",
    "HANZI_SURNAMES",
    "TransliterationError",
    "arabic_skeleton",
    "armenian",
    "elot743",
    "georgian",
    "hebrew_skeleton",
    "icao_cyrillic",
    "pinyin",
]


class TransliterationError(ValueError):
    """A character has no row in the table of its script."""


_SEPARATORS = frozenset(" -")


def _unknown(char: str, table: str) -> TransliterationError:
    name = unicodedata.name(char, "unnamed")
    return TransliterationError(
        f"{table}: no transliteration for {char!r} (U+{ord(char):04X} {name})"
    )


def _by_chars(text: str, lookup: Callable[[str], str | None], table: str) -> str:
    """Map ``text`` character by character, keeping separators; refuse unknown ones."""
    out = []
    for char in text:
        latin = char if char in _SEPARATORS else lookup(char)
        if latin is None:
            raise _unknown(char, table)
        out.append(latin)
    return "".join(out)


def _strip_marks(text: str) -> str:
    """NFD without combining marks: accents, vowel points and the like."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# --- Cyrillic: ICAO Doc 9303 part 3, section 6 -------------------------------------------

_ICAO_CYRILLIC: Mapping[str, str] = MappingProxyType(
    {
        "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH",
        "З": "Z", "И": "I", "І": "I", "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N",
        "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH",
        "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ы": "Y", "Ъ": "IE", "Ь": "",
        "Э": "E", "Ю": "IU", "Я": "IA", "Ѵ": "Y", "Ґ": "G", "Ў": "U", "Ѫ": "U", "Ѓ": "G",
        "Ђ": "D", "Ћ": "C", "Ѕ": "DZ", "Ј": "J", "Ќ": "K", "Љ": "LJ", "Њ": "NJ", "Һ": "C",
        "Џ": "DZ", "Є": "IE", "Ї": "I",
    }
)  # fmt: skip
# The table's language-specific rows ("from Belarusian H", "from Bulgarian SHT", ...).
_ICAO_CYRILLIC_LANGUAGE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "ru": {},
        "uk": {"И": "Y"},
        "bg": {"Щ": "SHT"},
        "be": {"Г": "H", "Ё": "IO"},
        "sr": {"Г": "H", "Ж": "Z", "Х": "H", "Ц": "C", "Ч": "C", "Ш": "S"},
        "mk": {"Х": "H", "Ц": "C", "Ѓ": "GJ", "Ќ": "KJ", "Џ": "DJ"},
    }
)
# Ukrainian and Belarusian write an apostrophe between a consonant and an iotated vowel;
# Doc 9303 has no row for it, so it is left out (Мар'яна -> MARIANA).
_CYRILLIC_APOSTROPHES = frozenset("'’ʼ")


def icao_cyrillic(text: str, language: str = "ru") -> str:
    """Transliterate Cyrillic ``text`` by ICAO Doc 9303 part 3, section 6.

    ``language`` (ISO 639-1: ru, uk, bg, be, sr, mk) selects the table's
    language-specific rows, e.g. Ukrainian И is Y and Bulgarian Щ is SHT. The soft
    sign Ь and apostrophes are left out. "Щукин" → SHCHUKIN, "Юрий" → IURII.
    """
    try:
        special = _ICAO_CYRILLIC_LANGUAGE[language]
    except KeyError:
        known = ", ".join(_ICAO_CYRILLIC_LANGUAGE)
        raise TransliterationError(
            f"no Doc 9303 rows for language {language!r}; known: {known}"
        ) from None

    def lookup(char: str) -> str | None:
        if char in _CYRILLIC_APOSTROPHES:
            return ""
        latin = special.get(char)
        return _ICAO_CYRILLIC.get(char) if latin is None else latin

    return _by_chars(text.upper(), lookup, "Doc 9303 Cyrillic")


# --- Greek: ELOT 743 (ISO 843 type 2) ----------------------------------------------------

_GREEK_LETTERS: Mapping[str, str] = MappingProxyType(
    {
        "α": "A", "β": "V", "γ": "G", "δ": "D", "ε": "E", "ζ": "Z", "η": "I", "θ": "TH",
        "ι": "I", "κ": "K", "λ": "L", "μ": "M", "ν": "N", "ξ": "X", "ο": "O", "π": "P",
        "ρ": "R", "σ": "S", "ς": "S", "τ": "T", "υ": "Y", "φ": "F", "χ": "CH", "ψ": "PS",
        "ω": "O",
    }
)  # fmt: skip
_GREEK_VOWELS = frozenset("αεηιουω")
# Before these (and vowels) αυ/ευ/ηυ are AV/EV/IV; before anything else, and at the
# end of a word, AF/EF/IF.
_GREEK_VOICED = frozenset("βγδζλμνρ")
_GREEK_GAMMA_PAIRS: Mapping[str, str] = MappingProxyType(
    {"γ": "NG", "κ": "GK", "ξ": "NX", "χ": "NCH"}
)
_DIAERESIS = "\u0308"


def _greek_letters(word: str) -> list[tuple[str, bool]]:
    """(lower-case letter, carries a diaeresis) for each letter of a word, accents dropped."""
    letters: list[tuple[str, bool]] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char == _DIAERESIS and letters:
            letters[-1] = (letters[-1][0], True)
        elif not unicodedata.combining(char):
            letters.append((char, False))
    return letters


def _elot743_word(word: str) -> str:
    letters = _greek_letters(word)
    out = []
    i, n = 0, len(letters)
    while i < n:
        char = letters[i][0]
        after, after_diaeresis = letters[i + 1] if i + 1 < n else ("", False)
        if char in "αεηο" and after == "υ" and not after_diaeresis:
            if char == "ο":
                out.append("OU")
            else:
                following = letters[i + 2][0] if i + 2 < n else ""
                voiced = following in _GREEK_VOWELS or following in _GREEK_VOICED
                out.append(_GREEK_LETTERS[char] + ("V" if voiced else "F"))
            i += 2
        elif char == "μ" and after == "π" and (i == 0 or i + 2 == n):
            out.append("B")
            i += 2
        elif char == "γ" and after in _GREEK_GAMMA_PAIRS:
            out.append(_GREEK_GAMMA_PAIRS[after])
            i += 2
        else:
            latin = _GREEK_LETTERS.get(char)
            if latin is None:
                raise _unknown(char, "ELOT 743")
            out.append(latin)
            i += 1
    return "".join(out)


def elot743(text: str) -> str:
    """Transcribe Greek ``text`` by ELOT 743 (ISO 843 type 2), as in Greek passports.

    Accents are dropped; ου is OU; αυ, ευ, ηυ are AV, EV, IV before a vowel or a voiced
    consonant and AF, EF, IF otherwise; μπ is B at the start or end of a word and MP
    inside it; γγ NG, γκ GK, γξ NX, γχ NCH; η and υ are I and Y; χ CH, θ TH, ψ PS.
    "Παπαδόπουλος" → PAPADOPOULOS, "Ευθυμίου" → EFTHYMIOU.
    """
    return _by_words(text, _elot743_word)


def _by_words(text: str, word: Callable[[str], str]) -> str:
    return "".join(
        part if part in _SEPARATORS else word(part) for part in re.split(r"([ -])", text) if part
    )


# --- Georgian: national system (2002) ----------------------------------------------------

_GEORGIAN: Mapping[str, str] = MappingProxyType(
    {
        "ა": "A", "ბ": "B", "გ": "G", "დ": "D", "ე": "E", "ვ": "V", "ზ": "Z", "თ": "T",
        "ი": "I", "კ": "K", "ლ": "L", "მ": "M", "ნ": "N", "ო": "O", "პ": "P", "ჟ": "ZH",
        "რ": "R", "ს": "S", "ტ": "T", "უ": "U", "ფ": "P", "ქ": "K", "ღ": "GH", "ყ": "Q",
        "შ": "SH", "ჩ": "CH", "ც": "TS", "ძ": "DZ", "წ": "TS", "ჭ": "CH", "ხ": "KH",
        "ჯ": "J", "ჰ": "H",
    }
)  # fmt: skip


def georgian(text: str) -> str:
    """Transliterate Georgian (Mkhedruli) ``text`` by the national system of 2002.

    Ejectives lose their apostrophe (კ K, პ P, ტ T, წ TS, ჭ CH), as in documents.
    "ოქრუაშვილი" → OKRUASHVILI, "ჭელიძე" → CHELIDZE.
    """
    return _by_chars(text, _GEORGIAN.get, "Georgian national system")


# --- Armenian ----------------------------------------------------------------------------

_ARMENIAN: Mapping[str, str] = MappingProxyType(
    {
        "ա": "A", "բ": "B", "գ": "G", "դ": "D", "ե": "E", "զ": "Z", "է": "E", "ը": "Y",
        "թ": "T", "ժ": "ZH", "ի": "I", "լ": "L", "խ": "KH", "ծ": "TS", "կ": "K", "հ": "H",
        "ձ": "DZ", "ղ": "GH", "ճ": "CH", "մ": "M", "յ": "Y", "ն": "N", "շ": "SH", "ո": "O",
        "չ": "CH", "պ": "P", "ջ": "J", "ռ": "R", "ս": "S", "վ": "V", "տ": "T", "ր": "R",
        "ց": "TS", "փ": "P", "ք": "K", "օ": "O", "ֆ": "F", "և": "EV",
    }
)  # fmt: skip


def _armenian_word(word: str) -> str:
    letters = word.lower()
    out = []
    i, n = 0, len(letters)
    while i < n:
        char = letters[i]
        if char == "ո" and i + 1 < n and letters[i + 1] == "ւ":
            out.append("U")
            i += 2
            continue
        if i == 0 and char == "ե":
            out.append("YE")
        elif i == 0 and char == "ո":
            out.append("VO")
        else:
            latin = _ARMENIAN.get(char)
            if latin is None:
                raise _unknown(char, "Armenian")
            out.append(latin)
        i += 1
    return "".join(out)


def armenian(text: str) -> str:
    """Transliterate Armenian ``text`` by the letter table of Armenian passports.

    Word-initial ե is YE and ո is VO; ու is U; և is EV. "Երևան" → YEREVAN.
    """
    return _by_words(text, _armenian_word)


# --- Arabic and Persian: consonant skeleton (demo data only) -----------------------------

_ARABIC: Mapping[str, str] = MappingProxyType(
    {
        "ا": "A", "أ": "A", "إ": "I", "آ": "A", "ٱ": "A", "ب": "B", "ت": "T", "ث": "TH",
        "ج": "J", "ح": "H", "خ": "KH", "د": "D", "ذ": "DH", "ر": "R", "ز": "Z", "س": "S",
        "ش": "SH", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "غ": "GH", "ف": "F", "ق": "Q",
        "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ة": "A", "ى": "A", "ء": "",
        "ئ": "", "ؤ": "", "ع": "",
        # Persian letters
        "پ": "P", "چ": "CH", "ژ": "ZH", "گ": "G", "ک": "K",
    }
)  # fmt: skip
_ARABIC_W = frozenset("و")
_ARABIC_Y = frozenset("يی")
_ARABIC_IGNORED = frozenset("\u0640\u200c\u200d")  # tatweel, zero-width (non-)joiner


def _arabic_word(word: str) -> str:
    # The article is read before marks are stripped: آل (family of) is not ال.
    article = word.startswith("ال") and len(word) > 2
    letters = [c for c in _strip_marks(word) if c not in _ARABIC_IGNORED]
    out = []
    start = 0
    if article:
        out.append("AL-")
        start = 2
    for i in range(start, len(letters)):
        char = letters[i]
        initial = i == start
        if char in _ARABIC_W:
            out.append("W" if initial else "U")
        elif char in _ARABIC_Y:
            out.append("Y" if initial else "I")
        elif char == "ع" and initial:
            out.append("A")
        else:
            latin = _ARABIC.get(char)
            if latin is None:
                raise _unknown(char, "Arabic skeleton")
            out.append(latin)
    return "".join(out)


def arabic_skeleton(text: str) -> str:
    """A readable Latin skeleton of Arabic or Persian ``text``; **demo data only**.

    Short vowels are unwritten in the script and stay unwritten here; ا is A, و is W at
    the start of a word and U inside it, ي/ی is Y or I likewise, ة and ى are A; ع is A
    at the start of a word and silent elsewhere, as are the hamza seats. A word-initial
    article ال becomes AL-. Vowel points are ignored. "الشحوح" → AL-SHHUH.
    """
    return _by_words(text, _arabic_word)


# --- Hebrew: consonant skeleton (demo data only) ------------------------------------------

_HEBREW: Mapping[str, str] = MappingProxyType(
    {
        "ג": "G", "ד": "D", "ז": "Z", "ח": "KH", "ט": "T", "ך": "KH", "ל": "L", "מ": "M",
        "ם": "M", "נ": "N", "ן": "N", "ס": "S", "ף": "F", "צ": "TS", "ץ": "TS", "ק": "K",
        "ר": "R", "ש": "SH", "ת": "T",
    }
)  # fmt: skip
# Letters read differently at the start of a word (dagesh) and inside it.
_HEBREW_INITIAL: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"ב": ("B", "V"), "כ": ("K", "KH"), "פ": ("P", "F"), "ו": ("V", "O"), "י": ("Y", "I")}
)
_HEBREW_GERESH: Mapping[str, str] = MappingProxyType({"ג": "J", "ז": "ZH", "צ": "CH"})
_GERESH = frozenset("\u05f3'")


def _hebrew_word(word: str) -> str:
    letters = _strip_marks(word)
    out: list[str] = []
    n = len(letters)
    i = 0
    while i < n:
        char = letters[i]
        if i + 1 < n and letters[i + 1] in _GERESH and char in _HEBREW_GERESH:
            out.append(_HEBREW_GERESH[char])
            i += 2
            continue
        last = i == n - 1
        if char in "אע":
            out.append("" if last else "A")
        elif char == "ה":
            if not last:
                out.append("H")
            elif not out or out[-1][-1:] not in ("A", "E", "I", "O", "U"):
                out.append("A")
        elif char in _HEBREW_INITIAL:
            initial, inner = _HEBREW_INITIAL[char]
            if char in "וי" and i + 1 < n and letters[i + 1] == char:
                out.append(initial)  # doubled vav / yod: the consonant
                i += 2
                continue
            out.append(initial if i == 0 else inner)
        elif char in _GERESH:
            pass
        else:
            latin = _HEBREW.get(char)
            if latin is None:
                raise _unknown(char, "Hebrew skeleton")
            out.append(latin)
        i += 1
    return "".join(out)


def hebrew_skeleton(text: str) -> str:
    """A readable Latin skeleton of Hebrew ``text``; **demo data only**.

    Vowel points are ignored. ו and י are V and Y at the start of a word and O and I
    inside it; ב כ פ are B K P at the start and V KH F inside; א and ע are A (silent at
    the end), ה is H at the start and a final A after a consonant; ג׳ ז׳ צ׳ are J ZH CH.
    "נועה" → NOA.
    """
    return _by_words(text, _hebrew_word)


# --- Chinese: the names Faker romanizes ---------------------------------------------------

HANZI_SURNAMES: Mapping[str, str] = MappingProxyType(
    {
        "白": "Bai", "蔡": "Cai", "曹": "Cao", "常": "Chang", "陈": "Chen", "程": "Cheng",
        "崔": "Cui", "戴": "Dai", "邓": "Deng", "丁": "Ding", "董": "Dong", "杜": "Du",
        "段": "Duan", "范": "Fan", "方": "Fang", "冯": "Feng", "傅": "Fu", "高": "Gao",
        "龚": "Gong", "顾": "Gu", "郭": "Guo", "韩": "Han", "郝": "Hao", "何": "He",
        "侯": "Hou", "胡": "Hu", "黄": "Huang", "贾": "Jia", "蒋": "Jiang", "金": "Jin",
        "康": "Kang", "孔": "Kong", "赖": "Lai", "雷": "Lei", "李": "Li", "梁": "Liang",
        "廖": "Liao", "林": "Lin", "刘": "Liu", "龙": "Long", "陆": "Lu", "罗": "Luo",
        "马": "Ma", "毛": "Mao", "孟": "Meng", "莫": "Mo", "潘": "Pan", "彭": "Peng",
        "钱": "Qian", "乔": "Qiao", "秦": "Qin", "邱": "Qiu", "任": "Ren", "邵": "Shao",
        "沈": "Shen", "石": "Shi", "宋": "Song", "苏": "Su", "孙": "Sun", "谭": "Tan",
        "唐": "Tang", "陶": "Tao", "田": "Tian", "万": "Wan", "王": "Wang", "魏": "Wei",
        "文": "Wen", "吴": "Wu", "夏": "Xia", "向": "Xiang", "肖": "Xiao", "谢": "Xie",
        "熊": "Xiong", "徐": "Xu", "薛": "Xue", "严": "Yan", "杨": "Yang", "姚": "Yao",
        "叶": "Ye", "易": "Yi", "尹": "Yin", "于": "Yu", "袁": "Yuan", "曾": "Zeng",
        "张": "Zhang", "赵": "Zhao", "郑": "Zheng", "钟": "Zhong", "周": "Zhou", "朱": "Zhu",
        "邹": "Zou",
    }
)  # fmt: skip
"""Common Chinese surnames in simplified characters, with their pinyin (tones dropped)."""

HANZI_GIVEN_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "超": "Chao", "芳": "Fang", "刚": "Gang", "桂英": "Guiying", "杰": "Jie", "静": "Jing",
        "娟": "Juan", "军": "Jun", "磊": "Lei", "丽": "Li", "敏": "Min", "明": "Ming",
        "娜": "Na", "平": "Ping", "强": "Qiang", "涛": "Tao", "伟": "Wei", "霞": "Xia",
        "秀兰": "Xiulan", "秀英": "Xiuying", "洋": "Yang", "勇": "Yong", "艳": "Yan",
    }
)  # fmt: skip
"""Common Chinese given names in simplified characters, with their pinyin (tones dropped)."""


def pinyin(text: str) -> str:
    """The pinyin of a Chinese surname or given name listed in the tables above.

    Only whole names are known (a given name of two characters is written as one
    word, "秀兰" → XIULAN); anything else raises ``TransliterationError``.
    """
    latin = HANZI_SURNAMES.get(text) or HANZI_GIVEN_NAMES.get(text)
    if latin is None:
        raise TransliterationError(f"no pinyin known for the Chinese name {text!r}")
    return latin.upper()
