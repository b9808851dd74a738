"""Faces on person alerts through the service: enrolment by the issuing state only, the
quality gate storing nothing, sealed at rest, search, verification, erasure."""

from __future__ import annotations

import pytest
from tests.biometrics.portraits import collins, hopper, hopper_again, no_face, small, two_faces
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content

from limes.bootstrap import Limes
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from limes.service.faces import MAX_FACES, VERIFY_DISTANCE
from limes.store.port import Store

DE, FR = make_ctx("DE"), make_ctx("FR")
GUARD = make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, user="guard")
VISA = make_ctx("FR", Role.VISA_OFFICER, purpose=Purpose.VISA, user="visa")


@pytest.fixture
def limes(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def person_alert(limes: Limes, reference: str = "BKA-1") -> str:
    surname = "Doe" + "".join(chr(ord("a") + ord(c) % 26) for c in reference)
    person = PERSON["person"] | {"surnames": [{"latin": surname}], "documents": []}
    data = PERSON | {"national_reference": reference, "person": person}
    return limes.alerts.issue(DE, content(data)).alert.id


def stored(limes: Limes, alert_id: str) -> list[int]:
    with limes.store.read() as tx:
        return [f.number for f in tx.faces.of(alert_id)]


def test_enrolment_then_a_search_and_a_verification_find_the_face(limes: Limes) -> None:
    hopper_alert, collins_alert = person_alert(limes, "BKA-1"), person_alert(limes, "BKA-2")
    enrolled = limes.faces.enrol(DE, hopper_alert, [hopper()])
    (face,) = enrolled.faces
    assert (face.number, face.media_type, face.width, face.height) == (1, "image/jpeg", 512, 600)
    assert face.eye_distance >= 80 and abs(face.roll) < 5 and abs(face.yaw) < 10
    (last,) = limes.store.events_after(limes.store.last_event() - 1)
    assert (last.type, last.alert_id, last.detail) == (
        "alert.biometrics_enrolled",
        hopper_alert,
        {},
    )
    limes.faces.enrol(DE, collins_alert, [collins()])
    answer = limes.faces.search(GUARD, hopper_again())
    first, second = answer.candidates
    assert first.view.alert.id == hopper_alert and first.distance < 0.2
    assert second.view.alert.id == collins_alert and second.distance > VERIFY_DISTANCE
    assert first.score > second.score
    assert first.face == 1  # the border check's view holds the biometrics group
    same = limes.faces.verify(GUARD, hopper_alert, hopper_again())
    assert same.agrees and same.face == 1 and same.distance == pytest.approx(first.distance)
    other = limes.faces.verify(GUARD, collins_alert, hopper_again())
    assert not other.agrees


def test_the_index_is_rebuilt_from_the_store_by_a_new_process(limes: Limes, store: Store) -> None:
    alert_id = person_alert(limes)
    limes.faces.enrol(DE, alert_id, [hopper(), hopper_again()])
    assert stored(limes, alert_id) == [1, 2]
    fresh = built(store, FixedClock())
    assert fresh.faces.start() == 2
    (only,) = fresh.faces.search(FR, hopper()).candidates  # one candidate per alert
    assert only.view.alert.id == alert_id and only.face == 1 and only.distance == 0.0


def test_only_the_issuing_state_enrols_only_on_persons_and_at_most_five(limes: Limes) -> None:
    alert_id = person_alert(limes)
    with pytest.raises(Forbidden):
        limes.faces.enrol(FR, alert_id, [hopper()])
    with pytest.raises(Forbidden):
        limes.faces.enrol(GUARD, alert_id, [hopper()])
    vehicle = limes.alerts.issue(DE, content(VEHICLE)).alert.id
    with pytest.raises(Conflict, match="persons"):
        limes.faces.enrol(DE, vehicle, [hopper()])
    with pytest.raises(Forbidden):
        limes.faces.search(VISA, hopper())
    limes.faces.enrol(DE, alert_id, [hopper()] * (MAX_FACES - 1))
    with pytest.raises(Conflict, match="at most 5"):
        limes.faces.enrol(DE, alert_id, [hopper(), hopper()])
    assert stored(limes, alert_id) == [1, 2, 3, 4] and stored(limes, vehicle) == []


@pytest.mark.parametrize(
    ("images", "pointer", "detail"),
    [
        (lambda: [no_face()], "/images/0/face", "no face"),
        (lambda: [two_faces()], "/images/0/face", "2 faces were found"),
        (lambda: [hopper(), small()], "/images/1/face", "33 pixels apart, under 40"),
        (lambda: [b"GIF89a" + bytes(100)], "/images/0/bytes/0", "neither a JPEG nor a PNG"),
        (lambda: [hopper()[:4000]], "/images/0/bytes", "does not decode"),
        (lambda: [], "/images", "give 1 to 5 images"),
    ],
)
def test_an_unusable_capture_is_refused_by_name_and_nothing_is_stored(
    limes: Limes, images: object, pointer: str, detail: str
) -> None:
    alert_id = person_alert(limes)
    before = limes.store.last_event()
    with pytest.raises(InvalidInput, match=detail) as refused:
        limes.faces.enrol(DE, alert_id, images())  # type: ignore[operator]
    assert refused.value.errors[0].pointer == pointer
    assert stored(limes, alert_id) == [] and limes.store.last_event() == before
    assert len(limes.faces.index) == 0


def test_deleting_the_alert_deletes_its_faces_and_drops_them_from_the_index(
    limes: Limes,
) -> None:
    alert_id = person_alert(limes)
    limes.faces.enrol(DE, alert_id, [hopper()])
    limes.alerts.delete(DE, alert_id, expected_version=1)
    assert stored(limes, alert_id) == []
    assert limes.faces.search(FR, hopper()).candidates == ()
    assert (alert_id, 1) not in limes.faces.index
    with pytest.raises(Gone):
        limes.faces.verify(FR, alert_id, hopper())


def test_a_worker_follows_the_faces_another_enrols_and_deletes(limes: Limes) -> None:
    """Two processes on one store (``limes serve --workers 2``): each index follows the
    change feed, so no restart is needed to find or lose what the other wrote."""
    other = built(limes.store, limes.alerts.clock)
    assert other.faces.start() == 0
    alert_id = person_alert(limes)
    limes.faces.enrol(DE, alert_id, [hopper()])
    (found,) = other.faces.search(GUARD, hopper_again()).candidates
    assert found.view.alert.id == alert_id and found.face == 1
    limes.faces.enrol(DE, alert_id, [hopper_again()])  # enrolled again: a second face
    assert other.faces.start() == 2 and other.faces.index.numbers(alert_id) == {1, 2}
    (found,) = other.faces.search(GUARD, hopper_again()).candidates
    assert found.face == 2 and found.distance == 0.0
    limes.alerts.delete(DE, alert_id, expected_version=1)
    assert other.faces.start() == 0  # dropped by the feed, before any search meets it
    assert other.faces.search(GUARD, hopper_again()).candidates == ()


def test_verification_needs_an_enrolled_face(limes: Limes) -> None:
    alert_id = person_alert(limes)
    with pytest.raises(NotFound, match="no face"):
        limes.faces.verify(FR, alert_id, hopper())
