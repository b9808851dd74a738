"""Issue 11, findings 4 and 5: an insider who can write the audit log's storage.

Finding 4: an unsigned ``audit.retention`` record appended by hand, and the records
under its ``below`` deleted although they are minutes old, must fail ``verify``, with
and without a trusted head, before and after a running server signs over it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tests.audit.conftest import PUBLIC_KEY, SIGNER, entry, tamper
from tests.conftest import FixedClock

from limes.audit.log import AuditLog, AuditUnavailable, years_before
from limes.audit.record import SYSTEM, Entry, Outcome, iso
from limes.audit.sqlite import SqliteAuditStore
from limes.audit.verify import verify

DAY = timedelta(days=1)


def _forge_retention(log: AuditLog, path: Path, below: int) -> None:
    """What the insider does: a retention record as the job writes it, with the right
    leaf hash and nodes but no signed head over it, its horizon row, and the deletion."""
    at = log.clock()
    log.record(
        Entry(
            action="audit.retention",
            outcome=Outcome.ALLOWED,
            actor=SYSTEM,
            purpose="operations",
            query={"cutoff": iso(years_before(at, 3)), "below": below},
            reason="records kept 3 years",
        )
    )
    conn = tamper(path)
    conn.execute(
        "INSERT INTO audit_retention VALUES (?, ?, ?)", (below, iso(at), iso(years_before(at, 3)))
    )
    conn.execute("DELETE FROM audit_alerts WHERE seq < ?", (below,))
    conn.execute("DELETE FROM audit_records WHERE seq < ?", (below,))
    conn.close()


@pytest.fixture
def minutes_old(tmp_path: Path, clock: FixedClock) -> AuditLog:
    """Six records, minutes old, under a signed head; signing only on demand."""
    log = AuditLog(
        SqliteAuditStore(tmp_path / "audit.db"),
        clock=clock,
        signer=SIGNER,
        checkpoint_every=DAY,
    )
    for n in range(6):
        log.record(entry(n))
        clock.advance(minutes=1)
    log.checkpoint()
    clock.advance(minutes=5)
    return log


@pytest.mark.parametrize("signed_over", [False, True], ids=["unsigned", "server-signed-over"])
@pytest.mark.parametrize("with_trusted", [False, True], ids=["no-trusted-head", "trusted-head"])
def test_a_forged_retention_record_does_not_excuse_deleted_records(
    minutes_old: AuditLog, tmp_path: Path, signed_over: bool, with_trusted: bool
) -> None:
    trusted = minutes_old.latest_head()
    assert trusted is not None and trusted.size == 6
    _forge_retention(minutes_old, tmp_path / "audit.db", below=4)
    if signed_over:
        assert minutes_old.checkpoint() is not None  # the running server's periodic job
    report = verify(minutes_old.store, [PUBLIC_KEY], [trusted] if with_trusted else [])
    assert not report.ok
    assert [str(f) for f in report.findings] == [
        f"record {n}: is missing, and no retention run deleted it" for n in range(4)
    ]
    minutes_old.close()


def test_a_retention_record_dated_years_ahead_is_not_signed_over(
    minutes_old: AuditLog, tmp_path: Path, clock: FixedClock
) -> None:
    """The insider dates the forged run three years ahead, so that its cutoff falls after
    the records it names: the server must not follow the log's time into the future."""
    ahead = FixedClock(clock() + timedelta(days=3 * 366))
    forger = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=ahead, signer=None)
    _forge_retention(forger, tmp_path / "audit.db", below=6)
    forger.close()
    with pytest.raises(AuditUnavailable, match="later than this clock"):
        minutes_old.checkpoint()
    with pytest.raises(AuditUnavailable):
        minutes_old.record(entry(7))
    found = {str(f) for f in verify(minutes_old.store, [PUBLIC_KEY], now=clock()).findings}
    assert {f"record {n}: is missing, and no retention run deleted it" for n in range(6)} <= found
    assert "record 6: is dated after the verifier's clock" in found
    minutes_old.close()


def test_retention_deletes_only_what_a_signed_head_older_than_the_cutoff_covers(
    tmp_path: Path, clock: FixedClock
) -> None:
    log = AuditLog(
        SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER, checkpoint_every=DAY
    )
    born = clock()
    log.append([entry(0), entry(1)])
    clock.advance(minutes=2)
    log.checkpoint()  # covers records 0 and 1, signed two minutes after them
    clock.advance(minutes=2)
    log.record(entry(2))
    clock.advance(minutes=2)
    log.checkpoint()
    # the records are three years old, the head over them not yet: nothing goes
    clock.set(born.replace(year=born.year + 3))
    assert log.apply_retention().deleted == 0
    clock.advance(minutes=3)
    report = log.apply_retention()
    assert (report.deleted, report.below) == (2, 2)
    head = log.latest_head()
    assert head is not None and head.size == log.size()  # the run itself is under a head
    found = verify(log.store, [PUBLIC_KEY], now=clock())
    assert found.ok, found.findings
    assert found.pruned_below == 2
    assert verify(log.store, [PUBLIC_KEY], retention_years=1).ok  # kept longer: fine
    log.close()


def test_verify_holds_retention_runs_to_the_period_it_is_given(
    tmp_path: Path, clock: FixedClock
) -> None:
    log = AuditLog(
        SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=SIGNER, retention_years=1
    )
    born = clock()
    log.record(entry(0))
    log.checkpoint()
    clock.set(born.replace(year=born.year + 1))
    log.record(entry(1))
    assert log.apply_retention().deleted == 1
    assert verify(log.store, [PUBLIC_KEY], retention_years=1).ok
    found = [str(f) for f in verify(log.store, [PUBLIC_KEY], retention_years=3).findings]
    assert found == ["record 0: is missing, and no retention run deleted it"]
    log.close()


def test_retention_without_a_signing_key_deletes_nothing(tmp_path: Path, clock: FixedClock) -> None:
    log = AuditLog(SqliteAuditStore(tmp_path / "audit.db"), clock=clock, signer=None)
    born = clock()
    log.record(entry(0))
    clock.set(born.replace(year=born.year + 4))
    with pytest.raises(AuditUnavailable):
        log.apply_retention()
    assert log.size() == 1
    log.close()
