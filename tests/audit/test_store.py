"""The audit tables, read and written alike in each store."""

from dataclasses import replace

from tests.audit.conftest import PUBLIC_KEY, entry
from tests.conftest import FixedClock

from limes.audit.log import AuditLog
from limes.audit.record import AlertRef, Entry, Outcome
from limes.audit.store import COPY_FROM, RecordQuery
from limes.audit.verify import verify


def test_a_batch_large_enough_for_copy_reads_back_as_written_in_each_store(
    each_log: AuditLog,
) -> None:
    # COPY_FROM records and more (and their alerts and tree nodes) go by COPY on
    # PostgreSQL; a bulk load's one record naming a whole batch of alerts as well
    batch = [entry(n) for n in range(COPY_FROM + 6)]
    bulk = replace(entry(0), alerts=tuple(AlertRef(f"B{n:025d}", 1, "FR") for n in range(300)))
    seqs = each_log.append([*batch, bulk])
    answer = each_log.query(RecordQuery(alert_id="B" + f"{299:025d}"))
    assert answer is not None and [p.record.seq for p in answer.items] == [seqs[-1]]
    answer = each_log.query(RecordQuery(alert_id=f"A{COPY_FROM + 5:025d}"))
    assert answer is not None and [p.record.seq for p in answer.items] == [seqs[-2]]
    assert verify(each_log.store, [PUBLIC_KEY]).ok


def _outcome(attempt: Entry, seq: int, *written: AlertRef) -> Entry:
    """The outcome of ``attempt`` (at ``seq``), as ``service.audited`` writes it: naming
    ``written`` (a bulk batch's names none, it counts them)."""
    return replace(attempt, outcome=Outcome.ALLOWED, alerts=written, attempt=seq)


def _seqs(log: AuditLog, query: RecordQuery) -> list[int]:
    answer = log.query(query)
    return [] if answer is None else [p.record.seq for p in answer.items]


def test_a_lookup_by_alert_id_returns_each_attempt_with_its_outcome_in_each_store(
    each_log: AuditLog,
) -> None:
    """A bulk batch's outcome names its alerts only through its attempt, and a new
    alert's attempt names no alert yet; the outcome index pairs them (``store.py``)."""
    bulk = (AlertRef("B" + "0" * 25, 1, "FR"), AlertRef("B" + "1" * 25, 1, "FR"))
    issuing = replace(entry(0), action="alert:issue", outcome=Outcome.ATTEMPTED, alerts=())
    (bulk_attempt,) = each_log.append([replace(issuing, alerts=bulk)])
    each_log.append([entry(7)])  # between attempt and outcome, as other workers' reads
    (bulk_outcome,) = each_log.append([_outcome(issuing, bulk_attempt)])
    (new_attempt,) = each_log.append([issuing])
    new = AlertRef("N" + "0" * 25, 1, "DE")
    (new_outcome,) = each_log.append([_outcome(issuing, new_attempt, new)])

    assert _seqs(each_log, RecordQuery(alert_id=bulk[1].id)) == [bulk_attempt, bulk_outcome]
    assert _seqs(each_log, RecordQuery(alert_id=new.id)) == [new_attempt, new_outcome]
    # a state sees the pair through its alert's issuing state (the writer is of DE)
    assert _seqs(each_log, RecordQuery(alert_id=bulk[0].id, state="FR")) == [
        bulk_attempt,
        bulk_outcome,
    ]
    assert _seqs(each_log, RecordQuery(alert_id=bulk[0].id, state="IT")) == []
    paged = RecordQuery(alert_id=bulk[0].id, after=bulk_attempt, limit=1)
    assert _seqs(each_log, paged) == [bulk_outcome]
    with each_log.store.read() as tx:
        assert list(tx.all_outcome_rows()) == [
            (bulk_outcome, bulk_attempt),
            (new_outcome, new_attempt),
        ]
    found = verify(each_log.store, [PUBLIC_KEY])
    assert found.ok, found.findings


def test_retention_deletes_the_outcome_index_rows_with_their_records(
    each_log: AuditLog, clock: FixedClock
) -> None:
    attempt = replace(entry(0), outcome=Outcome.ATTEMPTED)
    for _ in range(3):
        (first,) = each_log.append([attempt])
        each_log.append([_outcome(attempt, first, *attempt.alerts)])
        each_log.checkpoint()
        clock.advance(days=200)
    clock.advance(days=3 * 365 - 300)
    report = each_log.apply_retention()
    assert report.below == 4  # the first two pairs
    with each_log.store.read() as tx:
        assert list(tx.all_outcome_rows()) == [(5, 4)]
    assert _seqs(each_log, RecordQuery(alert_id=entry(0).alerts[0].id)) == [4, 5]
    found = verify(each_log.store, [PUBLIC_KEY])
    assert found.ok, found.findings
