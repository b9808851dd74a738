"""Names written in other languages, scripts and systems, and with slips, align with
the stored name (``name_match.py``), through the person index; near names of other
people do not."""

from __future__ import annotations

import numpy as np
import pytest
from tests.search.helpers import person, q

from limes.domain.alerts import Name as N
from limes.domain.alerts import Person
from limes.search import names
from limes.search.name_match import FIRST, LENGTH, RESPELLED, NameSet, query_names, similarity
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery


@pytest.mark.parametrize("written", ["Lazich", "Lasitsch", "Lazitch", "Лазић", "Lazic"])
def test_a_croatian_name_is_found_as_other_languages_spell_it(written: str) -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Lazić")], [N("Marko")], "1975-02-03"))])
    assert [h.slot for h in built.search(q([written], ["Marko"], "1975-02-03"))] == [0]


ARABIC = person([N("Al-Najjar", "النجار", "Arab")], [N("Tariq", "طارق", "Arab")], "1980-05-17")


@pytest.mark.parametrize(
    ("surname", "forename"),
    [("El Naggar", "Tarek"), ("Ennajjar", "Tarik"), ("Alnajjar", "Tariq"), ("النجار", "Tarek")],
)
def test_an_arabic_name_is_found_in_maghreb_egyptian_and_english_spellings(
    surname: str, forename: str
) -> None:
    built = PersonIndex()
    built.add_many([(0, ARABIC)])
    assert [h.slot for h in built.search(q([surname], [forename]))] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Yeganyan", "Եգանյան", "Armn")], [N("Dominik", "Դոմինիկ", "Armn")]),
         q(["Yekanyan"], ["Tominig"])),
        (person([N("Khizanishvili", "ხიზანიშვილი", "Geor")], [N("Zaza", "ზაზა", "Geor")]),
         q(["Chisanischwili"], ["Sasa"])),
    ],
)  # fmt: skip
def test_armenian_and_georgian_names_in_other_systems_are_found(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Wu")], [N("Wei")]), q(["Wo"], ["Wei"])),
        (person([N("Li")], [N("Na")]), q(["Lu"], ["Na"])),
        (person([N("Kim")], [N("Min-jun")]), q(["Kin"], ["Min-jun"])),
        (person([N("Kowalski")], [N("Jan")]), q(["Jan"], ["Kowalsky"])),  # typo and swapped
        (person([N("Ng")], [N("Kevin")]), q(["Kevin"], ["Ny"])),
    ],
)
def test_short_names_with_one_slip_and_a_slip_with_swapped_order_are_found(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Yong")], [N("Fang")]), q(["Fang"], ["Yon"])),  # 4 letters, swapped
        (person([N("Mark")], [N("Okafor")]), q(["Okafor"], ["Ark"])),  # first letter lost
        (person([N("Su")], [N("Juan")], "1967-01-07"), q(["Zu"], ["Juan"], "1967-01-07")),
        (person([N("Wen")], [N("Ming")], "1995-10-02"), q(["Qen"], ["Ming"], "1995-10-02")),
    ],
)
def test_a_slip_anywhere_in_a_name_of_up_to_four_letters_is_found(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


def test_a_short_name_with_another_first_letter_needs_the_date_to_be_a_hit() -> None:
    # Wu and Xu are also two common names: a first-letter slip to a word someone bears
    # counts a little less than another slip (0.78, not 0.8), so the name alone is no
    # hit, the date agreeing is (the year alone for the other slip: with no date at all,
    # an alert holding one is a possible match for a name not its own, ``tiers.py``)
    built = PersonIndex()
    built.add_many([(0, person([N("Wu")], [N("Wei")])), (1, person([N("Xu")], [N("Ming")]))])
    assert built.search(q(["Xu"], ["Wei"], None)) == []
    assert [h.slot for h in built.search(q(["Wo"], ["Wei"], "1980"))] == [0]
    assert [h.slot for h in built.search(q(["Xu"], ["Wei"]))] == [0]


@pytest.mark.parametrize(
    ("surname", "forename"),
    [("Nedjim", "Salim"), ("Najm", "Saalem"), ("Nagm", "Salem")],  # Egyptian g for ج
)
def test_vowels_guessed_for_a_name_stored_in_arabic_script_still_find_it(
    surname: str, forename: str
) -> None:
    stored = person([N("Njm", "نجم", "Arab")], [N("Salm", "سالم", "Arab")], "1953-03-01")
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(q([surname], [forename], "1953-03-01"))] == [0]


