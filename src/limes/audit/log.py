"""The audit log: append-only, Merkle-checkpointed, signed, kept for a fixed time.

**No action without its record.** The log lives apart from the alerts (its own SQLite
file, or its own PostgreSQL schema), so a record cannot commit in the same
transaction as the action it records: SQLite cannot commit atomically across two
files in WAL mode. Limes therefore audits *ahead*: the record of an attempt is
appended and durably committed **before** the action's own transaction starts (for a
read: before the data leaves the service), and an outcome record follows it. If the
append fails, the action does not happen and the caller gets ``AuditUnavailable``.
A crash between the two leaves an ``attempted`` record without an outcome: the log
may then say that something was tried which did not happen, never the reverse.
``limes.audit.trail`` applies this to every use case.

**Appends** are group-committed: concurrent callers queue their entries, one of them
writes the whole queue in one transaction (one fsync) and every caller learns its
``seq`` (``append``), or queue them and get their ``seq`` in a future once committed
(``append_later``, the hot routes' reads: the answer waits for it on the event loop
instead of in a thread). The writer reads the tree's size in that transaction, so several processes
(``limes serve`` and a CLI command) can append to the same log. With a ``relay`` the
batch goes to the audit writer process instead (``limes.audit``'s docstring). Times
are the log's clock, never earlier than the record before (retention cuts a prefix).

**Tree heads** (``heads.py``) are signed by ``checkpoint``: on demand, by the server's
periodic job, and during appends once the oldest unsigned record is
``checkpoint_every`` old, so that no record waits longer than that for a signature
while records arrive.

**Time** is the writer's clock, never a time read from the store: a record or head
is never dated after the last record when that record lies more than
``MAX_CLOCK_SKEW`` beyond the clock. Such a record was written by hand (or a clock is
wrong), and following it would let a forged record push signed heads into the future;
the log then refuses to write (``AuditUnavailable``) until someone looks.

**Retention**: ``apply_retention()`` deletes the records at least ``retention_years``
old at the log's time, and only those under a signed head that is itself dated at or
before the cutoff: a head's time bounds the time of every record under it, so that
head proves to ``verify`` that everything deleted was old enough. The run is a record
naming its horizon and cutoff, signed over by a new head before anything is deleted,
in the same transaction. Leaf hashes, the tree's nodes and every signed head stay, so
``verify`` still recomputes every root. Records therefore go at most one checkpoint
interval after their time, never before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from limes.audit.heads import Signer, TreeHead
from limes.audit.merkle import Frontier, consistency_proof, inclusion_path, leaf_hash
from limes.audit.record import SYSTEM, Entry, Outcome, StoredRecord, canonical, iso
from limes.audit.relay import WriterAbsent, WriterRelay
from limes.audit.store import AuditStore, AuditTx, RecordQuery, RecordRow
from limes.clock import Clock, utc_now
from limes.errors import LimesError
from limes.group_commit import GroupCommit, when_done

log = logging.getLogger("limes.audit")

CHECKPOINT_EVERY = timedelta(seconds=60)
MAX_CLOCK_SKEW = timedelta(minutes=5)


class AuditUnavailable(LimesError):
    """The audit log could not write a record, so the action it was for did not happen."""

    slug = "audit-unavailable"
    title = "The action cannot be recorded, so it was not carried out"


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass(slots=True)
class _State:
    """What the writer knows of the stored tree (reloaded whenever another writer moved it)."""

    frontier: Frontier
    last_at: datetime | None
    head_size: int
    unsigned_since: datetime | None


@dataclass(frozen=True, slots=True)
class Proved:
    """A record with its inclusion proof against ``head``."""

    record: StoredRecord
    leaf_hash: bytes
    audit_path: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """Records and their proofs, all against one signed head."""

    head: TreeHead
    items: tuple[Proved, ...]


@dataclass(frozen=True, slots=True)
class RetentionReport:
    cutoff: datetime
    deleted: int
    below: int


class _CachedNodes:
    """A ``NodeSource`` over one transaction, remembering what it read (proofs share nodes)."""

    def __init__(self, tx: AuditTx) -> None:
        self._tx = tx
        self._seen: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._seen:
            self._seen[key] = self._tx.node(level, index)
        return self._seen[key]


class AuditLog:
    def __init__(
        self,
        store: AuditStore,
        *,
        clock: Clock = utc_now,
        signer: Signer | None = None,
        retention_years: int = 3,
        checkpoint_every: timedelta = CHECKPOINT_EVERY,
        relay: WriterRelay | None = None,
    ) -> None:
        """``signer`` None: no head is ever signed (tests that look at records only).
        ``relay``: appends go to the audit writer process through it (``writer.py``)."""
        if not 1 <= retention_years <= 3:
            raise ValueError("audit records are kept 1 to 3 years")
        self.store = store
        self.clock = clock
        self.signer = signer
        self.retention_years = retention_years
        self.checkpoint_every = checkpoint_every
        # concurrent appends share one transaction; checkpoints and retention take turns
        self._commits: GroupCommit[Sequence[Entry], list[int]] = GroupCommit(self._drain)
        self._state: _State | None = None
        self._signing_failed = False
        self.relay = relay
        self._writer_absent = False

    # -- the writer ----------------------------------------------------------------------

    def _exclusive(self) -> AbstractContextManager[None]:
        """Be the one writer of this process (appenders queue meanwhile)."""
        return self._commits.exclusive()

    def _current(self, tx: AuditTx) -> _State:
        """The cached state if the store still agrees with it, else the store's."""
        size = tx.size()
        head = tx.latest_head()
        head_size = head.size if head else 0
        state = self._state
        if state is not None and state.frontier.size == size and state.head_size == head_size:
            return state
        frontier = Frontier.load(size, tx)
        unsigned = tx.record_at(head_size) if size > head_size else None
        if size > head_size and unsigned is None:
            unsigned = self.clock()
        return _State(frontier, tx.last_at(), head_size, unsigned)

    def _now(self, state: _State) -> datetime:
        """The time to date a record or head with: the clock's, or the last record's if
        the clock is a little behind it; refused if that record lies far ahead of it."""
        now = self.clock()
        if state.last_at is None or now >= state.last_at:
            return now
        if state.last_at - now > MAX_CLOCK_SKEW:
            raise AuditUnavailable(
                f"the audit log's last record is dated {iso(state.last_at)}, later than this "
                f"clock ({iso(now)}): it was written by hand or a clock is wrong; nothing is "
                "written or signed after it"
            )
        return state.last_at

    def _write(
        self, tx: AuditTx, state: _State, entries: Sequence[Entry]
    ) -> tuple[_State, list[int]]:
        """Append ``entries`` in ``tx``; the new state (kept only if ``tx`` commits)."""
        frontier = state.frontier.copy()
        at = self._now(state)
        rows, nodes, seqs = [], [], []
        for entry in entries:
            seq = frontier.size
            document = entry.document(seq, at)
            data = canonical(document)
            nodes += frontier.append(leaf_hash(data))
            alerts: dict[str, str | None] = {}
            for ref in entry.alerts:
                alerts.setdefault(ref.id, ref.state)
            rows.append(
                RecordRow(
                    seq,
                    at,
                    entry.action,
                    entry.actor.user_id,
                    entry.actor.member_state,
                    data,
                    tuple(alerts.items()),
                    entry.attempt,
                )
            )
            seqs.append(seq)
        tx.insert_records(rows)
        tx.insert_nodes(nodes)
        unsigned = state.unsigned_since
        if unsigned is None and entries:
            unsigned = at
        new = _State(frontier, at, state.head_size, unsigned)
        if (
            self.signer is not None
            and unsigned is not None
            and at - unsigned >= self.checkpoint_every
        ):
            new = self._sign_in(tx, new, at, quiet=True)
        return new, seqs

    def _sign_in(self, tx: AuditTx, state: _State, at: datetime, *, quiet: bool) -> _State:
        """Sign a head for everything in ``state`` (``quiet``: a failure is logged, not raised)."""
        if self.signer is None:
            raise AuditUnavailable("this audit log has no signing key; it cannot sign tree heads")
        try:
            head = self.signer.sign(state.frontier.size, at, state.frontier.root())
        except Exception:
            if not quiet:
                raise
            if not self._signing_failed:
                log.exception("the audit log cannot sign tree heads; records are kept unsigned")
            self._signing_failed = True
            return state
        self._signing_failed = False
        tx.insert_head(head)
        return _State(state.frontier, state.last_at, head.size, None)

    def _drain(self, batches: Sequence[Sequence[Entry]]) -> list[list[int]]:
        """The callers' entries appended in one transaction (or one hand-over to the
        writer); each caller's ``seq``s."""
        entries = [e for batch in batches for e in batch]
        try:
            seqs = self._relayed(entries)
            if seqs is None:
                with self.store.write() as tx:
                    new, seqs = self._write(tx, self._current(tx), entries)
                self._state = new
        except BaseException:
            self._state = None  # whatever the store holds now, read it again next time
            raise
        answers, position = [], 0
        for batch in batches:
            answers.append(seqs[position : position + len(batch)])
            position += len(batch)
        return answers

    def _relayed(self, entries: Sequence[Entry]) -> list[int] | None:
        """Their ``seq`` once the audit writer has appended them; None if no writer
        listens (nothing was sent, so this process writes them itself)."""
        if self.relay is None:
            return None
        try:
            seqs = self.relay.append(entries)
        except WriterAbsent as exc:
            if not self._writer_absent:
                log.warning("%s; appending directly until it is back", exc)
            self._writer_absent = True
            return None
        self._writer_absent = False
        return seqs

    def append(self, entries: Sequence[Entry]) -> list[int]:
        """Write ``entries`` durably, in order; return their ``seq``.

        Raises ``AuditUnavailable`` (the cause chained) if they could not be written:
        then none of them was.
        """
        if not entries:
            return []
        try:
            return self._commits.submit(entries)
        except BaseException as exc:
            log.error("audit append failed: %r", exc)
            raise AuditUnavailable("the audit log cannot record the action") from exc

    def append_later(self, entries: Sequence[Entry]) -> Future[list[int]]:
        """``append`` without waiting: queued for the next commit (by this process's
        committer thread, ``GroupCommit.enqueue``); the future gets their ``seq`` once
        they are durable, or ``AuditUnavailable`` if they could not be written."""
        if not entries:
            return when_done([], lambda _: [])
        committed = self._commits.enqueue(entries)

        def settled(failed: BaseException | None) -> list[int]:
            if failed is not None:
                log.error("audit append failed: %r", failed)
                raise AuditUnavailable("the audit log cannot record the action") from failed
            return committed.result()

        return when_done([committed], settled)

    def record(self, entry: Entry) -> int:
        """``append`` of one entry."""
        return self.append([entry])[0]

    # -- tree heads ----------------------------------------------------------------------

    def checkpoint(self) -> TreeHead | None:
        """Sign a tree head for every record so far, if any arrived since the last head.

        Returns the new head, or None when there was nothing new to sign. The server's
        periodic job calls it, and so does every query of the records.
        """
        with self._exclusive():
            try:
                with self.store.write() as tx:
                    state = self._current(tx)
                    if state.frontier.size == state.head_size:
                        self._state = state
                        return None
                    new = self._sign_in(tx, state, self._now(state), quiet=False)
                    head = tx.latest_head()
            except BaseException:
                self._state = None
                raise
            self._state = new
            return head

    def check_signer(self) -> None:
        """Refuse to start (``KeyFileError``) without a sound signing key (``limes serve``)."""
        if self.signer is None:
            raise AuditUnavailable("this audit log has no signing key")
        self.signer.public_key()

    def latest_head(self) -> TreeHead | None:
        with self.store.read() as tx:
            return tx.latest_head()

    def heads(self) -> list[TreeHead]:
        with self.store.read() as tx:
            return tx.heads()

    def heads_after(self, size: int, limit: int) -> list[TreeHead]:
        """The signed heads larger than ``size``, smallest first, at most ``limit``."""
        with self.store.read() as tx:
            return tx.heads_after(size, limit)

    def size(self) -> int:
        with self.store.read() as tx:
            return tx.size()

    def consistency(self, first: int, second: int) -> list[bytes]:
        """The RFC 9162 consistency proof between two sizes of this log."""
        with self.store.read() as tx:
            return consistency_proof(_CachedNodes(tx), first, second)

    # -- retention -----------------------------------------------------------------------

    def apply_retention(self) -> RetentionReport:
        """Delete the records ``retention_years`` old or older at the log's time.

        A record whose time is exactly the cutoff is deleted once a signed head dated at
        or before the cutoff covers it (see the module docstring); one a microsecond
        younger is kept. Nothing is written when nothing is due.
        """
        if self.signer is None:
            raise AuditUnavailable("without a signing key no retention run can be proved")
        key = self.signer.public_key()
        with self._exclusive():
            try:
                with self.store.write(retention=True) as tx:
                    state = self._current(tx)
                    now = self._now(state)
                    cutoff = years_before(now, self.retention_years)
                    horizon = tx.retention_below()
                    below = _provably_old(tx, key, cutoff, horizon, state.frontier.size)
                    if below <= horizon:
                        self._state = state
                        return RetentionReport(cutoff, 0, horizon)
                    entry = Entry(
                        action="audit.retention",
                        outcome=Outcome.ALLOWED,
                        actor=SYSTEM,
                        purpose="operations",
                        query={"cutoff": iso(cutoff), "below": below},
                        reason=f"records kept {self.retention_years} years",
                    )
                    new, _ = self._write(tx, state, [entry])
                    if new.head_size < new.frontier.size:  # not signed by _write already
                        new = self._sign_in(tx, new, new.last_at or now, quiet=False)
                    deleted = tx.prune(below, new.last_at or now, cutoff)
            except BaseException:
                self._state = None
                raise
            self._state = new
        log.info("audit retention: %d records before %s deleted", deleted, iso(cutoff))
        return RetentionReport(cutoff, deleted, below)

    # -- reading, with proofs ------------------------------------------------------------

    def query(self, q: RecordQuery) -> Answer | None:
        """Records as ``q`` selects them, each with its inclusion proof.

        Everything recorded so far is signed first (``checkpoint``), so the answer is
        complete up to now; records are then taken below the latest head only, and
        each carries its audit path to that head. None if no head exists (no record).
        """
        if self.signer is not None:
            self.checkpoint()
        with self.store.read() as tx:
            head = tx.latest_head()
            if head is None:
                return None
            found = tx.query(replace(q, below=head.size))
            nodes = _CachedNodes(tx)
            items = tuple(
                Proved(
                    r,
                    leaf_hash(r.data),
                    tuple(inclusion_path(nodes, r.seq, head.size)),
                )
                for r in found
            )
        return Answer(head, items)

    def close(self) -> None:
        if self.relay is not None:
            self.relay.close()
        self.store.close()


