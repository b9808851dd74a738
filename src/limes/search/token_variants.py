"""Other spellings a name token is commonly written as (``token_variants``): the Arabic
compounds and articles, Egyptian g, x as kh, Mc and Mac, two given names run together.

Split from ``names.py``, which makes a name's forms and tokens; the scorer substitutes
these variants for a token (``name_match``), so that each spelling meets the others.
"""

from __future__ import annotations

import re
from functools import lru_cache

from limes.search.given_names import known_given_names
from limes.search.names import MAX_FORMS, first_unique

_MIN_VARIANT = 3
# Abd + optional vowel + optional article (l, or a sun letter doubled) + the divine name.
_ABD = re.compile(
    r"abd(?P<vowel>ou|[aeiou])?(?:l|(?P<sun>sh|[rstdzn])(?=(?P=sun)))?(?P<rest>[a-z]+)"
)
_ABD_ALONE = frozenset(
    {"abdel", "abdal", "abdul", "abdil", "abdol", "abdoul", "abdur", "abder", "abdus", "abdes"}
)
# What follows "Abd-ul" when the name is Abdullah (Abdulla, Abdallahi, Abdoulaye).
_ALLAH_ENDINGS = frozenset({"la", "lah", "llah", "ah", "aye", "ay", "ahi", "lahi", "llahi"})
_DIN = re.compile(r"(?P<stem>[a-z]{3,}?)(?:[aeiou]dd(?:i|ee)ne?|[ae]ld(?:i|ee)n)")
_DIN_ALONE = frozenset({"eddine", "eddin", "uddin", "uddeen", "addin", "aldin", "eldin", "ud din"})
_ULLAH = re.compile(r"(?P<stem>[a-z]{3,}?)[aou]llah?")
_GLUED_ARTICLE = re.compile(r"(?:al|el|ul)(?P<rest>[a-z]{3,})")
# The article assimilated to a sun letter and glued on (Ennajjar, Essaid, Errachid,
# Ettayeb, Ezzahra): a vowel, then the sun letter doubled. The sun letters, as the
# common romanisations (ALA-LC, DIN 31635 without marks, French usage) write them.
# (Not l: al + l is written "all…", and Allison, Elliott are no Arabic names.)
# French usage writes ش as ch, and the article assimilated to it as ech or ec
# (Echchaoui, Ecchérif: ش doubled).
_ASSIMILATED_ARTICLE = re.compile(
    r"[aeiu](?:(?P<sun>sh|th|dh|[tdrzsn])(?P=sun)|ch(?=ch)|c(?=ch))(?P<rest>[a-z]+)"
)


_X_AS_KH = re.compile(r"x(?![iu])")
_FRENCH_OU = re.compile(r"ou(?=[aeiy])")
# A pinyin syllable with zh (Zhang, Zhou, Zheng, Zhu): the Mandarin sound, not ж
_PINYIN_ZH = re.compile(r"zh(?:a(?:i|ng?|o)?|e(?:i|ng?)?|i|ong|ou|u(?:a(?:i|ng?)?|i|n|o)?)")


def _abd_variants(token: str) -> list[str]:
    if token in _ABD_ALONE:
        return ["abd"]
    match = _ABD.fullmatch(token)
    if match is None:
        return []
    rest = match["rest"]
    prefix = token[: match.start("rest")]
    if rest in _ALLAH_ENDINGS:
        return ["abd allah"]
    if len(rest) < _MIN_VARIANT:
        return []
    split = [] if prefix == "abd" else [f"{prefix} {rest}"]
    return [*split, f"abd {rest}"]


def _suffix_variants(token: str) -> list[str]:
    if token in _DIN_ALONE:
        return ["din"]
    din = _DIN.fullmatch(token)
    if din is not None:
        return [f"{din['stem']} din"]
    ullah = _ULLAH.fullmatch(token)
    if ullah is not None:
        return [f"{ullah['stem']} allah"]
    if token in ("ullah", "allah", "ulla"):
        return ["allah"]
    return []


def _article_variants(token: str) -> list[str]:
    """'alhassan' → hassan; not for a known given name that merely begins so (Alexander)."""
    glued = _GLUED_ARTICLE.fullmatch(token)
    if glued is None or token in known_given_names():
        return []
    rest = glued["rest"]
    if len(rest) > _MIN_VARIANT or rest in known_given_names():
        return [rest]
    return []


def _assimilated_article_variants(token: str) -> list[str]:
    """'ennajjar' → najjar and alnajjar, 'essaid' → said and alsaid, 'enna' → alna;
    not for a listed given name (Emma, Anna).

    The name alone only where it is long enough to tell (``_MIN_VARIANT``: Issa is no
    article and "sa"); the article written back unassimilated and glued (an-Na, Enna:
    ``alna``) always, as ICAO 9303 and BGN/PCGN transliterate ال before a sun letter
    (al-, never an-), and so as a name stored in Arabic script is filed (``النا`` → alna)."""
    glued = _ASSIMILATED_ARTICLE.fullmatch(token)
    if glued is None or token in known_given_names():
        return []
    name = (glued["sun"] or "") + glued["rest"]
    if not glued["sun"] or token[0] not in "ae":  # French ch for ش: skeletons write sh;
        # and the article is spoken and written a- or e- (Annour, Ennour), an i- or u-
        # word is rather a name of its own (Issa, Ussama)
        return [name] if len(name) > _MIN_VARIANT else []
    unassimilated = "al" + name
    if len(name) > _MIN_VARIANT or name in known_given_names():
        return [name, unassimilated]
    return [unassimilated]


