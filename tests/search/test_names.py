"""Name forms, tokens, variants and phonetic codes: tables of cases."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.domain.alerts import Name
from limes.search.given_names import given_name_group
from limes.search.names import (
    MAX_FORMS,
    latin_forms,
    name_forms,
    phonetic,
    respelled,
    tokens,
)

FORM = re.compile(r"[a-z]+(?: [a-z]+)*")


def meet(a: str, b: str) -> bool:
    return bool(set(latin_forms(a)) & set(latin_forms(b)))


# (written one way, written another way): they share a form
SHARED_FORM = [
    ("Иванов", "Ivanov"),  # ICAO 9303
    ("Иванов", "Iwanow"),  # German habit
    ("Шевченко", "Shevchenko"),
    ("Шевченко", "Schewtschenko"),
    ("Шевченко", "Chevtchenko"),  # French habit
    ("Юрий", "Yuriy"),  # BGN/PCGN
    ("Юрий", "Iouri"),
    ("Юрий", "Jurij"),
    ("Müller", "Mueller"),
    ("Müller", "Muller"),
    ("Søren", "Soeren"),
    ("Søren", "Soren"),
    ("Łukasz", "Lukasz"),
    ("Straße", "Strasse"),
    ("Γεώργιος", "Georgios"),  # ELOT 743
    ("Γεώργιος", "Yeoryios"),  # BGN/PCGN
    ("ალექსანდრე", "Aleksandre"),
    ("Արամ", "Aram"),
    ("王小明", "Wang Xiaoming"),
    ("王小明", "Wang Xiao Ming"),
    ("Ｍüller", "Mueller"),  # fullwidth
    ("Mu\u0308ller", "Müller"),  # combining diaeresis
    ("Đorđević", "Djordjevic"),
    ("Đorđević", "Dordevic"),
    ("Ivanоv", "Ivanov"),  # a Cyrillic о inside a Latin name
]


@pytest.mark.parametrize(("written", "other"), SHARED_FORM)
def test_spellings_share_a_form(written: str, other: str) -> None:
    assert meet(written, other), (latin_forms(written), latin_forms(other))


@pytest.mark.parametrize(("written", "other"), [("Müller", "Miller"), ("Иванов", "Petrov")])
def test_different_names_share_no_form(written: str, other: str) -> None:
    assert not meet(written, other)


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("Smith", ("smith",)),
        ("O'Brien", ("obrien",)),
        ("Mary-Jane", ("mary jane",)),
        ("  J.R.  Smith3 ", ("j r smith",)),
        ("Müller", ("mueller", "muller")),
        ("Heß", ("hess", "hes")),  # ß also as one letter: its slips are one edit
        ("Weiẞ", ("weiss", "weis")),
        ("Æsa Œdipe Þór Iğdır Şahin Çelik", ("aesa oedipe thor igdir sahin celik",)),
        ("", ()),
        ("1234 -- ", ()),
    ],
)
def test_latin_forms_exactly(text: str, forms: tuple[str, ...]) -> None:
    assert latin_forms(text) == forms


def test_standard_form_comes_first() -> None:
    assert latin_forms("Иванов")[0] == "ivanov"
    assert latin_forms("Юрий")[0] == "iurii"  # ICAO 9303
    assert latin_forms("Γεώργιος")[0] == "georgios"  # ELOT 743


def test_contradicting_hint_does_not_lose_the_name() -> None:
    assert latin_forms("Иванов", "Grek")[0] == "ivanov"


def test_forms_are_capped() -> None:
    many = latin_forms("Юрий Шевченко-Щукин")
    assert 4 < len(many) <= MAX_FORMS


def test_name_forms_join_latin_and_original() -> None:
    forms = name_forms(Name(latin="Iwanow", original="Иванов", script="Cyrl"))
    assert forms[:2] == ("iwanow", "ivanov")
    assert len(forms) == len(set(forms)) <= 2 * MAX_FORMS


@pytest.mark.parametrize(
    ("arabic_or_hebrew", "latin"), [("محمد", "Mohammed"), ("יוסף", "Yosef"), ("يوسف", "Youssef")]
)
def test_consonant_skeletons_meet_by_phonetic_code_and_group(
    arabic_or_hebrew: str, latin: str
) -> None:
    skeleton, spelled = latin_forms(arabic_or_hebrew)[0], latin_forms(latin)[0]
    assert phonetic(skeleton) == phonetic(spelled)
    assert given_name_group(skeleton) == given_name_group(spelled) is not None


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("van der berg", ("berg",)),
        ("al hassan", ("hassan",)),
        ("bin laden", ("laden",)),
        ("de la cruz", ("cruz",)),
        ("mary jane", ("mary", "jane")),
        ("le", ("le",)),  # a field of particles only keeps them
        ("van der", ("van", "der")),
    ],
)
def test_tokens(form: str, expected: tuple[str, ...]) -> None:
    assert tokens(form) == expected


def test_particles_from_written_names() -> None:
    assert tokens(latin_forms("al-Hassan")[0]) == ("hassan",)
    assert tokens(latin_forms("Van der Berg")[0]) == ("berg",)


PHONETIC_SAME = [
    ("aleksandr", "alexandr", "aleksander", "alexander", "oleksandr"),
    ("mohammed", "muhammad", "mohamad", "mhmd"),
    ("schmidt", "schmitt", "shmidt"),
    ("tchaikovsky", "chaykovskiy", "tschaikowski"),
    ("jusuf", "yusuf", "youssef"),
    ("iurii", "yuriy", "iouri", "jurij", "yuri"),
    ("ivanov", "iwanow"),
    ("shevchenko", "schewtschenko", "chevtchenko"),
    ("evgeni", "yevgeniy", "jewgeni"),
]


@pytest.mark.parametrize("spellings", PHONETIC_SAME)
def test_phonetic_codes_equal(spellings: tuple[str, ...]) -> None:
    assert len({phonetic(s) for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), [("ivanov", "petrov"), ("schmidt", "smith"), ("ali", "ari")])
def test_phonetic_codes_differ(a: str, b: str) -> None:
    assert phonetic(a) != phonetic(b)


def test_phonetic_of_nothing() -> None:
    assert phonetic("") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
def test_latin_forms_never_raise_and_stay_lower_ascii(text: str) -> None:
    forms = latin_forms(text)
    assert len(forms) <= MAX_FORMS
    assert all(FORM.fullmatch(f) for f in forms)


def sound_alike(a: str, b: str) -> bool:
    """Some form of each has a word with the same phonetic code (what blocking uses)."""
    codes = {phonetic(w) for f in latin_forms(a) for w in f.split()}
    return bool(codes & {phonetic(w) for f in latin_forms(b) for w in f.split()})


# Gaj's Latin letters (Serbian, Croatian) and ISO 9 Cyrillic, written in English, French
# and German manners (issue 14)
@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        ("Lazić", "Lazic"),
        ("Lazić", "Lazich"),
        ("Lazić", "Lazitch"),
        ("Lazić", "Lasitsch"),
        ("Đurić", "Djuric"),
        ("Đurić", "Dzhurich"),
        ("Đurić", "Dschuritsch"),
        ("Đurić", "Djuritch"),
        ("Šešelj", "Sheshelj"),
        ("Žižić", "Zhizhich"),
        ("Лазић", "Lazich"),
        ("Ђурић", "Djuric"),
        ("Џаја", "Dzhaja"),
        ("Шевченко", "Ševčenko"),  # ISO 9
        ("Хрущёв", "Hruŝëv"),  # ISO 9
        ("Жуков", "Žukov"),
    ],
)
def test_hacek_letters_meet_their_spellings_out(stored: str, asked: str) -> None:
    assert sound_alike(stored, asked), (latin_forms(stored), latin_forms(asked))


@pytest.mark.parametrize(
    ("original", "spelled"),
    [
        ("Դոմինիկ", "dominik"),  # Eastern Armenian
        ("Դոմինիկ", "tominig"),  # Western Armenian
        ("Պետրոսյան", "bedrosyan"),
        ("Գևորգ", "kevork"),
        ("ხიზანიშვილი", "khizanishvili"),  # the national table
        ("ხიზანიშვილი", "chisanischwili"),  # German
        ("ზაზა", "sasa"),
        ("ჟვანია", "jvania"),  # French
        ("შევარდნაძე", "chevardnadze"),  # French
        ("ჯავახიშვილი", "djavakhichvili"),  # French
    ],
)
def test_armenian_and_georgian_in_their_several_systems(original: str, spelled: str) -> None:
    assert spelled in latin_forms(original)


@pytest.mark.parametrize(
    ("one", "other"),
    [("schuschitsch", "zhuzhich"), ("glasnowitsch", "glasnovich"), ("dschurdschiza", "djurdjiza")],
)
def test_habits_spellings_of_one_sound_are_respelled_alike(one: str, other: str) -> None:
    assert respelled(one) == respelled(other)


@pytest.mark.parametrize(
    ("written", "spelled"), [("Cvetnić", "tsvetnich"), ("Đurđica", "djurdjitsa")]
)
def test_c_of_a_name_with_hacek_letters_is_spelled_out_as_ts(written: str, spelled: str) -> None:
    assert spelled in latin_forms(written)


def test_c_of_a_name_without_such_letters_keeps_one_form() -> None:
    assert latin_forms("Slavica") == ("slavica",)


@pytest.mark.parametrize(
    ("written", "french"),
    [("Žužić", "jujitch"), ("Nižetić", "nijetitch"), ("Šešelj", "chechelj"), ("Džaja", "djaja")],
)
def test_hacek_letters_are_spelled_out_the_french_way_too(written: str, french: str) -> None:
    assert french in latin_forms(written)


@pytest.mark.parametrize(
    ("one", "other"), [("nounou", "nunu"), ("djouritch", "djurich"), ("mousous", "musus")]
)
def test_french_ou_for_u_is_respelled_alike(one: str, other: str) -> None:
    assert respelled(one) == respelled(other)