def _provably_old(
    tx: AuditTx, key: Ed25519PublicKey, cutoff: datetime, horizon: int, size: int
) -> int:
    """The records below this are at or before ``cutoff`` and under a signed head that
    shows it (one dated at or before ``cutoff``, checked with ``key``)."""
    last = _last_at_or_before(tx, cutoff, horizon, size)
    head = tx.latest_head_at_or_before(cutoff)
    if last is None or head is None:
        return horizon
    if not head.verify(key):
        raise AuditUnavailable(
            f"the signed head at size {head.size} does not verify with this log's key; "
            "nothing is deleted on its word"
        )
    return min(last + 1, head.size)


def _last_at_or_before(tx: AuditTx, cutoff: datetime, first: int, size: int) -> int | None:
    """The last ``seq`` in ``[first, size)`` whose time is at or before ``cutoff``, if any.

    Times never decrease along the log (``_write``), so a binary search over the primary
    key finds it in O(log n) look-ups, without an index on time; the common answer,
    "nothing is due", costs one.
    """
    oldest = tx.record_at(first) if first < size else None
    if oldest is None or oldest > cutoff:
        return None
    low, high = first, size - 1
    while low < high:
        middle = (low + high + 1) // 2
        at = tx.record_at(middle)
        if at is not None and at <= cutoff:
            low = middle
        else:
            high = middle - 1
    return low
