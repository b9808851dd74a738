"""The one spelling of an identifier (``canonical``): tables of values it accepts and
refuses, and the property that it is idempotent.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from limes.domain.identifier_forms import IdentifierError, canonical


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" wvw-zzz 1jz.xw/000001 ", "WVWZZZ1JZXW000001"),
        ("ＡＢ１２３", "AB123"),  # full-width forms, NFKC
        ("AB\u00a0123", "AB123"),  # no-break space, NFKC
        ("AB\u2013123", "AB123"),  # en dash from a word processor
        ("AB123\n", "AB123"),  # a pasted line end
        ("a#b", "A#B"),  # kind-specific checks refuse what is not theirs
    ],
)
def test_canonical(value: str, expected: str) -> None:
    assert canonical(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "identifier is empty"),
        (" -./ ", "identifier is empty"),
        ("AB\x00C", r"control character U\+0000"),
        ("A\tB", r"control character U\+0009"),
        ("x\u200by", r"invisible character U\+200B"),
        ("ÄB", r"contains 'Ä' \(U\+00C4\); only ASCII"),
        ("straße", r"contains 'ß' \(U\+00DF\)"),  # upper-casing would make it 'SS'
        ("ıD", r"contains 'ı' \(U\+0131\)"),  # upper-casing would make it 'I'
    ],
)
def test_canonical_refuses(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        canonical(value)


# Text that looks like identifiers as well as any text at all.
IDENTIFIER_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 -./<#ΙΚΝСАВЖÖß\u2013"),
)


@given(value=IDENTIFIER_TEXT)
def test_canonical_is_idempotent(value: str) -> None:
    try:
        once = canonical(value)
    except IdentifierError:
        return
    assert canonical(once) == once
    assert once.isascii()
    assert once == once.upper()
