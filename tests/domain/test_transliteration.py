"""The transliteration tables, as a table of known examples per script."""

from __future__ import annotations

import pytest

from limes.domain.latin_names import to_latin

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
