"""Identifiers for demo alerts: national formats, valid check digits, never repeated.

Every value passes ``limes.domain.identifiers``: VINs carry the ISO 3779 check digit
(``vin_check_digit``) whatever their region, travel-document numbers come with their
ICAO 9303 check digit, IBANs have the ISO 7064 MOD 97-10 check digits for their
country's registered format, IMEIs a Luhn digit, container numbers the ISO 6346
check digit, card numbers a Luhn digit and ISINs their check digit.

Formats whose values share one key (plates and document numbers of one country,
VINs, containers, ...) are ``CodeSpace`` draws and so unique by construction; serial
numbers of many shapes go through ``UniqueValues``. Formats are modelled on real
ones (a German plate reads "B AB 1234", a French one "AB-123-CD"); they do not
claim every national rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from types import MappingProxyType

import stdnum.isin
import stdnum.iso6346
from stdnum import luhn, numdb
from stdnum.iso7064 import mod_97_10

from limes.demo.codes import (
    DIGITS,
    CodeSpace,
    Part,
    Spaces,
    UniqueValues,
    random_code,
)
from limes.domain.identifiers import icao_check_digit
from limes.domain.vehicle_identifiers import vin_check_digit

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # ISO 3779: no I, O, Q
# Model-year codes (position 10) for 2001-2030, cycling: digits 1-9, then A-Y without
# I, O, Q, U, Z.
_MODEL_YEAR = "123456789ABCDEFGHJKLMNPRSTVWXY"
_FR_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"  # SIV: no I, O, U
_IT_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"  # no I, O, Q, U
_ES_LETTERS = "BCDFGHJKLMNPRSTVWXYZ"  # consonants only
_NL_LETTERS = "BDFGHJKLNPRSTVXZ"
_SE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"
_GREEK_PLATE = "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek plate letters: those with a Latin twin
_CYRILLIC_PLATE = "АВЕКМНОРСТУХ"  # Bulgarian plate letters, likewise

_PLATES: Mapping[str, tuple[tuple[Part, ...], Mapping[str, str]]] = MappingProxyType(
    {
        "DE": ((("B", "M", "HH", "K", "F", "S", "D", "DO", "E", "HB", "H", "L", "N", "DD",
                 "KA", "MA", "BN", "A", "AC", "BI", "WI", "MZ", "KI", "HRO", "MD", "EF", "P"),
                " LL nddd"), {}),
        "FR": (("LL-ddd-LL",), {"L": _FR_LETTERS}),
        "NL": (("dd-LLL-d",), {"L": _NL_LETTERS}),
        "BE": (("n-LLL-ddd",), {}),
        "IT": (("LL dddLL",), {"L": _IT_LETTERS}),
        "ES": (("dddd LLL",), {"L": _ES_LETTERS}),
        "PT": (("LL-dd-LL",), {}),
        "PL": ((("WA", "WX", "WI", "KR", "KK", "PO", "PZ", "GD", "GA", "WR", "DW", "LU", "EL",
                 "SZ", "BI", "RZ", "OP", "TK", "CB"), " nddLL"), {}),
        "AT": ((("W", "G", "L", "S", "I", "K", "GU", "LL", "SL", "IL", "KL", "VB", "BN"),
                "-nddLL"), {}),
        "CH": ((("ZH", "BE", "LU", "SZ", "ZG", "FR", "SO", "BS", "BL", "SG", "GR", "AG", "TG",
                 "TI", "VD", "VS", "NE", "GE"), " nddddd"), {}),
        "LI": (("FL nddd",), {}),
        "SE": (("LLL ddx",), {"L": _SE_LETTERS, "x": _SE_LETTERS + DIGITS}),
        "DK": (("LL dd ddd",), {}),
        "NO": (("LL nnddd",), {}),
        "FI": (("LLL-nd",), {}),
        "IS": (("LL Lnd",), {}),
        "CZ": (("nRx dddd",), {"R": "ABCEHJKLMPSTUZ"}),
        "SK": ((("BA", "BL", "KE", "ZA", "NR", "TT", "PO", "BB", "TN"), "-dddLL"), {}),
        "HU": (("LLL-ddd",), {}),
        "RO": ((("B", "CJ", "TM", "IS", "CT", "BV", "PH", "DJ", "AG", "BH", "SB", "MS"),
                " nd LLL"), {}),
        "BG": ((("СА", "СВ", "РВ", "В", "А", "ВТ", "ЕН", "РА", "ТХ", "КН"), " dddd GG"),
               {"G": _CYRILLIC_PLATE}),
        "GR": (("GGG-nddd",), {"G": _GREEK_PLATE}),
        "HR": ((("ZG", "ST", "RI", "OS", "ZD", "PU", "SB", "KA", "VU", "DU"), " nddd-LL"), {}),
        "SI": ((("LJ", "MB", "CE", "KR", "KP", "NM", "PO", "GO", "SG", "MS", "KK"),
                " LL-nnd"), {}),
        "IE": ((("231", "232", "241", "242", "191", "192", "201", "202"),
                "-", ("D", "C", "G", "L", "W", "KY", "MO", "DL", "LH", "WX", "KE"), "-nddd"),
               {}),
        "LT": (("LLL ddd",), {}),
        "LV": (("LL-nddd",), {}),
        "EE": (("ddd LLL",), {}),
        "LU": (("LL nddd",), {}),
        "MT": (("LLL ddd",), {}),
        "CY": (("LLL ddd",), {}),
    }
)  # fmt: skip
"""Registration plate format per country: parts for ``CodeSpace`` and its alphabets."""

_AIRCRAFT: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "DE": ("D-E", "LLL"), "FR": ("F-G", "LLL"), "IT": ("I-", "LLLL"), "ES": ("EC-", "LLL"),
        "NL": ("PH-", "LLL"), "BE": ("OO-", "LLL"), "AT": ("OE-K", "LL"), "CH": ("HB-", "LLL"),
        "LI": ("HB-", "LLL"), "SE": ("SE-", "LLL"), "DK": ("OY-", "LLL"), "FI": ("OH-", "LLL"),
        "NO": ("LN-", "LLL"), "IS": ("TF-", "LLL"), "PL": ("SP-", "LLL"), "CZ": ("OK-", "LLL"),
        "SK": ("OM-", "LLL"), "HU": ("HA-", "LLL"), "RO": ("YR-", "LLL"), "BG": ("LZ-", "LLL"),
        "GR": ("SX-", "LLL"), "MT": ("9H-", "LLL"), "CY": ("5B-", "LLL"), "IE": ("EI-", "LLL"),
        "PT": ("CS-", "LLL"), "LU": ("LX-", "LLL"), "EE": ("ES-", "LLL"), "LV": ("YL-", "LLL"),
        "LT": ("LY-", "LLL"), "SI": ("S5-", "LLL"), "HR": ("9A-", "LLL"), "US": ("N", "nddLL"),
    }
)  # fmt: skip
"""Aircraft registration: the state's nationality mark (ICAO Annex 7) and mark shape.

