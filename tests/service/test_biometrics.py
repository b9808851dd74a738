"""Fingerprints on person alerts through the service: enrolment by the issuing state
only, the quality gate storing nothing, search, verification, erasure (the audit: in
``tests/api/test_biometrics.py``)."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.biometrics.prints import (
    SEED,
    finger_image,
    fingers,
    latent,
    png_of,
    subject,
    transaction,
    type14,
)
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, VEHICLE, content, doc

from limes.biometrics.synthetic.persons import ten_print
from limes.biometrics.synthetic.records import iso_record
from limes.biometrics.transactions import Form, Submission
from limes.bootstrap import Limes
from limes.domain.roles import Purpose, Role
from limes.errors import Conflict, Forbidden, InvalidInput, NotFound
from limes.store.port import Store

DE, FR = make_ctx("DE"), make_ctx("FR")
GUARD = make_ctx("FR", Role.BORDER_GUARD, purpose=Purpose.BORDER_CHECK, user="guard")
VISA = make_ctx("FR", Role.VISA_OFFICER, purpose=Purpose.VISA, user="visa")


@pytest.fixture
def limes(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def person_alert(limes: Limes, reference: str = "BKA-1") -> str:
    # a subject of its own per reference, so that no two alerts are incompatible
    surname = "Doe" + "".join(chr(ord("a") + ord(c) % 26) for c in reference)
    person = PERSON["person"] | {"surnames": [{"latin": surname}], "documents": []}
    data = PERSON | {"national_reference": reference, "person": person}
    return limes.alerts.issue(DE, content(data)).alert.id


def stored(limes: Limes, alert_id: str) -> list[int]:
    with limes.store.read() as tx:
        return [f.position for f in tx.biometrics.of(alert_id)]


def test_the_issuing_state_enrols_and_a_later_capture_finds_the_alert(limes: Limes) -> None:
    alerts = [person_alert(limes, f"BKA-{n}") for n in range(4)]
    for n, alert_id in enumerate(alerts):
        enrolled = limes.biometrics.enrol(DE, alert_id, [fingers(n)])
        assert [f.position for f in enrolled.fingers] == list(range(1, 11))
        assert all(f.minutiae >= 12 and f.quality == 60 for f in enrolled.fingers)
        (last,) = limes.store.events_after(limes.store.last_event() - 1)
        assert (last.type, last.alert_id, last.detail) == (
            "alert.biometrics_enrolled",
            alert_id,
            {},
        )
    answer = limes.biometrics.search(GUARD, [fingers(2, (2, 7), capture=1)])
    first = answer.candidates[0]
    assert first.view.alert.id == alerts[2]
    assert [p for p, _ in first.fingers] == [2, 7]
    assert first.score == pytest.approx(sum(s for _, s in first.fingers), abs=1e-3)
    position, mark = latent(2, 2)  # a clear one: latents of 12-18 minutiae often are not
    found = limes.biometrics.search(FR, [mark]).candidates[0]
    assert found.view.alert.id == alerts[2]
    assert max(found.fingers, key=lambda f: f[1]) == (position, found.score)


def test_only_the_issuing_state_enrols_and_only_on_persons(limes: Limes) -> None:
    alert_id = person_alert(limes)
    with pytest.raises(Forbidden):
        limes.biometrics.enrol(FR, alert_id, [fingers(0)])
    with pytest.raises(Forbidden):
        limes.biometrics.enrol(GUARD, alert_id, [fingers(0)])
    vehicle = limes.alerts.issue(DE, content(VEHICLE)).alert.id
    with pytest.raises(Conflict, match="persons"):
        limes.biometrics.enrol(DE, vehicle, [fingers(0)])
    with pytest.raises(Forbidden):
        limes.biometrics.search(VISA, [fingers(0)])
    assert stored(limes, alert_id) == [] and stored(limes, vehicle) == []


@pytest.mark.parametrize(
    ("records", "pointer", "detail"),
    [
        ([b"FMR\x00 20\x00" + b"\x00" * 3], "/records/0/bytes/11", "cut short"),
        ([fingers(0, (1,)), b"FMR\x00 21\x00" + b"\x00" * 16], "/records/1/bytes/4", "version"),
        ([fingers(0, (1,)), fingers(0, (1,))], "/records/1/views/0", "given twice"),
        ([], "/records", "1 to 10 records"),
    ],
)
def test_a_bad_record_is_refused_where_it_is_wrong_and_nothing_is_stored(
    limes: Limes, records: list[bytes], pointer: str, detail: str
) -> None:
    alert_id = person_alert(limes)
    with pytest.raises(InvalidInput, match=detail) as refused:
        limes.biometrics.enrol(DE, alert_id, records)
    assert refused.value.errors[0].pointer == pointer
    assert stored(limes, alert_id) == []


def test_the_quality_gate_refuses_sparse_or_poor_fingers_and_latents(limes: Limes) -> None:
    alert_id = person_alert(limes)
    thumb = ten_print(subject(0), SEED, 0)[0]
    cases = [
        (iso_record({1: thumb[:11]}), "11 minutiae; at least 12"),
        (iso_record({1: thumb}, quality=19), "quality 19 is under 20"),
        (iso_record({1: thumb}, quality=0), "quality 0 is under 20"),
        (iso_record({0: thumb}), "enrolment takes fingers 1-10"),
        (iso_record({1: thumb}, impression=4), "latent impression"),
    ]
    for record, detail in cases:
        with pytest.raises(InvalidInput, match=detail):
            limes.biometrics.enrol(DE, alert_id, [fingers(0, (2,)), record])
    assert stored(limes, alert_id) == []


def test_verification_agrees_with_the_person_and_not_with_another(limes: Limes) -> None:
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(5, (1, 2, 6))])
    same = limes.biometrics.verify(GUARD, alert_id, [fingers(5, (1, 6), capture=3)])
    assert same.agrees and [p for p, _ in same.fingers] == [1, 6]
    other = limes.biometrics.verify(GUARD, alert_id, [fingers(6, (1, 6), capture=3)])
    assert not other.agrees and other.score < same.score
    with pytest.raises(Conflict, match="none of the fingers"):
        limes.biometrics.verify(GUARD, alert_id, [fingers(5, (9,))])
    bare = person_alert(limes, "BKA-bare")
    with pytest.raises(NotFound, match="no fingerprints"):
        limes.biometrics.verify(GUARD, bare, [fingers(5, (1,))])


def test_deleting_the_alert_deletes_its_fingers_and_no_search_finds_it(limes: Limes) -> None:
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(3)])
    probe = [fingers(3, (1, 2, 3), capture=1)]
    assert [c.view.alert.id for c in limes.biometrics.search(GUARD, probe).candidates] == [alert_id]
    limes.alerts.delete(DE, alert_id, expected_version=1)
    assert stored(limes, alert_id) == []
    assert limes.biometrics.search(GUARD, probe).candidates == ()
    # a process started after the deletion builds its gallery without it
    assert built(limes.store, limes.alerts.clock).biometrics.start() == 0


def test_a_new_process_builds_its_gallery_from_the_sealed_templates(limes: Limes) -> None:
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(4, (1, 2))])
    limes.biometrics.enrol(DE, alert_id, [fingers(4, (3,))])
    assert stored(limes, alert_id) == [1, 2, 3]
    other = built(limes.store, limes.alerts.clock).biometrics
    assert other.start() == 1
    found = other.search(GUARD, [fingers(4, (3,), capture=2)]).candidates
    assert [c.view.alert.id for c in found] == [alert_id]


def test_the_enrolled_fingers_are_listed_as_the_view_allows_never_a_template(
    limes: Limes,
) -> None:
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(0, (2, 7))])
    listed = limes.biometrics.enrolled(GUARD, alert_id)
    assert [f[:2] for f in listed.fingers] == [(2, 60), (7, 60)]
    assert (listed.issuing_state, listed.withheld) == ("DE", False)
    assert all(isinstance(f[2], datetime) for f in listed.fingers)
    refusal = doc(
        PERSON,
        category="refusal_of_entry",
        action="refuse_entry",
        warnings=[],
        national_decision={"authority": "P", "reference": "R-1", "decided_on": "2026-01-15"},
        national_reference="FR-REF-1",
        issuing_authority="Préfecture",
    )
    refused = limes.alerts.issue(FR, content(refusal)).alert.id
    limes.biometrics.enrol(FR, refused, [fingers(1, (1,))])
    hidden = limes.biometrics.enrolled(VISA, refused)  # the visa view holds no biometrics
    assert (hidden.fingers, hidden.withheld) == ((), True)
    with pytest.raises(Forbidden):
        limes.biometrics.enrolled(VISA, alert_id)  # visa officers read no arrests
    with pytest.raises(NotFound):
        limes.biometrics.enrolled(GUARD, "A-no-such")


def test_a_worker_follows_the_fingers_another_enrols_and_deletes(limes: Limes) -> None:
    """Two processes on one store (``limes serve --workers 2``): each gallery follows
    the change feed, so no restart is needed to find or lose what the other wrote."""
    other = built(limes.store, limes.alerts.clock)
    assert other.biometrics.start() == 0
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(5, (1, 2))])
    found = other.biometrics.search(GUARD, [fingers(5, (2,), capture=1)]).candidates
    assert [c.view.alert.id for c in found] == [alert_id]
    assert set(other.biometrics.gallery.fingers(alert_id)) == {1, 2}
    limes.biometrics.enrol(DE, alert_id, [fingers(5, (6,))])
    assert other.biometrics.start() == 1
    assert set(other.biometrics.gallery.fingers(alert_id)) == {1, 2, 6}
    limes.alerts.delete(DE, alert_id, 1)
    assert other.biometrics.start() == 0
    assert other.biometrics.search(GUARD, [fingers(5, (2,), capture=1)]).candidates == ()


def test_an_alert_whose_fingers_span_two_pages_is_built_whole(
    limes: Limes, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert_id = person_alert(limes)
    limes.biometrics.enrol(DE, alert_id, [fingers(6)])
    monkeypatch.setattr("limes.service.biometrics.PAGE", 3)
    other = built(limes.store, limes.alerts.clock).biometrics
    assert other.start() == 1
    assert sorted(other.gallery.fingers(alert_id)) == list(range(1, 11))


def test_palms_are_enrolled_and_searched_as_fingers_are(limes: Limes) -> None:
    alert_id, other = person_alert(limes, "BKA-P1"), person_alert(limes, "BKA-P2")
    hands = transaction(
        type14(finger_image(4), 22, "NONE", record_type=15), type14(finger_image(1), 3)
    )
    enrolled = limes.biometrics.enrol(DE, alert_id, Submission(Form.TRANSACTION, (hands,)))
    assert [f.position for f in enrolled.fingers] == [3, 22]
    palm = Submission(Form.TRANSACTION, (transaction(type14(finger_image(5), 24, "NONE", 15)),))
    limes.biometrics.enrol(DE, other, palm)
    assert stored(limes, alert_id) == [3, 22] and stored(limes, other) == [24]
    mark = png_of(finger_image(4, capture=1))
    for position in (22, 20):  # its palm code, or a palm mark of unknown position
        found = limes.biometrics.search(GUARD, Submission(Form.PNG, (mark,), position))
        assert [c.view.alert.id for c in found.candidates][:1] == [alert_id]
        assert found.candidates[0].fingers[0][0] == 22
    both = transaction(type14(finger_image(4), 22, "NONE", 15), type14(finger_image(1), 3))
    with pytest.raises(InvalidInput, match="not both"):
        limes.biometrics.search(GUARD, Submission(Form.TRANSACTION, (both,)))
    with pytest.raises(InvalidInput, match="palms 21-38"):
        limes.biometrics.enrol(DE, other, Submission(Form.PNG, (mark,), 20))
    assert stored(limes, other) == [24]
    assert [f[0] for f in limes.biometrics.enrolled(GUARD, alert_id).fingers] == [3, 22]
    again = built(limes.store, limes.alerts.clock).biometrics
    again.start()
    assert sorted(again.palms.fingers(alert_id)) == [22]
