"""Recording a hit on every store: the report sealed in a case between the two states."""

from __future__ import annotations

from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content
from tests.service.alert_helpers import hit_report as report
from tests.store_peek import peek

from limes.store.port import Store

DE, FR = make_ctx("DE"), make_ctx("FR")


def test_a_hit_is_read_back_in_its_case_by_both_states(store: Store, clock: FixedClock) -> None:
    s = built(store, clock)
    alert_id = s.alerts.issue(DE, content(PERSON)).alert.id
    hit = s.hits.record(FR, alert_id, 1, report(s))
    assert (hit.alert_id, hit.executing_state, hit.issuing_state) == (alert_id, "FR", "DE")
    for ctx in (DE, FR):
        (seen,) = s.sirene.case(ctx, hit.case_id).hits
        assert seen.report.place.description == "Roissy"
    with store.read() as tx:
        sealed = [r for (r,) in peek(tx).rows("SELECT report FROM sirene_hits")]
    assert sealed and all(b"Roissy" not in bytes(r) for r in sealed)
