"""The audit tables, read and written alike in each store."""

from dataclasses import replace

from tests.audit.conftest import PUBLIC_KEY, entry

from limes.audit.log import AuditLog
from limes.audit.record import AlertRef
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
