"""The SIRENE tables behave alike on every store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FixedClock

from limes.domain.ids import new_id
from limes.store.port import AttachmentRow, CaseRow, HitRow, InboxFilter, MessageRow, Store


def _case(now: FixedClock) -> CaseRow:
    return CaseRow(new_id(), new_id(), "DE", "arrest", "FR", False, now())


def _message(case: CaseRow, to: str, sent: FixedClock, due: timedelta | None) -> MessageRow:
    at = sent()
    return MessageRow(
        id=new_id(),
        case_id=case.id,
        scope=case.scope,
        form="G",
        priority="normal",
        language="en",
        from_state="FR" if to == "DE" else "DE",
        to_state=to,
        sender="sirene-1@SIRENE-FR/FR",
        sent_at=at,
        reply_to=None,
        reply_due=None if due is None else at + due,
        answered_at=None,
        escalation_level=0,
        body=b"\x00sealed",
    )


def test_cases_hits_messages_and_attachments_round_trip(store: Store, clock: FixedClock) -> None:
    case = _case(clock)
    hit = HitRow(
        new_id(), case.id, case.alert_id, 3, "DE", "arrest", "FR", "agent", clock(), False, b"r"
    )
    first = _message(case, "DE", clock, timedelta(hours=12))
    clock.advance(minutes=1)
    urgent = _message(case, "DE", clock, timedelta(minutes=10))
    info = _message(case, "DE", clock, None)
    mine = _message(case, "FR", clock, timedelta(hours=1))
    attachment = AttachmentRow(new_id(), first.id, 0, "DE", "text/plain", 2, "ab", b"x")
    with store.transaction() as tx:
        tx.cases.put(case)
        tx.cases.put_hit(hit)
        for m in (first, urgent, info, mine):
            tx.messages.put(m)
        tx.messages.put_attachment(attachment)
    with store.read() as tx:
        assert tx.cases.get(case.id) == case
        assert tx.cases.get(new_id()) is None
        assert tx.cases.hits_of(case.id) == [hit]
        assert tx.messages.get(first.id) == first
        assert tx.messages.attachments_of(first.id) == [
            AttachmentRow(attachment.id, first.id, 0, "DE", "text/plain", 2, "ab", None)
        ]
        assert tx.messages.get_attachment(attachment.id) == attachment
        # soonest due first; those expecting no reply only when asked for all
        open_ = tx.messages.inbox(InboxFilter("DE"))
        assert [m.id for m in open_] == [urgent.id, first.id]
        every = tx.messages.inbox(InboxFilter("DE", open_only=False))
        assert [m.id for m in every] == [urgent.id, first.id, info.id]
        assert tx.messages.inbox(InboxFilter("DE", form="M")) == []
    late = clock.advance(minutes=30)
    with store.transaction() as tx:
        assert [m.id for m in tx.messages.overdue(late, 10)] == [urgent.id]
        for open_only in (True, False):  # overdue implies open, whatever open_only says
            where = InboxFilter("DE", open_only=open_only, overdue_at=late)
            assert [m.id for m in tx.messages.inbox(where)] == [urgent.id]
        assert tx.messages.mark_answered(urgent.id, late)
        assert not tx.messages.mark_answered(urgent.id, late)
        tx.messages.set_escalation(first.id, 2)
    with store.read() as tx:
        assert tx.messages.overdue(late, 10) == []
        assert tx.messages.get(urgent.id).answered_at == late  # type: ignore[union-attr]
        assert tx.messages.get(first.id).escalation_level == 2  # type: ignore[union-attr]
        rows = tx.messages.message_rows(case.opened_at, late + timedelta(seconds=1))
        assert len(rows) == 4 and rows[0][3] == first.sent_at
        assert tx.cases.hit_rows(case.opened_at, late) == [(hit.recorded_at, "arrest", "FR", "DE")]
        assert tx.cases.hit_rows(late, late + timedelta(days=1)) == []


def test_feed_positions_are_remembered(store: Store, clock: FixedClock) -> None:
    with store.transaction() as tx:
        assert tx.feed_positions.get("nats") == 0
        tx.feed_positions.save("nats", 7, clock())
        tx.feed_positions.save("nats", 9, clock())
        tx.feed_positions.save("other", 1, clock())
    with store.read() as tx:
        assert (tx.feed_positions.get("nats"), tx.feed_positions.get("other")) == (9, 1)
