"""Country codes: ISO 3166-1 alpha-2 inside the system, alpha-3 at the ICAO Doc 9303 edge.

Every country a record names is held as an upper-case ISO 3166-1 alpha-2 code. Travel
documents (ICAO Doc 9303) carry three-letter codes instead; `alpha3` and `from_alpha3`
translate at that edge. The code tables come from pycountry and are read once, on first
use, then kept (`functools.cache`), because these checks run for every record of a bulk
load.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pycountry

__all__ = [
    "MEMBER_STATES",
    "CountryError",
    "alpha3",
    "country",
    "from_alpha3",
    "member_state",
]

MEMBER_STATES: frozenset[str] = frozenset(
    {
        # The 27 member states of the European Union ...
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        # ... and the four Schengen associated states.
        "CH", "IS", "LI", "NO",
    }
)  # fmt: skip
"""The 31 states that operate the Schengen Information System.

These are the 27 EU member states and the four Schengen associated states Iceland,
Liechtenstein, Norway and Switzerland, the states bound by Regulations (EU) 2018/1860,
2018/1861 and 2018/1862 on SIS. Ireland and Cyprus operate SIS although they do not
(yet) apply the whole Schengen acquis. Greece is 'GR' here, as in ISO 3166-1, not the
'EL' that EU texts use.
"""

# Kosovo has no ISO 3166-1 code; 'XK' (user-assigned) is what the EU and issuing
# authorities use, and its documents carry 'RKS' where ICAO codes are expected.
_KOSOVO = "XK"
_KOSOVO_ALPHA3 = "XKX"

# ICAO Doc 9303 part 3 codes for states that differ from ISO 3166-1 alpha-3.
_ICAO_ALPHA3: Mapping[str, str] = MappingProxyType(
    {
        "D": "DE",  # Germany: ICAO's one-letter code
        "RKS": _KOSOVO,  # Kosovo, as printed on its passports
        "GBD": "GB",  # British Overseas Territories citizen
        "GBN": "GB",  # British National (Overseas)
        "GBO": "GB",  # British Overseas citizen
        "GBP": "GB",  # British protected person
        "GBS": "GB",  # British subject
    }
)

# ICAO Doc 9303 part 3 codes that name no state: refused with what they do mean.
_ICAO_NON_STATES: Mapping[str, str] = MappingProxyType(
    {
        "UNO": "the United Nations Organization",
        "UNA": "a specialized agency of the United Nations",
        "UNK": "the UN Interim Administration Mission in Kosovo",
        "EUE": "the European Union",
        "XOM": "the Sovereign Military Order of Malta",
        "XPO": "Interpol",
        "XXA": "a stateless person",
        "XXB": "a refugee (1951 Convention)",
        "XXC": "a refugee (other than the 1951 Convention)",
        "XXX": "a person of unspecified nationality",
    }
)

# Exceptionally reserved alpha-2 codes that people write for a state that has another.
_RESERVED_ALPHA2: Mapping[str, str] = MappingProxyType({"UK": "GB", "EL": "GR"})


class CountryError(ValueError):
    """A country code is malformed, unassigned or not allowed where it was given."""


@dataclass(frozen=True, slots=True)
class _Tables:
    alpha2_to_alpha3: Mapping[str, str]
    alpha3_to_alpha2: Mapping[str, str]


@functools.cache
def _tables() -> _Tables:
    alpha2_to_alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    alpha2_to_alpha3[_KOSOVO] = _KOSOVO_ALPHA3
    alpha3_to_alpha2 = {a3: a2 for a2, a3 in alpha2_to_alpha3.items()}
    return _Tables(
        alpha2_to_alpha3=MappingProxyType(alpha2_to_alpha3),
        alpha3_to_alpha2=MappingProxyType(alpha3_to_alpha2),
    )


def country(code: str) -> str:
    """Return `code` if it is an assigned, upper-case ISO 3166-1 alpha-2 code.

    Rule: ISO 3166-1 alpha-2, as pycountry lists it, plus 'XK' for Kosovo (user-assigned,
    but used in travel documents and by the EU). Nothing is corrected silently: a
    lower-case, alpha-3 or ICAO code is refused with the code to use instead.
    """
    tables = _tables()
    if code in tables.alpha2_to_alpha3:
        return code
    raise CountryError(_why_not_alpha2(code, tables))


def _why_not_alpha2(code: str, tables: _Tables) -> str:
    upper = code.upper()
    if upper != code:
        hint = f"; use {upper!r}" if upper in tables.alpha2_to_alpha3 else ""
        return f"{code!r} must be upper case{hint}"
    if code in _RESERVED_ALPHA2:
        use = _RESERVED_ALPHA2[code]
        return f"{code!r} is not an assigned ISO 3166-1 alpha-2 code; use {use!r}"
    suggestion = tables.alpha3_to_alpha2.get(code) or _ICAO_ALPHA3.get(code)
    if suggestion is not None:
        return f"{code!r} is not an ISO 3166-1 alpha-2 code; use {suggestion!r}"
    if len(code) == 2 and code.isascii() and code.isalpha():
        return f"{code!r} is not an assigned ISO 3166-1 alpha-2 code"
    return f"{code!r} is not an ISO 3166-1 alpha-2 code (two letters A-Z)"


def member_state(code: str) -> str:
    """Return `code` if it is a valid country code (see `country`) in `MEMBER_STATES`."""
    if country(code) not in MEMBER_STATES:
        raise CountryError(f"{code!r} is not a member state operating the system")
    return code


def alpha3(code: str) -> str:
    """Return the ISO 3166-1 alpha-3 code of the alpha-2 `code` ('DE' -> 'DEU').

    'XK' (Kosovo) gives the user-assigned 'XKX'. The result is ISO's code even where
    ICAO Doc 9303 prints another ('D' for Germany); `from_alpha3` reads both.
    """
    return _tables().alpha2_to_alpha3[country(code)]


def from_alpha3(code: str) -> str:
    """Return the ISO 3166-1 alpha-2 code for an alpha-3 or ICAO Doc 9303 code.

    Rule: ISO 3166-1 alpha-3 ('DEU' -> 'DE'), 'XKX' and 'RKS' for Kosovo, and the ICAO
    Doc 9303 part 3 codes that differ from ISO: 'D' for Germany and the British
    nationality codes 'GBD', 'GBN', 'GBO', 'GBP', 'GBS' (-> 'GB'). Codes that name no
    state ('XXA' stateless, 'UNO' United Nations, ...) are refused with their meaning.
    """
    tables = _tables()
    found = tables.alpha3_to_alpha2.get(code) or _ICAO_ALPHA3.get(code)
    if found is not None:
        return found
    upper = code.upper()
    if upper != code:
        known = upper in tables.alpha3_to_alpha2 or upper in _ICAO_ALPHA3
        hint = f"; use {upper!r}" if known else ""
        raise CountryError(f"{code!r} must be upper case{hint}")
    if code in _ICAO_NON_STATES:
        raise CountryError(f"{code!r} stands for {_ICAO_NON_STATES[code]}, not a state")
    if code in tables.alpha2_to_alpha3:
        raise CountryError(f"{code!r} is an alpha-2 code; use {tables.alpha2_to_alpha3[code]!r}")
    if len(code) == 3 and code.isascii() and code.isalpha():
        raise CountryError(f"{code!r} is not an assigned ISO 3166-1 alpha-3 code")
    raise CountryError(f"{code!r} is not an ISO 3166-1 alpha-3 code (three letters A-Z)")
