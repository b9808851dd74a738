"""Object types: what an object of each type must and may carry (identifiers,
attributes, document types), one row per type of ``ObjectType``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from limes.domain.categories import ObjectType
from limes.domain.identifiers import IdentifierKind


@dataclass(frozen=True, slots=True)
class ObjectRules:
    """What an object of one type must and may carry.

    ``required_identifiers`` is a tuple of alternatives: at least one identifier of
    one of the kinds in each group must be present.
    """

    type: ObjectType
    title: str
    identifiers: frozenset[IdentifierKind]
    required_identifiers: tuple[frozenset[IdentifierKind], ...]
    required_attributes: frozenset[str] = frozenset()
    optional_attributes: frozenset[str] = frozenset({"make", "model", "colour", "description"})
    document_types: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # a required attribute is not also optional: keeps the table's two columns disjoint
        object.__setattr__(
            self, "optional_attributes", self.optional_attributes - self.required_attributes
        )


_K = IdentifierKind
_VEHICLE_IDS = frozenset({_K.VIN, _K.PLATE, _K.ENGINE_NUMBER})


def _one(*kinds: IdentifierKind) -> frozenset[IdentifierKind]:
    return frozenset(kinds)


_OBJECT_RULES = (
    ObjectRules(ObjectType.MOTOR_VEHICLE, "Motor vehicles", _VEHICLE_IDS, (_one(_K.VIN),)),
    ObjectRules(
        ObjectType.TRAILER,
        "Trailers with an unladen weight over 750 kg",
        _VEHICLE_IDS,
        (_one(_K.VIN),),
        required_attributes=frozenset({"unladen_weight_kg"}),
    ),
    ObjectRules(ObjectType.CARAVAN, "Caravans", _VEHICLE_IDS, (_one(_K.VIN),)),
    ObjectRules(
        ObjectType.BOAT,
        "Boats",
        frozenset({_K.HULL_ID, _K.PLATE, _K.SERIAL}),
        (_one(_K.HULL_ID, _K.PLATE),),
    ),
    ObjectRules(
        ObjectType.BOAT_ENGINE,
        "Boat engines",
        frozenset({_K.ENGINE_NUMBER, _K.SERIAL}),
        (_one(_K.ENGINE_NUMBER, _K.SERIAL),),
        required_attributes=frozenset({"make"}),
    ),
    ObjectRules(
        ObjectType.CONTAINER,
        "Containers",
        frozenset({_K.CONTAINER_NUMBER}),
        (_one(_K.CONTAINER_NUMBER),),
    ),
    ObjectRules(
        ObjectType.AIRCRAFT,
        "Aircraft",
        frozenset({_K.AIRCRAFT_REGISTRATION, _K.SERIAL}),
        (_one(_K.AIRCRAFT_REGISTRATION, _K.SERIAL),),
    ),
    ObjectRules(
        ObjectType.AIRCRAFT_ENGINE,
        "Aircraft engines",
        frozenset({_K.ENGINE_NUMBER, _K.SERIAL}),
        (_one(_K.ENGINE_NUMBER, _K.SERIAL),),
        required_attributes=frozenset({"make"}),
    ),
    ObjectRules(
        ObjectType.FIREARM,
        "Firearms",
        frozenset({_K.FIREARM_SERIAL}),
        (_one(_K.FIREARM_SERIAL),),
        required_attributes=frozenset({"make", "model", "calibre"}),
        optional_attributes=frozenset({"firearm_category", "description"}),
    ),
    ObjectRules(
        ObjectType.BLANK_DOCUMENT,
        "Blank official documents",
        frozenset({_K.DOCUMENT_NUMBER, _K.SERIAL}),
        (_one(_K.DOCUMENT_NUMBER, _K.SERIAL),),
        required_attributes=frozenset({"document_type"}),
        optional_attributes=frozenset({"description"}),
        document_types=frozenset(
            {
                "passport",
                "id_card",
                "driving_licence",
                "residence_permit",
                "travel_document",
                "visa_sticker",
                "registration_certificate",
            }
        ),
    ),
    ObjectRules(
        ObjectType.ISSUED_DOCUMENT,
        "Issued identity documents",
        frozenset({_K.DOCUMENT_NUMBER}),
        (_one(_K.DOCUMENT_NUMBER),),
        required_attributes=frozenset({"document_type"}),
        optional_attributes=frozenset({"description"}),
        document_types=frozenset(
            {"passport", "id_card", "driving_licence", "residence_permit", "travel_document"}
        ),
    ),
    ObjectRules(
        ObjectType.REGISTRATION_CERTIFICATE,
        "Vehicle registration certificates",
        frozenset({_K.DOCUMENT_NUMBER, _K.VIN, _K.PLATE}),
        (_one(_K.DOCUMENT_NUMBER),),
        optional_attributes=frozenset({"description"}),
    ),
    ObjectRules(
        ObjectType.NUMBER_PLATE,
        "Vehicle number plates",
        frozenset({_K.PLATE}),
        (_one(_K.PLATE),),
        optional_attributes=frozenset({"description"}),
    ),
    ObjectRules(
        ObjectType.BANKNOTE,
        "Registered or false banknotes",
        frozenset({_K.BANKNOTE_SERIAL}),
        (_one(_K.BANKNOTE_SERIAL),),
        required_attributes=frozenset({"currency", "denomination"}),
        optional_attributes=frozenset({"description"}),
    ),
    ObjectRules(
        ObjectType.MEANS_OF_PAYMENT,
        "Securities and means of payment (cheques, cards, bonds, shares)",
        frozenset({_K.IBAN, _K.SERIAL}),
        (_one(_K.IBAN, _K.SERIAL),),
        required_attributes=frozenset({"payment_type"}),
        optional_attributes=frozenset({"currency", "description"}),
    ),
    ObjectRules(
        ObjectType.IT_EQUIPMENT,
        "Items of information technology",
        frozenset({_K.IMEI, _K.SERIAL}),
        (_one(_K.IMEI, _K.SERIAL),),
    ),
    ObjectRules(
        ObjectType.VEHICLE_COMPONENT,
        "Identifiable component parts of motor vehicles",
        frozenset({_K.SERIAL, _K.ENGINE_NUMBER, _K.VIN}),
        (_one(_K.SERIAL, _K.ENGINE_NUMBER),),
        required_attributes=frozenset({"component_type"}),
    ),
    ObjectRules(
        ObjectType.INDUSTRIAL_EQUIPMENT,
        "Industrial equipment",
        frozenset({_K.SERIAL}),
        (_one(_K.SERIAL),),
        required_attributes=frozenset({"make"}),
    ),
    ObjectRules(
        ObjectType.HIGH_VALUE_OBJECT,
        "Other identifiable objects of high value",
        frozenset({_K.SERIAL}),
        (_one(_K.SERIAL),),
        required_attributes=frozenset({"description"}),
        optional_attributes=frozenset({"make", "model", "colour"}),
    ),
)

OBJECT_RULES: Mapping[ObjectType, ObjectRules] = {r.type: r for r in _OBJECT_RULES}
