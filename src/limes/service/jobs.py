"""The periodic jobs the server runs beside serving, as one named list, and their runner.

``periodic_jobs`` is the list (``bootstrap.build`` assembles it, ``limes serve`` runs
it): alert expiry first, then the multiple-identity links, the account sweep, read
ledger pruning, the audit checkpoint, the witness publication, audit retention, SIRENE
escalation, that of overdue multiple-identity links and that of data-subject requests,
the completeness digest for national copies every ``DIGEST_EVERY`` intervals and, every
``LIMES_SEARCH_SNAPSHOT_SECONDS``, the search index snapshot's rewrite. Each acts as
``SYSTEM``, the operator of the central system, never as a member state.
``JobRunner`` runs them on one daemon thread: a failed run is reported and the
others go on, so one broken job never stops expiry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.service.accounts import AccountService
from limes.service.alerts import AlertService
from limes.service.reading import ReadGuard
from limes.service.sirene import SireneService

# The principal of the jobs the system runs itself (expiry, the change feed, escalation).
# It belongs to the operator of the central system, not to a member state: "EU".
SYSTEM = Context(
    Principal(
        "limes-scheduler",
        "EU",
        "operations",
        frozenset({Role.SYSTEM_OPERATOR}),
        purposes=frozenset({Purpose.OPERATIONS}),
    ),
    Purpose.OPERATIONS,
)


@dataclass(frozen=True, slots=True)
class Job:
    """One periodic job: ``run`` every ``interval`` seconds; what it returns, if a line
    of text, is worth telling the operator (None: nothing to tell)."""

    name: str
    interval: float
    run: Callable[[], str | None]


class AuditUpkeep(Protocol):
    """What the jobs ask of the audit log."""

    def checkpoint(self) -> object: ...

    def apply_retention(self) -> object: ...


class Escalating(Protocol):
    """A register whose overdue items the system escalates (data-subject requests, the
    multiple-identity links)."""

    def escalate(self, ctx: Context) -> object: ...


@dataclass(frozen=True, slots=True)
class JobParts:
    """The services the jobs act through (one argument rather than seven)."""

    alerts: AlertService
    accounts: AccountService
    reads: ReadGuard
    sirene: SireneService
    audit: AuditUpkeep
    publish_heads: Callable[[], object]
    link_identities: Callable[[], int] = lambda: 0
    rewrite_snapshot: Callable[[], str | None] | None = None
    """Rewrites the search index snapshot (``service/index_snapshot.py``); None: none kept."""
    snapshot_interval: float = 600.0
    subject_requests: Escalating | None = None
    identity_links: Escalating | None = None
    """Escalates the yellow links past their deadline (``service/identity_links.py``)."""
    sign_digest: Callable[[], str | None] | None = None
    """Signs the completeness digest of the alert set for national copies
    (``service/replication.py``); None where there is none (a copy)."""


DIGEST_EVERY = 20
"""A digest reads every alert: once every 20 job intervals (10 minutes at the default)."""


def _quietly(action: Callable[[], object]) -> Callable[[], str | None]:
    def run() -> None:
        action()

    return run


def periodic_jobs(parts: JobParts, interval: float) -> tuple[Job, ...]:
    """The server's periodic jobs, in the order they run, each every ``interval`` seconds."""

    def expire() -> str | None:
        report = parts.alerts.expire_due(SYSTEM)
        if report.expired or report.warned:
            return f"{report.expired} alerts expired, {report.warned} owners warned"
        return None

    def link() -> str | None:
        made = parts.link_identities()
        return f"{made} multiple-identity links to verify" if made else None

    snapshot = (
        (Job("search snapshot", parts.snapshot_interval, parts.rewrite_snapshot),)
        if parts.rewrite_snapshot is not None
        else ()
    )
    links, subject = parts.identity_links, parts.subject_requests
    more = (
        ()
        if links is None
        else (Job("identity link escalation", interval, _quietly(lambda: links.escalate(SYSTEM))),)
    ) + (
        ()
        if subject is None
        else (
            Job("subject request escalation", interval, _quietly(lambda: subject.escalate(SYSTEM))),
        )
    )
    digest = (
        (Job("completeness digest", interval * DIGEST_EVERY, parts.sign_digest),)
        if parts.sign_digest is not None
        else ()
    )
    return (
        Job("expiry", interval, expire),
        Job("multiple-identity links", interval, link),
        Job("account sweep", interval, _quietly(parts.accounts.sweep)),
        Job("read ledger pruning", interval, _quietly(parts.reads.prune)),
        Job("audit checkpoint", interval, _quietly(parts.audit.checkpoint)),
        Job("audit witness", interval, _quietly(parts.publish_heads)),
        Job("audit retention", interval, _quietly(parts.audit.apply_retention)),
        Job("SIRENE escalation", interval, _quietly(lambda: parts.sirene.escalate(SYSTEM))),
        *more,
        *digest,
        *snapshot,
    )


class JobRunner:
    """Runs ``jobs`` now and then each every its ``interval``, in list order, on a daemon
    thread; ``tell`` gets each job's lines as ``"<name>: <line>"``, failures included.

    ``stop`` ends it between runs and waits for it.
    """

    def __init__(self, jobs: Sequence[Job], tell: Callable[[str], None]) -> None:
        self.jobs = tuple(jobs)
        self.tell = tell
        self.runs = 0  # passes over the list that ran at least one job
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="limes-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run_one(self, job: Job) -> None:
        try:
            line = job.run()
        except Exception as exc:  # one failed job must not stop the others, nor the loop
            self.tell(f"{job.name}: run failed: {exc!r}")
        else:
            if line:
                self.tell(f"{job.name}: {line}")

    def _run(self) -> None:
        due = dict.fromkeys(range(len(self.jobs)), time.monotonic())
        while not self._stop.is_set():
            now = time.monotonic()
            ran = False
            for i, job in enumerate(self.jobs):
                if due[i] <= now:
                    self._run_one(job)
                    due[i] = now + job.interval
                    ran = True
            self.runs += ran
            wait = min(due.values(), default=now + 60.0) - time.monotonic()
            self._stop.wait(max(wait, 0.0))
