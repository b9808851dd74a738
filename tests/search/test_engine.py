"""The engine on a real store (SQLite and PostgreSQL): built from what is stored, kept
current from the change feed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes.domain.roles import Purpose, Role
from limes.search import engine as engine_module
from limes.search.engine import Indexed, SearchEngine
from limes.search.identifiers import IdentifierIndex, IdentifierQuery, check_query
from limes.search.query import PersonQuery
from limes.service.alerts import AlertService
from limes.store.port import Store

IVANOVA = PersonQuery(surnames=("Ivanova",), forenames=("Olga",), date_of_birth="1984-03-17")
PETROVA = PersonQuery(surnames=("Petrova",), forenames=("Olga",), date_of_birth="1984-03-17")


@pytest.fixture
def alerts(store: Store, clock: FixedClock) -> AlertService:
    return built(store, clock).alerts


def _found(engine: SearchEngine, query: PersonQuery) -> list[str]:
    return [found.alert_id for found, _ in engine.persons_matching(query, 10)]


def _plates(engine: SearchEngine, value: str) -> list[str]:
    query = check_query(IdentifierQuery(None, value))
    return [found.alert_id for found, _ in engine.identifiers_matching(query)]


def test_build_indexes_what_is_stored_and_skips_what_is_not_active(
    store: Store, alerts: AlertService
) -> None:
    ctx = make_ctx()
    person = alerts.issue(ctx, content(PERSON)).alert
    vehicle = alerts.issue(ctx, content(VEHICLE)).alert
    petrova = {**PERSON["person"], "surnames": [{"latin": "Petrova"}], "documents": []}
    gone = alerts.issue(ctx, content(doc(PERSON, person=petrova))).alert
    alerts.delete(ctx, gone.id, gone.version)

    engine = SearchEngine(store, alerts.crypto)
    progress: list[int] = []
    report = engine.build(progress.append)
    assert (report.alerts, report.persons) == (2, 1)
    assert report.identifiers >= 3  # a passport number, a VIN and a plate
    assert sum(progress) == 2  # the active alerts, each read once
    assert _found(engine, IVANOVA) == [person.id]
    assert _found(engine, PETROVA) == []
    assert _plates(engine, "AB-123-CD") == [vehicle.id]
    assert _plates(engine, "L898902C3") == [person.id]  # the person's passport
    assert engine.position == store.last_event()


def test_a_build_freezes_the_object_side_as_it_goes(
    store: Store, alerts: AlertService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that the Python layer never holds more than ``FREEZE_EVERY`` alerts."""
    ctx = make_ctx()
    person = alerts.issue(ctx, content(PERSON)).alert
    vehicle = alerts.issue(ctx, content(VEHICLE)).alert
    monkeypatch.setattr(engine_module, "FREEZE_EVERY", 1)
    engine = SearchEngine(store, alerts.crypto)
    held: list[int] = []
    freeze = IdentifierIndex.freeze

    def counted(index: IdentifierIndex) -> None:
        held.append(len(index._layers.records))
        freeze(index)

    monkeypatch.setattr(IdentifierIndex, "freeze", counted)
    engine.build()
    assert held[:2] == [1, 1]  # one alert filed since the last freeze, each time
    assert _plates(engine, "AB-123-CD") == [vehicle.id]
    assert _plates(engine, "L898902C3") == [person.id]


def test_catch_up_follows_issue_update_delete_and_expiry(
    store: Store, alerts: AlertService, clock: FixedClock
) -> None:
    engine = SearchEngine(store, alerts.crypto)
    engine.build()
    ctx = make_ctx()
    issued = alerts.issue(ctx, content(PERSON)).alert
    assert _found(engine, IVANOVA) == []  # not applied yet
    assert engine.catch_up() == 1
    assert _found(engine, IVANOVA) == [issued.id]
    assert engine.catch_up() == 0  # idempotent

    renamed = doc(PERSON, person={**PERSON["person"], "surnames": [{"latin": "Petrova"}]})
    updated = alerts.update(ctx, issued.id, content(renamed), issued.version).alert
    engine.catch_up()
    assert _found(engine, IVANOVA) == []
    assert _found(engine, PETROVA) == [issued.id]
    hit = engine.persons_matching(PETROVA, 1)[0][0]
    assert hit.version == updated.version

    vehicle = alerts.issue(ctx, content(VEHICLE)).alert
    engine.catch_up()
    assert _plates(engine, "1M8GDM9AXKP042788") == [vehicle.id]
    alerts.delete(ctx, vehicle.id, vehicle.version)
    engine.catch_up()
    assert _plates(engine, "1M8GDM9AXKP042788") == []

    clock.advance(timedelta(days=366 * 6))
    alerts.expire_due(make_ctx("DE", Role.SYSTEM_OPERATOR, purpose=Purpose.OPERATIONS))
    engine.catch_up()
    assert _found(engine, PETROVA) == []


def test_the_follower_applies_events_without_being_asked(
    store: Store, alerts: AlertService
) -> None:
    engine = SearchEngine(store, alerts.crypto)
    engine.build()
    engine.follow(interval=0.01)
    try:
        issued = alerts.issue(make_ctx(), content(PERSON)).alert
        deadline = time.monotonic() + 10  # generous: this checks that it happens, not how fast
        while _found(engine, IVANOVA) != [issued.id] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _found(engine, IVANOVA) == [issued.id]
    finally:
        engine.stop()


def test_equal_hits_are_ordered_by_the_random_part_of_the_id_not_by_its_time(
    store: Store, alerts: AlertService
) -> None:
    """A ULID begins with its time: ordered by the whole id, the alert issued first would
    always come first among equal hits, which is the record order the tie rule refuses."""
    engine = SearchEngine(store, alerts.crypto)
    first = engine._slots.append(Indexed("01J0000000" + "Z" * 16, 1, "arrest"))
    later = engine._slots.append(Indexed("01J0000001" + "0" * 16, 1, "arrest"))
    milder = engine._slots.append(Indexed("01J0000002" + "0" * 16, 1, "person_check"))
    assert sorted([first, later, milder], key=engine._order) == [later, first, milder]
