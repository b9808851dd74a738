"""The checks a new ten-print gets besides its own search: compatibility on biometrics
at enrolment (refused or reported as by names) and the reverse latent search."""

from __future__ import annotations

import pytest
from tests.biometrics.prints import fingers, latent
from tests.conftest import FixedClock, built
from tests.factories import PERSON, content, doc
from tests.service.test_biometrics import DE, FR, GUARD, person_alert, stored

from limes.bootstrap import Limes
from limes.errors import Conflict, InvalidInput
from limes.store.port import Store


@pytest.fixture
def limes(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def unknown_wanted(limes: Limes, reference: str = "BKA-U1") -> str:
    data: dict[str, object] = {
        "category": "unknown_wanted",
        "action": "identify",
        "issuing_authority": "Bundeskriminalamt",
        "national_reference": reference,
        "reason": "A mark from a burglary scene",
        "person": {"gender": "male"},
        "biometrics": [
            {"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": reference}
        ],
    }
    return limes.alerts.issue(DE, content(data)).alert.id


def test_the_same_fingers_under_another_alert_are_refused_or_reported(limes: Limes) -> None:
    first = person_alert(limes, "BKA-1")
    limes.biometrics.enrol(DE, first, [fingers(0, (1, 2, 3))])
    second = person_alert(limes, "BKA-2")  # another name: the name check finds nothing
    with pytest.raises(Conflict, match="already holds an arrest alert"):
        limes.biometrics.enrol(DE, second, [fingers(0, (1, 2, 3), capture=1)])
    assert stored(limes, second) == []
    french = doc(PERSON, national_reference="FR-1")
    french["person"] = PERSON["person"] | {"surnames": [{"latin": "Autre"}], "documents": []}
    theirs = limes.alerts.issue(FR, content(french)).alert.id
    enrolled = limes.biometrics.enrol(FR, theirs, [fingers(0, (1, 2), capture=2)])
    assert [a.id for a in enrolled.related] == [first]
    assert enrolled.related_notice is None
    other = limes.biometrics.enrol(DE, second, [fingers(1, (1, 2, 3))])  # someone else
    assert other.related == ()


def test_a_ten_print_is_checked_against_stored_latents(limes: Limes) -> None:
    position, mark = latent(2, 2)
    scene = unknown_wanted(limes)
    stored_latent = limes.biometrics.enrol(DE, scene, [mark, mark])
    assert [f.position for f in stored_latent.fingers] == [100, 101]
    with pytest.raises(InvalidInput, match="unknown"):
        limes.biometrics.enrol(DE, scene, [fingers(2, (1,))])  # a scene holds latents only
    assert stored(limes, scene) == [100, 101]
    found = limes.biometrics.search(GUARD, [fingers(2, capture=1)])
    assert [(h.view.alert.id, h.position) for h in found.latent_hits][:1] == [(scene, position)]
    assert scene not in [c.view.alert.id for c in found.candidates]
    assert limes.biometrics.search(GUARD, [fingers(3, capture=1)]).latent_hits == ()
    suspect = person_alert(limes, "BKA-S")
    enrolled = limes.biometrics.enrol(DE, suspect, [fingers(2)])
    assert {h.view.alert.id for h in enrolled.latent_hits} == {scene}
    limes.alerts.delete(DE, scene, 1)
    assert limes.biometrics.search(GUARD, [fingers(2, capture=1)]).latent_hits == ()


def test_another_worker_takes_and_drops_latents_from_the_change_feed(limes: Limes) -> None:
    other = built(limes.store, limes.alerts.clock).biometrics
    other.start()
    scene = unknown_wanted(limes)
    limes.biometrics.enrol(DE, scene, [latent(2, 2)[1]])
    other.start()
    assert other.latents.slots(scene) == [100]
    limes.alerts.delete(DE, scene, 1)
    other.start()
    assert other.latents.slots(scene) == []
