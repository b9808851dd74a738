"""The SIRENE tables behave alike on every store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FixedClock

from limes.domain.ids import new_id
from limes.store import sirene as tables
from limes.store.port import Store


def _case(now: FixedClock) -> tables.CaseRow:
    return tables.CaseRow(new_id(), new_id(), "DE", "arrest", "FR", False, now())


def _message(
    case: tables.CaseRow, to: str, sent: FixedClock, due: timedelta | None
) -> tables.MessageRow:
    at = sent()
    return tables.MessageRow(
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
    hit = tables.HitRow(
        new_id(), case.id, case.alert_id, 3, "DE", "arrest", "FR", "agent", clock(), False, b"r"
    )
    first = _message(case, "DE", clock, timedelta(hours=12))
    clock.advance(minutes=1)
    urgent = _message(case, "DE", clock, timedelta(minutes=10))
    info = _message(case, "DE", clock, None)
    mine = _message(case, "FR", clock, timedelta(hours=1))
    attachment = tables.AttachmentRow(new_id(), first.id, 0, "DE", "text/plain", 2, "ab", b"x")
    with store.transaction() as tx:
        tables.put_case(tx, case)
        tables.put_hit(tx, hit)
        for m in (first, urgent, info, mine):
            tables.put_message(tx, m)
        tables.put_attachment(tx, attachment)
    with store.read() as tx:
        assert tables.get_case(tx, case.id) == case
        assert tables.get_case(tx, new_id()) is None
        assert tables.hits_of_case(tx, case.id) == [hit]
        assert tables.get_message(tx, first.id) == first
        assert tables.attachments_of(tx, first.id) == [
            tables.AttachmentRow(attachment.id, first.id, 0, "DE", "text/plain", 2, "ab", None)
        ]
        assert tables.get_attachment(tx, attachment.id) == attachment
        # soonest due first; those expecting no reply only when asked for all
        open_ = tables.inbox(tx, tables.InboxFilter("DE"))
        assert [m.id for m in open_] == [urgent.id, first.id]
        every = tables.inbox(tx, tables.InboxFilter("DE", open_only=False))
        assert [m.id for m in every] == [urgent.id, first.id, info.id]
        assert tables.inbox(tx, tables.InboxFilter("DE", form="M")) == []
    late = clock.advance(minutes=30)
    with store.transaction() as tx:
        assert [m.id for m in tables.overdue(tx, late, 10)] == [urgent.id]
        for open_only in (True, False):  # overdue implies open, whatever open_only says
            where = tables.InboxFilter("DE", open_only=open_only, overdue_at=late)
            assert [m.id for m in tables.inbox(tx, where)] == [urgent.id]
        assert tables.mark_answered(tx, urgent.id, late)
        assert not tables.mark_answered(tx, urgent.id, late)
        tables.set_escalation(tx, first.id, 2)
    with store.read() as tx:
        assert tables.overdue(tx, late, 10) == []
        assert tables.get_message(tx, urgent.id).answered_at == late  # type: ignore[union-attr]
        assert tables.get_message(tx, first.id).escalation_level == 2  # type: ignore[union-attr]
        rows = tables.message_rows(tx, case.opened_at, late + timedelta(seconds=1))
        assert len(rows) == 4 and rows[0][3] == first.sent_at
        assert tables.hit_rows(tx, case.opened_at, late) == [
            (hit.recorded_at, "arrest", "FR", "DE")
        ]
        assert tables.hit_rows(tx, late, late + timedelta(days=1)) == []


def test_feed_positions_are_remembered(store: Store, clock: FixedClock) -> None:
    with store.transaction() as tx:
        assert tables.position(tx, "nats") == 0
        tables.save_position(tx, "nats", 7, clock())
        tables.save_position(tx, "nats", 9, clock())
        tables.save_position(tx, "other", 1, clock())
    with store.read() as tx:
        assert (tables.position(tx, "nats"), tables.position(tx, "other")) == (9, 1)
