"""The rules the fingerprint and face doors share (``service/biometric_doors.py``), called
directly: the services' own tests reach them through enrolment, search and verification."""

from __future__ import annotations

import pytest
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import VEHICLE, content
from tests.service.test_biometrics import DE, FR, GUARD, person_alert

from limes.bootstrap import Limes
from limes.domain.categories import CategoryCode
from limes.domain.roles import Role
from limes.errors import Conflict, Forbidden, Gone, InvalidInput
from limes.policy.permissions import Permission
from limes.service.biometric_doors import enrollable, require_search, shown_matches, verifiable
from limes.store.port import Store

ARREST = frozenset({CategoryCode.ARREST})


@pytest.fixture
def limes(store: Store, clock: FixedClock) -> Limes:
    return built(store, clock)


def test_only_the_issuing_state_enrols_and_only_on_an_active_person_alert(limes: Limes) -> None:
    alert_id = person_alert(limes)
    vehicle = limes.alerts.issue(DE, content(VEHICLE)).alert.id
    with limes.store.read() as tx:
        assert enrollable(limes.alerts, DE, tx, alert_id, "faces", for_update=False).id == alert_id
        with pytest.raises(Forbidden):
            enrollable(limes.alerts, FR, tx, alert_id, "faces", for_update=False)
        with pytest.raises(Conflict, match="on an object: fingers go on persons"):
            enrollable(limes.alerts, DE, tx, vehicle, "fingers", for_update=False)
    limes.alerts.delete(DE, alert_id, expected_version=1)
    with limes.store.read() as tx, pytest.raises(Gone):
        verifiable(limes.alerts, DE, tx, alert_id)


def test_a_search_needs_its_permission_in_every_category_named_and_a_bounded_limit(
    limes: Limes,
) -> None:
    require_search(limes.alerts, GUARD, Permission.SEARCH_FINGERPRINTS, ARREST, 10, 50)
    for limit in (0, 51):
        with pytest.raises(InvalidInput, match="limit is 1 to 50"):
            require_search(limes.alerts, GUARD, Permission.SEARCH_FINGERPRINTS, ARREST, limit, 50)
    clerk = make_ctx("FR", Role.VISA_OFFICER, user="visa")
    with pytest.raises(Forbidden):
        require_search(limes.alerts, clerk, Permission.SEARCH_FINGERPRINTS, ARREST, 10, 50)


def test_the_walk_skips_erased_alerts_telling_the_index_and_keeps_the_categories_asked(
    limes: Limes,
) -> None:
    kept, erased_id = person_alert(limes, "BKA-1"), person_alert(limes, "BKA-2")
    limes.alerts.delete(DE, erased_id, expected_version=1)
    told: list[str] = []
    matches = [(erased_id, "second"), (kept, "first"), ("A" * 26, "unknown")]
    with limes.store.read() as tx:
        shown = list(
            shown_matches(
                limes.alerts, GUARD, tx, Permission.SEARCH_FINGERPRINTS, frozenset(), matches,
                told.append,
            )
        )  # fmt: skip
        other = list(
            shown_matches(
                limes.alerts, GUARD, tx, Permission.SEARCH_FINGERPRINTS,
                frozenset({CategoryCode.MISSING_PROTECTION}), matches, told.append,
            )
        )  # fmt: skip
    assert [(m, r.id) for m, r, _ in shown] == [("first", kept)]
    assert all(decision.allowed for *_, decision in shown)
    assert other == []  # the alert is not of a category asked for
    assert told == [erased_id, "A" * 26] * 2
