"""The demo generator: deterministic, complete, valid by construction, never repeating."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import islice

import pytest
from tests.demo.conftest import SEED, Alerts

from limes import codec
from limes.demo.generator import REFERENCE_DATE, generate
from limes.domain.categories import CATEGORIES, CategoryCode, ObjectType, SubjectKind
from limes.domain.match_keys import content_keys
from limes.domain.validation import validate_content

TODAY = date.today()


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
