"""A hit report checked against its alert's category and the time it is recorded: every
problem named by its pointer at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from limes.domain.categories import CategoryCode
from limes.errors import InvalidInput
from limes.sirene.hits import (
    OLDEST_HIT,
    ActionReport,
    CheckReport,
    HitReport,
    Identity,
    IdentityMethod,
    NotTakenReason,
    Place,
    validate_hit,
)

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
REPORT = HitReport(
    Identity(confirmed=True, method=IdentityMethod.DOCUMENT),
    Place("Frankfurt airport, gate B12", "DE"),
    NOW - timedelta(hours=1),
    ActionReport(taken=True),
)


def pointers(report: HitReport, category: CategoryCode) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        validate_hit(report, category, NOW)
    return [error.pointer for error in caught.value.errors]


def test_a_sound_report_passes() -> None:
    assert validate_hit(REPORT, CategoryCode.ARREST, NOW) == REPORT


def test_every_problem_is_named_at_once() -> None:
    bad = HitReport(
        Identity(confirmed=True, method=IdentityMethod.NONE),
        REPORT.place,
        NOW - OLDEST_HIT - timedelta(seconds=1),
        ActionReport(taken=False),
    )
    assert pointers(bad, CategoryCode.ARREST) == [
        "/report/occurred_at",
        "/report/identity/method",
        "/report/action/reason",
    ]


def test_an_action_taken_needs_no_reason() -> None:
    taken = HitReport(
        REPORT.identity,
        REPORT.place,
        REPORT.occurred_at,
        ActionReport(taken=True, reason=NotTakenReason.OTHER),
    )
    assert pointers(taken, CategoryCode.ARREST) == ["/report/action/reason"]


def test_only_check_alerts_take_a_check_report() -> None:
    check = CheckReport("Frankfurt airport", NOW - timedelta(hours=1))
    with_check = HitReport(
        REPORT.identity, REPORT.place, REPORT.occurred_at, REPORT.action, check=check
    )
    assert pointers(REPORT, CategoryCode.PERSON_CHECK) == ["/report/check"]
    assert pointers(with_check, CategoryCode.ARREST) == ["/report/check"]
    assert validate_hit(with_check, CategoryCode.PERSON_CHECK, NOW).check == check
