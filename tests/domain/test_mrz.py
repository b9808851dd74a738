"""Machine readable zones: the ICAO Doc 9303 specimens, a table of refusals, and properties.

The specimens are the 'Utopia' documents of Doc 9303 parts 4, 5 and 6. UTO is a
fictional state, so its alpha-2 code is None. `_td3`, `_td2` and `_td1` build zones with
correct check digits, so a test can change one field and expect exactly one problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limes.domain.identifiers import icao_check_digit as cd
from limes.domain.mrz import Mrz, MrzError, parse_mrz

TODAY = date(2025, 6, 1)

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"


def _pad(text: str, width: int) -> str:
    assert len(text) <= width, f"{text!r} is longer than {width}"
    return text + "<" * (width - len(text))


def _line2(number: str, nationality: str, birth: str, sex: str, expiry: str, tail: str) -> str:
    """The second line of a TD3 or TD2, ``tail`` being its padded optional data field."""
    number = _pad(number, 9)
    body = (
        f"{number}{cd(number)}{_pad(nationality, 3)}{birth}{cd(birth)}{sex}"
        f"{expiry}{cd(expiry)}{tail}"
    )
    return body + cd(body[0:10] + body[13:20] + body[21:])


def _td3(
    *,
    code: str = "P",
    state: str = "UTO",
    names: str = "ERIKSSON<<ANNA<MARIA",
    number: str = "L898902C3",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    optional: str = "ZE184226B",
) -> str:
    optional = _pad(optional, 14)
    line2 = _line2(number, nationality, birth, sex, expiry, optional + cd(optional))
    return f"{_pad(code, 2)}{_pad(state, 3)}{_pad(names, 39)}\n{line2}"


def _td2(
    *,
    names: str = "ERIKSSON<<ANNA<MARIA",
    number: str = "D23145890",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    optional: str = "",
) -> str:
    line2 = _line2(number, nationality, birth, sex, expiry, _pad(optional, 7))
    return f"I<UTO{_pad(names, 31)}\n{line2}"


def _td1(
    *,
    state: str = "UTO",
    names: str = "ERIKSSON<<ANNA<MARIA",
    number: str = "D23145890",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    optional: tuple[str, str] = ("", ""),
) -> str:
    if len(number) > 9:  # Doc 9303 part 5 note j: the overflow and its check digit
        first = f"{number[:9]}<{_pad(f'{number[9:]}{cd(number)}<{optional[0]}', 15)}"
    else:
        first = f"{_pad(number, 9)}{cd(_pad(number, 9))}{_pad(optional[0], 15)}"
    line1 = f"I<{_pad(state, 3)}{first}"
    body = f"{birth}{cd(birth)}{sex}{expiry}{cd(expiry)}{_pad(nationality, 3)}"
    body += _pad(optional[1], 11)
    line2 = body + cd(line1[5:30] + body[0:7] + body[8:15] + body[18:29])
    return f"{line1}\n{line2}\n{_pad(names, 30)}"


def _change(mrz: str, line: int, column: int, char: str) -> str:
    lines = mrz.split("\n")
    text = lines[line - 1]
    lines[line - 1] = text[: column - 1] + char + text[column:]
    return "\n".join(lines)


def _problems(text: str) -> set[tuple[int, int, str]]:
    with pytest.raises(MrzError) as refused:
        parse_mrz(text, today=TODAY)
    return {(p.line, p.column, p.field) for p in refused.value.problems}


# --- the specimens ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TD3, Mrz(
            format="TD3", document_code="P", issuing_state="UTO", issuing_state_alpha2=None,
            surnames=("ERIKSSON",), given_names=("ANNA", "MARIA"), document_number="L898902C3",
            nationality="UTO", nationality_alpha2=None, date_of_birth="1974-08-12",
            sex="female", date_of_expiry="2012-04-15", optional_data=("ZE184226B",),
        )),
        (TD1, Mrz(
            format="TD1", document_code="I", issuing_state="UTO", issuing_state_alpha2=None,
            surnames=("ERIKSSON",), given_names=("ANNA", "MARIA"), document_number="D23145890",
            nationality="UTO", nationality_alpha2=None, date_of_birth="1974-08-12",
            sex="female", date_of_expiry="2012-04-15", optional_data=("", ""),
        )),
        (TD2, Mrz(
            format="TD2", document_code="I", issuing_state="UTO", issuing_state_alpha2=None,
            surnames=("ERIKSSON",), given_names=("ANNA", "MARIA"), document_number="D23145890",
            nationality="UTO", nationality_alpha2=None, date_of_birth="1974-08-12",
            sex="female", date_of_expiry="2012-04-15", optional_data=("",),
        )),
    ],
)  # fmt: skip
def test_specimens(text: str, expected: Mrz) -> None:
    assert parse_mrz(text, today=TODAY) == expected


def test_the_helpers_rebuild_the_specimens() -> None:
    assert _td3() == TD3
    assert _td1() == TD1
    assert _td2() == TD2


def test_scanner_noise_is_tolerated() -> None:
    noisy = "\n  " + TD1.lower().replace("\n", " \r\n") + "\r\n\n"
    assert parse_mrz(noisy, today=TODAY) == parse_mrz(TD1, today=TODAY)


# --- fields -------------------------------------------------------------------------------


def test_td1_document_number_overflow() -> None:
    mrz = parse_mrz(_td1(number="D23145890734", optional=("AB12", "")), today=TODAY)
    assert mrz.document_number == "D23145890734"
    assert mrz.optional_data == ("AB12", "")


def test_td2_document_number_overflow() -> None:
    line2 = "D23145890<UTO7408122F1204159" + _pad(f"12{cd('D2314589012')}<X", 7)
    line2 += cd(line2[0:10] + line2[13:20] + line2[21:35])
    mrz = parse_mrz(f"{TD2.split()[0]}\n{line2}", today=TODAY)
    assert (mrz.document_number, mrz.optional_data) == ("D2314589012", ("X",))


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("740812", "1974-08-12"),
        ("7408<<", "1974-08"),
        ("74<<<<", "1974"),
        ("<<<<<<", None),
        ("250101", "2025-01-01"),  # not in the future: this century
        ("250701", "1925-07-01"),  # would be in the future: the last one
        ("000229", "2000-02-29"),
    ],
)
def test_date_of_birth(birth: str, expected: str | None) -> None:
    assert parse_mrz(_td3(birth=birth), today=TODAY).date_of_birth == expected


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [("300101", "2030-01-01"), ("740101", "2074-01-01"), ("750101", "1975-01-01")],
)
def test_date_of_expiry_century_lies_within_50_years(expiry: str, expected: str) -> None:
    assert parse_mrz(_td3(expiry=expiry), today=TODAY).date_of_expiry == expected


@pytest.mark.parametrize(
    ("sex", "expected"),
    [("F", "female"), ("M", "male"), ("X", "unspecified"), ("<", "unspecified")],
)
def test_sex(sex: str, expected: str) -> None:
    assert parse_mrz(_td3(sex=sex), today=TODAY).sex == expected


@pytest.mark.parametrize(
    ("state", "nationality", "alpha2s"),
    [
        ("D", "D", ("D", "DE", "D", "DE")),  # Germany's one-letter ICAO code
        ("NLD", "NLD", ("NLD", "NL", "NLD", "NL")),
        ("UNO", "XXA", ("UNO", None, "XXA", None)),  # no state: no alpha-2, no refusal
        ("GBR", "GBN", ("GBR", "GB", "GBN", "GB")),
    ],
)
def test_states(state: str, nationality: str, alpha2s: tuple[object, ...]) -> None:
    mrz = parse_mrz(_td3(state=state, nationality=nationality), today=TODAY)
    assert (
        mrz.issuing_state,
        mrz.issuing_state_alpha2,
        mrz.nationality,
        mrz.nationality_alpha2,
    ) == alpha2s


def test_names() -> None:
    mrz = parse_mrz(_td3(names="VAN<DER<BERG<<JAN<PIETER"), today=TODAY)
    assert (mrz.surnames, mrz.given_names) == (("VAN", "DER", "BERG"), ("JAN", "PIETER"))
    mrz = parse_mrz(_td3(names="ONLYNAME"), today=TODAY)
    assert (mrz.surnames, mrz.given_names) == (("ONLYNAME",), ())


@pytest.mark.parametrize("check", ["<", "0"])
def test_unused_td3_optional_data_may_have_filler_or_zero_check_digit(check: str) -> None:
    line1, line2 = _td3(optional="").split("\n")
    line2 = line2[:42] + check
    text = f"{line1}\n{line2}{cd(line2[0:10] + line2[13:20] + line2[21:43])}"
    assert parse_mrz(text, today=TODAY).optional_data == ("",)


# --- refusals -----------------------------------------------------------------------------

F = "document number check digit"
B = "date of birth check digit"
E = "date of expiry check digit"
O = "optional data check digit"  # noqa: E741
C = "composite check digit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each check digit wrong; the composite covers the others
        (_change(TD3, 2, 10, "5"), {(2, 10, F), (2, 44, C)}),
        (_change(TD3, 2, 20, "3"), {(2, 20, B), (2, 44, C)}),
        (_change(TD3, 2, 28, "8"), {(2, 28, E), (2, 44, C)}),
        (_change(TD3, 2, 43, "2"), {(2, 43, O), (2, 44, C)}),
        (_change(TD3, 2, 44, "1"), {(2, 44, C)}),
        (_change(TD3, 2, 44, "<"), {(2, 44, C)}),
        (_change(TD1, 1, 15, "8"), {(1, 15, F), (2, 30, C)}),
        (_change(TD1, 2, 7, "3"), {(2, 7, B), (2, 30, C)}),
        (_change(TD1, 2, 15, "8"), {(2, 15, E), (2, 30, C)}),
        (_change(TD1, 2, 30, "7"), {(2, 30, C)}),
        (_change(TD2, 2, 10, "8"), {(2, 10, F), (2, 36, C)}),
        (_change(TD2, 2, 20, "3"), {(2, 20, B), (2, 36, C)}),
        (_change(TD2, 2, 28, "8"), {(2, 28, E), (2, 36, C)}),
        (_change(TD2, 2, 36, "7"), {(2, 36, C)}),
        # a number that overflows into nothing
        (_td1(number="").replace("I<UTO<<<<<<<<<0", "I<UTOD23145890<", 1),
         {(1, 16, "document number"), (2, 30, C)}),
        # a digit changed in a field: its own check digit and the composite disagree
        (_change(TD3, 2, 1, "K"), {(2, 10, F), (2, 44, C)}),
        # bad characters, each with its place
        (_change(TD3, 1, 20, "-"), {(1, 20, "character")}),
        (_change(TD1, 3, 9, " "), {(3, 9, "character")}),
        (_change(TD2, 2, 3, "é"), {(2, 3, "character")}),
        # wrong lengths and line counts
        (TD3[:-1], {(2, 44, "layout")}),
        (TD3 + "<", {(2, 45, "layout")}),
        (TD1.replace("\nERIKSSON", "\nERIKSSO"), {(3, 30, "layout")}),
        ("P<UTO" + "<" * 35 + "\n" + "<" * 40, {(1, 0, "layout"), (2, 0, "layout")}),
        (TD3.split("\n")[0], {(0, 0, "layout")}),
        (TD1 + "\n" + "<" * 30, {(0, 0, "layout")}),
        ("", {(0, 0, "layout")}),
        # impossible or malformed fields
        (_td3(birth="740230"), {(2, 14, "date of birth")}),
        (_td3(birth="741301"), {(2, 14, "date of birth")}),
        (_td3(birth="<<0812"), {(2, 14, "date of birth")}),
        (_td3(birth="74AB12"), {(2, 16, "date of birth")}),
        (_td3(expiry="120431"), {(2, 22, "date of expiry")}),
        (_td3(expiry="1204<<"), {(2, 22, "date of expiry")}),
        (_td3(sex="Q"), {(2, 21, "sex")}),
        (_td3(code="1"), {(1, 1, "document code")}),
        (_td3(code="V"), {(1, 1, "document code")}),
        (_td3(state="U1O"), {(1, 3, "issuing state")}),
        (_td3(nationality="<UT"), {(2, 11, "nationality")}),
        (_td3(names="ERIKSSON<<ANNA2"), {(1, 20, "names")}),
        (_td3(number=""), {(2, 1, "document number")}),
        # several at once
        (_td3(birth="740230", expiry="121315", sex="Q"),
         {(2, 14, "date of birth"), (2, 21, "sex"), (2, 22, "date of expiry")}),
    ],
)  # fmt: skip
def test_refusals(text: str, expected: set[tuple[int, int, str]]) -> None:
    assert _problems(text) == expected


def test_check_digit_message_names_both_digits() -> None:
    with pytest.raises(MrzError) as refused:
        parse_mrz(_change(TD3, 2, 20, "3"), today=TODAY)
    details = [p.detail for p in refused.value.problems]
    assert details[0] == "date of birth check digit is 3 but the digits give 2"
    assert "line 2, column 20" in str(refused.value)


def test_layout_message_names_the_format() -> None:
    with pytest.raises(MrzError, match=r"TD3 \(2 lines\) expects 44 characters a line"):
        parse_mrz(TD3[:-1], today=TODAY)
    with pytest.raises(MrzError, match=r"TD1 \(3 lines\) expects 30"):
        parse_mrz(TD1[:-1], today=TODAY)


# --- properties ---------------------------------------------------------------------------

_MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def _zone(width: int, lines: int) -> st.SearchStrategy[str]:
    line = st.text(_MRZ_CHARS, min_size=width, max_size=width)
    return st.lists(line, min_size=lines, max_size=lines).map("\n".join)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(), _zone(44, 2), _zone(36, 2), _zone(30, 3)))
def test_any_text_parses_or_raises_mrz_error(text: str) -> None:
    try:
        parse_mrz(text, today=TODAY)
    except MrzError as refused:
        assert refused.problems


_letters = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10)
_alnum = st.text(_MRZ_CHARS[:-1], min_size=1, max_size=9)


@settings(deadline=None)
@given(
    surname=_letters,
    given_name=_letters,
    number=_alnum,
    optional=st.text(_MRZ_CHARS[:-1], max_size=7),
    birth=st.dates(date(1926, 6, 2), TODAY),
    expiry=st.dates(date(1975, 1, 1), date(2074, 12, 31)),
    sex=st.sampled_from("FMX<"),
    build=st.sampled_from([_td1, _td2, _td3]),
)
def test_built_zones_parse_back(
    surname: str,
    given_name: str,
    number: str,
    optional: str,
    birth: date,
    expiry: date,
    sex: str,
    build: Callable[..., str],
) -> None:
    fields = {
        "names": f"{surname}<<{given_name}",
        "number": number,
        "birth": birth.strftime("%y%m%d"),
        "expiry": expiry.strftime("%y%m%d"),
        "sex": sex,
        "optional": (optional, "") if build is _td1 else optional,
    }
    mrz = parse_mrz(build(**fields), today=TODAY)
    assert (mrz.surnames, mrz.given_names) == ((surname,), (given_name,))
    assert mrz.document_number == number
    assert mrz.date_of_birth == birth.isoformat()
    assert mrz.date_of_expiry == expiry.isoformat()
    assert mrz.optional_data[0] == optional


def test_problem_pointers_count_lines_and_columns_from_1_and_name_the_whole_text_apart() -> None:
    with pytest.raises(MrzError) as refused:
        parse_mrz("P<UTO", today=TODAY)  # one line: the text as a whole
    assert [p.pointer() for p in refused.value.problems] == ["/mrz"]
    with pytest.raises(MrzError) as refused:
        parse_mrz("P<UTO\nL898902C3", today=TODAY)  # two lines of neither width
    assert [p.pointer() for p in refused.value.problems] == ["/mrz/line/1", "/mrz/line/2"]
