"""Identifiers of demo alerts: valid check digits, plates of many countries, and
aircraft registrations of every register.
"""

from __future__ import annotations

from collections import Counter

import pytest
import stdnum.iban
import stdnum.imei
import stdnum.isin
import stdnum.iso6346
from stdnum import luhn
from tests.demo.conftest import Alerts

from limes.domain.identifiers import IdentifierKind, validate_document_number
from limes.domain.vehicle_identifiers import vin_check_digit


def test_check_digits(alerts: Alerts) -> None:
    seen: Counter[str] = Counter()
    for _, content in alerts:
        if content.person is not None:
            for doc in content.person.documents:
                if doc.check_digit is not None:
                    validate_document_number(doc.number, doc.check_digit)
                    seen["icao"] += 1
        if content.object is None:
            continue
        for ident in content.object.identifiers:
            value = ident.value
            if ident.kind is IdentifierKind.VIN:
                assert value[8] == vin_check_digit(value)
                seen["vin"] += 1
            elif ident.kind is IdentifierKind.IBAN:
                assert stdnum.iban.is_valid(value, check_country=False)
                seen["iban"] += 1
            elif ident.kind is IdentifierKind.IMEI:
                assert stdnum.imei.is_valid(value) and len(value) == 15
                seen["imei"] += 1
            elif ident.kind is IdentifierKind.CONTAINER_NUMBER:
                assert stdnum.iso6346.is_valid(value)
                seen["container"] += 1
            elif ident.kind is IdentifierKind.SERIAL and content.object.attributes.payment_type:
                if content.object.attributes.payment_type == "payment card":
                    assert luhn.is_valid(value) and len(value) == 16
                    seen["card"] += 1
                elif content.object.attributes.payment_type in ("bond", "share certificate"):
                    assert stdnum.isin.is_valid(value)
                    seen["isin"] += 1
    assert set(seen) == {"icao", "vin", "iban", "imei", "container", "card", "isin"}


def test_plates_carry_their_country(alerts: Alerts) -> None:
    plates = [
        i
        for _, c in alerts
        if c.object is not None
        for i in c.object.identifiers
        if i.kind is IdentifierKind.PLATE
    ]
    assert len({p.country for p in plates}) > 10
    assert all(p.country is not None for p in plates)


@pytest.mark.parametrize("country", ["US", "DE", "CH", "LI", "MT"])
def test_aircraft_registrations_of_every_register_validate(country: str) -> None:
    # A whole code space's worth of draws: US N-numbers must avoid I and O (14 CFR 47.15).
    from random import Random

    from limes.demo.identifiers import IdentifierFactory
    from limes.domain.vehicle_identifiers import validate_aircraft_registration

    factory = IdentifierFactory(Random(3))
    for _ in range(2000):
        registration = factory.aircraft_registration(country)
        assert validate_aircraft_registration(registration) == registration
