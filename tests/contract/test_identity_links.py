"""``tx.identity_links`` on each store: links between two alerts (one per pair, whichever
made it), resolved with their history, the overdue ones, erased with an alert."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from limes.store.port import IdentityLinkRow, Store

T0 = datetime(2026, 6, 1, 8, 30, 0, 123456, tzinfo=UTC)


def link(link_id: str, alert_id: str, other_id: str, due: datetime = T0) -> IdentityLinkRow:
    return IdentityLinkRow(
        link_id,
        alert_id,
        other_id,
        "arrest",
        "refusal_of_entry",
        "DE",
        "FR",
        "yellow",
        0.93,
        T0,
        due,
    )


def test_links_round_trip_and_are_found_from_either_alert(store: Store) -> None:
    with store.transaction() as tx:
        tx.identity_links.put(link("L1", "A", "B"), "system")
        tx.identity_links.put(link("L2", "C", "A"), "system")
    with store.read() as tx:
        assert tx.identity_links.get("L1") == link("L1", "A", "B")
        assert [k.id for k in tx.identity_links.of_alert("A")] == ["L1", "L2"]
        assert tx.identity_links.between("B", "A") == link("L1", "A", "B")
        assert tx.identity_links.between("B", "C") is None
        assert tx.identity_links.get("nothing") is None


def test_one_link_per_pair_whichever_alert_made_it(store: Store) -> None:
    with store.transaction() as tx:
        tx.identity_links.put(link("L1", "A", "B"), "system")
    with pytest.raises(Exception), store.transaction() as tx:  # noqa: B017 - the driver's
        tx.identity_links.put(link("L2", "B", "A"), "system")


def test_resolution_keeps_the_history(store: Store) -> None:
    with store.transaction() as tx:
        tx.identity_links.put(link("L1", "A", "B"), "system")
    later = T0 + timedelta(hours=2)
    with store.transaction() as tx:
        tx.identity_links.resolve("L1", "red", later, "sirene-1@SIRENE-DE/DE")
    with store.read() as tx:
        found = tx.identity_links.get("L1", for_update=False)
        assert found is not None
        assert (found.colour, found.resolved_at, found.resolved_by) == (
            "red",
            later,
            "sirene-1@SIRENE-DE/DE",
        )
        assert [(h.seq, h.colour, h.at, h.by) for h in tx.identity_links.history("L1")] == [
            (1, "yellow", T0, "system"),
            (2, "red", later, "sirene-1@SIRENE-DE/DE"),
        ]


def test_overdue_yellow_links_most_overdue_first(store: Store) -> None:
    with store.transaction() as tx:
        tx.identity_links.put(link("L1", "A", "B", T0 + timedelta(hours=2)), "system")
        tx.identity_links.put(link("L2", "C", "D", T0 + timedelta(hours=1)), "system")
        tx.identity_links.put(link("L3", "E", "F", T0 + timedelta(hours=9)), "system")
        tx.identity_links.resolve("L1", "green", T0, "x")
    with store.read() as tx:
        assert [k.id for k in tx.identity_links.overdue(T0 + timedelta(hours=3), 10)] == ["L2"]


def test_erase_forgets_an_alerts_links_and_their_history(store: Store) -> None:
    with store.transaction() as tx:
        tx.identity_links.put(link("L1", "A", "B"), "system")
        tx.identity_links.put(link("L2", "C", "D"), "system")
        assert tx.identity_links.erase("B") == 1
    with store.read() as tx:
        assert tx.identity_links.of_alert("A") == []
        assert tx.identity_links.history("L1") == []
        assert [k.id for k in tx.identity_links.of_alert("C")] == ["L2"]


def test_the_escalation_level_and_an_external_end_are_kept(store: Store) -> None:
    external = replace(link("L1", "A", "X1"), other_kind="external", other_category="etias")
    with store.transaction() as tx:
        tx.identity_links.put(external, "system")
        tx.identity_links.set_escalation("L1", 2)
    with store.read() as tx:
        found = tx.identity_links.get("L1")
        assert found == replace(external, escalation_level=2) and found.external
        assert tx.identity_links.overdue(T0 + timedelta(hours=1), 10) == [found]
