"""The change-feed follower of the in-memory biometric indexes, over a stand-in index:
built once, then only the alerts an event concerns are read again (the fingerprint and
face indexes that use it: ``test_biometrics.py``, ``test_faces.py``)."""

from __future__ import annotations

import pytest
from tests.biometrics.portraits import hopper
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content

from limes.bootstrap import Limes
from limes.service import feed_follower
from limes.service.feed_follower import FeedFollower
from limes.store.port import Store

DE = make_ctx("DE")


@pytest.fixture
def limes(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def person_alert(limes: Limes, reference: str) -> str:
    person = PERSON["person"] | {
        "surnames": [{"latin": "Doe" + "".join(chr(97 + ord(c) % 26) for c in reference)}],
        "documents": [],
    }
    data = PERSON | {"national_reference": reference, "person": person}
    return limes.alerts.issue(DE, content(data)).alert.id


def test_built_once_then_refreshes_only_enrolled_or_held_alerts(limes: Limes) -> None:
    held: set[str] = set()
    builds: list[int] = []
    refreshed: list[str] = []

    def build() -> None:
        builds.append(limes.store.last_event())
        person_alert(limes, "BKA-DURING")  # written while the index reads: applied after

    def refresh(alert_id: str) -> None:
        refreshed.append(alert_id)
        with limes.store.read() as tx:
            held.discard(alert_id)
            if tx.faces.of(alert_id):
                held.add(alert_id)

    follower = FeedFollower(limes.store, build, held.__contains__, refresh)
    assert follower.follow() == 1 and refreshed == []  # an event on an alert not held
    assert follower.follow() == 0 and len(builds) == 1
    enrolled, other = person_alert(limes, "BKA-1"), person_alert(limes, "BKA-2")
    limes.faces.enrol(DE, enrolled, [hopper()])
    assert follower.follow() == 3 and refreshed == [enrolled] and held == {enrolled}
    limes.alerts.delete(DE, other, expected_version=1)
    limes.alerts.delete(DE, enrolled, expected_version=1)
    assert follower.follow() == 2 and refreshed == [enrolled, enrolled] and held == set()
    assert follower.position == limes.store.last_event()


def test_events_are_read_page_by_page(limes: Limes, monkeypatch: pytest.MonkeyPatch) -> None:
    refreshed: list[str] = []
    follower = FeedFollower(limes.store, lambda: None, lambda _: True, refreshed.append)
    follower.follow()
    monkeypatch.setattr(feed_follower, "PAGE", 2)
    alerts = [person_alert(limes, f"BKA-{n}") for n in range(5)]
    assert follower.follow() == 5 and refreshed == alerts
    assert follower.position == limes.store.last_event()
