"""Fuzzing every parser of outside input: it accepts, or refuses with its own error and a reason.

Parsers: the alert document (``codec.parse`` into ``AlertContent``, then the domain's
``validate_content``), every identifier check, the country codes, partial dates, the
``X-Limes-Unsafe-Principal`` header and ``If-Match``. Inputs are arbitrary (bytes,
text with lone surrogates and control characters) and near-valid (valid documents and
identifiers with a few edits), since that is where parsers break. ``make fuzz`` runs
the same properties with many more examples (``fuzzing.FUZZ``).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from tests.factories import PERSON, VEHICLE
from tests.security.fuzzing import FUZZ, any_text, get, json_values, near, paths, tricky_text

from limes import codec
from limes.api.auth import parse_principal
from limes.api.deps import expected_version
from limes.domain import countries
from limes.domain.alerts import AlertContent, MisusedIdentity
from limes.domain.countries import CountryError
from limes.domain.identifiers import (
    VALIDATORS,
    IdentifierError,
    IdentifierKind,
    canonical,
    icao_check_digit,
    validate,
    validate_document_number,
)
from limes.domain.validation import normalize_partial_date, validate_content
from limes.domain.vehicle_identifiers import validate_vin, vin_check_digit
from limes.errors import (
    InvalidInput,
    LimesError,
    PreconditionRequired,
    Unauthenticated,
    VersionMismatch,
)

TODAY = date(2026, 6, 1)


def refused_well(exc: Exception) -> None:
    """A refusal must say what is wrong: a message, and for a document each field's reason."""
    assert str(exc).strip(), f"{type(exc).__name__} without a message"
    if isinstance(exc, LimesError):
        assert exc.detail.strip()
    if isinstance(exc, InvalidInput):
        for error in exc.errors:
            assert error.detail.strip(), f"field error at {error.pointer!r} without a reason"
            assert error.pointer == "" or error.pointer.startswith("/")


# -- the alert document ----------------------------------------------------------------


def parse_and_validate(raw: bytes) -> AlertContent | None:
    """The door's path for a body: strict parse, then the domain's checks."""
    try:
        content = codec.parse(AlertContent, raw)
        return validate_content(content, TODAY)
    except InvalidInput as exc:
        refused_well(exc)
        return None


@FUZZ
@given(raw=st.binary(max_size=2048))
@example(raw=b"")
@example(raw=b"\xff\xfe{}")
@example(raw=b'{"category": "arrest"' + b" " * 10)
@example(raw=b"[" * 5000 + b"]" * 5000)
@example(raw=b'{"a": 1e999999}')
def test_alert_document_from_arbitrary_bytes(raw: bytes) -> None:
    parse_and_validate(raw)


@FUZZ
@given(text=any_text)
def test_alert_document_from_arbitrary_text(text: str) -> None:
    try:
        codec.parse(AlertContent, text)
    except InvalidInput as exc:
        refused_well(exc)


@st.composite
def mutated_document(draw: st.DrawFn) -> dict[str, Any]:
    """PERSON or VEHICLE with a few locations replaced, removed or given an extra key."""
    document = copy.deepcopy(draw(st.sampled_from([PERSON, VEHICLE])))
    for _ in range(draw(st.integers(1, 4))):
        locations = paths(document)
        where = draw(st.sampled_from(locations))
        action = draw(st.sampled_from(["replace", "delete", "add", "near"]))
        if where == ():
            continue
        parent = get(document, where[:-1])
        key = where[-1]
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(any_text | st.sampled_from(["person", "object", "extra"]))] = draw(
                json_values
            )
        elif action == "near" and isinstance(parent[key], str):
            parent[key] = draw(near(parent[key]))
    return document


@FUZZ
@given(document=mutated_document())
def test_alert_document_mutated(document: dict[str, Any]) -> None:
    try:
        raw = orjson.dumps(document)
    except (TypeError, orjson.JSONEncodeError):  # e.g. integers beyond 64 bits
        raw = repr(document).encode("utf-8", "surrogatepass")
    parse_and_validate(raw)


