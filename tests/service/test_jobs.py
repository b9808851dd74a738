"""The periodic jobs: one named list, built by ``bootstrap.build``, run by ``JobRunner``."""

from __future__ import annotations

import threading
import time

from tests.audit.conftest import SIGNER
from tests.conftest import FixedClock, built, make_ctx
from tests.factories import PERSON, content

from limes.audit.log import AuditLog
from limes.audit.sqlite import SqliteAuditStore
from limes.service.jobs import Job, JobRunner
from limes.store.port import Store

NAMES = [
    "expiry",
    "multiple-identity links",
    "account sweep",
    "read ledger pruning",
    "audit checkpoint",
    "audit witness",
    "audit retention",
    "SIRENE escalation",
    "identity link escalation",
    "subject request escalation",
    "completeness digest",
]


def test_build_assembles_the_named_jobs_in_order_and_each_runs(
    store: Store, clock: FixedClock
) -> None:
    signing = AuditLog(SqliteAuditStore(":memory:"), clock=clock, signer=SIGNER)
    app = built(store, clock, audit=signing, expiry_interval_seconds=30)
    assert [job.name for job in app.jobs] == NAMES
    assert {job.interval for job in app.jobs if job.name != "completeness digest"} == {30}
    # on an empty installation every job runs and has nothing to tell
    assert [job.run() for job in app.jobs] == [None] * len(NAMES)


def test_the_expiry_job_tells_what_it_expired(store: Store, clock: FixedClock) -> None:
    app = built(store, clock)
    issued = app.alerts.issue(make_ctx("DE"), content(PERSON)).alert
    clock.set(issued.expires_at)
    expiry = next(job for job in app.jobs if job.name == "expiry")
    told = expiry.run()
    assert told is not None and "1 alerts expired" in told


class _Counted:
    """A job body that fails its first run and counts the others."""

    def __init__(self, fail_first: bool) -> None:
        self.runs = 0
        self.fail_first = fail_first

    def __call__(self) -> str | None:
        self.runs += 1
        if self.fail_first and self.runs == 1:
            raise RuntimeError("database unavailable")
        return "done" if self.runs == 2 else None


def test_the_runner_outlives_a_failed_job_runs_every_job_and_stops() -> None:
    failing, steady = _Counted(fail_first=True), _Counted(fail_first=False)
    told: list[str] = []
    runner = JobRunner([Job("first", 0.01, failing), Job("second", 0.01, steady)], told.append)
    runner.start()
    deadline = time.monotonic() + 5
    while min(failing.runs, steady.runs) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.stop()
    assert failing.runs >= 3 and steady.runs >= 3
    assert not runner.running
    assert "first: run failed: RuntimeError('database unavailable')" in told
    assert "first: done" in told and "second: done" in told


def test_a_job_runs_at_its_own_interval() -> None:
    often, seldom = _Counted(fail_first=False), _Counted(fail_first=False)
    runner = JobRunner([Job("often", 0.01, often), Job("seldom", 3600, seldom)], lambda _: None)
    runner.start()
    deadline = time.monotonic() + 5
    while often.runs < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.stop()
    assert often.runs >= 5 and seldom.runs == 1
    assert not [t for t in threading.enumerate() if t.name == "limes-jobs"]


def test_a_runner_without_jobs_waits_and_stops() -> None:
    runner = JobRunner([], lambda _: None)
    runner.start()
    runner.stop()
    assert not runner.running
