"""The category table: complete, consistent, and holding the regulations' defaults."""

from __future__ import annotations

import pytest

from limes.domain.categories import (
    CATEGORIES,
    CategoryCode,
    ReviewRules,
    SubjectKind,
    with_article,
)


def test_every_category_has_a_row_and_every_row_is_usable() -> None:
    assert set(CATEGORIES) == set(CategoryCode)
    for category in CATEGORIES.values():
        assert category.actions, category.code
        assert category.legal_basis.startswith("Regulation (EU) 2018/186"), category.code
        assert not category.person_required & category.person_optional, category.code
        if category.subject is SubjectKind.OBJECT:
            assert category.object_types and not category.person_required


@pytest.mark.parametrize(
    ("code", "years"),
    [
        (CategoryCode.ARREST, 5),
        (CategoryCode.MISSING_PROTECTION, 5),
        (CategoryCode.JUDICIAL_PROCEDURE, 3),
        (CategoryCode.UNKNOWN_WANTED, 3),
        (CategoryCode.PERSON_CHECK, 1),
        (CategoryCode.CHILD_ABDUCTION_RISK, 1),
        (CategoryCode.REFUSAL_OF_ENTRY, 3),
        (CategoryCode.OBJECT_SEIZURE, 10),
        (CategoryCode.OBJECT_CHECK, 10),
    ],
)
def test_review_period_defaults(code: CategoryCode, years: int) -> None:
    assert ReviewRules.defaults().years[code] == years


def test_review_periods_are_configurable_within_bounds() -> None:
    rules = ReviewRules.defaults().with_overrides({CategoryCode.ARREST: 2}, warning_months=2)
    assert rules.years[CategoryCode.ARREST] == 2
    assert rules.years[CategoryCode.TRAVEL_BAN] == 3
    assert rules.warning_months == 2
    assert ReviewRules.defaults().warning_months == 4
    with pytest.raises(ValueError, match="1 to 10 years"):
        ReviewRules.defaults().with_overrides({CategoryCode.ARREST: 0})


def test_a_category_or_form_takes_the_article_it_is_said_with() -> None:
    assert with_article("arrest") == "an arrest"  # never "a arrest"
    assert with_article("object_check") == "an object_check"
    assert with_article("travel_ban") == "a travel_ban"
    assert with_article("H") == "an H" and with_article("G") == "a G"