def test_the_same_consonants_alone_do_not_make_two_latin_names_one() -> None:
    built = PersonIndex()
    built.add_many([(0, person([N("Moreno")], [N("Marta")], "1953-03-01"))])
    assert built.search(q(["Marini"], ["Marta"], "1953-03-01")) == []


def test_every_word_met_in_another_spelling_counts_as_met() -> None:
    # each part only "sounds the same" (0.88); the stored words count as met through
    # their spelled-out forms (katich, niksha), so the whole name is a hit
    built = PersonIndex()
    built.add_many([(0, person([N("Katić")], [N("Tomislav"), N("Nikša")], "1967-12-16"))])
    found = built.search(q(["Katitsch"], ["Tomislaw", "Nikscha"], "1967-12-16"))
    assert [h.slot for h in found] == [0]


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (person([N("Pecotić")], [N("Nikola")]), q(["Pezotitsch"], ["Nikola"])),  # c as z
        (person([N("Žužić")], [N("Goran")]), q(["Schuschitsch"], ["Goran"])),
        (person([N("Glasnović")], [N("Slavica")]), q(["Glasnowitsch"], ["Slawiza"])),
        (person([N("Batrac")], [N("Đurđica")]), q(["Batraz"], ["Dschurdschiza"])),
        (
            person([N("Khokhlova", "Хохлова", "Cyrl")], [N("Praskovia", "Прасковья", "Cyrl")]),
            q(["Xoxlova"], ["Praskovja"]),  # the scholarly system
        ),
    ],
)
def test_names_respelled_in_another_habit_are_found(stored: Person, asked: PersonQuery) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


@pytest.mark.parametrize(("surname", "forename"), [("Zahera", "Fatameh"), ("Zuhira", "Fatumih")])
def test_vowels_and_glides_guessed_where_metaphone_reads_them_still_find_the_name(
    surname: str, forename: str
) -> None:
    # Metaphone codes zahera and zhra differently (it reads the h after a vowel); the
    # consonants alone are the same, and one side is written without short vowels
    stored = person([N("Zhra", "زهرا", "Arab")], [N("Fatmh", "فاطمه", "Arab")], "1984-05-17")
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(q([surname], [forename], "1984-05-17"))] == [0]


# a name stored in Arabic or Persian script, asked with vowels in French (ش ch, ج dj,
# ث t, ق k), Egyptian (ث s, ذ z, ج g) or UN/BGN Persian (و v) manners (issue 14)
@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        (
            person([N("Khthm", "خثعم", "Arab")], [N("Kuthr", "كوثر", "Arab")]),
            q(["Khatem"], ["Kosor"]),
        ),
        (person([N("Shmr", "شمر", "Arab")], [N("Jfr", "جعفر", "Arab")]), q(["Chemer"], ["Djafar"])),
        (
            person([N("Wthaq", "وثاق", "Arab")], [N("Hdith", "حدیث", "Arab")]),
            q(["Ouitak"], ["Hadis"]),
        ),
        (
            person([N("Bnu Lith", "بنو ليث", "Arab")], [N("Qtz", "قطز", "Arab")]),
            q(["Beno Lis"], ["Katez"]),
        ),
        (
            person([N("Kmali", "کمالی", "Arab")], [N("Mhmdjwad", "محمدجواد", "Arab")]),
            q(["Kamali"], ["Mohammadjavad"]),
        ),
    ],
)
def test_arabic_script_names_are_found_as_other_customs_write_their_consonants(
    stored: Person, asked: PersonQuery
) -> None:
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(asked)] == [0]


def test_readings_do_not_make_other_latin_names_meet() -> None:
    # the readings meet only names stored without short vowels
    built = PersonIndex()
    built.add_many([(0, person([N("Kuthar")], [N("Marta")], "1953-03-01"))])
    assert built.search(q(["Kosor"], ["Marta"], "1953-03-01")) == []


def test_three_consonants_in_order_make_a_hit_without_a_date() -> None:
    # vowels guessed for every word: as sure as the same sound, so a hit even undated
    stored = person([N("Shmr", "شمر", "Arab")], [N("Rmzi", "رمزي", "Arab")], None)
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(q(["Chemer"], ["Rimezi"], None))] == [0]


def test_two_consonants_alone_are_weaker_than_three() -> None:
    # Sd is Sud, Sada, Saad and Sayed alike
    asked = query_names(["Sud"], [])
    long = query_names(["Shamir"], [])
    assert asked.same_skeleton[0] < long.same_skeleton[0]


