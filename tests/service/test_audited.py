"""``@audited``: a use case says what its record names; its result adds what it answered.

A recorder in memory stands in for the log here; ``tests/audit/test_trail.py`` checks
the records every real use case writes through ``bootstrap.build``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import make_ctx
from tests.service.recorders import Memory

from limes.audit.record import Actor, AlertRef, Outcome
from limes.domain.categories import CategoryCode
from limes.errors import InvalidInput
from limes.service.audited import Description, Refs, about, audited, on_alert
from limes.service.recorder import is_recorded

DE = make_ctx("DE")
ARREST = CategoryCode("arrest")


class Shown:
    """A result that names what it answered."""

    def audit_refs(self) -> Refs:
        return (AlertRef("A1", 3, "DE"),), {"shown": 1}


class Signed:
    def audit_refs(self) -> Refs:
        return (), {"session": "S1"}

    def audit_actor(self) -> Actor:
        return Actor("holder", "SIRENE DE", "DE", ("police_officer",))


class Service:
    def __init__(self) -> None:
        self.audit = Memory()

    @audited(
        "thing:change",
        write=True,
        describe=lambda _, ctx, thing_id, text, version=None: on_alert(thing_id, version),
    )
    def change(self, ctx: Any, thing_id: str, text: str, version: int | None = None) -> Shown:
        return Shown()

    @audited("thing:count", answer=lambda n: ((), {"count": n}))
    def count(self, ctx: Any) -> int:
        return 7

    @audited(
        "thing:search",
        describe=lambda _, ctx, limit=None, where=None: about(
            query={"limit": limit, "where": where}
        ),
    )
    def search(self, ctx: Any, limit: int = 10, where: str | None = None) -> None:
        raise InvalidInput("nothing to search with")

    @audited(
        "auth:sign-in",
        write=True,
        describe=lambda _, username, password: about(
            actor=Actor(user_id=username), account=username
        ),
    )
    def sign_in(self, username: str, password: str) -> Signed:
        return Signed()


def test_a_record_names_what_the_use_case_describes_and_what_its_result_answered() -> None:
    service = Service()
    service.change(DE, "A1", "free text, never recorded", 2)
    attempt, outcome = service.audit.entries
    assert attempt.outcome is Outcome.ATTEMPTED and outcome.outcome is Outcome.ALLOWED
    assert attempt.alerts == (AlertRef("A1", 2),) and attempt.refs == {"expected_version": 2}
    assert outcome.alerts == (AlertRef("A1", 3, "DE"),)
    assert outcome.refs == {"expected_version": 2, "shown": 1}
    assert attempt.actor == Actor.of(DE) and attempt.purpose == "sirene"
    assert "free text" not in repr(service.audit.entries)


def test_what_the_caller_did_not_give_is_not_recorded() -> None:
    service = Service()
    service.change(DE, "A1", "text")
    assert service.audit.entries[0].refs == {}
    with pytest.raises(InvalidInput) as refused:
        service.search(DE, where="north")
    (record,) = service.audit.entries[2:]
    assert record.query == {"where": "north"}  # the default limit was not asked for
    assert record.outcome is Outcome.REFUSED and is_recorded(refused.value)


def test_a_result_the_service_layer_does_not_define_is_described_by_answer() -> None:
    service = Service()
    assert service.count(DE) == 7
    assert service.audit.entries[0].refs == {"count": 7}


def test_a_login_names_who_claims_then_who_was_proven() -> None:
    service = Service()
    service.sign_in("holder", "secret password")
    attempt, outcome = service.audit.entries
    assert attempt.actor == Actor(user_id="holder") and attempt.refs == {"account": "holder"}
    assert outcome.actor.roles == ("police_officer",)
    assert outcome.refs == {"account": "holder", "session": "S1"}
    assert "secret password" not in repr(service.audit.entries)


def test_about_leaves_out_what_is_none() -> None:
    assert about(query={"a": None}, b=None) == Description()
    assert about(AlertRef("A1"), query={"a": 1}, b=0).refs == {"b": 0}
