"""Invisible format characters (Unicode Cf) in free text: refused, with a problem naming
the character and the field, except the joiners a script spells names with
(``SCRIPT_JOINERS``). One check serves alert content, SIRENE forms and decision reasons.
"""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from typing import Any

import pytest
from tests.factories import PERSON, content, doc

from limes.domain.validation import (
    _INVISIBLE,
    SCRIPT_JOINERS,
    reason_text,
    text_field,
    validate_content,
)
from limes.errors import FieldError, InvalidInput

TODAY = date(2026, 11, 30)


def surname(original: str, script: str) -> dict[str, Any]:
    data = copy.deepcopy(PERSON)
    data["person"]["surnames"] = [{"latin": "Rezaei", "original": original, "script": script}]
    return data


REFUSED = [
    # (what, character, where it hides)
    ("right-to-left override", "\u202e", "robbery in \u202efdp.exe"),
    ("left-to-right override", "\u202d", "\u202drobbery"),
    ("right-to-left embedding", "\u202b", "armed \u202brobbery"),
    ("first strong isolate", "\u2068", "armed \u2068robbery\u2069"),
    ("right-to-left isolate", "\u2067", "armed \u2067robbery"),
    ("pop directional isolate", "\u2069", "armed robbery\u2069 again"),
    ("right-to-left mark", "\u200f", "armed\u200f robbery"),
    ("Arabic letter mark", "\u061c", "armed\u061c robbery"),
    ("zero width space", "\u200b", "arm\u200bed robbery"),
    ("word joiner", "\u2060", "armed\u2060robbery"),
    ("byte order mark inside", "\ufeff", "armed \ufeffrobbery"),
    ("soft hyphen", "\u00ad", "rob\u00adbery"),
    ("invisible times", "\u2062", "armed\u2062robbery"),
    ("a tag character (hidden ASCII)", "\U000e0041", "armed robbery\U000e0041\U000e0042"),
    ("interlinear annotation", "\ufff9", "armed \ufff9robbery"),
]


@pytest.mark.parametrize(("what", "char", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_alert_text_with_an_invisible_format_character_is_refused(
    what: str, char: str, text: str
) -> None:
    assert unicodedata.category(char) == "Cf"
    with pytest.raises(InvalidInput) as caught:
        validate_content(content(doc(PERSON, reason=text)), TODAY)
    (error,) = caught.value.errors
    assert error.pointer == "/reason"
    assert f"U+{ord(char):04X}" in error.detail, error.detail
    assert f"character {text.index(char) + 1}:" in error.detail


def test_a_name_in_its_own_script_refuses_an_override_and_keeps_its_joiners() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_content(content(surname("\u202eرضایی", "Arab")), TODAY)
    assert [e.pointer for e in caught.value.errors] == ["/person/surnames/0/original"]
    assert "RIGHT-TO-LEFT OVERRIDE" in caught.value.errors[0].detail
    # Persian "Alireza" is written with a zero width non-joiner; Malayalam and Devanagari
    # spell some conjuncts with a zero width joiner; traditional Mongolian its vowel
    # separator. These names stay as written.
    for original, script in (
        ("علی\u200cرضا", "Arab"),
        ("\u0d28\u0d4d\u200d", "Mlym"),
        ("\u0915\u094d\u200d\u0937", "Deva"),
        ("\u1822\u1828\u180e\u1820", "Mong"),
    ):
        checked = validate_content(content(surname(original, script)), TODAY)
        assert checked.person is not None
        assert checked.person.surnames[0].original == original
    assert {unicodedata.category(c) for c in SCRIPT_JOINERS} == {"Cf"}


def test_the_form_and_reason_checks_share_the_rule() -> None:
    errors: list[FieldError] = []
    text_field("hit at \u202egnp.exe", "/body/remarks", errors)
    assert [e.pointer for e in errors] == ["/body/remarks"]
    assert "U+202E" in errors[0].detail
    with pytest.raises(InvalidInput) as caught:
        reason_text("ticket\u2066 4711", pointer="/reason")
    assert [e.pointer for e in caught.value.errors] == ["/reason"]
    assert "U+2066 LEFT-TO-RIGHT ISOLATE" in caught.value.errors[0].detail
    assert reason_text("Ali\u200creza asked") == "Ali\u200creza asked"


def test_the_refused_set_is_every_format_character_but_the_joiners() -> None:
    refused = {c for c in map(chr, range(0x110000)) if _INVISIBLE.match(c)}
    format_chars = {c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Cf"}
    assert format_chars - SCRIPT_JOINERS <= refused
    assert not refused & SCRIPT_JOINERS
    # beyond this Python's Unicode, only code points it does not know yet (Cn)
    assert {unicodedata.category(c) for c in refused - format_chars} <= {"Cn"}
