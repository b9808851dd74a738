"""What an alert's reader is told: the action note of a granted flag, and the expiry report's
audit references."""

from __future__ import annotations

from datetime import UTC, datetime

from limes.domain.alerts import Flag, FlagStatus
from limes.service.alert_views import ExpiryReport, action_note

AT = datetime(2026, 5, 2, tzinfo=UTC)


def test_a_granted_flag_tells_its_states_officers_not_to_act() -> None:
    flags = (
        Flag("IT", FlagStatus.REQUESTED, "asked", AT),
        Flag("FR", FlagStatus.GRANTED, "law", AT, AT, "agreed"),
    )
    assert action_note(flags, "FR") == "not to be carried out in FR"
    assert action_note(flags, "IT") is None  # only asked for
    assert action_note(flags, "DE") is None
    assert action_note(flags, None) is None


def test_a_withdrawn_flag_leaves_no_note() -> None:
    flags = (Flag("FR", FlagStatus.WITHDRAWN, "law", AT, AT, "agreed"),)
    assert action_note(flags, "FR") is None


def test_the_expiry_report_is_recorded_by_its_counts() -> None:
    assert ExpiryReport(expired=3, warned=1).audit_refs() == ((), {"expired": 3, "warned": 1})