@FUZZ
@given(
    base=st.sampled_from([PERSON, VEHICLE]),
    cut=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
)
def test_alert_document_with_damaged_bytes(
    base: dict[str, Any], cut: int, flips: list[tuple[int, int]]
) -> None:
    raw = bytearray(orjson.dumps(base))
    for position, value in flips:
        raw[position % len(raw)] = value
    parse_and_validate(bytes(raw[: max(1, cut % (len(raw) + 1))]))


def test_valid_documents_pass() -> None:
    """The fuzzing starts from documents the parser accepts, or it fuzzes nothing."""
    for base in (PERSON, VEHICLE):
        assert parse_and_validate(orjson.dumps(base)) is not None


@FUZZ
@given(data=json_values)
def test_misused_identity_document(data: Any) -> None:
    try:
        raw = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):
        return
    try:
        from limes.domain.validation import validate_misused_identity

        validate_misused_identity(codec.parse(MisusedIdentity, raw), TODAY)
    except InvalidInput as exc:
        refused_well(exc)


# -- identifiers -----------------------------------------------------------------------

SAMPLES: dict[IdentifierKind, str] = {
    IdentifierKind.VIN: "1M8GDM9AXKP042788",
    IdentifierKind.PLATE: "B-MW 1234",
    IdentifierKind.DOCUMENT_NUMBER: "L898902C3",
    IdentifierKind.FIREARM_SERIAL: "AB-1234",
    IdentifierKind.HULL_ID: "FR-ABC12345A606",
    IdentifierKind.AIRCRAFT_REGISTRATION: "D-ABCD",
    IdentifierKind.IBAN: "DE89 3704 0044 0532 0130 00",
    IdentifierKind.IMEI: "490154203237518",
    IdentifierKind.CONTAINER_NUMBER: "CSQU3054383",
    IdentifierKind.SERIAL: "X1",
    IdentifierKind.BANKNOTE_SERIAL: "EA1234567890",
    IdentifierKind.ENGINE_NUMBER: "1.9 TDI 123",
}


def test_every_identifier_kind_is_fuzzed() -> None:
    assert set(SAMPLES) == set(VALIDATORS) == set(IdentifierKind)


def identifier_inputs(kind: IdentifierKind) -> st.SearchStrategy[str]:
    return any_text | tricky_text | near(SAMPLES[kind])


@pytest.mark.parametrize("kind", list(IdentifierKind), ids=str)
def test_identifier_validator(kind: IdentifierKind) -> None:
    check = VALIDATORS[kind]

    @FUZZ
    @given(value=identifier_inputs(kind))
    def prop(value: str) -> None:
        try:
            result = check(value)
        except IdentifierError as exc:
            refused_well(exc)
            return
        assert isinstance(result, str)
        assert result
        assert result.isascii()
        assert check(result) == result, "a canonical identifier must pass as itself"
        assert validate(kind, value) == result

    prop()


ANY_CHECK: list[Callable[[str], str]] = [canonical, icao_check_digit, vin_check_digit]


@pytest.mark.parametrize("check", ANY_CHECK, ids=lambda c: c.__name__)
def test_identifier_helpers(check: Callable[[str], str]) -> None:
    @FUZZ
    @given(value=any_text | tricky_text | near("L898902C3<") | near("1M8GDM9AXKP042788"))
    def prop(value: str) -> None:
        try:
            result = check(value)
        except IdentifierError as exc:
            refused_well(exc)
            return
        assert isinstance(result, str)
        assert result

    prop()


@FUZZ
@given(
    value=any_text | near("L898902C3"),
    check_digit=st.none() | any_text | st.sampled_from("0123456789"),
)
def test_document_number_with_check_digit(value: str, check_digit: str | None) -> None:
    try:
        validate_document_number(value, check_digit)
    except IdentifierError as exc:
        refused_well(exc)


