"""Alert categories: the one table of what each kind of alert is, needs and allows.

Every rule about a category lives in the rows below, not in ``if`` statements
elsewhere. The legal bases are the three SIS regulations of 2018:

* Regulation (EU) 2018/1862 — police and judicial cooperation ("police").
* Regulation (EU) 2018/1861 — border checks ("border").
* Regulation (EU) 2018/1860 — return of illegally staying nationals ("return").

Review periods are the regulations' defaults (police Art. 53 for persons, Art. 55 for
objects; border Art. 39; return Art. 14): persons 5, 3 or 1 years by category,
objects 10 years, refusal of entry 3 years. The issuing state is warned four
months before an alert expires (police Art. 53(6), border Art. 39(6)). All of them
can be overridden by configuration (``LIMES_REVIEW_PERIODS``), see ``ReviewRules``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

_AN_LETTERS = frozenset("AEFHILMNORSX")  # letter names said with a vowel first: "an F form"


def with_article(word: str) -> str:
    """``word`` after its indefinite article: "an arrest", "a travel_ban", "an H form"."""
    text = str(word)
    if len(text) == 1 and text.isupper():
        vowel = text in _AN_LETTERS
    else:
        vowel = text[:1].lower() in ("a", "e", "i", "o", "u")
    return f"{'an' if vowel else 'a'} {text}"


class SubjectKind(StrEnum):
    PERSON = "person"
    OBJECT = "object"


class CategoryCode(StrEnum):
    ARREST = "arrest"
    MISSING_PROTECTION = "missing_protection"
    MISSING_WHEREABOUTS = "missing_whereabouts"
    CHILD_ABDUCTION_RISK = "child_abduction_risk"
    CHILD_TRAVEL_PREVENTION = "child_travel_prevention"
    VULNERABLE_ADULT_TRAVEL_PREVENTION = "vulnerable_adult_travel_prevention"
    JUDICIAL_PROCEDURE = "judicial_procedure"
    PERSON_CHECK = "person_check"
    UNKNOWN_WANTED = "unknown_wanted"
    REFUSAL_OF_ENTRY = "refusal_of_entry"
    TRAVEL_BAN = "travel_ban"
    RETURN_DECISION = "return_decision"
    OBJECT_SEIZURE = "object_seizure"
    OBJECT_CHECK = "object_check"


class Action(StrEnum):
    """The action to be taken on a hit, as the issuing state asks for it."""

    ARREST = "arrest"
    PLACE_UNDER_PROTECTION = "place_under_protection"
    ESTABLISH_WHEREABOUTS = "establish_whereabouts"
    PREVENT_TRAVEL = "prevent_travel"
    COMMUNICATE_RESIDENCE = "communicate_residence"
    DISCREET_CHECK = "discreet_check"
    INQUIRY_CHECK = "inquiry_check"
    SPECIFIC_CHECK = "specific_check"
    IDENTIFY = "identify"
    REFUSE_ENTRY = "refuse_entry"
    PREVENT_TRANSIT = "prevent_transit"
    VERIFY_DEPARTURE = "verify_departure"
    SEIZE = "seize"
    USE_AS_EVIDENCE = "use_as_evidence"


class WarningMarker(StrEnum):
    ARMED = "armed"
    VIOLENT = "violent"
    ABSCONDED_OR_ESCAPED = "absconded_or_escaped"
    SUICIDE_RISK = "suicide_risk"
    PUBLIC_HEALTH_RISK = "public_health_risk"
    TERRORISM_RELATED = "terrorism_related"


class ObjectType(StrEnum):
    MOTOR_VEHICLE = "motor_vehicle"
    TRAILER = "trailer"
    CARAVAN = "caravan"
    BOAT = "boat"
    BOAT_ENGINE = "boat_engine"
    CONTAINER = "container"
    AIRCRAFT = "aircraft"
    AIRCRAFT_ENGINE = "aircraft_engine"
    FIREARM = "firearm"
    BLANK_DOCUMENT = "blank_document"
    ISSUED_DOCUMENT = "issued_document"
    REGISTRATION_CERTIFICATE = "registration_certificate"
    NUMBER_PLATE = "number_plate"
    BANKNOTE = "banknote"
    MEANS_OF_PAYMENT = "means_of_payment"
    IT_EQUIPMENT = "it_equipment"
    VEHICLE_COMPONENT = "vehicle_component"
    INDUSTRIAL_EQUIPMENT = "industrial_equipment"
    HIGH_VALUE_OBJECT = "high_value_object"


ALL_WARNINGS = frozenset(WarningMarker)
CHECK_ACTIONS = frozenset({Action.DISCREET_CHECK, Action.INQUIRY_CHECK, Action.SPECIFIC_CHECK})
CHILD_CATEGORIES = frozenset(
    {CategoryCode.CHILD_ABDUCTION_RISK, CategoryCode.CHILD_TRAVEL_PREVENTION}
)
"""Alerts on children: their demo subjects are minors, and SIRENE replies are due at once."""

# Fields of the person part. A category names which must be present and which may be;
# any other person field given for it is refused.
IDENTITY_FIELDS = frozenset(
    {
        "surnames",
        "forenames",
        "names_at_birth",
        "previous_names",
        "aliases",
        "date_of_birth",
        "place_of_birth",
        "country_of_birth",
        "gender",
        "nationalities",
        "documents",
        "physical",
    }
)


@dataclass(frozen=True, slots=True)
class Category:
    """One row of the category table."""

    code: CategoryCode
    subject: SubjectKind
    title: str
    legal_basis: str
    actions: frozenset[Action]
    review_years: int
    person_required: frozenset[str] = frozenset()
    person_optional: frozenset[str] = frozenset()
    warnings: frozenset[WarningMarker] = frozenset()
    object_types: frozenset[ObjectType] = frozenset()
    requires_national_decision: bool = False
    requires_biometrics: bool = False
    requires_return_details: bool = False
    allows_misused_identity: bool = False


def _person(
    code: CategoryCode,
    title: str,
    legal_basis: str,
    actions: frozenset[Action],
    review_years: int,
    *,
    required: frozenset[str] = frozenset({"surnames"}),
    optional: frozenset[str] | None = None,
    warnings: frozenset[WarningMarker] = ALL_WARNINGS,
    requires_national_decision: bool = False,
    requires_biometrics: bool = False,
    requires_return_details: bool = False,
) -> Category:
    return Category(
        code=code,
        subject=SubjectKind.PERSON,
        title=title,
        legal_basis=legal_basis,
        actions=actions,
        review_years=review_years,
        person_required=required,
        person_optional=IDENTITY_FIELDS - required if optional is None else optional,
        warnings=warnings,
        requires_national_decision=requires_national_decision,
        requires_biometrics=requires_biometrics,
        requires_return_details=requires_return_details,
        allows_misused_identity=True,
    )


_PERSON_CATEGORIES = (
    _person(
        CategoryCode.ARREST,
        "Persons wanted for arrest for surrender or extradition",
        "Regulation (EU) 2018/1862, Art. 26",
        frozenset({Action.ARREST}),
        5,
        requires_national_decision=True,
    ),
    _person(
        CategoryCode.MISSING_PROTECTION,
        "Missing persons who need to be placed under protection",
        "Regulation (EU) 2018/1862, Art. 32(1)(a)",
        frozenset({Action.PLACE_UNDER_PROTECTION, Action.ESTABLISH_WHEREABOUTS}),
        5,
    ),
    _person(
        CategoryCode.MISSING_WHEREABOUTS,
        "Missing persons who need not be placed under protection",
        "Regulation (EU) 2018/1862, Art. 32(1)(b)",
        frozenset({Action.ESTABLISH_WHEREABOUTS}),
        5,
    ),
    _person(
        CategoryCode.CHILD_ABDUCTION_RISK,
        "Children at risk of abduction by a parent, family member or guardian",
        "Regulation (EU) 2018/1862, Art. 32(1)(c)",
        frozenset({Action.PREVENT_TRAVEL, Action.PLACE_UNDER_PROTECTION}),
        1,
        required=frozenset({"surnames", "date_of_birth"}),
        requires_national_decision=True,
    ),
    _person(
        CategoryCode.CHILD_TRAVEL_PREVENTION,
        "Children to be prevented from travelling (terrorism, trafficking, "
        "forced marriage, armed conflict)",
        "Regulation (EU) 2018/1862, Art. 32(1)(d)",
        frozenset({Action.PREVENT_TRAVEL, Action.PLACE_UNDER_PROTECTION}),
        1,
        required=frozenset({"surnames", "date_of_birth"}),
    ),
    _person(
        CategoryCode.VULNERABLE_ADULT_TRAVEL_PREVENTION,
        "Vulnerable adults to be prevented from travelling for their own protection",
        "Regulation (EU) 2018/1862, Art. 32(1)(e)",
        frozenset({Action.PREVENT_TRAVEL, Action.PLACE_UNDER_PROTECTION}),
        1,
    ),
    _person(
        CategoryCode.JUDICIAL_PROCEDURE,
        "Persons sought to assist with a criminal judicial procedure",
        "Regulation (EU) 2018/1862, Art. 34",
        frozenset({Action.COMMUNICATE_RESIDENCE}),
        3,
    ),
    _person(
        CategoryCode.PERSON_CHECK,
        "Persons for discreet, inquiry or specific checks",
        "Regulation (EU) 2018/1862, Art. 36",
        CHECK_ACTIONS,
        1,
    ),
    _person(
        CategoryCode.UNKNOWN_WANTED,
        "Unknown wanted persons, known only by biometrics from a crime scene",
        "Regulation (EU) 2018/1862, Art. 40",
        frozenset({Action.IDENTIFY}),
        3,
        required=frozenset(),
        optional=frozenset({"gender", "physical"}),
        warnings=frozenset(
            {WarningMarker.ARMED, WarningMarker.VIOLENT, WarningMarker.TERRORISM_RELATED}
        ),
        requires_biometrics=True,
    ),
    _person(
        CategoryCode.REFUSAL_OF_ENTRY,
        "Third-country nationals to be refused entry and stay",
        "Regulation (EU) 2018/1861, Art. 24",
        frozenset({Action.REFUSE_ENTRY}),
        3,
        required=frozenset({"surnames", "nationalities"}),
        requires_national_decision=True,
    ),
    _person(
        CategoryCode.TRAVEL_BAN,
        "Third-country nationals subject to restrictive measures (travel bans)",
        "Regulation (EU) 2018/1861, Art. 25",
        frozenset({Action.REFUSE_ENTRY, Action.PREVENT_TRANSIT}),
        3,
        required=frozenset({"surnames", "nationalities"}),
        requires_national_decision=True,
    ),
    _person(
        CategoryCode.RETURN_DECISION,
        "Third-country nationals subject to a return decision",
        "Regulation (EU) 2018/1860, Art. 3",
        frozenset({Action.VERIFY_DEPARTURE, Action.COMMUNICATE_RESIDENCE}),
        3,
        required=frozenset({"surnames", "nationalities", "date_of_birth"}),
        requires_national_decision=True,
        requires_return_details=True,
    ),
)

_CHECKABLE_OBJECTS = frozenset(
    {
        ObjectType.MOTOR_VEHICLE,
        ObjectType.TRAILER,
        ObjectType.CARAVAN,
        ObjectType.BOAT,
        ObjectType.CONTAINER,
        ObjectType.AIRCRAFT,
        ObjectType.FIREARM,
        ObjectType.BLANK_DOCUMENT,
        ObjectType.ISSUED_DOCUMENT,
        ObjectType.MEANS_OF_PAYMENT,
    }
)

_OBJECT_CATEGORIES = (
    Category(
        code=CategoryCode.OBJECT_SEIZURE,
        subject=SubjectKind.OBJECT,
        title="Objects for seizure or use as evidence in criminal proceedings",
        legal_basis="Regulation (EU) 2018/1862, Art. 38",
        actions=frozenset({Action.SEIZE, Action.USE_AS_EVIDENCE}),
        review_years=10,
        object_types=frozenset(ObjectType),
    ),
    Category(
        code=CategoryCode.OBJECT_CHECK,
        subject=SubjectKind.OBJECT,
        title="Objects for discreet, inquiry or specific checks",
        legal_basis="Regulation (EU) 2018/1862, Art. 36",
        actions=CHECK_ACTIONS,
        review_years=10,
        object_types=_CHECKABLE_OBJECTS,
    ),
)

CATEGORIES: Mapping[CategoryCode, Category] = {
    c.code: c for c in (*_PERSON_CATEGORIES, *_OBJECT_CATEGORIES)
}


EXPIRY_WARNING_MONTHS = 4  # police Art. 53(6), border Art. 39(6)


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """Review periods in force: the table's defaults with configured overrides."""

    years: Mapping[CategoryCode, int]
    warning_months: int = EXPIRY_WARNING_MONTHS

    @classmethod
    def defaults(cls) -> ReviewRules:
        return cls({code: c.review_years for code, c in CATEGORIES.items()})

    def with_overrides(
        self, overrides: Mapping[CategoryCode, int], warning_months: int | None = None
    ) -> ReviewRules:
        for code, years in overrides.items():
            if not 1 <= years <= 10:
                raise ValueError(f"review period for {code} must be 1 to 10 years, got {years}")
        return ReviewRules(
            {**self.years, **overrides},
            self.warning_months if warning_months is None else warning_months,
        )
