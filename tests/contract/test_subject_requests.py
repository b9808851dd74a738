"""The data-subject request register behaves alike on every store (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.conftest import FixedClock

from limes.domain.ids import new_id
from limes.store.port import ExtensionRow, HoldingRow, ReplyRow, RequestRow, Store


def _request(clock: FixedClock, state: str = "FR", received_on: str = "2026-05-29") -> RequestRow:
    now = clock()
    return RequestRow(
        new_id(), state, "access", "post", "fr", received_on, now, "dpo@CNIL/FR",
        now + timedelta(days=30), 0, None, None, False, b"\x00sealed",
    )  # fmt: skip


def test_requests_holdings_and_the_reply_round_trip(store: Store, clock: FixedClock) -> None:
    request = _request(clock)
    holding = HoldingRow(request.id, new_id(), "DE", "arrest", 0.97, "candidate")
    with store.transaction() as tx:
        tx.subject_requests.put(request)
        tx.subject_requests.put_holding(holding)
    with store.read() as tx:
        assert tx.subject_requests.get(request.id) == request
        assert tx.subject_requests.holdings(request.id) == [holding]
        assert tx.subject_requests.get(new_id()) is None

    answered = replace(
        holding, status="confirmed", case_id=new_id(), message_id=new_id(),
        disclosure="restrict", ground="public_security", answered_at=clock(), answered_by="x",
    )  # fmt: skip
    reply = ReplyRow(request.id, "FR", clock(), b"\x00reply")
    with store.transaction() as tx:
        tx.subject_requests.put_holding(answered)  # replaces the row of the same alert
        assert tx.subject_requests.put_reply(reply, "restricted")
        assert not tx.subject_requests.put_reply(reply, "granted")  # once only
    with store.read() as tx:
        assert tx.subject_requests.holdings(request.id) == [answered]
        assert tx.subject_requests.reply(request.id) == reply
        stored = tx.subject_requests.get(request.id)
        assert stored is not None and stored.outcome == "restricted"
        assert stored.replied_at == reply.created_at


def test_who_sees_a_request_and_which_are_overdue(store: Store, clock: FixedClock) -> None:
    first, second = _request(clock), _request(clock, "IT")
    with store.transaction() as tx:
        tx.subject_requests.put(first)
        tx.subject_requests.put(second)
        tx.subject_requests.put_holding(
            HoldingRow(first.id, new_id(), "DE", "arrest", 1, "confirmed")
        )
        tx.subject_requests.put_holding(
            HoldingRow(second.id, new_id(), "DE", "arrest", 1, "candidate")
        )
    with store.read() as tx:
        assert [r.id for r in tx.subject_requests.visible_to("FR", True, 10)] == [first.id]
        # a confirmed alert lets its issuing state see the request, a candidate does not
        assert [r.id for r in tx.subject_requests.visible_to("DE", True, 10)] == [first.id]
        assert tx.subject_requests.visible_to("PL", True, 10) == []
        assert tx.subject_requests.overdue(clock(), 10) == []
        late = tx.subject_requests.overdue(clock() + timedelta(days=31), 10)
        assert {r.id for r in late} == {first.id, second.id}
    with store.transaction() as tx:
        tx.subject_requests.set_escalation(first.id, 2)
    with store.read() as tx:
        escalated = tx.subject_requests.get(first.id)
        assert escalated is not None and escalated.escalation_level == 2


def test_statistics_rows_by_day_of_receipt(store: Store, clock: FixedClock) -> None:
    rows = [_request(clock, received_on=day) for day in ("2025-12-31", "2026-01-01", "2026-12-31")]
    with store.transaction() as tx:
        for row in rows:
            tx.subject_requests.put(row)
    with store.read() as tx:
        found = tx.subject_requests.statistics_rows("2026", "2027")
    assert found == [
        ("FR", "access", "post", "2026-01-01", None, False),
        ("FR", "access", "post", "2026-12-31", None, False),
    ]


def test_an_extension_moves_the_due_date_once_and_a_court_case_is_set_once(
    store: Store, clock: FixedClock
) -> None:
    request, replied = _request(clock), _request(clock)
    later = request.due_at + timedelta(days=61)
    extension = ExtensionRow(
        request.id, "FR", clock(), "dpo@CNIL/FR", request.due_at, later, b"\x00letter"
    )
    with store.transaction() as tx:
        tx.subject_requests.put(request)
        tx.subject_requests.put(replied)
        tx.subject_requests.put_reply(ReplyRow(replied.id, "FR", clock(), b"\x00r"), "granted")
        assert tx.subject_requests.extension(request.id) is None
        assert tx.subject_requests.put_extension(extension)
        assert not tx.subject_requests.put_extension(extension)  # once only
        moved = replace(extension, request_id=replied.id, previous_due_at=replied.due_at)
        assert not tx.subject_requests.put_extension(moved)  # replied to
        stale = replace(moved, request_id=_request(clock).id)
        assert not tx.subject_requests.put_extension(stale)  # no such request
        assert tx.subject_requests.set_court_case(request.id, "2026-06-01")
        assert not tx.subject_requests.set_court_case(request.id, "2026-06-02")
    with store.read() as tx:
        assert tx.subject_requests.extension(request.id) == extension
        assert tx.subject_requests.extension(replied.id) is None
        stored = tx.subject_requests.get(request.id)
        assert stored == replace(request, due_at=later, court_case=True, court_case_on="2026-06-01")
        assert sorted(r[-1] for r in tx.subject_requests.statistics_rows("2026", "2027")) == [
            False,
            True,
        ]
