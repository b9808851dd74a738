"""The audit log: records, signed tree heads, append-only storage, retention, proofs."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from tests.audit.conftest import PUBLIC_KEY, SIGNER, entry, tamper
from tests.conftest import FixedClock

from limes.audit.log import AuditLog, AuditUnavailable, years_before
from limes.audit.merkle import leaf_hash, root_from_inclusion
from limes.audit.record import canonical
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.store import RecordQuery
from limes.audit.verify import verify

US = timedelta(microseconds=1)


def records(log: AuditLog) -> list[dict[str, object]]:
    answer = log.query(RecordQuery(user="officer-1", limit=1000))
    return [] if answer is None else [p.record.document for p in answer.items]


def test_records_are_canonical_json_with_their_place_and_time(
    each_log: AuditLog, clock: FixedClock
) -> None:
    assert each_log.append([entry(0), entry(1)]) == [0, 1]
    assert each_log.record(entry(2)) == 2
    answer = each_log.query(RecordQuery(user="officer-1"))
    assert answer is not None
    first = answer.items[0].record
    document = first.document
    assert first.data == canonical(document)
    assert first.data == json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    assert document["seq"] == 0 and document["v"] == 1
    assert document["at"] == "2026-06-01T08:30:00.123456+00:00" == clock().isoformat()
    assert document["action"] == "alert:read" and document["outcome"] == "allowed"
    assert document["alerts"] == [{"id": f"A{0:025d}", "version": 1, "state": "DE"}]
    assert (document["user"], document["member_state"], document["purpose"]) == (
        "officer-1",
        "DE",
        "sirene",
    )
    assert answer.items[0].leaf_hash == leaf_hash(first.data)


def test_time_never_runs_backwards_in_the_log(file_log: AuditLog, clock: FixedClock) -> None:
    file_log.record(entry(0))
    clock.advance(seconds=-30)
    file_log.record(entry(1))
    times = [r["at"] for r in records(file_log)]
    assert times[0] == times[1]


def test_heads_are_signed_while_records_arrive_at_least_every_minute(
    file_log: AuditLog, clock: FixedClock
) -> None:
    file_log.record(entry(0))
    clock.advance(seconds=59, microseconds=999_999)
    file_log.record(entry(1))
    assert file_log.heads() == []
    clock.advance(microseconds=1)
    file_log.record(entry(2))  # the oldest unsigned record is 60 s old: signed now
    assert [h.size for h in file_log.heads()] == [3]
    clock.advance(seconds=10)
    file_log.record(entry(3))
    clock.advance(seconds=59)
    file_log.record(entry(4))
    assert [h.size for h in file_log.heads()] == [3]
    clock.advance(seconds=1)
    file_log.record(entry(5))
    assert [h.size for h in file_log.heads()] == [3, 6]
    assert verify(file_log.store, [PUBLIC_KEY]).ok


def test_concurrent_appends_are_group_committed_in_one_order(file_log: AuditLog) -> None:
    seqs: list[int] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        for n in range(25):
            got = file_log.append([entry(worker * 100 + n)])
            with lock:
                seqs.extend(got)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(200))
    file_log.checkpoint()
    report = verify(file_log.store, [PUBLIC_KEY])
    assert report.ok, report.findings
    assert report.size == report.records == 200


def test_two_processes_append_to_one_file(tmp_path: Path, clock: FixedClock) -> None:
    one = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    two = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER)
    for n in range(6):
        (one if n % 2 else two).record(entry(n))
        if n == 3:
            one.checkpoint()
    assert two.checkpoint() is not None
    assert [h.size for h in one.heads()] == [4, 6]
    assert verify(one.store, [PUBLIC_KEY]).ok
    one.close()
    two.close()


def test_a_failing_store_raises_audit_unavailable(tmp_path: Path, clock: FixedClock) -> None:
    store = SqliteAuditStore(tmp_path / "audit.db")
    log = AuditLog(store, clock=clock)
    log.record(entry(0))
    store._connection().execute("PRAGMA query_only = ON")
    with pytest.raises(AuditUnavailable) as refused:
        log.record(entry(1))
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)
    store._connection().execute("PRAGMA query_only = OFF")
    assert log.record(entry(1)) == 1  # the state is read again: no gap, no duplicate
    log.close()


# -- retention ---------------------------------------------------------------------------


@pytest.mark.parametrize("years", [1, 2, 3])
def test_retention_deletes_at_exactly_the_configured_age(
    tmp_path: Path, clock: FixedClock, years: int
) -> None:
    log = AuditLog(
        SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER, retention_years=years
    )
    born = clock()
    log.record(entry(0))  # exactly `years` old at `now`
    log.checkpoint()  # a head as old as the record shows how old it is
    clock.advance(US)
    log.record(entry(1))  # a microsecond younger
    log.checkpoint()
    now = born.replace(year=born.year + years)
    assert years_before(now, years) == born
    clock.set(now)

    report = log.apply_retention()

    assert (report.cutoff, report.deleted, report.below) == (born, 1, 1)
    left = log.query(RecordQuery(user="officer-1"))
    assert left is not None and [p.record.seq for p in left.items] == [1]
    retention = log.query(RecordQuery(user="limes-audit"))
    assert retention is not None
    (run,) = [p.record.document for p in retention.items]
    assert run["action"] == "audit.retention"
    assert run["query"] == {"below": 1, "cutoff": born.isoformat()}
    found = verify(log.store, [PUBLIC_KEY], retention_years=years)
    assert found.ok, found.findings
    assert (found.pruned_below, found.records, found.size) == (1, 2, 3)
    assert log.apply_retention().deleted == 0  # nothing due: nothing written
    assert log.size() == 3
    log.close()


def test_retention_keeps_old_heads_and_every_proof_verifiable(
    each_log: AuditLog, clock: FixedClock
) -> None:
    for n in range(10):
        each_log.record(entry(n))
        clock.advance(days=40)
        if n % 3 == 0:
            each_log.checkpoint()
    each_log.checkpoint()
    heads = each_log.heads()
    clock.advance(days=3 * 365 - 200)
    report = each_log.apply_retention()
    assert report.deleted > 0
    after = verify(each_log.store, [PUBLIC_KEY])
    assert after.ok, after.findings
    assert each_log.heads()[: len(heads)] == heads
    answer = each_log.query(RecordQuery(user="officer-1"))
    assert answer is not None and answer.items
    assert answer.items[0].record.seq == report.below
    for item in answer.items:
        root = root_from_inclusion(
            item.record.seq, answer.head.size, leaf_hash(item.record.data), item.audit_path
        )
        assert root == answer.head.root


def test_retention_cannot_be_imitated_by_deleting_records(
    file_log: AuditLog, tmp_path: Path
) -> None:
    file_log.append([entry(n) for n in range(4)])
    file_log.checkpoint()
    conn = tamper(tmp_path / "audit.db")
    conn.execute("DELETE FROM audit_records WHERE seq < 2")
    conn.execute("DELETE FROM audit_alerts WHERE seq < 2")
    conn.execute("INSERT INTO audit_retention VALUES (2, '2026-01-01', '2023-01-01')")
    conn.close()
    report = verify(file_log.store, [PUBLIC_KEY])
    assert [str(f) for f in report.findings] == [
        "record 0: is missing, and no retention run deleted it",
        "record 1: is missing, and no retention run deleted it",
    ]


# -- proofs for readers ------------------------------------------------------------------


def test_queries_answer_with_proofs_against_a_fresh_signed_head(
    each_log: AuditLog, clock: FixedClock
) -> None:
    for n in range(7):
        each_log.record(entry(n, user="officer-1" if n % 2 else "officer-2"))
    answer = each_log.query(RecordQuery(user="officer-1"))  # signs first
    assert answer is not None and answer.head.size == 7
    assert answer.head.verify(PUBLIC_KEY)
    assert [p.record.seq for p in answer.items] == [1, 3, 5]
    for item in answer.items:
        assert item.leaf_hash == leaf_hash(item.record.data)
        root = root_from_inclusion(item.record.seq, 7, item.leaf_hash, item.audit_path)
        assert root == answer.head.root
    by_alert = each_log.query(RecordQuery(alert_id=f"A{4:025d}"))
    assert by_alert is not None and [p.record.seq for p in by_alert.items] == [4]
    page = each_log.query(RecordQuery(user="officer-1", after=1, limit=1))
    assert page is not None and [p.record.seq for p in page.items] == [3]
    clock.advance(minutes=5)
    each_log.record(entry(8))
    since = each_log.query(RecordQuery(user="officer-1", since=clock()))
    assert since is not None and [p.record.seq for p in since.items] == [7]


def test_queries_see_only_what_concerns_the_readers_state(each_log: AuditLog) -> None:
    each_log.record(entry(0, user="officer-1", state="DE"))  # DE reads a DE alert
    each_log.record(entry(0, user="agent-1", state="FR"))  # FR reads the same DE alert
    alert = f"A{0:025d}"
    de = each_log.query(RecordQuery(alert_id=alert, state="DE"))
    fr = each_log.query(RecordQuery(alert_id=alert, state="FR"))
    it = each_log.query(RecordQuery(alert_id=alert, state="IT"))
    assert de is not None and [p.record.seq for p in de.items] == [0, 1]  # DE issued it
    assert fr is not None and [p.record.seq for p in fr.items] == [1]  # FR's own users
    assert it is not None and it.items == ()


@pytest.mark.parametrize("days", [0, 1, 17, 49, 50, 80])
def test_retention_finds_the_cutoff_in_a_long_log(
    file_log: AuditLog, clock: FixedClock, days: int
) -> None:
    born = clock()
    for n in range(50):
        file_log.record(entry(n))
        file_log.checkpoint()
        clock.advance(days=1)
    clock.set(born.replace(year=born.year + 3) + timedelta(days=days))
    report = file_log.apply_retention()
    assert report.deleted == min(days + 1, 50) and report.below == min(days + 1, 50)
    assert verify(file_log.store, [PUBLIC_KEY]).ok
