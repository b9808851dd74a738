"""Machine readable zones of travel and identity documents (ICAO Doc 9303 parts 3-6).

`parse_mrz` reads the text a scanner gives for a TD3 passport (2 lines of 44), a TD2
card (2 lines of 36) or a TD1 card (3 lines of 30) and returns an `Mrz`, or refuses it
with an `MrzError` that lists every problem at once, each with the line and column where
it sits, so an officer can compare the message with the document. The parser is pure: it
reads no clock, and `today` decides the century of two-digit years.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from limes.domain.countries import CountryError, from_alpha3
from limes.domain.identifiers import icao_check_digit

__all__ = ["Mrz", "MrzError", "MrzFormat", "MrzProblem", "Sex", "parse_mrz"]

MrzFormat = Literal["TD1", "TD2", "TD3"]
Sex = Literal["female", "male", "unspecified"]

_T = TypeVar("_T")
_Names = tuple[tuple[str, ...], tuple[str, ...]]  # surnames, given names
_FILLER = "<"
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
# Only ASCII letters are folded: str.upper would turn 'ß' into 'SS' and shift columns.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CODE_RE = re.compile(r"[A-Z][A-Z<]")
_STATE_RE = re.compile(r"[A-Z]{1,3}<*")
_SEX: dict[str, Sex] = {"F": "female", "M": "male", "<": "unspecified", "X": "unspecified"}


@dataclass(frozen=True, slots=True)
class MrzProblem:
    """One thing wrong with a machine readable zone; line and column count from 1, as
    a document reader shows them. Line 0 is the text as a whole (a wrong number of
    lines), column 0 a line as a whole."""

    line: int
    column: int
    field: str
    detail: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column} ({self.field}): {self.detail}"

    def pointer(self, root: str = "/mrz") -> str:
        """Where in the request: ``/mrz`` for the whole text, ``/mrz/line/2`` for a whole
        line, ``/mrz/line/2/column/44``; never a 0 that would read as 0-based."""
        if self.line == 0:
            return root
        if self.column == 0:
            return f"{root}/line/{self.line}"
        return f"{root}/line/{self.line}/column/{self.column}"


class MrzError(ValueError):
    """A machine readable zone was refused; `problems` names every reason found."""

    def __init__(self, problems: Sequence[MrzProblem]) -> None:
        self.problems: tuple[MrzProblem, ...] = tuple(problems)
        super().__init__("machine readable zone refused: " + "; ".join(map(str, self.problems)))


@dataclass(frozen=True, slots=True)
class Mrz:
    """What a machine readable zone says, with filler '<' stripped.

    `issuing_state` and `nationality` are the codes as printed ('UTO', 'D' for Germany);
    their `_alpha2` twins are ISO 3166-1 alpha-2 codes, or None where the code names no
    state (UNO, XXA, the specimen state UTO). `date_of_birth` is an ISO 8601 date of
    reduced precision where Doc 9303 marks parts as unknown ('1974-08', '1974'), None when
    wholly unknown. `optional_data` holds one entry per optional data field of the
    format (TD1: two, TD2 and TD3: one), after any document number overflow.
    """

    format: MrzFormat
    document_code: str
    issuing_state: str
    issuing_state_alpha2: str | None
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]
    document_number: str
    nationality: str
    nationality_alpha2: str | None
    date_of_birth: str | None
    sex: Sex
    date_of_expiry: str
    optional_data: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Span:
    line: int  # from 1
    column: int  # from 1
    width: int

    def text(self, lines: Sequence[str]) -> str:
        return lines[self.line - 1][self.column - 1 : self.column - 1 + self.width]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each field sits, per Doc 9303 part 4 (TD3), part 5 (TD1), part 6 (TD2)."""

    format: MrzFormat
    lines: int
    width: int
    names: _Span
    number: _Span
    nationality: _Span
    birth: _Span
    sex: _Span
    expiry: _Span
    optional: tuple[_Span, ...]
    optional_check: _Span | None
    composite: tuple[_Span, ...]
    composite_check: _Span
    overflow: bool  # the document number may continue in optional[0] (parts 5 and 6)


