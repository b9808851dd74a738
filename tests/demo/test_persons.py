"""Person alerts: the people each category is for, with many nationalities, dates of
birth of every precision, documents, warnings, aliases and decisions.
"""

from __future__ import annotations

from collections import Counter

from tests.demo.conftest import Alerts

from limes.demo.generator import REFERENCE_DATE
from limes.demo.persons import THIRD_COUNTRY_CATEGORIES
from limes.domain.categories import CATEGORIES, CHILD_CATEGORIES, CategoryCode
from limes.domain.countries import MEMBER_STATES


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