def test_an_arabic_article_assimilated_before_a_short_name_still_finds_it() -> None:
    # النا read as the article and "Na": French usage writes the article assimilated to
    # the sun letter n and glued (Enna), ICAO 9303 al- (alna)
    stored = person([N("Puian", "پویان", "Arab")], [N("Al-Na", "النا", "Arab")])
    built = PersonIndex()
    built.add_many([(0, stored)])
    found = built.find(q(["Pouyan"], ["Enna"]))
    assert [h.slot for h in (*found.hits, *found.possible)] == [0]


def test_a_name_set_keeps_each_string_s_length_and_first_letter() -> None:
    """``similarity`` reads them from these rows, not from the strings again."""
    stored = NameSet.of([N("Lazić"), N("Đặng")], [N("Ana", original="Ана", script="Cyrl")], "name")
    assert len(stored.strings) > 3
    assert stored.codes[LENGTH].tolist() == [len(s) for s in stored.strings]
    assert stored.codes[FIRST].tolist() == [ord(s[0]) for s in stored.strings]


def test_a_name_set_marks_the_strings_respelling_changes() -> None:
    """``similarity`` respells only these (Schuschitsch: shushich; Ana stays Ana)."""
    stored = NameSet.of([N("Schuschitsch"), N("Lazić")], [N("Ana"), N("Jurij")], "name")
    flags = stored.codes[RESPELLED].tolist()
    marked = [s for s, m in zip(stored.strings, flags, strict=True) if m]
    assert marked == [s for s in stored.strings if names.respelled(s) != s]
    assert "schuschitsch" in marked and "ana" not in marked


@pytest.mark.parametrize(
    ("surnames", "forenames"),
    [(["Zhuzhich"], ["Ana"]), (["Lazic"], ["Jurij"]), (["Schuschitsch"], ["Yuri"])],
)
def test_similarity_is_that_of_every_string_respelled(
    surnames: list[str], forenames: list[str]
) -> None:
    """Respelling only the marked strings (and every one where a query string changes)
    gives the similarity of comparing every string respelled."""
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import cdist

    from limes.search import name_match

    sets = [
        NameSet.of([N("Schuschitsch"), N("Lazić")], [N("Ana"), N("Jurij")], "name"),
        NameSet.of([N("Lazich")], [N("Yuriy")], "alias"),
    ]
    strings = [s for n in sets for s in n.strings]
    codes = np.concatenate([n.codes for n in sets], axis=1)
    wanted = query_names(surnames, forenames)
    found = similarity(wanted, strings, codes)
    everything = codes.copy()
    everything[RESPELLED] = 1
    assert np.array_equal(found, similarity(wanted, strings, everything))
    plain = cdist(wanted.strings, strings, scorer=OSA.normalized_similarity, dtype=np.float32)
    respelled = cdist(
        [names.respelled(s) for s in wanted.strings],
        [names.respelled(s) for s in strings],
        scorer=OSA.normalized_similarity,
        dtype=np.float32,
    )
    floor = np.maximum(plain, np.minimum(respelled, name_match.PHONETIC_CAP))
    half = wanted.halves[:, None] | (codes[name_match.HALF][None, :] != 0)
    assert np.all(found >= np.where(half, floor * name_match.HALF_OF_COMPOUND, floor) - 1e-6)


def test_a_consonant_the_unvowelled_name_writes_is_not_read_silent() -> None:
    # مجاهد (Mjahd, Mujahid) writes its h (ه): Majdi (mjd) is another name, though
    # Metaphone reads the h after a vowel as silent and codes both MJT
    stored = person([N("Al-Bdiri", "البديري", "Arab")], [N("Mjahd", "مجاهد", "Arab")], None)
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert built.search(q(["Bdiria"], ["Mjdi"], None)) == []
    assert built.search(q(["Bdiri"], ["Majdi"], None)) == []
    # the name itself, its h written, with vowels guessed or none: still found
    for forename in ("Mujahid", "Moudjahid", "Mjahd"):
        assert [h.slot for h in built.search(q(["Bdiri"], [forename], None))] == [0]


def test_the_final_letter_of_a_feminine_name_is_no_consonant_missing() -> None:
    # عويضة ends in ة, written t (Wydt) by one table and a vowel by Latin spellings
    stored = person([N("Auida", "عويضة", "Arab")], [N("Wjdi", "وجدي", "Arab")], "1992-02-24")
    built = PersonIndex()
    built.add_many([(0, stored)])
    assert [h.slot for h in built.search(q(["Widia"], ["Wajadi"], "1992-02-24"))] == [0]
