"""Other spellings of a name token (``search/token_variants.py``): Arabic compounds and
articles, Egyptian g, Mc and Mac, two given names run together."""

from __future__ import annotations

import pytest

from limes.search.names import latin_forms, tokens
from limes.search.token_variants import token_variants


@pytest.mark.parametrize(
    ("token", "variants"),
    [
        ("alhassan", ("hassan",)),
        ("elhassan", ("hassan",)),
        ("abdelrahman", ("abdel rahman", "abd rahman")),
        ("abdurrahman", ("abdur rahman", "abd rahman")),
        ("abdel", ("abd",)),
        ("abdullah", ("abd allah",)),
        ("abdoulaye", ("abd allah",)),
        ("salaheddine", ("salah din",)),
        ("nasrullah", ("nasr allah",)),
        ("mcdonald", ("macdonald",)),
        ("jeanpierre", ("jean pierre",)),
        ("alexander", ()),  # a given name, not al + exander
        ("allen", ()),
        ("machado", ()),
        ("smith", ()),
        ("xoxlova", ("khokhlova",)),  # scholarly x for х
        ("xolmatov", ("kholmatov",)),  # Uzbek Latin
        ("xiaoming", ()),  # pinyin's x is another sound
        ("zhvania", ("jvania",)),  # French j for ჟ / Ժ / ж, which the national tables write zh
        ("zhana", ("jana",)),
        ("jana", ()),  # a plain j is not read as zh: Jana is no Zhana, Shana nor Yana
        ("jvania", ()),
        ("zhang", ()),  # pinyin's zh is another sound (Zhang Yang is no Jang, Yang)
        ("zhou", ()),
    ],
)
def test_token_variants(token: str, variants: tuple[str, ...]) -> None:
    assert token_variants(token) == variants
    assert all(len(word) >= 3 for v in variants for word in v.split())


def _reachable(text: str) -> set[str]:
    """What the scorer compares: tokens with variants substituted, written together."""
    words = tokens(latin_forms(text)[0])
    keys = {"".join(words)}
    for i, word in enumerate(words):
        for variant in token_variants(word):
            keys.add("".join((*words[:i], *variant.split(), *words[i + 1 :])))
    return keys


@pytest.mark.parametrize(
    "other", ["Abdel Rahman", "Abdelrahman", "Abd al-Rahman", "Abdul Rahman", "Abdurrahman"]
)
def test_compound_arabic_names_reach_each_other(other: str) -> None:
    assert _reachable("Abdel-Rahman") & _reachable(other)


# Arabic articles assimilated and glued on, Egyptian g for j; Western Armenian; Georgian
# in German (issue 14)
@pytest.mark.parametrize(
    ("token", "variant"),
    [
        ("ennajjar", "najjar"),
        ("essaid", "said"),
        ("errachid", "rachid"),
        ("ezzahra", "zahra"),
        ("ennajjar", "alnajjar"),  # the article unassimilated, as ICAO 9303 writes it
        ("enna", "alna"),  # … also before a name too short to split off (an-Na)
        ("naggar", "najjar"),
        ("ouidad", "widad"),  # French ou for the consonant و
        ("ouidoud", "widoud"),  # … not the vowel ou before a consonant
        ("aoualad", "awalad"),
    ],
)
def test_arabic_spelling_customs_give_the_name(token: str, variant: str) -> None:
    assert variant in token_variants(token)


@pytest.mark.parametrize("token", ["emma", "anna", "ellis", "assad", "ossama"])
def test_names_that_only_look_like_a_glued_article_are_left_alone(token: str) -> None:
    assert not [v for v in token_variants(token) if len(v) < len(token) - 1]


@pytest.mark.parametrize(("token", "name"), [("echchaoui", "chaoui"), ("ecchebani", "chebani")])
def test_the_article_assimilated_to_a_french_ch_is_split_off(token: str, name: str) -> None:
    assert name in token_variants(token)


@pytest.mark.parametrize("token", ["louis", "louise", "oumar", "merazouk"])
def test_french_ou_is_no_w_in_a_listed_given_name_nor_before_a_consonant(token: str) -> None:
    assert not [v for v in token_variants(token) if "w" in v]