_TD1 = _Layout(
    format="TD1", lines=3, width=30,
    names=_Span(3, 1, 30), number=_Span(1, 6, 9), nationality=_Span(2, 16, 3),
    birth=_Span(2, 1, 6), sex=_Span(2, 8, 1), expiry=_Span(2, 9, 6),
    optional=(_Span(1, 16, 15), _Span(2, 19, 11)), optional_check=None,
    composite=(_Span(1, 6, 25), _Span(2, 1, 7), _Span(2, 9, 7), _Span(2, 19, 11)),
    composite_check=_Span(2, 30, 1), overflow=True,
)  # fmt: skip
_TD2 = _Layout(
    format="TD2", lines=2, width=36,
    names=_Span(1, 6, 31), number=_Span(2, 1, 9), nationality=_Span(2, 11, 3),
    birth=_Span(2, 14, 6), sex=_Span(2, 21, 1), expiry=_Span(2, 22, 6),
    optional=(_Span(2, 29, 7),), optional_check=None,
    composite=(_Span(2, 1, 10), _Span(2, 14, 7), _Span(2, 22, 14)),
    composite_check=_Span(2, 36, 1), overflow=True,
)  # fmt: skip
_TD3 = _Layout(
    format="TD3", lines=2, width=44,
    names=_Span(1, 6, 39), number=_Span(2, 1, 9), nationality=_Span(2, 11, 3),
    birth=_Span(2, 14, 6), sex=_Span(2, 21, 1), expiry=_Span(2, 22, 6),
    optional=(_Span(2, 29, 14),), optional_check=_Span(2, 43, 1),
    composite=(_Span(2, 1, 10), _Span(2, 14, 7), _Span(2, 22, 22)),
    composite_check=_Span(2, 44, 1), overflow=False,
)  # fmt: skip
_CODE = _Span(1, 1, 2)
_STATE = _Span(1, 3, 3)


class _Bad(Exception):
    """A field is malformed; `offset` is where, from the start of the field."""

    def __init__(self, detail: str, offset: int = 0) -> None:
        super().__init__(detail)
        self.detail = detail
        self.offset = offset


def parse_mrz(text: str, *, today: date) -> Mrz:
    """Parse the machine readable zone `text` of a TD1, TD2 or TD3 document.

    Rule: ICAO Doc 9303 parts 3-6. Lines are split on newlines (CR LF too); whitespace
    around the text and its lines is ignored and a-z read as A-Z; anything else but A-Z,
    0-9 and '<' is refused. Every check digit (7-3-1, `icao_check_digit`) must hold,
    the composite one included. A two-digit birth year takes the latest century that
    does not put the birth after `today`; an expiry year the century within 50 years of
    `today`. Raises `MrzError` naming every problem found, and nothing else.
    """
    lines = [line.strip() for line in text.strip().replace("\r\n", "\n").split("\n")]
    lines = [line.translate(_ASCII_UPPER) for line in lines]
    layout, problems = _layout(lines)
    problems += _characters(lines)
    if problems or layout is None:
        raise MrzError(problems)
    return _Fields(layout, lines, today).parse()


def _layout(lines: Sequence[str]) -> tuple[_Layout | None, list[MrzProblem]]:
    lengths = [len(line) for line in lines]
    if len(lines) == 3:
        layout = _TD1
    elif len(lines) == 2 and 44 in lengths:
        layout = _TD3
    elif len(lines) == 2 and 36 in lengths:
        layout = _TD2
    elif len(lines) == 2:
        return None, [
            MrzProblem(i, 0, "layout", f"a 2-line MRZ is TD3 (44 characters a line) or TD2 "
                       f"(36 characters a line); line {i} has {n}")
            for i, n in enumerate(lengths, 1)
        ]  # fmt: skip
    else:
        detail = (
            f"expected 2 lines (TD3: 2 x 44 characters, TD2: 2 x 36) or 3 lines "
            f"(TD1: 3 x 30), got {len(lines)}"
        )
        return None, [MrzProblem(0, 0, "layout", detail)]
    return layout, [
        MrzProblem(i, min(n, layout.width) + 1, "layout", f"{layout.format} ({layout.lines} "
                   f"lines) expects {layout.width} characters a line; line {i} has {n}")
        for i, n in enumerate(lengths, 1)
        if n != layout.width
    ]  # fmt: skip


