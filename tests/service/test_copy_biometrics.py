"""Faces and fingerprints reach a national copy through the feed: sealed as the centre
stores them, only inside the copy's filter, deleted with the alert, and searched at the
copy with the centre down. The centre on each store (SQLite, PostgreSQL), the copy on
SQLite, the centre behind its HTTP door (``copy_helpers.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.biometrics.portraits import hopper, hopper_again
from tests.biometrics.prints import fingers
from tests.conftest import FixedClock
from tests.service.copy_helpers import (
    Site,
    centre_site,
    copy_of,
    deliver,
    guard,
    person,
    sirene,
)

from limes.bootstrap import Limes
from limes.store.port import Store
from limes.store.sqlite import SqliteStore


@pytest.fixture
def centre(store: Store, clock: FixedClock) -> Site:
    return centre_site(store, clock)


def rows(limes: Limes, alert_id: str) -> tuple[list[bytes], list[bytes]]:
    with limes.store.read() as tx:
        faces = [f.face for f in tx.faces.of(alert_id)]
        prints = [g.template for g in tx.biometrics.of(alert_id)]
    return faces, prints


def test_faces_and_fingers_reach_the_copy_sealed_and_are_searched_there(
    centre: Site, tmp_path: Path, clock: FixedClock
) -> None:
    wanted = person(centre.limes, reference="BKA-1", surname="Hopper")
    centre.limes.faces.enrol(sirene(), wanted, [hopper()])
    centre.limes.biometrics.enrol(sirene(), wanted, [fingers(1)])
    elsewhere = person(centre.limes, "FR", reference="PJ-1", surname="Collins")
    centre.limes.faces.enrol(sirene("FR"), elsewhere, [hopper()])
    copy = copy_of(centre, SqliteStore(tmp_path / "copy.db"), clock, states=["DE"])
    copy.copies.catch_up(centre.feed())

    faces, prints = rows(copy, wanted)
    assert (faces, prints) == rows(centre.limes, wanted)  # byte for byte, as stored
    assert len(faces) == 1 and len(prints) == 10
    assert all(b"Hopper" not in f for f in faces)  # sealed, never the image in clear
    assert rows(copy, elsewhere) == ([], [])  # outside the copy's filter: never sent

    deliver(centre, copy, "DE")
    centre.up = False  # the copy answers alone
    found = copy.faces.search(guard(), hopper_again())
    assert [c.view.alert.id for c in found.candidates] == [wanted]
    matched = copy.biometrics.search(guard(), [fingers(1, (2, 7), capture=1)])
    assert matched.candidates[0].view.alert.id == wanted

    centre.up = True
    centre.limes.alerts.delete(sirene(), wanted, 1)
    copy.copies.catch_up(centre.feed())
    assert rows(copy, wanted) == ([], [])
    assert copy.faces.search(guard(), hopper_again()).candidates == ()
