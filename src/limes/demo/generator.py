"""Deterministic, realistic demo alerts: ``generate(persons, objects, seed)``.

The same seed gives the same alerts, byte for byte: everything is drawn from one
``random.Random(seed)`` and from Faker instances seeded from it
(``Faker.seed_instance``), and nothing depends on the clock or on hash order.
Dates are relative to ``REFERENCE_DATE`` (in the past), so a set generated today and
next year is the same and still passes the "not in the future" checks.

Every alert is valid by construction (``limes.domain.validation.validate_content``
accepts it) and no two alerts are on the same subject: names + date of birth, and
every identifier, are unique within a set.

The first alerts are chosen to cover the ground: the first 31 go to each member state
in turn, the first persons to each person category in turn, and the first objects to
each (object type, category) pair the table allows. After that, states, categories
and object types follow the weights below, so any set of a few dozen alerts or more
shows every category, every object type and every member state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from random import Random
from types import MappingProxyType

from limes.demo.codes import cumulative, weighted_index
from limes.demo.identifiers import IdentifierFactory
from limes.demo.objects import ObjectFactory
from limes.demo.persons import THIRD_COUNTRY_CATEGORIES, PersonFactory
from limes.demo.places import CITIES, ISSUING_WEIGHTS, MIGRATION, POLICE, court
from limes.domain.alerts import AlertContent, NationalDecision, ReturnDetails
from limes.domain.categories import (
    CATEGORIES,
    Action,
    Category,
    CategoryCode,
    ObjectType,
)

__all__ = ["OBJECT_WEIGHTS", "PERSON_WEIGHTS", "REFERENCE_DATE", "DemoGenerator", "generate"]

REFERENCE_DATE = date(2025, 6, 30)
"""The 'today' of every demo set: dates of birth, decisions and thefts lie before it."""

_C = CategoryCode
_T = ObjectType

PERSON_WEIGHTS: Mapping[CategoryCode, float] = MappingProxyType(
    {
        _C.REFUSAL_OF_ENTRY: 30, _C.RETURN_DECISION: 15, _C.JUDICIAL_PROCEDURE: 12,
        _C.PERSON_CHECK: 10, _C.MISSING_PROTECTION: 8, _C.ARREST: 6,
        _C.MISSING_WHEREABOUTS: 4, _C.CHILD_ABDUCTION_RISK: 2, _C.CHILD_TRAVEL_PREVENTION: 2,
        _C.TRAVEL_BAN: 2, _C.UNKNOWN_WANTED: 2, _C.VULNERABLE_ADULT_TRAVEL_PREVENTION: 1,
    }
)  # fmt: skip
"""Relative frequency of person categories (refusals and returns dominate, as in SIS)."""

OBJECT_WEIGHTS: Mapping[ObjectType, float] = MappingProxyType(
    {
        _T.ISSUED_DOCUMENT: 40, _T.MOTOR_VEHICLE: 12, _T.NUMBER_PLATE: 8,
        _T.REGISTRATION_CERTIFICATE: 6, _T.BLANK_DOCUMENT: 5, _T.FIREARM: 5, _T.BANKNOTE: 5,
        _T.MEANS_OF_PAYMENT: 4, _T.IT_EQUIPMENT: 3, _T.VEHICLE_COMPONENT: 2, _T.TRAILER: 2,
        _T.CARAVAN: 1, _T.BOAT: 1, _T.BOAT_ENGINE: 1, _T.CONTAINER: 1,
        _T.INDUSTRIAL_EQUIPMENT: 1, _T.HIGH_VALUE_OBJECT: 1, _T.AIRCRAFT: 0.5,
        _T.AIRCRAFT_ENGINE: 0.5,
    }
)  # fmt: skip
"""Relative frequency of object types (issued documents are most object alerts)."""

CHECK_SHARE = 0.15
"""Share of checkable objects issued for a check (Art. 36) rather than seizure."""

_SEIZURE = CATEGORIES[_C.OBJECT_SEIZURE]
_CHECK = CATEGORIES[_C.OBJECT_CHECK]
_STATES = tuple(sorted(ISSUING_WEIGHTS))
_PERSON_CODES = tuple(PERSON_WEIGHTS)
_OBJECT_TYPES = tuple(OBJECT_WEIGHTS)
# Every (object type, category) the table allows, for the first objects of a set.
_OBJECT_PAIRS = tuple(
    (t, category)
    for category in (_SEIZURE, _CHECK)
    for t in _OBJECT_TYPES
    if t in category.object_types
)
_ACTIONS: Mapping[CategoryCode, tuple[Action, ...]] = MappingProxyType(
    {code: tuple(sorted(c.actions)) for code, c in CATEGORIES.items()}
)
_CHECK_ACTIONS = (Action.DISCREET_CHECK, Action.INQUIRY_CHECK, Action.SPECIFIC_CHECK)
_CHECK_ACTION_SUMS = cumulative((60, 25, 15))
_COURT_DECISIONS = frozenset({_C.ARREST, _C.CHILD_ABDUCTION_RISK, _C.JUDICIAL_PROCEDURE})


class DemoGenerator:
    """The state of one generated set; ``alerts`` yields it."""

    def __init__(self, seed: int, reference: date = REFERENCE_DATE) -> None:
        self.seed = seed
        self.reference = reference
        self.rng = Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.ids = IdentifierFactory(self.rng)
        self.objects = ObjectFactory(self.rng, self.ids, reference)
        self._persons: PersonFactory | None = None
        self._count = 0
        self._state_sums = cumulative(ISSUING_WEIGHTS[s] for s in _STATES)
        self._person_sums = cumulative(PERSON_WEIGHTS.values())
        self._object_sums = cumulative(OBJECT_WEIGHTS.values())

    @property
    def persons(self) -> PersonFactory:
        """Made on first use: only person alerts need Faker's name pools."""
        if self._persons is None:
            from limes.demo.names import name_pools

            pools = name_pools(self.seed)
            self._persons = PersonFactory(self.rng, self.ids, pools, self.reference)
        return self._persons

    def alerts(self, persons: int, objects: int) -> Iterator[tuple[str, AlertContent]]:
        """``persons`` person alerts, then ``objects`` object alerts, with issuing states."""
        for i in range(persons):
            yield self.person_alert(i)
        for i in range(objects):
            yield self.object_alert(i)

    # -- shared parts ------------------------------------------------------------------

    def _state(self) -> str:
        n = self._count
        self._count = n + 1
        if n < len(_STATES):
            return _STATES[n]
        return _STATES[weighted_index(self.rng, self._state_sums)]

    def _reference(self, state: str, subject: str) -> str:
        return f"{state}-{subject}-{self._count:09d}"

    def _days_ago(self, most: int, least: int = 1) -> date:
        return self.reference - timedelta(days=least + int(self.rng.random() * (most - least)))

    def _city(self, state: str) -> str:
        cities = CITIES[state]
        return cities[int(self.rng.random() * len(cities))]

    def _decision(self, category: Category, state: str) -> NationalDecision | None:
        code = category.code
        if not category.requires_national_decision and not (
            code is _C.JUDICIAL_PROCEDURE and self.rng.random() < 0.5
        ):
            return None
        if code in _COURT_DECISIONS:
            authority = court(state, self._city(state))
        else:
            authority = MIGRATION.get(state, POLICE[state])
        decided = self._days_ago(4 * 365, 10)
        prefix = "EAW" if code is _C.ARREST else "DEC"
        return NationalDecision(authority, f"{prefix} {decided.year}/{self._count:07d}", decided)

    # -- alerts ------------------------------------------------------------------------

    def person_alert(self, index: int) -> tuple[str, AlertContent]:
        """One person alert; the first ones cover every person category."""
        rng = self.rng
        state = self._state()
        if index < len(_PERSON_CODES):
            code = _PERSON_CODES[index]
        else:
            code = _PERSON_CODES[weighted_index(rng, self._person_sums)]
        category = CATEGORIES[code]
        draft = self.persons.person(code, state)
        actions = _ACTIONS[code]
        decision = self._decision(category, state)
        return_details = None
        if category.requires_return_details:
            decided = decision.decided_on if decision else self._days_ago(3 * 365, 10)
            end = decided + timedelta(days=30) if rng.random() < 0.6 else None
            return_details = ReturnDetails(decided, end)
        authority = (
            MIGRATION.get(state, POLICE[state])
            if code in THIRD_COUNTRY_CATEGORIES
            else POLICE[state]
        )
        action = actions[int(rng.random() * len(actions))]
        content = AlertContent(
            category=code,
            action=action,
            issuing_authority=authority,
            national_reference=self._reference(state, "P"),
            reason=_with_check(draft.reason, action),
            person=draft.person,
            warnings=draft.warnings,
            national_decision=decision,
            return_details=return_details,
            biometrics=draft.biometrics,
        )
        return state, content

    def object_alert(self, index: int) -> tuple[str, AlertContent]:
        """One object alert; the first ones cover every (object type, category) pair."""
        rng = self.rng
        state = self._state()
        if index < len(_OBJECT_PAIRS):
            object_type, category = _OBJECT_PAIRS[index]
        else:
            object_type = _OBJECT_TYPES[weighted_index(rng, self._object_sums)]
            checkable = object_type in _CHECK.object_types
            category = _CHECK if checkable and rng.random() < CHECK_SHARE else _SEIZURE
        check = category is _CHECK
        if check:
            action = _CHECK_ACTIONS[weighted_index(rng, _CHECK_ACTION_SUMS)]
        else:
            action = Action.SEIZE if rng.random() < 0.85 else Action.USE_AS_EVIDENCE
        data = self.objects.builders[object_type](state)
        content = AlertContent(
            category=category.code,
            action=action,
            issuing_authority=POLICE[state],
            national_reference=self._reference(state, "O"),
            reason=_with_check(self.objects.reason(object_type, state, check), action),
            object=data,
        )
        return state, content


def _with_check(reason: str, action: Action) -> str:
    """A check's reason says which check it asks for (police Art. 36, 37)."""
    if action in _CHECK_ACTIONS:
        return f"{reason}; {action.value.replace('_', ' ')} requested"
    return reason


def generate(
    persons: int, objects: int, seed: int, *, reference: date = REFERENCE_DATE
) -> Iterator[tuple[str, AlertContent]]:
    """Yield (issuing member state, alert content): ``persons`` on persons, then objects.

    Deterministic for a seed; every content passes ``validate_content``; no subject
    repeats. See the module docstring for what the set covers.
    """
    if persons < 0 or objects < 0:
        raise ValueError("the numbers of persons and objects cannot be negative")
    return DemoGenerator(seed, reference).alerts(persons, objects)