def _characters(lines: Sequence[str]) -> list[MrzProblem]:
    return [
        MrzProblem(i, j, "character", f"{char!r} is not allowed; only A-Z, 0-9 and '<' are")
        for i, line in enumerate(lines, 1)
        for j, char in enumerate(line, 1)
        if char not in _ALLOWED
    ]


class _Fields:
    """Reads the fields of lines already known to be of `layout`, collecting problems."""

    def __init__(self, layout: _Layout, lines: Sequence[str], today: date) -> None:
        self.layout = layout
        self.lines = lines
        self.today = today
        self.problems: list[MrzProblem] = []

    def parse(self) -> Mrz:
        layout = self.layout
        number, optional = self._number_and_optional()
        code = self._read(_CODE, "document code", _document_code, "")
        no_names: _Names = ((), ())
        names = self._read(layout.names, "names", _names, no_names)
        issuing_state = self._read(_STATE, "issuing state", _state, "")
        nationality = self._read(layout.nationality, "nationality", _state, "")
        birth = self._read(layout.birth, "date of birth", lambda s: _birth(s, self.today), None)
        expiry = self._read(layout.expiry, "date of expiry", lambda s: _expiry(s, self.today), "")
        sex: Sex = self._read(layout.sex, "sex", _sex, "unspecified")
        self._check("date of birth", layout.birth)
        self._check("date of expiry", layout.expiry)
        if layout.optional_check is not None:
            self._check("optional data", layout.optional[0], layout.optional_check)
        self._check("composite", *layout.composite, layout.composite_check)
        if self.problems:
            raise MrzError(sorted(self.problems, key=lambda p: (p.line, p.column)))
        return Mrz(
            format=layout.format,
            document_code=code,
            issuing_state=issuing_state,
            issuing_state_alpha2=_alpha2(issuing_state),
            surnames=names[0],
            given_names=names[1],
            document_number=number,
            nationality=nationality,
            nationality_alpha2=_alpha2(nationality),
            date_of_birth=birth,
            sex=sex,
            date_of_expiry=expiry,
            optional_data=optional,
        )

    def _read(self, span: _Span, field: str, read: Callable[[str], _T], fallback: _T) -> _T:
        try:
            return read(span.text(self.lines))
        except _Bad as bad:
            self._problem(span, field, bad.detail, bad.offset)
            return fallback

    def _problem(self, span: _Span, field: str, detail: str, offset: int = 0) -> None:
        self.problems.append(MrzProblem(span.line, span.column + offset, field, detail))

    def _check(self, field: str, *spans: _Span) -> None:
        """Compare the digit after `spans` (the last span, or the next column) with theirs."""
        *fields, digit_span = spans if len(spans) > 1 else (*spans, _after(spans[0]))
        self._compare(field, "".join(s.text(self.lines) for s in fields), digit_span)

    def _compare(self, field: str, value: str, at: _Span) -> None:
        given = at.text(self.lines)
        expected = icao_check_digit(value)
        if field == "optional data" and value.strip(_FILLER) == "" and given in ("<", "0"):
            return  # part 4: an unused personal number may carry '<' or 0 as check digit
        if not given.isdigit():
            detail = f"{field} check digit must be a digit 0-9, found {given!r}"
        elif given != expected:
            detail = f"{field} check digit is {given} but the digits give {expected}"
        else:
            return
        self._problem(at, f"{field} check digit", detail)

    def _number_and_optional(self) -> tuple[str, tuple[str, ...]]:
        layout = self.layout
        number_span, digit_span = layout.number, _after(layout.number)
        raw = number_span.text(self.lines)
        optional = [span.text(self.lines).strip(_FILLER) for span in layout.optional]
        if layout.overflow and digit_span.text(self.lines) == _FILLER:
            # Parts 5 and 6, note j: a number longer than 9 continues in the optional
            # data, up to the next '<'; the last character before it is the check digit.
            first = layout.optional[0]
            extra = first.text(self.lines).split(_FILLER, 1)[0]
            if not extra:
                detail = "document number check digit is '<' but no overflow follows it"
                self._problem(first, "document number", detail)
                return raw.rstrip(_FILLER), tuple(optional)
            raw += extra[:-1]
            digit_span = _Span(first.line, first.column + len(extra) - 1, 1)
            optional[0] = first.text(self.lines)[len(extra) + 1 :].strip(_FILLER)
        self._compare("document number", raw, digit_span)
        number = raw.rstrip(_FILLER)
        if not number:
            self._problem(number_span, "document number", "document number is empty")
        return number, tuple(optional)