def _egyptian_variants(token: str) -> list[str]:
    """Egyptian Arabic says ج as g, and Egyptian documents write it so (Naggar, Gamal):
    a doubled gg is the Egyptian spelling of jj (Naggar → najjar, Haggag → hajjaj)."""
    return [token.replace("gg", "jj")] if "gg" in token else []


def _x_as_kh_variants(token: str) -> list[str]:
    """x is the sound kh in the scholarly transliteration of Cyrillic (Хохлова → Xoxlova)
    and in Uzbek and Azerbaijani Latin (Xolmatov, Xəlilov): xoxlova → khokhlova. Not
    before i or u, where pinyin writes its x (Xia, Xu: another sound, and common names)."""
    if token in known_given_names() or not _X_AS_KH.search(token):
        return []  # Alexander's group lists Aleksandr already
    return [_X_AS_KH.sub("kh", token)]


def _french_ou_variants(token: str) -> list[str]:
    """French usage writes the consonant و (w) of Arabic as ou before a vowel: the
    transcription of the Maghreb's civil registers and of the French maps of North Africa
    (IGN: Ouargla for ورقلة, Ouarzazate, Oujda; Ouazzani, Ouidad): ouidad → widad, the
    spelling ICAO 9303 and BGN/PCGN give و before a vowel (w), so that a name stored in
    Arabic script (وداد: wdad) meets it. Not in a listed given name (Louis, Louise)."""
    if token in known_given_names() or not _FRENCH_OU.search(token):
        return []
    return [_FRENCH_OU.sub("w", token)]


def _french_j_variants(token: str) -> list[str]:
    """French usage writes as j the sound that ICAO 9303, the national tables and BGN/PCGN
    write zh: Georgian ჟ, Armenian Ժ, Cyrillic ж (Jvania for Zhvania, Jana for Zhana,
    Joukov for Zhukov): zhvania → jvania. One way only: a j is no zh (Jana, Jan). Not
    a pinyin syllable (Zhang, Zhou: Mandarin's zh, a common name that Jang, Jou is not)."""
    if "zh" not in token or _PINYIN_ZH.fullmatch(token):
        return []
    return [token.replace("zh", "j")]


def _mac_variants(token: str) -> list[str]:
    if token.startswith("mc") and len(token) > 4:
        return ["mac" + token[2:]]
    # Not before h or a vowel: Machado, Macias are not Mc names.
    if token.startswith("mac") and len(token) > 5 and token[3] not in "aeiouh":
        return ["mc" + token[3:]]
    return []


def _two_given_names(token: str) -> list[str]:
    """'jeanpierre' → 'jean pierre' when both halves are listed given names."""
    known = known_given_names()
    if token in known:
        return []
    return [
        f"{token[:i]} {token[i:]}"
        for i in range(_MIN_VARIANT, len(token) - _MIN_VARIANT + 1)
        if token[:i] in known and token[i:] in known
    ]


@lru_cache(maxsize=65536)
def token_variants(token: str) -> tuple[str, ...]:
    """Other spellings a token is commonly written as; ``()`` when no rule applies.

    A variant may hold several words (the scorer substitutes them for the token);
    no word of a variant is shorter than 3 letters. Rules:

    * Abd compounds → the prefix split off and the canonical ``abd X``:
      abdelrahman → (abdel rahman, abd rahman), abdurrahman → (abdur rahman,
      abd rahman); abdel/abdul/abdur alone → abd; abdullah, abdallah, abdoulaye →
      abd allah. "Abd al-Rahman" tokenises to (abd, rahman) and so meets them.
    * -uddin/-eddine/-eldin → ``X din`` (salaheddine → salah din); -ullah/-allah →
      ``X allah`` (nasrullah → nasr allah); eddine, uddin alone → din.
    * A glued article al-/el-/ul- → the name (alhassan → hassan), unless the token is
      itself a listed given name (alexander, elena) or the rest is 3 letters and not
      a listed name.
    * An article assimilated to a sun letter and glued on → the name (ennajjar →
      najjar, essaid → said, errachid → rachid), with the same exceptions, and the
      article written back unassimilated (enna → alna, ennajjar → alnajjar).
    * Egyptian gg → jj (naggar → najjar).
    * x → kh, as the scholarly system and Uzbek Latin write it (xoxlova → khokhlova),
      not before i or u (pinyin's x: Xia, Xu).
    * French ou before a vowel → w, as ICAO 9303 writes و (ouidad → widad; not
      Louis).
    * zh → French j (zhvania → jvania; a j is never read as zh).
    * Mc ↔ Mac (mcdonald ↔ macdonald; not Machado, Macias).
    * Two listed given names run together → split (jeanpierre → jean pierre).
    """
    found = (
        _abd_variants(token)
        + _suffix_variants(token)
        + _article_variants(token)
        + _assimilated_article_variants(token)
        + _egyptian_variants(token)
        + _x_as_kh_variants(token)
        + _french_ou_variants(token)
        + _french_j_variants(token)
        + _mac_variants(token)
        + _two_given_names(token)
    )
    return first_unique(
        (v for v in found if v != token and min(map(len, v.split())) >= _MIN_VARIANT),
        MAX_FORMS,
    )
