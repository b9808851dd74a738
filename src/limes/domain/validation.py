"""Semantic validation of alert content against the category table.

The doors have already checked shapes, types and sizes. This module checks what
only the domain knows: which fields a category needs or forbids, that countries are
ISO 3166 codes, dates are real and not in the future, identifiers pass their
standard's checks. It returns the content in canonical form (identifiers
normalised, Unicode in NFC) or raises ``InvalidInput`` listing every problem found,
each with a JSON pointer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, replace
from datetime import date
from operator import attrgetter

import pycountry

from limes.domain.alerts import (
    AlertContent,
    IdentityDocument,
    MisusedIdentity,
    Name,
    ObjectAttributes,
    ObjectData,
    ObjectIdentifier,
    Person,
)
from limes.domain.categories import CATEGORIES, Category, SubjectKind, with_article
from limes.domain.countries import CountryError, country, member_state
from limes.domain.identifiers import (
    IdentifierError,
    IdentifierKind,
    validate,
    validate_document_number,
)
from limes.domain.object_rules import OBJECT_RULES
from limes.errors import FieldError, InvalidInput

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
_LATIN_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")
_SCRIPTS = frozenset(s.alpha_4 for s in pycountry.scripts)
_CURRENCIES = frozenset(c.alpha_3 for c in pycountry.currencies)
_COUNTRY_REQUIRED = frozenset({IdentifierKind.PLATE, IdentifierKind.DOCUMENT_NUMBER})
_EARLIEST_BIRTH_YEAR = 1900


class _Collector:
    """Gathers field errors so that one answer lists everything that is wrong."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, pointer: str, detail: str) -> None:
        self.errors.append(FieldError(pointer, detail))


def _present(value: object) -> bool:
    return value is not None and value != ()


_BAD_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

SCRIPT_JOINERS = frozenset({"\u200c", "\u200d", "\u180e"})
"""The invisible format characters (Unicode category Cf) free text may hold, because a
script spells words with them: ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER (Persian,
Kurdish, Urdu, the Indic scripts: a name is written wrong without them) and MONGOLIAN
VOWEL SEPARATOR (traditional Mongolian). Every other Cf character is refused: the
bidirectional overrides, embeddings, isolates and marks (U+202A-U+202E, U+2066-U+2069,
U+200E, U+200F, U+061C) reorder what a reader sees so that "gpj.exe" shows as "exe.jpg"
or one name reads as another; zero width spaces, word joiners, the byte order mark,
soft hyphens, invisible operators and the tag characters (U+E0000-U+E007F) make two
texts that look the same differ, or carry text nobody sees. No written name needs them:
a line-break hint (U+200B) is not part of a spelling, and the direction of a name is
given by its own letters."""

_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
"""Every Cf character (Unicode 15.1) but ``SCRIPT_JOINERS``, written out: computing it
from ``unicodedata`` costs a tenth of a second at every start. A test holds it to
``unicodedata``, so a Python with a newer Unicode that adds one fails it."""


def _forbidden(value: str) -> str | None:
    """What is wrong with the characters of free text, or None.

    Refused: control characters (but newline and tab) and lone surrogates, as
    PostgreSQL cannot store NUL and every store must accept the same input; and the
    invisible format characters ``SCRIPT_JOINERS`` does not allow.
    """
    bad = _BAD_CHARS.search(value)
    if bad is not None:
        what = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "a control character"
        return f"contains {what} (U+{ord(bad.group()):04X})"
    hidden = _INVISIBLE.search(value)
    if hidden is not None:
        char = hidden.group()
        name = unicodedata.name(char, "an unnamed character")
        return (
            f"contains U+{ord(char):04X} {name} at character {hidden.start() + 1}: an "
            "invisible format character (Unicode Cf); of those only zero width non-joiner, "
            "zero width joiner and Mongolian vowel separator are allowed"
        )
    return None


def _text(value: str, pointer: str, out: _Collector) -> str:
    """Free text: no control characters, lone surrogates or invisible format characters
    (``_forbidden``), no outer white space; NFC."""
    if value.isascii() and value.isprintable():
        # printable ASCII holds none of what ``_forbidden`` refuses and is NFC already:
        # the bulk path checks millions of such texts (issue 15)
        if value != value.strip():
            out.add(pointer, "may not start or end with white space")
        return value
    problem = _forbidden(value)
    if problem is not None:
        out.add(pointer, problem)
        return value
    if value != value.strip():
        out.add(pointer, "may not start or end with white space")
    if unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def text_field(value: str, pointer: str, errors: list[FieldError]) -> str:
    """Free text checked as alert content is (``_text``), its problems added to ``errors``."""
    out = _Collector()
    value = _text(value, pointer, out)
    errors.extend(out.errors)
    return value


