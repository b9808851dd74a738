"""The query against its profile, the answer against its shape (both ways of the boundary)."""

from __future__ import annotations

import json

import pytest

from limes.errors import InvalidInput
from limes.gateway.checks import BadAnswer, checked_answer, checked_query
from limes.policy.profiles import default_profiles

PROFILES = default_profiles()


def test_a_query_within_the_profile_passes_as_sent() -> None:
    vis = PROFILES["vis-visa-check"]
    sent = {
        "surnames": ["Иванова"],
        "date_of_birth": "1984-03-17",
        "gender": "female",
        "nationalities": ["UA"],
        "document_number": "L898902C3",
        "external_reference": "VIS/2026-00017",
    }
    assert checked_query(vis, json.dumps(sent).encode()) == sent


def test_a_flag_only_profile_takes_fewer_fields() -> None:
    flag = PROFILES["law-enforcement-flag"]
    with pytest.raises(InvalidInput) as refused:
        checked_query(flag, b'{"surnames": ["A"], "nationalities": ["UA"], "gender": "male"}')
    assert [e.pointer for e in refused.value.errors] == ["/gender", "/nationalities"]


def test_a_large_body_is_refused_unread() -> None:
    with pytest.raises(InvalidInput, match="larger than"):
        checked_query(PROFILES["ees-border-check"], b" " * 5000)


def test_a_flag_only_answer_has_no_results() -> None:
    flag = PROFILES["law-enforcement-flag"]
    ok = {"source": "SIS", "profile": flag.id, "hit": True}
    assert checked_answer(flag, json.dumps(ok).encode()) == ok
    with pytest.raises(BadAnswer):
        checked_answer(flag, json.dumps({**ok, "results": []}).encode())


@pytest.mark.parametrize("body", [b"[]", b"{", b'{"source": "SIS", "source": "SIS"}', b"\xff"])
def test_an_answer_that_is_not_an_object_is_refused(body: bytes) -> None:
    with pytest.raises(BadAnswer):
        checked_answer(PROFILES["ees-border-check"], body)


def test_values_must_be_short_strings() -> None:
    ees = PROFILES["ees-border-check"]
    result = {
        "source": "SIS",
        "category": "travel_ban",
        "action": "refuse_entry",
        "issuing_state": "DE",
    }
    good = {"source": "SIS", "profile": ees.id, "hit": True, "results": [result]}
    assert checked_answer(ees, json.dumps(good).encode()) == good
    for value in (["x"], "x" * 65, 3):
        bad = {**good, "results": [{**result, "action": value}]}
        with pytest.raises(BadAnswer):
            checked_answer(ees, json.dumps(bad).encode())