def _after(span: _Span) -> _Span:
    return _Span(span.line, span.column + span.width, 1)


def _alpha2(code: str) -> str | None:
    try:
        return from_alpha3(code)
    except CountryError:
        return None  # a code that names no state (XXA, UNO) or a specimen one (UTO)


def _document_code(raw: str) -> str:
    """Parts 4-6: a letter for the document type, then a letter or filler."""
    if not _CODE_RE.fullmatch(raw):
        raise _Bad(f"document code must be a letter then a letter or '<', found {raw!r}")
    if raw[0] == "V":
        raise _Bad("visas (document code V, Doc 9303 part 7) have another layout")
    return raw.strip(_FILLER)


def _state(raw: str) -> str:
    """Part 3: a three-letter code, or a shorter one padded with filler ('D<<')."""
    if not _STATE_RE.fullmatch(raw):
        raise _Bad(f"must be a code of letters A-Z padded with '<', found {raw!r}")
    return raw.rstrip(_FILLER)


def _names(raw: str) -> _Names:
    """Part 3, 4.6: primary and secondary identifier split on '<<', their parts on '<'."""
    digit = next((i for i, char in enumerate(raw) if char.isdigit()), None)
    if digit is not None:
        raise _Bad(f"names may not contain digits, found {raw[digit]!r}", digit)
    primary, _, secondary = raw.partition("<<")
    return _parts(primary), _parts(secondary)


def _parts(identifier: str) -> tuple[str, ...]:
    return tuple(part for part in identifier.split(_FILLER) if part)


def _sex(raw: str) -> Sex:
    if raw not in _SEX:
        raise _Bad(f"sex must be F, M, X or '<', found {raw!r}")
    return _SEX[raw]


def _birth(raw: str, today: date) -> str | None:
    """Part 3: YYMMDD where '<<' marks an unknown part; all filler, wholly unknown."""
    if raw == _FILLER * 6:
        return None
    pairs = [raw[0:2], raw[2:4], raw[4:6]]
    for offset, pair in zip((0, 2, 4), pairs, strict=True):
        if not (pair.isdigit() or pair == "<<"):
            raise _Bad(f"date of birth must be YYMMDD with '<<' for unknown parts, found {raw!r}",
                       offset)  # fmt: skip
    yy, mm, dd = pairs
    if yy == "<<" or (mm == "<<" and dd != "<<"):
        raise _Bad(f"date of birth {raw!r} gives a day or month but not what it belongs to")
    month, day = (None if p == "<<" else int(p) for p in (mm, dd))
    year = today.year - (today.year - int(yy)) % 100
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        year -= 100  # a birth cannot lie in the future
    _calendar("date of birth", raw, year, month or 1, day or 1)
    parts = [f"{year:04d}", *(f"{p:02d}" for p in (month, day) if p is not None)]
    return "-".join(parts)


def _expiry(raw: str, today: date) -> str:
    """Part 3: YYMMDD, all known; the century is the one within 50 years of `today`."""
    if not raw.isdigit():
        raise _Bad(f"date of expiry must be YYMMDD digits, found {raw!r}")
    earliest = today.year - 50
    year = earliest + (int(raw[:2]) - earliest) % 100
    return _calendar("date of expiry", raw, year, int(raw[2:4]), int(raw[4:6])).isoformat()


def _calendar(field: str, raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Bad(f"{field} {raw!r} is not a calendar date") from None