@FUZZ
@given(value=any_text | near("1M8GDM9AXKP042788"), required=st.none() | st.booleans())
def test_vin_with_or_without_check_digit(value: str, required: bool | None) -> None:
    try:
        validate_vin(value, require_check_digit=required)
    except IdentifierError as exc:
        refused_well(exc)


@FUZZ
@given(kind=any_text, value=any_text)
def test_validate_with_an_unknown_kind(kind: str, value: str) -> None:
    try:
        validate(kind, value)  # type: ignore[arg-type]  # what an untyped caller sends
    except IdentifierError as exc:
        refused_well(exc)


# -- countries -------------------------------------------------------------------------

COUNTRY_CHECKS: list[Callable[[str], str]] = [
    countries.country,
    countries.member_state,
    countries.alpha3,
    countries.from_alpha3,
]
codes = any_text | st.text(st.sampled_from("ADEGKRSUXZdeu<Ё\u0130\u0131"), max_size=4)


@pytest.mark.parametrize("check", COUNTRY_CHECKS, ids=lambda c: c.__name__)
def test_country_codes(check: Callable[[str], str]) -> None:
    @FUZZ
    @given(code=codes | near("DE") | near("DEU") | near("XK"))
    def prop(code: str) -> None:
        try:
            result = check(code)
        except CountryError as exc:
            refused_well(exc)
            return
        assert result.isascii()
        assert result.isupper()

    prop()


# -- partial dates ---------------------------------------------------------------------


@FUZZ
@given(value=any_text | near("1984-03-17") | near("1980-00-00") | st.dates().map(str))
@example(value="1984-02-30")
@example(value="١٩٨٤")  # Arabic-Indic digits: \d without ASCII would take them
@example(value="9999-12-31")
@example(value="0000-00-00")
def test_partial_date(value: str) -> None:
    canonical_date, error = normalize_partial_date(value)
    if canonical_date is None:
        assert error
        return
    assert error is None
    assert canonical_date.isascii()
    assert normalize_partial_date(canonical_date) == (canonical_date, None)


# -- the HTTP door's headers -----------------------------------------------------------

ROLE_NAMES = ["sirene_operator", "border_guard", "system_operator", "nobody", ""]


@st.composite
def principal_headers(draw: st.DrawFn) -> str:
    user = draw(st.sampled_from(["demo", "a", "x" * 64, "x" * 65, "dé", ""]) | any_text)
    authority = draw(st.sampled_from(["SIRENE", "BKA", "a.b-c_d"]) | any_text)
    state = draw(st.sampled_from(["DE", "FR", "GB", "de", "DEU", "EU", "XK", ""]) | any_text)
    roles = ",".join(draw(st.lists(st.sampled_from(ROLE_NAMES) | any_text, max_size=3)))
    return f"{user}@{authority}/{state};roles={roles}"


@FUZZ
@given(value=any_text | principal_headers() | near("demo@SIRENE/DE;roles=sirene_operator"))
@example(value="demo@SIRENE/DE;roles=sirene_operator")
@example(value="demo@SIRENE/DE;roles=")
@example(value="demo@SIRENE/DE;roles=,")
def test_unsafe_principal_header(value: str) -> None:
    try:
        principal = parse_principal(value)
    except Unauthenticated as exc:
        refused_well(exc)
        return
    assert principal.roles
    assert countries.member_state(principal.member_state) == principal.member_state


@FUZZ
@given(value=st.none() | any_text | near('"3"') | near('W/"3"'))
@example(value='"0"')
@example(value='"' + "9" * 18 + '"')
@example(value='"' + "9" * 19 + '"')
def test_if_match_header(value: str | None) -> None:
    try:
        version = asyncio.run(expected_version(value))
    except (InvalidInput, PreconditionRequired, VersionMismatch) as exc:
        refused_well(exc)
        return
    assert version >= 1