Switzerland and Liechtenstein share the HB- register, so they share one code space.
"""

_NO_O = "ABCDEFGHIJKLMNPQRSTUVWXYZ"  # Dutch document numbers avoid the letter O
# Travel documents (passports, identity cards, residence permits): the number shape per
# issuing state, at most 9 characters so that the ICAO check digit covers all of it.
_TRAVEL_DOCUMENTS: Mapping[str, tuple[str, Mapping[str, str]]] = MappingProxyType(
    {
        "DE": ("Cxxxxxxxx", {"C": "CFGHJK", "x": "CFGHJKLMNPRTVWXYZ0123456789"}),
        "FR": ("ddLLddddd", {}),
        "IT": ("LLddddddd", {}),
        "ES": ("LLLdddddd", {}),
        "NL": ("LLxxxxxxd", {"L": _NO_O, "x": _NO_O + DIGITS}),
        "PL": ("LLddddddd", {}),
        "BE": ("LLdddddd", {}),
        "AT": ("Ldddddddd", {}),
        "CH": ("Lddddddd", {}),
        "SE": ("dddddddd", {}),
        "RU": ("ddddddddd", {}),
        "UA": ("LLdddddd", {}),
        "CN": ("Edddddddd", {}),
        "TR": ("Udddddddd", {}),
        "GB": ("ddddddddd", {}),
        "IN": ("Lddddddd", {}),
    }
)  # fmt: skip
_TRAVEL_DEFAULT: tuple[str, Mapping[str, str]] = ("LLddddddd", {})
# Other families get lengths no travel document has, so a country's families never meet.
_LICENCE = "LddLLdddddd"  # 11 characters
_REGISTRATION = "LLdddddddd"  # 10 characters

_IBAN_REGISTRY = numdb.get("iban")


class IdentifierFactory:
    """Draws every identifier the demo data needs from one seeded ``Random``."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.spaces = Spaces(rng)
        self.serials = UniqueValues()
        self.engine_numbers = UniqueValues()
        self.firearm_serials = UniqueValues()
        self.banknote_serials = UniqueValues()
        self._tacs = tuple(f"35{rng.randrange(10**6):06d}" for _ in range(40))

    # -- vehicles --------------------------------------------------------------------

    def vin(self, wmi: str, year: int) -> str:
        """A VIN of the maker ``wmi`` and model year ``year``, with its check digit."""
        rng = self.rng
        vds = random_code(rng, "vvvvv", {"v": _VIN_CHARS})
        tail = self.spaces.take(
            "vin", lambda r: CodeSpace(r, "pdddddd", alphabets={"p": _VIN_CHARS})
        )
        body = f"{wmi}{vds}0{_MODEL_YEAR[(year - 2001) % 30]}{tail}"
        return body[:8] + vin_check_digit(body) + body[9:]

    def plate(self, country: str) -> str:
        """A registration plate in the format of ``country`` (one space per country)."""
        spec, alphabets = _PLATES.get(country, (("LL dddd LL",), {}))
        return self.spaces.take(
            ("plate", country), lambda r: CodeSpace(r, *spec, alphabets=alphabets)
        )

    # -- documents ---------------------------------------------------------------------

    def travel_document(self, country: str) -> tuple[str, str]:
        """A passport or identity card number of ``country`` and its ICAO check digit."""
        shape, alphabets = _TRAVEL_DOCUMENTS.get(country, _TRAVEL_DEFAULT)
        number = self.spaces.take(
            ("document", country), lambda r: CodeSpace(r, shape, alphabets=alphabets)
        )
        return number, icao_check_digit(number.ljust(9, "<"))

    def licence(self, country: str) -> str:
        return self.spaces.take(("licence", country), lambda r: CodeSpace(r, _LICENCE))

    def registration_certificate(self, country: str) -> str:
        return self.spaces.take(("registration", country), lambda r: CodeSpace(r, _REGISTRATION))

    # -- watercraft, aircraft, containers ------------------------------------------------

    def hull_id(self, country: str, maker_code: str, year: int) -> str:
        """An ISO 10087 craft identification number: country, maker, serial, dates."""
        serial = self.spaces.take(
            "hin", lambda r: CodeSpace(r, "vvvvv", alphabets={"v": _VIN_CHARS})
        )
        month = "ABCDEFGHIJKL"[int(self.rng.random() * 12)]
        return f"{country}-{maker_code}{serial}{month}{year % 10}{(year + 1) % 100:02d}"

    def aircraft_registration(self, country: str) -> str:
        prefix, shape = _AIRCRAFT[country]
        register = "CH" if country == "LI" else country
        # US N-numbers never use I or O, which read as 1 and 0 (14 CFR 47.15)
        alphabets = {"L": "ABCDEFGHJKLMNPQRSTUVWXYZ"} if country == "US" else {}
        return self.spaces.take(
            ("aircraft", register), lambda r: CodeSpace(r, prefix, shape, alphabets=alphabets)
        )

    def container_number(self, owner: str) -> str:
        """An ISO 6346 number of the owner code ``owner`` (4 letters ending in U)."""
        serial = self.spaces.take(("container", owner), lambda r: CodeSpace(r, "dddddd"))
        body = owner + serial
        return body + stdnum.iso6346.calc_check_digit(body)

    # -- payments and devices ------------------------------------------------------------

    def iban(self, country: str) -> str:
        """An IBAN of ``country`` in its registered format with valid check digits.

        National check digits inside the account number are not computed (Limes does
        not check them either).
        """
        bban = self.spaces.take(("iban", country), lambda r: CodeSpace(r, _bban_shape(country)))
        return country + mod_97_10.calc_check_digits(bban + country) + bban

    def imei(self) -> str:
        """A 15-digit IMEI: a type allocation code, a serial, the Luhn digit."""
        body = self.spaces.take("imei", lambda r: CodeSpace(r, self._tacs, "dddddd"))
        return body + luhn.calc_check_digit(body)

    def card_number(self) -> str:
        """A 16-digit payment card number (Visa or Mastercard range) with its Luhn digit."""

        def draw() -> str:
            shape = "4dddddddddddddd" if self.rng.random() < 0.6 else "5mddddddddddddd"
            body = random_code(self.rng, shape, {"m": "12345"})
            return body + luhn.calc_check_digit(body)

        return self.serials.fresh(draw)

    def isin(self, country: str) -> str:
        def draw() -> str:
            body = country + random_code(self.rng, "ddddddddd")
            return body + stdnum.isin.calc_check_digit(body)

        return self.serials.fresh(draw)

    # -- serial numbers of many shapes -----------------------------------------------------

    def serial(self, shape: str) -> str:
        """A serial number of ``shape`` (L letter, d digit, x either), unique among serials."""
        return self.serials.fresh(lambda: random_code(self.rng, shape))

    def engine_number(self, shape: str) -> str:
        return self.engine_numbers.fresh(lambda: random_code(self.rng, shape))

    def firearm_serial(self, shape: str) -> str:
        return self.firearm_serials.fresh(lambda: random_code(self.rng, shape))

    def banknote_serial(self, shape: str) -> str:
        return self.banknote_serials.fresh(lambda: random_code(self.rng, shape))


def _bban_shape(country: str) -> str:
    """The BBAN format of ``country`` from stdnum's copy of the SWIFT IBAN registry."""
    ((prefix, properties), *_) = _IBAN_REGISTRY.info(country)
    structure = properties.get("bban") if prefix == country else None
    if not structure:
        raise ValueError(f"{country} issues no IBANs")
    return "".join({"n": "d", "a": "L", "c": "x"}[kind] * size for size, kind in _fields(structure))


def _fields(structure: str) -> list[tuple[int, str]]:
    """'8!n10!n' -> [(8, 'n'), (10, 'n')]."""
    out = []
    number = ""
    for char in structure:
        if char.isdigit():
            number += char
        elif char == "!":
            continue
        else:
            out.append((int(number), char))
            number = ""
    return out
