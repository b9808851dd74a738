"""Country codes: a table of codes that must pass and codes that must be refused, and why."""

from __future__ import annotations

import pycountry
import pytest

from limes.domain.countries import (
    MEMBER_STATES,
    CountryError,
    alpha3,
    country,
    from_alpha3,
    member_state,
)


def test_member_states_are_the_31_states_operating_sis() -> None:
    assert len(MEMBER_STATES) == 31
    assert {"IS", "LI", "NO", "CH", "IE", "CY", "GR"} <= MEMBER_STATES
    assert not {"GB", "EL", "UK", "US", "TR"} & MEMBER_STATES
    assert all(country(code) == code for code in MEMBER_STATES)


@pytest.mark.parametrize("code", ["DE", "FR", "GR", "CH", "US", "GB", "TR", "XK"])
def test_country_accepts(code: str) -> None:
    assert country(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("de", "'de' must be upper case; use 'DE'"),
        ("zz", "'zz' must be upper case$"),
        ("DEU", "'DEU' is not an ISO 3166-1 alpha-2 code; use 'DE'"),
        ("D", "'D' is not an ISO 3166-1 alpha-2 code; use 'DE'"),
        ("ZZ", "'ZZ' is not an assigned ISO 3166-1 alpha-2 code$"),
        ("UK", "'UK' is not an assigned ISO 3166-1 alpha-2 code; use 'GB'"),
        ("EL", "'EL' is not an assigned ISO 3166-1 alpha-2 code; use 'GR'"),
        ("1X", r"'1X' is not an ISO 3166-1 alpha-2 code \(two letters A-Z\)"),
        ("", r"'' is not an ISO 3166-1 alpha-2 code"),
        (" DE", r"' DE' is not an ISO 3166-1 alpha-2 code"),
        ("ÄB", r"'ÄB' is not an ISO 3166-1 alpha-2 code \(two letters A-Z\)"),
    ],
)
def test_country_refuses(code: str, message: str) -> None:
    with pytest.raises(CountryError, match=message):
        country(code)


def test_country_error_is_a_value_error() -> None:
    assert issubclass(CountryError, ValueError)


@pytest.mark.parametrize("code", ["DE", "AT", "CH", "IS", "LI", "NO", "IE", "CY", "BG", "RO"])
def test_member_state_accepts(code: str) -> None:
    assert member_state(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("US", "'US' is not a member state operating the system"),
        ("GB", "'GB' is not a member state operating the system"),
        ("XK", "'XK' is not a member state operating the system"),
        ("de", "'de' must be upper case"),
        ("DEU", "use 'DE'"),
    ],
)
def test_member_state_refuses(code: str, message: str) -> None:
    with pytest.raises(CountryError, match=message):
        member_state(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("DE", "DEU"), ("GR", "GRC"), ("CH", "CHE"), ("GB", "GBR"), ("XK", "XKX")],
)
def test_alpha3(code: str, expected: str) -> None:
    assert alpha3(code) == expected


@pytest.mark.parametrize("code", ["de", "DEU", "ZZ"])
def test_alpha3_refuses_what_country_refuses(code: str) -> None:
    with pytest.raises(CountryError):
        alpha3(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DEU", "DE"),
        ("D", "DE"),  # ICAO Doc 9303's code for Germany
        ("GRC", "GR"),
        ("CHE", "CH"),
        ("XKX", "XK"),
        ("RKS", "XK"),  # Kosovo, as printed on its passports
        ("GBD", "GB"),  # British Overseas Territories citizen
        ("GBR", "GB"),
    ],
)
def test_from_alpha3(code: str, expected: str) -> None:
    assert from_alpha3(code) == expected


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("deu", "'deu' must be upper case; use 'DEU'"),
        ("DE", "'DE' is an alpha-2 code; use 'DEU'"),
        ("XXA", "'XXA' stands for a stateless person, not a state"),
        ("UNO", "'UNO' stands for the United Nations Organization, not a state"),
        ("ZZZ", "'ZZZ' is not an assigned ISO 3166-1 alpha-3 code$"),
        ("AB1", r"'AB1' is not an ISO 3166-1 alpha-3 code \(three letters A-Z\)"),
        ("", "'' is not an ISO 3166-1 alpha-3 code"),
    ],
)
def test_from_alpha3_refuses(code: str, message: str) -> None:
    with pytest.raises(CountryError, match=message):
        from_alpha3(code)


def test_alpha3_round_trips_for_every_country() -> None:
    codes = [c.alpha_2 for c in pycountry.countries]
    assert len(codes) > 240
    for code in [*codes, "XK"]:
        assert from_alpha3(alpha3(code)) == code
