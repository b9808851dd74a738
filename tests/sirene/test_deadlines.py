"""When replies are due and how overdue forms escalate: a table of cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.factories import PERSON, content

from limes.domain.categories import CategoryCode, WarningMarker
from limes.sirene.deadlines import escalation_level, is_immediate, reply_due
from limes.sirene.forms import (
    FlagMessage,
    FlagStep,
    HitNotification,
    Message,
    Miscellaneous,
    Priority,
    RectifyOrDelete,
)
from limes.sirene.hits import Confirmation

SENT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)


def message(body: object, reply_to: str | None = None) -> Message:
    return Message("en", body, Priority.NORMAL, reply_to, ())  # type: ignore[arg-type]


G_URGENT = HitNotification("G", "H1", Confirmation.URGENT)
G_ROUTINE = HitNotification("G", "H1", Confirmation.ROUTINE)
J = RectifyOrDelete("J", "delete", "unlawfully stored")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "immediate", "reply_to", "after"),
    [
        (G_URGENT, False, None, timedelta(minutes=10)),  # NCIC: urgent confirmation
        (G_ROUTINE, False, None, timedelta(hours=1)),  # NCIC: routine confirmation
        (G_ROUTINE, True, None, timedelta(hours=1)),
        (J, False, None, timedelta(hours=12)),  # the SIRENE Manual's 12 hours
        (J, True, None, timedelta(hours=1)),  # "immediately": terrorism, children
        (FlagMessage("F", FlagStep.REQUEST, "x"), False, None, timedelta(hours=12)),
        (FlagMessage("F", FlagStep.GRANT, "x"), False, "M1", None),  # a reply expects none
        (Miscellaneous("M", "x"), False, None, None),  # information only
        (J, False, "M1", None),
    ],
)
def test_reply_due(
    body: object, immediate: bool, reply_to: str | None, after: timedelta | None
) -> None:
    due = reply_due(message(body, reply_to), SENT, immediate)
    assert due == (None if after is None else SENT + after)


@pytest.mark.parametrize(
    ("now", "level"),
    [
        (SENT + timedelta(minutes=59), 0),
        (SENT + timedelta(hours=1), 1),
        (SENT + timedelta(hours=1, minutes=59), 1),
        (SENT + timedelta(hours=2), 2),
        (SENT + timedelta(hours=3), 3),
        (SENT + timedelta(days=3), 3),  # the highest level stays
    ],
)
def test_escalation_levels_follow_the_reply_window(now: datetime, level: int) -> None:
    assert escalation_level(SENT, SENT + timedelta(hours=1), now) == level


def test_immediately_for_terrorism_and_for_children() -> None:
    adult = content(PERSON)
    assert not is_immediate(CategoryCode.ARREST, adult, TODAY)
    terror = replace(adult, warnings=(WarningMarker.TERRORISM_RELATED,))
    assert is_immediate(CategoryCode.ARREST, terror, TODAY)
    assert is_immediate(CategoryCode.CHILD_ABDUCTION_RISK, None, TODAY)
    assert adult.person is not None
    child = replace(adult, person=replace(adult.person, date_of_birth="2010-06-02"))
    assert is_immediate(CategoryCode.MISSING_PROTECTION, child, TODAY)  # 15 years old
    grown = replace(adult, person=replace(adult.person, date_of_birth="2008-06-01"))
    assert not is_immediate(CategoryCode.MISSING_PROTECTION, grown, TODAY)  # 18 today
    assert not is_immediate(CategoryCode.OBJECT_SEIZURE, None, TODAY)
