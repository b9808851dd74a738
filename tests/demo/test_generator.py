"""The demo generator: deterministic, complete, valid by construction, never repeating."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import islice

import pytest
import stdnum.iban
import stdnum.imei
import stdnum.isin
import stdnum.iso6346
from stdnum import luhn

from limes import codec
from limes.demo.codes import CodeSpace, SpaceExhausted
from limes.demo.generator import REFERENCE_DATE, DemoGenerator, generate
from limes.demo.persons import THIRD_COUNTRY_CATEGORIES
from limes.demo.places import ISSUING_WEIGHTS
from limes.domain.alerts import AlertContent, Name
from limes.domain.categories import (
    CATEGORIES,
    CHILD_CATEGORIES,
    CategoryCode,
    ObjectType,
    SubjectKind,
)
from limes.domain.countries import MEMBER_STATES
from limes.domain.identifiers import IdentifierKind, validate_document_number
from limes.domain.latin_names import is_latin_name
from limes.domain.match_keys import content_keys
from limes.domain.validation import validate_content
from limes.domain.vehicle_identifiers import vin_check_digit

SEED = 1  # one seed for the module: Faker's name pools are built once per seed
TODAY = date.today()

Alerts = list[tuple[str, AlertContent]]


@pytest.fixture(scope="module")
def alerts() -> Alerts:
    """3,000 alerts: 1,000 on persons, 2,000 on objects."""
    return list(generate(1000, 2000, SEED))


def _names(content: AlertContent) -> list[Name]:
    person = content.person
    if person is None:
        return []
    names = [*person.surnames, *person.forenames, *person.names_at_birth]
    for alias in person.aliases:
        names += [*alias.surnames, *alias.forenames]
    return names


# -- determinism ------------------------------------------------------------------------


def test_same_seed_same_alerts(alerts: Alerts) -> None:
    again = list(generate(1000, 2000, SEED))
    assert [(s, codec.encode(c)) for s, c in again] == [(s, codec.encode(c)) for s, c in alerts]


def test_other_seed_other_alerts() -> None:
    one = [codec.encode(c) for _, c in generate(20, 50, SEED)]
    other = [codec.encode(c) for _, c in generate(20, 50, SEED + 1)]
    assert len(one) == len(other) == 70
    assert sum(a != b for a, b in zip(one, other, strict=True)) > 60


def test_a_prefix_is_the_start_of_a_larger_set() -> None:
    small = [codec.encode(c) for _, c in generate(0, 100, SEED)]
    large = [codec.encode(c) for _, c in islice(generate(0, 1000, SEED), 100)]
    assert small == large


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        generate(-1, 0, SEED)


# -- coverage ---------------------------------------------------------------------------


def test_every_member_state_issues(alerts: Alerts) -> None:
    assert set(ISSUING_WEIGHTS) == MEMBER_STATES
    assert {state for state, _ in alerts} == MEMBER_STATES


def test_every_category_and_object_type_is_present(alerts: Alerts) -> None:
    assert {c.category for _, c in alerts} == set(CategoryCode)
    pairs = {(c.object.type, c.category) for _, c in alerts if c.object is not None}
    for code in (CategoryCode.OBJECT_SEIZURE, CategoryCode.OBJECT_CHECK):
        for object_type in CATEGORIES[code].object_types:
            assert (object_type, code) in pairs
    assert {t for t, _ in pairs} == set(ObjectType)


def test_persons_then_objects(alerts: Alerts) -> None:
    subjects = [CATEGORIES[c.category].subject for _, c in alerts]
    assert subjects == [SubjectKind.PERSON] * 1000 + [SubjectKind.OBJECT] * 2000


def test_weights_shape_the_set(alerts: Alerts) -> None:
    categories = Counter(c.category for _, c in alerts)
    assert categories[CategoryCode.REFUSAL_OF_ENTRY] > categories[CategoryCode.ARREST]
    types = Counter(c.object.type for _, c in alerts if c.object)
    assert types.most_common(1)[0][0] is ObjectType.ISSUED_DOCUMENT


# -- validity ---------------------------------------------------------------------------


def test_every_alert_validates(alerts: Alerts) -> None:
    for _, content in alerts:  # and the canonical form is a fixed point
        once = validate_content(content, TODAY)
        assert validate_content(once, TODAY) == once
        assert validate_content(content, REFERENCE_DATE) == once


def test_no_subject_repeats(alerts: Alerts) -> None:
    keys = Counter(k for _, c in alerts for k in content_keys(validate_content(c, TODAY)))
    assert [k for k, n in keys.items() if n > 1] == []


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


# -- people -----------------------------------------------------------------------------


def test_scripts_are_kept_with_a_latin_form(alerts: Alerts) -> None:
    names = [n for _, c in alerts for n in _names(c)]
    scripts = Counter(n.script for n in names)
    assert {"Cyrl", "Grek", "Arab", "Geor", "Armn", "Hebr", "Hans", None} <= set(scripts)
    for name in names:
        assert is_latin_name(name.latin), name
        assert (name.script is None) == (name.original is None)


def test_many_nationalities(alerts: Alerts) -> None:
    nationalities = {n for _, c in alerts if c.person for n in c.person.nationalities}
    assert len(nationalities) > 40


def test_categories_get_the_people_they_are_for(alerts: Alerts) -> None:
    for _, content in alerts:
        person = content.person
        if person is None:
            continue
        if content.category in THIRD_COUNTRY_CATEGORIES:
            assert not set(person.nationalities) & MEMBER_STATES
        if content.category in CHILD_CATEGORIES:
            assert person.date_of_birth is not None
            assert int(person.date_of_birth[:4]) >= REFERENCE_DATE.year - 18
        if content.category is CategoryCode.UNKNOWN_WANTED:
            assert not person.surnames and content.biometrics


def test_dates_of_birth_vary_in_precision(alerts: Alerts) -> None:
    lengths = Counter(len(c.person.date_of_birth or "") for _, c in alerts if c.person)
    assert lengths[10] > lengths[7] > 0 and lengths[4] > 0


def test_documents_warnings_aliases_decisions(alerts: Alerts) -> None:
    persons = [c for _, c in alerts if c.person is not None]
    assert any(len(c.person.documents) == 2 for c in persons if c.person)
    assert any(c.person.aliases for c in persons if c.person)
    assert any(c.warnings for c in persons)
    for content in persons:
        category = CATEGORIES[content.category]
        assert set(content.warnings) <= category.warnings
        if category.requires_national_decision:
            assert content.national_decision is not None
        assert (content.return_details is not None) == category.requires_return_details


# -- code spaces ------------------------------------------------------------------------


def test_code_space_never_repeats_and_says_when_it_is_used_up() -> None:
    from random import Random

    space = CodeSpace(Random(3), ("A", "BC"), "-dd", alphabets={})
    codes = [space.take() for _ in range(space.capacity)]
    assert space.capacity == 200
    assert len(set(codes)) == 200
    assert all(c[-3] == "-" for c in codes)
    with pytest.raises(SpaceExhausted):
        space.take()


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


def test_a_full_aircraft_register_falls_back_to_a_large_one() -> None:
    # Austria's register (OE-Kxx) holds 676 marks; a large demo set must not stop there
    generator = DemoGenerator(3)
    marks = []
    for _ in range(800):
        ident = generator.objects.aircraft("AT").identifiers[0]
        marks.append((ident.country, ident.value))
    assert len(set(marks)) == 800
    assert {country for country, _ in marks} == {"AT", "US"}
    assert sum(country == "AT" for country, _ in marks) <= 676