def country_field(value: str, pointer: str, errors: list[FieldError]) -> str:
    """An ISO 3166-1 alpha-2 code (``_country``), its problem added to ``errors``."""
    out = _Collector()
    value = _country(value, pointer, out)
    errors.extend(out.errors)
    return value


MAX_REASON = 4000


def reason_text(text: str, what: str = "reason", pointer: str = "/reason") -> str:
    """A free-text reason stored with a decision: 1 to ``MAX_REASON`` characters, refused
    for the same characters as alert content's free text (``_forbidden``)."""
    text = text.strip()
    problem = None
    if not text or len(text) > MAX_REASON:
        problem = f"a {what} of 1 to {MAX_REASON} characters is required"
    elif (found := _forbidden(text)) is not None:
        problem = f"the {what} {found}"
    if problem is not None:
        raise InvalidInput(problem, [FieldError(pointer, problem)])
    return unicodedata.normalize("NFC", text)


def member_state_code(value: str, pointer: str = "/state") -> str:
    """A member state code, or ``InvalidInput`` located at ``pointer``."""
    try:
        return member_state(value)
    except CountryError as exc:
        raise InvalidInput(str(exc), [FieldError(pointer, str(exc))]) from None


def normalize_partial_date(value: str) -> tuple[str | None, str | None]:
    """Check an ISO 8601 date of reduced precision; return (canonical, error).

    ``00`` stands for an unknown month or day, as in ICAO 9303 and national
    registers: ``1980-00-00`` becomes ``1980`` and ``1980-05-00`` becomes ``1980-05``.
    A day without a month is refused.
    """
    m = _PARTIAL_DATE.match(value)
    if not m:
        return None, "must be YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month == "00":
        if day not in (None, "00"):
            return None, "has a day but no month"
        month = day = None
    if day == "00":
        day = None
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, f"'{value}' is not a real date"
    if int(year) < _EARLIEST_BIRTH_YEAR:
        return None, f"year must be {_EARLIEST_BIRTH_YEAR} or later"
    return "-".join(p for p in (year, month, day) if p), None


def _past_date(value: date, today: date, pointer: str, out: _Collector) -> None:
    if value > today:
        out.add(pointer, f"{value.isoformat()} is in the future")


def _country(value: str, pointer: str, out: _Collector) -> str:
    try:
        return country(value)
    except CountryError as exc:
        out.add(pointer, str(exc))
        return value


def _name(name: Name, pointer: str, out: _Collector) -> Name:
    latin = _text(name.latin, f"{pointer}/latin", out)
    if not _LATIN_NAME.match(latin) or any(
        ch.isalpha() and "LATIN" not in unicodedata.name(ch, "") for ch in latin
    ):
        out.add(f"{pointer}/latin", f"'{latin}' is not a name in Latin script")
    original = name.original
    if original is not None:
        original = _text(original, f"{pointer}/original", out)
        if name.script is None:
            out.add(f"{pointer}/script", "is required with an original-script name")
    if name.script is not None and name.script not in _SCRIPTS:
        out.add(f"{pointer}/script", f"'{name.script}' is not an ISO 15924 script code")
    if name.script is not None and original is None:
        out.add(f"{pointer}/original", "is required when a script is given")
    return replace(name, latin=latin, original=original)


def _names(names: tuple[Name, ...], pointer: str, out: _Collector) -> tuple[Name, ...]:
    return tuple(_name(n, f"{pointer}/{i}", out) for i, n in enumerate(names))


def _document(
    doc: IdentityDocument, pointer: str, today: date, out: _Collector
) -> IdentityDocument:
    number = doc.number
    try:
        number = validate_document_number(doc.number, doc.check_digit)
    except IdentifierError as exc:
        out.add(f"{pointer}/number", str(exc))
    state = _country(doc.issuing_state, f"{pointer}/issuing_state", out)
    if doc.valid_from is not None:
        _past_date(doc.valid_from, today, f"{pointer}/valid_from", out)
    if doc.valid_from and doc.valid_until and doc.valid_until < doc.valid_from:
        out.add(f"{pointer}/valid_until", "is before valid_from")
    return replace(doc, number=number, issuing_state=state)


