"""The transliteration tables, as a table of known examples per script."""

from __future__ import annotations

import pytest

from limes.domain.latin_names import is_latin_name, latin_name, to_latin
from limes.domain.transliteration import TransliterationError

# (original, script, language, machine-readable form)
CASES = [
    # Cyrillic: ICAO Doc 9303 part 3, section 6
    ("Иванов", "Cyrl", "ru", "IVANOV"),
    ("Щукин", "Cyrl", "ru", "SHCHUKIN"),
    ("Юрий", "Cyrl", "ru", "IURII"),
    ("Фёдор", "Cyrl", "ru", "FEDOR"),
    ("Хрущёв", "Cyrl", "ru", "KHRUSHCHEV"),
    ("Ельцин", "Cyrl", "ru", "ELTSIN"),
    ("Объедков", "Cyrl", "ru", "OBIEEDKOV"),  # Ъ is IE, then Е is E
    ("Ярослав", "Cyrl", "ru", "IAROSLAV"),
    ("Эдуард", "Cyrl", "ru", "EDUARD"),
    ("Жуков", "Cyrl", "ru", "ZHUKOV"),
    ("Петров-Водкин", "Cyrl", "ru", "PETROV-VODKIN"),
    ("Ігорович", "Cyrl", "uk", "IGOROVYCH"),  # Ukrainian И is Y
    ("Мар'яна", "Cyrl", "uk", "MARIANA"),  # the apostrophe has no row
    ("Євгенія", "Cyrl", "uk", "IEVGENIIA"),
    ("Ґалаґан", "Cyrl", "uk", "GALAGAN"),
    ("Щерев", "Cyrl", "bg", "SHTEREV"),  # Bulgarian Щ is SHT
    ("Гомель", "Cyrl", "be", "HOMEL"),  # Belarusian Г is H
    ("Ђоковић", "Cyrl", "sr", "DOKOVIC"),
    # Greek: ELOT 743
    ("Παπαδόπουλος", "Grek", None, "PAPADOPOULOS"),
    ("Γιάννης", "Grek", None, "GIANNIS"),
    ("Ευάγγελος", "Grek", None, "EVANGELOS"),
    ("Ευθυμίου", "Grek", None, "EFTHYMIOU"),
    ("Αυγερινός", "Grek", None, "AVGERINOS"),
    ("Μπαλτατζή", "Grek", None, "BALTATZI"),
    ("Λαμπράκης", "Grek", None, "LAMPRAKIS"),
    ("Γκατζογιάννης", "Grek", None, "GKATZOGIANNIS"),
    ("Χατζηδάκης", "Grek", None, "CHATZIDAKIS"),
    ("Θεοδωρόπουλος", "Grek", None, "THEODOROPOULOS"),
    ("Ψαρράς", "Grek", None, "PSARRAS"),
    ("Ξενάκης", "Grek", None, "XENAKIS"),
    ("Άγγελος", "Grek", None, "ANGELOS"),
    # Georgian: national system, ejectives without apostrophes
    ("გაგნიძე", "Geor", None, "GAGNIDZE"),
    ("ოქრუაშვილი", "Geor", None, "OKRUASHVILI"),
    ("ჭელიძე", "Geor", None, "CHELIDZE"),
    ("ყიფიანი", "Geor", None, "QIPIANI"),
    # Armenian
    ("Անդրանիկ", "Armn", None, "ANDRANIK"),
    ("Երևան", "Armn", None, "YEREVAN"),
    ("Ոսկանյան", "Armn", None, "VOSKANYAN"),
    ("Ադուլյան", "Armn", None, "ADULYAN"),
    # Arabic and Persian: consonant skeleton
    ("محمد", "Arab", None, "MHMD"),
    ("الشحوح", "Arab", None, "AL-SHHUH"),
    ("آل سعود", "Arab", None, "AL SUD"),
    ("عمر", "Arab", None, "AMR"),
    ("یوسف", "Arab", None, "YUSF"),
    ("پرویز", "Arab", None, "PRUIZ"),
    # Hebrew: consonant skeleton
    ("נועה", "Hebr", None, "NOA"),
    ("יוסף", "Hebr", None, "YOSF"),
    ("אברהם", "Hebr", None, "AVRHM"),
    ("ג'ורג'", "Hebr", None, "JORJ"),
    # Chinese: the names Faker romanizes
    ("王", "Hans", None, "WANG"),
    ("秀兰", "Hans", None, "XIULAN"),
]


@pytest.mark.parametrize(("original", "script", "language", "expected"), CASES)
def test_known_example(original: str, script: str, language: str | None, expected: str) -> None:
    assert to_latin(original, script, language) == expected


@pytest.mark.parametrize(("original", "script", "language", "expected"), CASES)
def test_latin_field_is_title_case_and_valid(
    original: str, script: str, language: str | None, expected: str
) -> None:
    latin = latin_name(original, script, language)
    assert latin.upper() == expected
    assert latin[0].isupper() and latin == latin.title()
    assert is_latin_name(latin)


@pytest.mark.parametrize(
    ("original", "script", "language"),
    [
        ("Ivan", "Cyrl", "ru"),  # Latin letters have no Cyrillic row
        ("Иван", "Cyrl", "xx"),  # no such language rows
        ("Иван", "Latn", None),  # no table for the script
        ("李明", "Hans", None),  # not a whole name the table knows
        ("ء", "Arab", None),  # only silent letters: no Latin name
    ],
)
def test_refused(original: str, script: str, language: str | None) -> None:
    with pytest.raises(TransliterationError):
        latin_name(original, script, language)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("Müller", True),
        ("O'Brien", True),
        ("Jean-Luc", True),
        ("de la Cruz", True),
        ("Grațian", True),
        ("Иван", False),
        ("Smith2", False),
        ("-Smith", False),
        ("Ja’far", False),  # typographic apostrophe: normalised before, not accepted here
    ],
)
def test_is_latin_name(text: str, valid: bool) -> None:
    assert is_latin_name(text) is valid
