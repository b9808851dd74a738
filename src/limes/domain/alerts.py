"""The alert and its parts, as plain frozen dataclasses.

Sizes and counts are bounded with ``annotated_types`` metadata, which the doors
enforce when they parse input; the semantic rules (which fields a category needs,
identifier check digits, real dates) are in ``limes.domain.validation``.

``__pydantic_config__`` is a plain dict read by the doors' parser: it refuses
unknown fields. The domain imports no framework for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le, MaxLen, MinLen

from limes.domain.categories import (
    Action,
    CategoryCode,
    ObjectType,
    SubjectKind,
    WarningMarker,
)
from limes.domain.identifiers import IdentifierKind

STRICT = {"extra": "forbid", "str_strip_whitespace": False}

Text = Annotated[str, MinLen(1), MaxLen(200)]
LongText = Annotated[str, MinLen(1), MaxLen(4000)]
Code = Annotated[str, MinLen(2), MaxLen(2)]
Ref = Annotated[str, MinLen(1), MaxLen(100)]


class Gender(StrEnum):
    """Sex as recorded: female, male or unspecified (in a machine readable zone, ICAO
    9303's markers F, M, and X or < for unspecified)."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class DocumentType(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    DRIVING_LICENCE = "driving_licence"
    RESIDENCE_PERMIT = "residence_permit"
    TRAVEL_DOCUMENT = "travel_document"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    DELETED = "deleted"


class FlagStatus(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class Name:
    """One name in its Latin form, with the original script where it was written in another.

    ``script`` is an ISO 15924 code (``Cyrl``, ``Grek``, ``Arab`` …).
    """

    __pydantic_config__ = STRICT

    latin: Text
    original: Text | None = None
    script: Annotated[str, MinLen(4), MaxLen(4)] | None = None


Names = Annotated[tuple[Name, ...], MaxLen(10)]


@dataclass(frozen=True, slots=True)
class Alias:
    __pydantic_config__ = STRICT

    surnames: Annotated[tuple[Name, ...], MinLen(1), MaxLen(10)]
    forenames: Names = ()


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    __pydantic_config__ = STRICT

    type: DocumentType
    number: Annotated[str, MinLen(1), MaxLen(30)]
    issuing_state: Code
    check_digit: Annotated[str, MinLen(1), MaxLen(1)] | None = None
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class PhysicalDescription:
    """Objective physical characteristics only (no ethnicity, no subjective remarks)."""

    __pydantic_config__ = STRICT

    height_cm: Annotated[int, Ge(30), Le(260)] | None = None
    eye_colour: Annotated[str, MinLen(1), MaxLen(30)] | None = None
    hair_colour: Annotated[str, MinLen(1), MaxLen(30)] | None = None
    distinguishing_marks: Annotated[tuple[Text, ...], MaxLen(10)] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """The person part of an alert.

    ``date_of_birth`` is ISO 8601 with reduced precision where parts are unknown:
    ``1980``, ``1980-05`` or ``1980-05-17``.
    """

    __pydantic_config__ = STRICT

    surnames: Names = ()
    forenames: Names = ()
    names_at_birth: Names = ()
    previous_names: Names = ()
    aliases: Annotated[tuple[Alias, ...], MaxLen(20)] = ()
    date_of_birth: Annotated[str, MinLen(4), MaxLen(10)] | None = None
    place_of_birth: Text | None = None
    country_of_birth: Code | None = None
    gender: Gender | None = None
    nationalities: Annotated[tuple[Code, ...], MaxLen(5)] = ()
    documents: Annotated[tuple[IdentityDocument, ...], MaxLen(10)] = ()
    physical: PhysicalDescription | None = None


@dataclass(frozen=True, slots=True)
class ObjectIdentifier:
    """An identifier of an object; ``country`` scopes plates, document numbers and marks."""

    __pydantic_config__ = STRICT

    kind: IdentifierKind
    value: Annotated[str, MinLen(1), MaxLen(40)]
    country: Code | None = None


@dataclass(frozen=True, slots=True)
class ObjectAttributes:
    """Descriptive attributes; which are required depends on the object type."""

    __pydantic_config__ = STRICT

    make: Text | None = None
    model: Text | None = None
    colour: Text | None = None
    description: LongText | None = None
    calibre: Annotated[str, MinLen(1), MaxLen(30)] | None = None
    firearm_category: Annotated[str, MinLen(1), MaxLen(10)] | None = None
    document_type: Annotated[str, MinLen(1), MaxLen(40)] | None = None
    currency: Annotated[str, MinLen(3), MaxLen(3)] | None = None
    denomination: Annotated[int, Ge(1), Le(1_000_000)] | None = None
    payment_type: Annotated[str, MinLen(1), MaxLen(40)] | None = None
    component_type: Annotated[str, MinLen(1), MaxLen(60)] | None = None
    unladen_weight_kg: Annotated[int, Ge(1), Le(100_000)] | None = None


@dataclass(frozen=True, slots=True)
class ObjectData:
    __pydantic_config__ = STRICT

    type: ObjectType
    identifiers: Annotated[tuple[ObjectIdentifier, ...], MinLen(1), MaxLen(10)]
    attributes: ObjectAttributes = field(default_factory=ObjectAttributes)


@dataclass(frozen=True, slots=True)
class NationalDecision:
    """The national decision the alert rests on (warrant, order, judgment)."""

    __pydantic_config__ = STRICT

    authority: Text
    reference: Ref
    decided_on: date


@dataclass(frozen=True, slots=True)
class ReturnDetails:
    """Return decisions (Regulation 2018/1860, Art. 4): the decision and departure period."""

    __pydantic_config__ = STRICT

    decision_date: date
    voluntary_departure_end: date | None = None


@dataclass(frozen=True, slots=True)
class BiometricReference:
    """A reference to biometric data held for the alert; the data itself is never inline."""

    __pydantic_config__ = STRICT

    modality: Annotated[str, MinLen(1), MaxLen(20)]
    format: Annotated[str, MinLen(1), MaxLen(40)]
    reference: Ref


@dataclass(frozen=True, slots=True)
class AlertContent:
    """What the issuing state writes: everything of an alert that is not bookkeeping."""

    __pydantic_config__ = STRICT

    category: CategoryCode
    action: Action
    issuing_authority: Text
    national_reference: Ref
    reason: LongText
    person: Person | None = None
    object: ObjectData | None = None
    warnings: Annotated[tuple[WarningMarker, ...], MaxLen(6)] = ()
    national_decision: NationalDecision | None = None
    return_details: ReturnDetails | None = None
    biometrics: Annotated[tuple[BiometricReference, ...], MaxLen(20)] = ()


@dataclass(frozen=True, slots=True)
class Consent:
    __pydantic_config__ = STRICT

    given_on: date
    reference: Ref


@dataclass(frozen=True, slots=True)
class MisusedIdentity:
    """Data on the victim of identity theft (police Art. 62): kept apart, with consent."""

    __pydantic_config__ = STRICT

    consent: Consent
    person: Person


@dataclass(frozen=True, slots=True)
class Extension:
    at: datetime
    by: str
    reason: str
    previous_expiry: datetime
    new_expiry: datetime


@dataclass(frozen=True, slots=True)
class Flag:
    state: str
    status: FlagStatus
    reason: str
    requested_at: datetime
    decided_at: datetime | None = None
    decision_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as stored: content plus bookkeeping the system maintains."""

    id: str
    issuing_state: str
    category: CategoryCode
    subject: SubjectKind
    status: AlertStatus
    version: int
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    content: AlertContent | None
    extensions: tuple[Extension, ...] = ()
    warned_at: datetime | None = None