def _person(
    person: Person,
    category: Category | None,
    pointer: str,
    today: date,
    out: _Collector,
) -> Person:
    if category is not None:
        for name in _PERSON_FIELDS:
            value = getattr(person, name)
            if name in category.person_required and not _present(value):
                out.add(f"{pointer}/{name}", f"is required for {category.code}")
            elif (
                _present(value)
                and name not in category.person_required
                and name not in category.person_optional
            ):
                out.add(f"{pointer}/{name}", f"is not allowed for {category.code}")
    dob = person.date_of_birth
    if dob is not None:
        dob, error = normalize_partial_date(dob)
        if error:
            out.add(f"{pointer}/date_of_birth", error)
        elif dob is not None and dob > today.isoformat()[: len(dob)]:
            out.add(f"{pointer}/date_of_birth", "is in the future")
    aliases = tuple(
        replace(
            a,
            surnames=_names(a.surnames, f"{pointer}/aliases/{i}/surnames", out),
            forenames=_names(a.forenames, f"{pointer}/aliases/{i}/forenames", out),
        )
        for i, a in enumerate(person.aliases)
    )
    nationalities = tuple(
        _country(n, f"{pointer}/nationalities/{i}", out) for i, n in enumerate(person.nationalities)
    )
    if len(set(nationalities)) != len(nationalities):
        out.add(f"{pointer}/nationalities", "lists a nationality twice")
    return replace(
        person,
        surnames=_names(person.surnames, f"{pointer}/surnames", out),
        forenames=_names(person.forenames, f"{pointer}/forenames", out),
        names_at_birth=_names(person.names_at_birth, f"{pointer}/names_at_birth", out),
        previous_names=_names(person.previous_names, f"{pointer}/previous_names", out),
        aliases=aliases,
        date_of_birth=dob if dob is not None else person.date_of_birth,
        place_of_birth=(
            _text(person.place_of_birth, f"{pointer}/place_of_birth", out)
            if person.place_of_birth
            else None
        ),
        country_of_birth=(
            _country(person.country_of_birth, f"{pointer}/country_of_birth", out)
            if person.country_of_birth
            else None
        ),
        nationalities=nationalities,
        documents=tuple(
            _document(d, f"{pointer}/documents/{i}", today, out)
            for i, d in enumerate(person.documents)
        ),
    )


_ATTRIBUTE_NAMES = tuple(f.name for f in fields(ObjectAttributes))
_attribute_values = attrgetter(*_ATTRIBUTE_NAMES)  # one call for every attribute's value
_PERSON_FIELDS = tuple(f.name for f in fields(Person))


def _identifier(ident: ObjectIdentifier, pointer: str, out: _Collector) -> ObjectIdentifier:
    value = ident.value
    try:
        value = validate(ident.kind, ident.value)
    except IdentifierError as exc:
        out.add(f"{pointer}/value", str(exc))
    country_code = ident.country
    if country_code is not None:
        country_code = _country(country_code, f"{pointer}/country", out)
    elif ident.kind in _COUNTRY_REQUIRED:
        out.add(f"{pointer}/country", f"is required for a {ident.kind}")
    if value == ident.value and country_code == ident.country:
        return ident
    return replace(ident, value=value, country=country_code)


