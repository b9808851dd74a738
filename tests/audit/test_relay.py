"""The relay's wire: an entry crosses it to the same leaf."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson
import pytest
from tests.audit.conftest import entry

from limes.audit.record import Actor, AlertRef, Entry, Outcome, canonical
from limes.audit.relay import (
    entry_from_wire,
    entry_to_wire,
)
from limes.domain.roles import Role

RICH = Entry(
    action="search:persons",
    outcome=Outcome.ALLOWED,
    actor=Actor("u-1", "SIRENE DE", "DE", ("border_guard", "sirene_operator"), "s-9"),
    purpose="border",
    alerts=(AlertRef("A1", 3, "FR"), AlertRef("A2")),
    query={"names": {"b", "a"}, "born": date(1980, 2, 29), "at": datetime(2026, 1, 1, tzinfo=UTC)},
    refs={"hits": [1, 2], "role": Role.SIRENE_OPERATOR, "nested": {"k": ("x", None, True)}},
    reason="rules: border-all",
    rules=("border-all", "border-all"),
    categories=("arrest",),
    attempt=41,
)


@pytest.mark.parametrize(
    "original", [RICH, entry(7), Entry("auth:login", Outcome.REFUSED, Actor())]
)
def test_an_entry_crosses_the_wire_to_the_same_leaf(original: Entry) -> None:
    at = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)
    wire = orjson.loads(orjson.dumps(entry_to_wire(original)))
    assert canonical(entry_from_wire(wire).document(5, at)) == canonical(original.document(5, at))
