"""Field groups and minimise: every field in one group, a view kept and the rest emptied."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from tests.factories import PERSON, content

from limes import codec
from limes.domain.alerts import AlertContent, Person
from limes.policy.fields import (
    ALL_GROUPS,
    CONTENT_GROUPS,
    COVERS,
    FieldGroup,
    minimise,
    withheld_groups,
)

G = FieldGroup


def groups(*names: FieldGroup) -> frozenset[FieldGroup]:
    return frozenset(names) | {G.ACTION}


def test_every_field_of_the_content_is_in_exactly_one_group() -> None:
    covered = [f for fields in COVERS.values() for f in fields]
    assert len(covered) == len(set(covered))
    content_fields = {f.name for f in dataclasses.fields(AlertContent)} - {"category", "person"}
    person_fields = {f"person.{f.name}" for f in dataclasses.fields(Person)}
    assert content_fields | person_fields <= set(covered)


def test_the_full_view_changes_nothing() -> None:
    alert = content(PERSON)
    assert minimise(alert, ALL_GROUPS) == (alert, ())


@pytest.mark.parametrize(
    ("view", "kept", "gone"),
    [
        (groups(G.IDENTITY), {"surnames", "date_of_birth"}, {"documents", "national_decision"}),
        (groups(G.DOCUMENTS), {"documents"}, {"surnames", "date_of_birth", "warnings"}),
        (groups(G.WARNINGS, G.REASON), {"warnings", "reason"}, {"person", "issuing_authority"}),
        (
            groups(G.NATIONAL_DECISION, G.ISSUER),
            {"national_decision", "issuing_authority"},
            {"reason"},
        ),
    ],
)
def test_minimise_keeps_the_view_and_empties_the_rest(
    view: frozenset[FieldGroup], kept: set[str], gone: set[str]
) -> None:
    full = orjson.loads(codec.encode(content(PERSON)))
    small, withheld = minimise(content(PERSON), view)
    shown = orjson.loads(codec.encode(small))
    flat = {**shown, **(shown["person"] or {})}
    originals = {**full, **full["person"]}
    for name in kept:
        assert flat[name] == originals[name], name
    for name in gone:
        assert originals[name] not in (None, "", []), f"{name}: PERSON has nothing to withhold"
        assert flat.get(name) in (None, "", []), name
    assert shown["category"] == "arrest" and shown["action"] == "arrest"
    assert set(withheld) == ALL_GROUPS - view
    assert list(withheld) == [g for g in FieldGroup if g not in view]  # table order


def test_a_view_without_the_action_is_refused() -> None:
    with pytest.raises(ValueError, match="action"):
        minimise(content(PERSON), frozenset({G.IDENTITY}))


def test_content_groups_leave_out_only_misused_identity() -> None:
    assert ALL_GROUPS - CONTENT_GROUPS == {G.MISUSED_IDENTITY}


def test_the_groups_a_view_withholds_are_worked_out_once_a_view() -> None:
    """Issue 13: every alert answered asks for them; a view's are the same tuple each time."""
    view = frozenset({G.IDENTITY, G.ACTION})
    assert withheld_groups(view) is withheld_groups(frozenset({G.ACTION, G.IDENTITY}))