def _object(obj: ObjectData, category: Category, pointer: str, out: _Collector) -> ObjectData:
    rules = OBJECT_RULES[obj.type]
    if obj.type not in category.object_types:
        out.add(
            f"{pointer}/type", f"{with_article(obj.type)} cannot be the subject of {category.code}"
        )
    identifiers = []
    for i, ident in enumerate(obj.identifiers):
        if ident.kind not in rules.identifiers:
            allowed = ", ".join(sorted(rules.identifiers))
            out.add(
                f"{pointer}/identifiers/{i}/kind",
                f"a {obj.type} is identified by {allowed}, not {ident.kind}",
            )
        identifiers.append(_identifier(ident, f"{pointer}/identifiers/{i}", out))
    keys = [(i.kind, i.value, i.country) for i in identifiers]
    if len(set(keys)) != len(keys):
        out.add(f"{pointer}/identifiers", "lists the same identifier twice")
    for group in rules.required_identifiers:
        if not any(i.kind in group for i in identifiers):
            out.add(
                f"{pointer}/identifiers",
                f"a {obj.type} needs at least one of: {', '.join(sorted(group))}",
            )
    attrs = obj.attributes
    for name, value in zip(_ATTRIBUTE_NAMES, _attribute_values(attrs), strict=True):
        if value is None:
            if name in rules.required_attributes:
                out.add(f"{pointer}/attributes/{name}", f"is required for a {obj.type}")
        elif name not in rules.required_attributes and name not in rules.optional_attributes:
            out.add(f"{pointer}/attributes/{name}", f"is not an attribute of a {obj.type}")
        elif isinstance(value, str):
            _text(value, f"{pointer}/attributes/{name}", out)
    if rules.document_types and attrs.document_type not in (None, *rules.document_types):
        allowed = ", ".join(sorted(rules.document_types))
        out.add(f"{pointer}/attributes/document_type", f"must be one of: {allowed}")
    if attrs.currency is not None and attrs.currency not in _CURRENCIES:
        out.add(f"{pointer}/attributes/currency", f"'{attrs.currency}' is not an ISO 4217 code")
    if rules.type == "trailer" and (attrs.unladen_weight_kg or 0) <= 750:
        out.add(f"{pointer}/attributes/unladen_weight_kg", "must be over 750 kg for a trailer")
    if all(a is b for a, b in zip(identifiers, obj.identifiers, strict=True)):
        return obj
    return replace(obj, identifiers=tuple(identifiers))


def validate_content(content: AlertContent, today: date) -> AlertContent:
    """Check content against its category's row; return it in canonical form.

    Raises ``InvalidInput`` with every problem found, each located by a JSON pointer.
    """
    out = _Collector()
    category = CATEGORIES[content.category]
    if content.action not in category.actions:
        allowed = ", ".join(sorted(category.actions))
        out.add("/action", f"{content.category} allows the actions: {allowed}")
    for name in ("issuing_authority", "national_reference", "reason"):
        _text(getattr(content, name), f"/{name}", out)
    extra_warnings = set(content.warnings) - category.warnings
    if extra_warnings:
        out.add("/warnings", f"not allowed for {content.category}: {sorted(extra_warnings)}")
    if len(set(content.warnings)) != len(content.warnings):
        out.add("/warnings", "lists a marker twice")

    person, obj = content.person, content.object
    if category.subject is SubjectKind.PERSON:
        if person is None:
            out.add("/person", f"is required for {content.category}")
        else:
            person = _person(person, category, "/person", today, out)
        if obj is not None:
            out.add("/object", f"is not allowed for {content.category}")
    else:
        if obj is None:
            out.add("/object", f"is required for {content.category}")
        else:
            obj = _object(obj, category, "/object", out)
        if person is not None:
            out.add("/person", f"is not allowed for {content.category}")

    decision = content.national_decision
    if category.requires_national_decision and decision is None:
        out.add("/national_decision", f"is required for {content.category}")
    if decision is not None:
        _past_date(decision.decided_on, today, "/national_decision/decided_on", out)
    ret = content.return_details
    if category.requires_return_details and ret is None:
        out.add("/return_details", f"is required for {content.category}")
    elif not category.requires_return_details and ret is not None:
        out.add("/return_details", f"is not allowed for {content.category}")
    if ret is not None:
        _past_date(ret.decision_date, today, "/return_details/decision_date", out)
        end = ret.voluntary_departure_end
        if end is not None and end < ret.decision_date:
            out.add("/return_details/voluntary_departure_end", "is before the decision date")
    if category.requires_biometrics and not content.biometrics:
        out.add("/biometrics", f"{content.category} needs at least one biometric reference")

    if out.errors:
        raise InvalidInput(f"{len(out.errors)} problem(s) in the alert", out.errors)
    if person is content.person and obj is content.object:
        return content
    return replace(content, person=person, object=obj)


def validate_misused_identity(data: MisusedIdentity, today: date) -> MisusedIdentity:
    """Check the victim's data and the recorded consent (police Art. 62)."""
    out = _Collector()
    _past_date(data.consent.given_on, today, "/consent/given_on", out)
    person = _person(data.person, None, "/person", today, out)
    if not person.surnames:
        out.add("/person/surnames", "is required")
    if out.errors:
        raise InvalidInput(f"{len(out.errors)} problem(s) in the misused identity", out.errors)
    return replace(data, person=person)
