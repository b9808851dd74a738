"""Object types: every type has its row of rules, and each can be seized."""

from __future__ import annotations

from limes.domain.categories import CATEGORIES, CategoryCode, ObjectType
from limes.domain.object_rules import OBJECT_RULES


def test_every_object_type_has_rules_and_can_be_seized() -> None:
    assert set(OBJECT_RULES) == set(ObjectType)
    assert CATEGORIES[CategoryCode.OBJECT_SEIZURE].object_types == frozenset(ObjectType)
    for rules in OBJECT_RULES.values():
        for group in rules.required_identifiers:
            assert group <= rules.identifiers, rules.type
        assert not rules.required_attributes & rules.optional_attributes, rules.type
